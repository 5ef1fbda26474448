import { createMemoryStorage, SimulatedClock } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import type { RoutingEngine } from '../engine/routing-engine.js';
import { type DispatchKit, disagreements, makeDispatch, T0 } from './dispatch-kit.js';

const A = 'acme';

/** Two queues every agent belongs to; `vip` only for agents with the `vip` skill. */
function defineQueues(engine: RoutingEngine): void {
  engine.defineQueue({ id: 'support', name: 'Support' });
  engine.defineQueue({ id: 'billing', name: 'Billing' });
  engine.defineQueue({ id: 'vip', skills: { vip: 1 } });
}

/**
 * ana, bo and chen (the one `vip` agent) connected in that order, so ana is idle longest;
 * ana holds a chat of `support` with two messages.
 */
async function setUp(kit: DispatchKit = makeDispatch({ define: defineQueues }), chenCapacity = 2) {
  await kit.connect('agt_ana');
  kit.clock.set(kit.clock.now() + 1000);
  await kit.connect('agt_bo');
  kit.clock.set(kit.clock.now() + 1000);
  await kit.connect('agt_chen', { skills: { vip: 5 }, capacity: { webchat: chenCapacity } });
  const chat = await kit.startChat({ topic: 'refund' });
  await kit.dispatcher.enqueue({
    tenantId: A,
    conversationId: chat.id,
    channel: 'webchat',
    queueId: 'support',
    attributes: { topic: 'refund' },
  });
  await kit.dispatcher.idle();
  expect(kit.offerOf(chat.id).agentId).toBe('agt_ana');
  await kit.dispatcher.accept(A, 'agt_ana', kit.offerOf(chat.id).reservationId);
  for (const [direction, text] of [
    ['inbound', 'my refund?'],
    ['outbound', 'passing you to billing'],
  ] as const) {
    await kit.hotline.conversations.appendMessage({
      tenantId: A,
      conversationId: chat.id,
      direction,
      author: direction === 'inbound' ? { kind: 'contact', id: chat.contactId } : { kind: 'agent', id: 'agt_ana' },
      content: { type: 'text', text },
    });
  }
  await kit.dispatcher.idle();
  return { kit, chat };
}

/** What a failed transfer must leave as it was. */
async function snapshot(kit: DispatchKit, conversationId: string) {
  const conversation = await kit.conversation(conversationId);
  return {
    conversation: { status: conversation.status, assigneeId: conversation.assigneeId, version: conversation.version },
    tasks: (await kit.taskRecords(conversationId)).map((t) => [t.id, t.status, t.version]),
    open: kit.engine.openTasks().map((t) => [t.id, t.status, t.agentId]),
    loads: ['agt_ana', 'agt_bo', 'agt_chen'].map((id) => kit.load(id)),
    notices: kit.notices.filter((n) => n.type !== 'stats').length,
  };
}

describe('ConversationDispatcher.transfer', () => {
  it('to a queue: the same conversation, history and attributes kept, waits there without the agent who sent it', async () => {
    const { kit, chat } = await setUp();
    await kit.dispatcher.transfer(A, 'agt_ana', chat.id, { queueId: 'billing' });
    await kit.dispatcher.idle();
    expect(kit.load('agt_ana')).toBe(0); // freed at once, no wrap-up
    // ana is the longest idle again but turned it down: bo gets it.
    const offer = kit.offerOf(chat.id);
    expect(offer).toMatchObject({ agentId: 'agt_bo', queueId: 'billing', attributes: { topic: 'refund' } });
    expect(await kit.conversation(chat.id)).toMatchObject({
      status: 'offered',
      offeredTo: 'agt_bo',
      queueId: 'billing',
    });
    expect(kit.history(chat.id)).toEqual([
      'enqueue:new>queued',
      'offer:queued>offered',
      'accept:offered>active',
      'transfer:active>queued',
      'offer:queued>offered',
    ]);
    const records = await kit.taskRecords(chat.id);
    expect(records.map((t) => [t.queueId, t.status, t.reason])).toEqual(
      expect.arrayContaining([
        ['support', 'canceled', 'transferred'],
        ['billing', 'reserved', undefined],
      ]),
    );
    await kit.dispatcher.accept(A, 'agt_bo', offer.reservationId);
    expect(await kit.conversation(chat.id)).toMatchObject({ status: 'active', assigneeId: 'agt_bo' });
    const messages = await kit.hotline.conversations.listMessages(A, chat.id);
    expect(messages.map((m) => m.content.type === 'text' && m.content.text)).toEqual([
      'my refund?',
      'passing you to billing',
    ]);
    const entries = await kit.storage.audit.list(A);
    expect(entries.map((e) => [e.action, e.actor.id, e.details])).toContainEqual([
      'conversation.transferred',
      'agt_ana',
      { fromAgentId: 'agt_ana', queueId: 'billing' },
    ]);
    expect(await disagreements(kit)).toEqual([]);
  });

  it('to a queue where only the sender could take it: it waits out the refusal cooldown, then comes back', async () => {
    const kit = makeDispatch({ define: defineQueues });
    const { chat } = await setUp(kit);
    await kit.dispatcher.setActivity(A, 'agt_bo', 'break');
    await kit.dispatcher.setActivity(A, 'agt_chen', 'break');
    await kit.dispatcher.transfer(A, 'agt_ana', chat.id, { queueId: 'billing' });
    await kit.dispatcher.idle();
    expect((await kit.conversation(chat.id)).status).toBe('queued');
    await kit.advance(299_000);
    expect((await kit.conversation(chat.id)).status).toBe('queued');
    await kit.advance(1000);
    expect(kit.offerOf(chat.id).agentId).toBe('agt_ana');
    expect(await disagreements(kit)).toEqual([]);
  });

  it('to an agent: offered to that agent only, who gets the whole conversation on accepting', async () => {
    const { kit, chat } = await setUp();
    // bo is idle longer than chen, yet chen is the one asked for.
    await kit.dispatcher.transfer(A, 'agt_ana', chat.id, { agentId: 'agt_chen' });
    await kit.dispatcher.idle();
    const offer = kit.offerOf(chat.id);
    expect(offer).toMatchObject({ agentId: 'agt_chen', queueId: 'support', attributes: { topic: 'refund' } });
    expect(await kit.conversation(chat.id)).toMatchObject({ status: 'offered', offeredTo: 'agt_chen' });
    expect(kit.history(chat.id).slice(3)).toEqual(['transfer:active>offered']);
    expect(kit.load('agt_ana')).toBe(0);
    await kit.dispatcher.accept(A, 'agt_chen', offer.reservationId);
    expect(await kit.conversation(chat.id)).toMatchObject({
      status: 'active',
      assigneeId: 'agt_chen',
      queueId: 'support',
    });
    expect(await kit.hotline.conversations.listMessages(A, chat.id)).toHaveLength(2);
    expect(await disagreements(kit)).toEqual([]);
  });

  it('to an agent outside the conversation’s queue: offered on a queue of theirs, back to the original one if refused', async () => {
    const kit = makeDispatch({
      define: (e) => {
        e.defineQueue({ id: 'support', skills: { support: 1 } });
        e.defineQueue({ id: 'vip', skills: { vip: 1 } });
      },
    });
    await kit.connect('agt_ana', { skills: { support: 5 } });
    kit.clock.set(kit.clock.now() + 1000);
    await kit.connect('agt_bo', { skills: { support: 5 } });
    await kit.connect('agt_vic', { skills: { vip: 5 } });
    const chat = await kit.enqueueChat();
    await kit.dispatcher.accept(A, 'agt_ana', kit.offerOf(chat.id).reservationId);
    await kit.dispatcher.transfer(A, 'agt_ana', chat.id, { agentId: 'agt_vic' });
    await kit.dispatcher.idle();
    expect(kit.offerOf(chat.id)).toMatchObject({ agentId: 'agt_vic', queueId: 'vip' });
    await kit.dispatcher.reject(A, 'agt_vic', kit.offerOf(chat.id).reservationId);
    await kit.dispatcher.idle();
    expect(kit.offerOf(chat.id)).toMatchObject({ agentId: 'agt_bo', queueId: 'support' });
    expect(await disagreements(kit)).toEqual([]);
  });

  it('to an agent who refuses, misses the offer or goes away: back to the queue, to someone else', async () => {
    for (const how of ['reject', 'timeout', 'disconnect'] as const) {
      const { kit, chat } = await setUp();
      await kit.dispatcher.transfer(A, 'agt_ana', chat.id, { agentId: 'agt_chen' });
      await kit.dispatcher.idle();
      const offer = kit.offerOf(chat.id);
      if (how === 'reject') await kit.dispatcher.reject(A, 'agt_chen', offer.reservationId);
      else if (how === 'timeout') await kit.advance(120_000);
      else await kit.dispatcher.setConnected(A, 'agt_chen', false);
      await kit.dispatcher.idle();
      // Neither chen (who did not take it) nor ana (who sent it away): bo.
      expect(kit.offerOf(chat.id), how).toMatchObject({ agentId: 'agt_bo', queueId: 'support' });
      expect(
        kit.ended('agt_chen').map((e) => e.reason),
        how,
      ).toEqual([{ reject: 'rejected', timeout: 'timeout', disconnect: 'withdrawn' }[how]]);
      const records = await kit.taskRecords(chat.id);
      expect(
        records.filter((t) => t.status === 'canceled').map((t) => t.reason),
        how,
      ).toEqual(expect.arrayContaining(['transferred', 'transfer_declined']));
      expect(await disagreements(kit), how).toEqual([]);
    }
  });

  it('is FORBIDDEN to an agent who does not hold the conversation, and changes nothing', async () => {
    const { kit, chat } = await setUp();
    const before = await snapshot(kit, chat.id);
    await expect(kit.dispatcher.transfer(A, 'agt_bo', chat.id, { queueId: 'billing' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: { reason: 'not_assignee' },
    });
    await kit.dispatcher.idle();
    expect(await snapshot(kit, chat.id)).toEqual(before);
  });

  it('is CONFLICT to an agent who cannot take it now, NOT_FOUND to unknown targets, and changes nothing', async () => {
    const { kit, chat } = await setUp();
    await kit.addAgent('agt_dee'); // a record, never connected
    await kit.dispatcher.setActivity(A, 'agt_bo', 'break');
    await kit.dispatcher.setActivity(A, 'agt_chen', 'break');
    await kit.connect('agt_eve', { capacity: { webchat: 1 } });
    const evesChat = await kit.enqueueChat();
    await kit.dispatcher.accept(A, 'agt_eve', kit.offerOf(evesChat.id).reservationId);
    await kit.dispatcher.setActivity(A, 'agt_chen', 'lunch');
    await kit.dispatcher.setConnected(A, 'agt_bo', false);
    const before = await snapshot(kit, chat.id);
    const cases: [object, string, string | undefined][] = [
      [{ agentId: 'agt_dee' }, 'CONFLICT', 'agent_offline'],
      [{ agentId: 'agt_bo' }, 'CONFLICT', 'agent_offline'],
      [{ agentId: 'agt_chen' }, 'CONFLICT', 'agent_unavailable'],
      [{ agentId: 'agt_eve' }, 'CONFLICT', 'agent_at_capacity'],
      [{ agentId: 'agt_nobody' }, 'NOT_FOUND', undefined],
      [{ queueId: 'sales' }, 'NOT_FOUND', undefined],
    ];
    for (const [target, code, reason] of cases) {
      await expect(
        kit.dispatcher.transfer(A, 'agt_ana', chat.id, target as { agentId: string }),
        JSON.stringify(target),
      ).rejects.toMatchObject({ code, ...(reason ? { details: { reason } } : {}) });
    }
    await kit.dispatcher.idle();
    expect(await snapshot(kit, chat.id)).toEqual(before);
  });

  it('refuses bad input with VALIDATION_FAILED, and it changes nothing', async () => {
    const { kit, chat } = await setUp();
    const before = await snapshot(kit, chat.id);
    const bad: unknown[] = [
      undefined,
      {},
      { queueId: 'billing', agentId: 'agt_bo' },
      { queueId: 'bad queue' },
      { agentId: '' },
      { queueId: 'billing', extra: 1 },
      { agentId: 'agt_ana' }, // to itself
      'billing',
    ];
    for (const target of bad) {
      await expect(
        kit.dispatcher.transfer(A, 'agt_ana', chat.id, target as { queueId: string }),
        JSON.stringify(target),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    await expect(kit.dispatcher.transfer(A, 'agt ana', chat.id, { queueId: 'billing' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(kit.dispatcher.transfer(A, 'agt_ana', '', { queueId: 'billing' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await kit.dispatcher.idle();
    expect(await snapshot(kit, chat.id)).toEqual(before);
  });

  it('refuses a conversation in wrap-up (ILLEGAL_TRANSITION), and one of another tenant is NOT_FOUND', async () => {
    const { kit, chat } = await setUp();
    await kit.dispatcher.end(A, 'agt_ana', chat.id);
    await expect(kit.dispatcher.transfer(A, 'agt_ana', chat.id, { queueId: 'billing' })).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    });
    const other = makeDispatch({ tenantId: 'globex', storage: kit.storage, clock: kit.clock, define: defineQueues });
    await expect(other.dispatcher.transfer('globex', 'agt_ana', chat.id, { queueId: 'billing' })).rejects.toMatchObject(
      { code: 'NOT_FOUND' },
    );
  });

  it('survives a restart: with the agent who took it, waiting in the new queue, or back from a lapsed agent offer', async () => {
    const storage = createMemoryStorage({ clock: new SimulatedClock(T0) });
    const first = makeDispatch({ storage, define: defineQueues });
    const { dispatcher } = first;
    // chen (vip, one slot) takes a chat ana transfers to him.
    const { chat: taken } = await setUp(first, 1);
    await dispatcher.transfer(A, 'agt_ana', taken.id, { agentId: 'agt_chen' });
    await dispatcher.idle();
    await dispatcher.accept(A, 'agt_chen', first.offerOf(taken.id).reservationId);
    // bo transfers a chat to ana, who has not answered when the process dies.
    const offered = await first.enqueueChat();
    await dispatcher.accept(A, 'agt_bo', first.offerOf(offered.id).reservationId);
    await dispatcher.transfer(A, 'agt_bo', offered.id, { agentId: 'agt_ana' });
    // bo transfers another to the vip queue, whose one agent is full.
    const waiting = await first.enqueueChat();
    await dispatcher.accept(A, 'agt_bo', first.offerOf(waiting.id).reservationId);
    await dispatcher.transfer(A, 'agt_bo', waiting.id, { queueId: 'vip' });
    await dispatcher.idle();
    expect(first.offerOf(offered.id).agentId).toBe('agt_ana');
    expect((await first.conversation(waiting.id)).status).toBe('queued');
    expect(await disagreements(first)).toEqual([]);
    first.engine.stop();

    const second = makeDispatch({
      storage,
      clock: new SimulatedClock(T0 + 60_000),
      define: defineQueues,
      dispatcher: { restoreOnAttach: false },
    });
    const report = await second.dispatcher.restore(A);
    expect(report).toMatchObject({ adopted: [taken.id], skipped: [], staleTasks: [] });
    expect(report.requeued.sort()).toEqual([offered.id, waiting.id].sort());
    expect(await second.conversation(taken.id)).toMatchObject({ status: 'active', assigneeId: 'agt_chen' });
    expect(second.engine.getAgent('agt_chen').load.webchat).toBe(1);
    expect(await second.conversation(waiting.id)).toMatchObject({ status: 'queued', queueId: 'vip' });
    expect(await second.conversation(offered.id)).toMatchObject({ status: 'queued', queueId: 'support' });
    await second.dispatcher.setConnected(A, 'agt_ana', true);
    await second.dispatcher.idle();
    expect(second.offers('agt_ana').map((o) => o.conversationId)).toEqual([offered.id]);
    expect(await second.hotline.conversations.listMessages(A, taken.id)).toHaveLength(2);
    expect(await disagreements(second)).toEqual([]);
  });
});
