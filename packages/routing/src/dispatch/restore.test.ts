import { createMemoryStorage, SimulatedClock } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import { makeDispatch, T0 } from './dispatch-kit.js';
import { checkSecondProcess, runFirstProcess, startSecondProcess } from './restart-scenario.js';

const A = 'acme';

describe('ConversationDispatcher: restart', () => {
  it('restores queued work for offering and assigned work with its capacity (memory storage)', async () => {
    const storage = createMemoryStorage({ clock: new SimulatedClock(T0) });
    const chats = await runFirstProcess(storage);
    const second = startSecondProcess(storage);
    const report = await second.dispatcher.restore(A);
    expect(report).toEqual({
      tenantId: A,
      adopted: [chats.wrapUp, chats.active].sort(),
      requeued: [chats.offered, chats.queued],
      skipped: [],
      staleTasks: [],
    });
    await checkSecondProcess(second, chats);
  });

  it('restores on a tenant’s first use unless told not to', async () => {
    const storage = createMemoryStorage({ clock: new SimulatedClock(T0) });
    const chats = await runFirstProcess(storage);
    const second = startSecondProcess(storage, true);
    expect(second.dispatcher.isOpen(A)).toBe(false); // first use: the restore starts
    await second.dispatcher.idle();
    await checkSecondProcess(second, chats);
  });

  it('closes task records left open for work that is gone, and skips what it cannot route', async () => {
    const storage = createMemoryStorage({ clock: new SimulatedClock(T0) });
    const first = makeDispatch({ storage });
    const gone = await first.startChat();
    await first.hotline.conversations.apply(A, gone.id, { type: 'assign', agentId: 'agt_ana' });
    await first.hotline.conversations.apply(A, gone.id, { type: 'resolve' });
    // The process died between resolving and updating the task record: it still says `assigned`.
    const at = new Date(T0).toISOString();
    await storage.tasks.create({
      id: 'tsk_stale',
      tenantId: A,
      version: 1,
      createdAt: at,
      updatedAt: at,
      kind: 'conversation',
      channel: 'webchat',
      status: 'assigned',
      attributes: {},
      priority: 0,
      queueId: 'support',
      workflowStep: 0,
      conversationId: gone.id,
      agentId: 'agt_ana',
      enqueuedAt: at,
    });
    const lost = await first.startChat();
    await first.hotline.conversations.apply(A, lost.id, { type: 'enqueue', queueId: 'sales' });
    first.engine.stop();

    const errors: unknown[] = [];
    const second = makeDispatch({
      storage,
      clock: new SimulatedClock(T0 + 60_000),
      dispatcher: { restoreOnAttach: false, onError: (error) => errors.push(error) },
    });
    const report = await second.dispatcher.restore(A);
    expect(report.staleTasks).toEqual(['tsk_stale']);
    expect(await storage.tasks.get(A, 'tsk_stale')).toMatchObject({ status: 'canceled', reason: 'stale' });
    expect(report.skipped).toEqual([{ conversationId: lost.id, reason: expect.stringContaining('no route') }]);
    expect(report.requeued).toEqual([]);
    expect(second.engine.openTasks()).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED' })]);
  });

  it('gives restored waiting work its place before work that arrives later', async () => {
    const storage = createMemoryStorage({ clock: new SimulatedClock(T0) });
    const first = makeDispatch({ storage });
    const early = await first.enqueueChat();
    first.engine.stop();
    const second = makeDispatch({ storage, clock: new SimulatedClock(T0 + 60_000) });
    const late = await second.enqueueChat(); // the first use restores `early` before enqueueing `late`
    await second.connect('agt_ana', { capacity: { webchat: 1 } });
    expect(second.offers().map((o) => o.conversationId)).toEqual([early.id]);
    expect((await second.conversation(late.id)).status).toBe('queued');
  });
});
