import { statsSnapshotSchema } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import { makeDispatch } from './dispatch-kit.js';

const A = 'acme';

async function activeChat() {
  const kit = makeDispatch({
    define: (e) => {
      e.defineQueue({ id: 'support', name: 'Support' });
      e.defineQueue({ id: 'sales' });
    },
  });
  await kit.connect('agt_ana', { name: 'Ana', capacity: { webchat: 3, email: 2 } });
  const chat = await kit.enqueueChat();
  await kit.dispatcher.accept(A, 'agt_ana', kit.offerOf(chat.id).reservationId);
  await kit.dispatcher.idle();
  return { kit, chat };
}

describe('ConversationDispatcher.end with a wrap-up', () => {
  it('stores the disposition and notes on the conversation and audits them without the notes’ text', async () => {
    const { kit, chat } = await activeChat();
    await kit.dispatcher.end(A, 'agt_ana', chat.id, { disposition: 'refund_issued', notes: 'order 1182, card ****' });
    expect(await kit.conversation(chat.id)).toMatchObject({
      status: 'wrap_up',
      attributes: { disposition: 'refund_issued', wrapUpNotes: 'order 1182, card ****' },
    });
    const entry = (await kit.storage.audit.list(A)).find((e) => e.action === 'conversation.wrapped_up');
    expect(entry).toMatchObject({
      actor: { kind: 'agent', id: 'agt_ana' },
      resource: { type: 'conversation', id: chat.id },
      changes: { disposition: { to: 'refund_issued' } },
      details: { notesLength: 21 },
    });
    expect(JSON.stringify(entry)).not.toContain('1182');
    await kit.dispatcher.resolve(A, 'agt_ana', chat.id);
    expect((await kit.conversation(chat.id)).attributes['disposition']).toBe('refund_issued');
  });

  it('records a wrap-up for a conversation the customer already ended, and refuses a second plain end', async () => {
    const { kit, chat } = await activeChat();
    await kit.dispatcher.customerLeft(A, chat.id);
    expect((await kit.conversation(chat.id)).status).toBe('wrap_up');
    await kit.dispatcher.end(A, 'agt_ana', chat.id, { disposition: 'no_answer' });
    await kit.dispatcher.end(A, 'agt_ana', chat.id, { disposition: 'callback' });
    expect(await kit.conversation(chat.id)).toMatchObject({
      status: 'wrap_up',
      attributes: { disposition: 'callback' },
    });
    const changes = (await kit.storage.audit.list(A)).map((e) => e.changes?.['disposition']);
    expect(changes).toEqual([{ to: 'no_answer' }, { from: 'no_answer', to: 'callback' }]);
    await expect(kit.dispatcher.end(A, 'agt_ana', chat.id)).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    await expect(kit.dispatcher.end(A, 'agt_bo', chat.id, { disposition: 'x' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('refuses a bad wrap-up with VALIDATION_FAILED before anything changes', async () => {
    const { kit, chat } = await activeChat();
    const before = await kit.conversation(chat.id);
    const bad: unknown[] = [
      { disposition: '' },
      { disposition: 'x'.repeat(65) },
      { notes: 'x'.repeat(2001) },
      { disposition: 'ok', extra: true },
      { disposition: 7 },
      'sale',
    ];
    for (const wrapUp of bad) {
      await expect(
        kit.dispatcher.end(A, 'agt_ana', chat.id, wrapUp as { disposition: string }),
        JSON.stringify(wrapUp).slice(0, 40),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(await kit.conversation(chat.id)).toEqual(before);
    expect(await kit.storage.audit.list(A)).toEqual([]);
  });
});

describe('ConversationDispatcher.stats', () => {
  it('gives every queue with its name and every agent with what it holds', async () => {
    const { kit } = await activeChat();
    await kit.enqueueChat('sales');
    const stats = kit.dispatcher.stats(A);
    expect(statsSnapshotSchema.parse(stats)).toEqual(stats);
    expect(stats.at).toBe(kit.clock.now());
    expect(stats.queues.map((q) => [q.queueId, q.name, q.waiting, q.reserved])).toEqual([
      ['support', 'Support', 0, 0],
      ['sales', undefined, 0, 1],
    ]);
    expect(stats.queues[0]?.total).toMatchObject({ entered: 1, answered: 1 });
    expect(stats.agents).toEqual([
      { agentId: 'agt_ana', name: 'Ana', activity: 'available', presence: 'busy', active: 1, capacity: 5 },
    ]);
    expect(() => kit.dispatcher.stats('')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => kit.dispatcher.stats('globex')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('announces changes with one `stats` notice per tenant at most every 500 ms', async () => {
    const { kit } = await activeChat();
    await kit.advance(1000);
    const pulses = () => kit.notices.filter((n) => n.type === 'stats');
    const seen = pulses().length;
    expect(pulses().every((n) => n.tenantId === A)).toBe(true);
    await kit.enqueueChat();
    await kit.enqueueChat();
    await kit.dispatcher.setActivity(A, 'agt_ana', 'break');
    expect(pulses()).toHaveLength(seen); // not yet: coalesced on a timer
    await kit.advance(0);
    expect(pulses()).toHaveLength(seen + 1);
    await kit.dispatcher.setActivity(A, 'agt_ana', 'available');
    await kit.advance(499);
    expect(pulses()).toHaveLength(seen + 1);
    await kit.advance(1);
    expect(pulses()).toHaveLength(seen + 2);
    await kit.advance(5000); // nothing changed: nothing said
    expect(pulses()).toHaveLength(seen + 2);
    await kit.dispatcher.close();
    expect(kit.notices.filter((n) => n.type === 'stats')).toHaveLength(seen + 2);
  });
});
