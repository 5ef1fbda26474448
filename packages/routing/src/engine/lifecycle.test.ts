import { describe, expect, it } from 'vitest';
import { makeEngine } from './test-kit.js';

function setup(options: Parameters<typeof makeEngine>[0] = {}) {
  const kit = makeEngine(options);
  kit.engine.defineQueue({ id: 'support', skills: { support: 3 } });
  return kit;
}

describe('reservations and assignment', () => {
  it('offers a task to an eligible agent, assigns on accept and frees capacity on complete', () => {
    const { engine, take, ofType } = setup();
    engine.addAgent({ id: 'ana', skills: { support: 5 }, capacity: { voice: 1 }, activity: 'available' });
    engine.addAgent({ id: 'low', skills: { support: 2 }, capacity: { voice: 1 }, activity: 'available' });
    const task = engine.submit({ queueId: 'support', channel: 'voice' });
    expect(task.status).toBe('reserved');
    expect(task.reservations.map((r) => r.agentId)).toEqual(['ana']);
    expect(engine.getAgent('ana').load).toEqual({ voice: 1 });
    const assigned = take(task.id);
    expect(assigned).toMatchObject({ status: 'assigned', agentId: 'ana' });
    expect(engine.getAgent('ana').presence).toBe('busy');
    const second = engine.submit({ queueId: 'support', channel: 'voice' });
    expect(second.status).toBe('pending');
    engine.complete(task.id);
    expect(engine.getTask(task.id).status).toBe('completed');
    expect(engine.getTask(second.id).reservations[0]?.agentId).toBe('ana');
    expect(ofType('task.assigned')).toHaveLength(1);
  });

  it('keeps per-channel capacity: one call and three chats at once', () => {
    const { engine } = setup();
    engine.addAgent({ id: 'ana', skills: { support: 5 }, capacity: { voice: 1, webchat: 3 }, activity: 'available' });
    const chats = [1, 2, 3, 4].map(() => engine.submit({ queueId: 'support', channel: 'webchat' }));
    const call = engine.submit({ queueId: 'support', channel: 'voice' });
    expect(chats.map((c) => c.status)).toEqual(['reserved', 'reserved', 'reserved', 'pending']);
    expect(call.status).toBe('reserved');
    expect(engine.getAgent('ana').load).toEqual({ webchat: 3, voice: 1 });
  });

  it('supports a total-capacity model: one call or five chats', () => {
    const { engine } = setup();
    engine.addAgent({
      id: 'ana',
      skills: { support: 5 },
      totalCapacity: 100,
      channelCost: { voice: 100, webchat: 20 },
      activity: 'available',
    });
    const chat = engine.submit({ queueId: 'support', channel: 'webchat' });
    const call = engine.submit({ queueId: 'support', channel: 'voice' });
    expect(chat.status).toBe('reserved');
    expect(call.status).toBe('pending');
    const more = [1, 2, 3, 4, 5].map(() => engine.submit({ queueId: 'support', channel: 'webchat' }));
    expect(more.map((t) => t.status)).toEqual(['reserved', 'reserved', 'reserved', 'reserved', 'pending']);
  });

  it('re-routes a rejected task to someone else and does not ring the rejecting agent again', () => {
    const { engine, offerOf, clock } = setup();
    engine.addAgent({ id: 'ana', skills: { support: 5 }, capacity: { voice: 1 }, activity: 'available' });
    clock.set(clock.now() + 1000);
    engine.addAgent({ id: 'bo', skills: { support: 5 }, capacity: { voice: 1 }, activity: 'available' });
    const task = engine.submit({ queueId: 'support', channel: 'voice' });
    expect(offerOf(task.id).agentId).toBe('ana');
    engine.reject(offerOf(task.id).id);
    expect(offerOf(task.id).agentId).toBe('bo');
    engine.reject(offerOf(task.id).id);
    expect(engine.getTask(task.id).status).toBe('pending');
    expect(engine.explain(task.id).candidates.map((c) => c.reason)).toEqual(['refused_before', 'refused_before']);
    expect(engine.agentStats('ana').rejected).toBe(1);
  });

  it('offers again after the refusal cooldown', () => {
    const { engine, offerOf, clock } = setup({ refusalCooldownSeconds: 60 });
    engine.addAgent({ id: 'ana', skills: { support: 5 }, capacity: { voice: 1 }, activity: 'available' });
    const task = engine.submit({ queueId: 'support', channel: 'voice' });
    engine.reject(offerOf(task.id).id);
    clock.advanceSync(59_999);
    expect(engine.getTask(task.id).status).toBe('pending');
    clock.advanceSync(1);
    expect(offerOf(task.id).agentId).toBe('ana');
  });

  it('times out an offer, counts it as missed and can put the agent on break', () => {
    const { engine, offerOf, clock, ofType } = setup({ reservationTimeoutSeconds: 30, missedOfferActivity: 'break' });
    engine.addAgent({ id: 'ana', skills: { support: 5 }, capacity: { voice: 1 }, activity: 'available' });
    engine.addAgent({ id: 'bo', skills: { support: 5 }, capacity: { voice: 1 }, activity: 'available' });
    const task = engine.submit({ queueId: 'support', channel: 'voice' });
    const first = offerOf(task.id);
    clock.advanceSync(29_999);
    expect(engine.getTask(task.id).status).toBe('reserved');
    clock.advanceSync(1);
    expect(engine.getAgent(first.agentId)).toMatchObject({ activity: 'break', routable: false, presence: 'away' });
    expect(engine.agentStats(first.agentId).missed).toBe(1);
    expect(offerOf(task.id).agentId).not.toBe(first.agentId);
    expect(ofType('task.reservation_ended').map((e) => (e as { outcome?: string }).outcome)).toEqual(['timed_out']);
  });

  it('an agent going offline with a pending offer is never left reserved: the task moves on', () => {
    const { engine, offerOf } = setup();
    engine.addAgent({ id: 'ana', skills: { support: 5 }, capacity: { voice: 1 }, activity: 'available' });
    engine.addAgent({ id: 'bo', skills: { support: 5 }, capacity: { voice: 1 }, activity: 'offline' });
    const task = engine.submit({ queueId: 'support', channel: 'voice' });
    engine.setActivity('ana', 'offline');
    expect(engine.getAgent('ana')).toMatchObject({ reservationIds: [], load: {}, presence: 'offline' });
    expect(engine.getTask(task.id).status).toBe('pending');
    engine.setActivity('bo', 'available');
    expect(offerOf(task.id).agentId).toBe('bo');
    // Coming back does not steal the offer back.
    engine.setActivity('ana', 'available');
    expect(offerOf(task.id).agentId).toBe('bo');
  });

  it('drains the backlog the moment capacity frees up, best first', () => {
    const { engine, take } = setup();
    engine.addAgent({ id: 'ana', skills: { support: 5 }, capacity: { webchat: 1 }, activity: 'available' });
    const first = engine.submit({ queueId: 'support', channel: 'webchat' });
    const low = engine.submit({ queueId: 'support', channel: 'webchat', priority: 1 });
    const high = engine.submit({ queueId: 'support', channel: 'webchat', priority: 5 });
    take(first.id);
    engine.complete(first.id);
    expect(engine.getTask(high.id).status).toBe('reserved');
    expect(engine.getTask(low.id).status).toBe('pending');
  });

  it('wrap-up keeps the slot for the configured time, or until completed early', () => {
    const { engine, take, clock } = makeEngine();
    engine.defineQueue({ id: 'calls', wrapUpSeconds: 30 });
    engine.addAgent({ id: 'ana', capacity: { voice: 1 }, activity: 'available' });
    const a = engine.submit({ queueId: 'calls', channel: 'voice' });
    const b = engine.submit({ queueId: 'calls', channel: 'voice' });
    take(a.id);
    engine.complete(a.id);
    expect(engine.getTask(a.id).status).toBe('wrapping');
    expect(engine.getAgent('ana').presence).toBe('wrap_up');
    clock.advanceSync(30_000);
    expect(engine.getTask(a.id).status).toBe('completed');
    expect(engine.getTask(b.id).status).toBe('reserved');
    take(b.id);
    engine.complete(b.id);
    engine.completeWrapUp(b.id);
    expect(engine.getTask(b.id).status).toBe('completed');
    expect(engine.getAgent('ana').presence).toBe('available');
  });

  it('parallel offers: first accept wins, the others are withdrawn', () => {
    const { engine, ofType } = setup({ maxParallelOffers: 3 });
    for (const id of ['a', 'b', 'c', 'd'])
      engine.addAgent({ id, skills: { support: 5 }, capacity: { voice: 1 }, activity: 'available' });
    const task = engine.submit({ queueId: 'support', channel: 'voice' });
    expect(task.reservations.map((r) => r.agentId)).toEqual(['a', 'b', 'c']);
    const winner = task.reservations[1];
    engine.accept(winner?.id as string);
    expect(engine.getTask(task.id)).toMatchObject({ status: 'assigned', agentId: 'b', reservations: [] });
    expect(ofType('task.reservation_ended').map((e) => (e as { outcome?: string }).outcome)).toEqual([
      'withdrawn',
      'withdrawn',
    ]);
    expect(engine.getAgent('a').load).toEqual({});
    expect(() => engine.accept(task.reservations[0]?.id as string)).toThrow(
      expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }),
    );
  });

  it('cancel as abandoned frees offers and counts in abandonment', () => {
    const { engine } = setup();
    engine.addAgent({ id: 'ana', skills: { support: 5 }, capacity: { voice: 1 }, activity: 'available' });
    const offered = engine.submit({ queueId: 'support', channel: 'voice' });
    const waiting = engine.submit({ queueId: 'support', channel: 'voice' });
    engine.cancel(waiting.id, 'abandoned');
    engine.cancel(offered.id, 'abandoned');
    expect(engine.getAgent('ana').load).toEqual({});
    expect(engine.queueStats('support').total).toMatchObject({ abandoned: 2, abandonedInServiceLevel: 2, answered: 0 });
  });

  it('returns views that already show the outcome of the call', () => {
    const { engine } = setup();
    expect(
      engine.addAgent({ id: 'ana', skills: { support: 5 }, capacity: { voice: 1 }, activity: 'available' }).presence,
    ).toBe('available');
    expect(engine.setActivity('ana', 'break').presence).toBe('away');
  });

  it('agent filters that read agent.activity follow activity changes', () => {
    const { engine, offerOf } = makeEngine();
    engine.defineQueue({ id: 'q', expression: "agent.activity == 'available'" });
    engine.addAgent({ id: 'ana', capacity: { voice: 1 } });
    const task = engine.submit({ queueId: 'q', channel: 'voice' });
    engine.setActivity('ana', 'available');
    expect(offerOf(task.id).agentId).toBe('ana');
  });
});
