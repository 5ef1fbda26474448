import { describe, expect, it } from 'vitest';
import { makeEngine } from './test-kit.js';

function offeredAgent(kit: ReturnType<typeof makeEngine>, queueId: string, channel: 'voice' | 'webchat' = 'webchat') {
  const task = kit.engine.submit({ queueId, channel });
  return task.reservations[0]?.agentId;
}

describe('strategies', () => {
  it('longest idle: the agent idle longest, and idle agents before busy ones', () => {
    const kit = makeEngine();
    const { engine, clock, take } = kit;
    engine.defineQueue({ id: 'q' });
    engine.addAgent({ id: 'late', capacity: { webchat: 2 }, activity: 'available' });
    clock.set(clock.now() - 60_000);
    engine.addAgent({ id: 'early', capacity: { webchat: 2 }, activity: 'available' });
    clock.set(clock.now() + 120_000);
    const first = engine.submit({ queueId: 'q', channel: 'webchat' });
    expect(first.reservations[0]?.agentId).toBe('early');
    take(first.id);
    // 'early' still has room but is busy: the idle agent comes first.
    expect(offeredAgent(kit, 'q')).toBe('late');
  });

  it('least occupied: the lowest share of capacity in use', () => {
    const kit = makeEngine();
    const { engine, take } = kit;
    engine.defineQueue({ id: 'q', strategy: 'least_occupied' });
    engine.addAgent({ id: 'a', capacity: { webchat: 4 }, activity: 'available' });
    engine.addAgent({ id: 'b', capacity: { webchat: 2 }, activity: 'available' });
    const t1 = engine.submit({ queueId: 'q', channel: 'webchat' });
    expect(take(t1.id).agentId).toBe('a'); // a tie at 0 %: registration order
    // a holds 1/4 = 25 %, b 0 % → b; then b holds 1/2 = 50 % → a again.
    const t2 = engine.submit({ queueId: 'q', channel: 'webchat' });
    expect(take(t2.id).agentId).toBe('b');
    expect(offeredAgent(kit, 'q')).toBe('a');
  });

  it('round robin: the agent offered work from this queue least recently', () => {
    const kit = makeEngine();
    const { engine, clock, take } = kit;
    engine.defineQueue({ id: 'q', strategy: 'round_robin' });
    for (const id of ['a', 'b', 'c']) engine.addAgent({ id, capacity: { webchat: 5 }, activity: 'available' });
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      clock.set(clock.now() + 1000);
      const task = engine.submit({ queueId: 'q', channel: 'webchat' });
      order.push(task.reservations[0]?.agentId as string);
      take(task.id);
    }
    expect(order).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('best skill: the highest level in the required skills', () => {
    const kit = makeEngine();
    kit.engine.defineQueue({ id: 'q', strategy: 'best_skill', skills: { billing: 3 } });
    kit.engine.addAgent({ id: 'good', skills: { billing: 6 }, capacity: { webchat: 1 }, activity: 'available' });
    kit.engine.addAgent({ id: 'best', skills: { billing: 9 }, capacity: { webchat: 1 }, activity: 'available' });
    kit.engine.addAgent({ id: 'unfit', skills: { billing: 2 }, capacity: { webchat: 1 }, activity: 'available' });
    expect(offeredAgent(kit, 'q')).toBe('best');
    expect(offeredAgent(kit, 'q')).toBe('good');
    expect(offeredAgent(kit, 'q')).toBeUndefined();
  });

  it('weighted random: reproducible from the seed and proportional to the weight', () => {
    const picks = (seed: number) => {
      const kit = makeEngine({ seed });
      kit.engine.defineQueue({ id: 'q', strategy: 'weighted_random' });
      kit.engine.addAgent({
        id: 'heavy',
        capacity: { webchat: 50 },
        attributes: { routingWeight: 3 },
        activity: 'available',
      });
      kit.engine.addAgent({
        id: 'light',
        capacity: { webchat: 50 },
        attributes: { routingWeight: 1 },
        activity: 'available',
      });
      const out: string[] = [];
      for (let i = 0; i < 400; i++) {
        const task = kit.engine.submit({ queueId: 'q', channel: 'webchat' });
        out.push(task.reservations[0]?.agentId as string);
        kit.engine.cancel(task.id);
      }
      return out;
    };
    const first = picks(7);
    expect(picks(7)).toEqual(first);
    expect(picks(8)).not.toEqual(first);
    const heavy = first.filter((id) => id === 'heavy').length / first.length;
    expect(heavy).toBeGreaterThan(0.65);
    expect(heavy).toBeLessThan(0.85);
  });

  it('preferred (last) agent: only that agent until the preference expires, then anyone', () => {
    const kit = makeEngine();
    const { engine, clock, offerOf, take } = kit;
    engine.defineQueue({ id: 'q' });
    engine.addAgent({ id: 'last', capacity: { voice: 1 }, activity: 'available' });
    engine.addAgent({ id: 'other', capacity: { voice: 1 }, activity: 'available' });
    const busy = engine.submit({ queueId: 'q', channel: 'voice' });
    expect(offerOf(busy.id).agentId).toBe('last');
    take(busy.id);
    const until = new Date(clock.now() + 60_000).toISOString();
    const sticky = engine.submit({ queueId: 'q', channel: 'voice', preferredAgents: [{ agentId: 'last', until }] });
    expect(sticky.status).toBe('pending');
    expect(engine.explain(sticky.id).candidates).toEqual([
      { agentId: 'other', key: expect.any(Number), eligible: false, reason: 'not_preferred' },
    ]);
    clock.advanceSync(60_000);
    expect(offerOf(sticky.id).agentId).toBe('other');
  });

  it('preferred agent takes the task as soon as it frees up within the window', () => {
    const kit = makeEngine();
    const { engine, clock, offerOf, take } = kit;
    engine.defineQueue({ id: 'q' });
    engine.addAgent({ id: 'last', capacity: { voice: 1 }, activity: 'available' });
    engine.addAgent({ id: 'other', capacity: { voice: 1 }, activity: 'available' });
    const busy = engine.submit({ queueId: 'q', channel: 'voice' });
    take(busy.id);
    const until = new Date(clock.now() + 60_000).toISOString();
    const sticky = engine.submit({ queueId: 'q', channel: 'voice', preferredAgents: [{ agentId: 'last', until }] });
    clock.advanceSync(10_000);
    engine.complete(busy.id);
    expect(offerOf(sticky.id).agentId).toBe('last');
  });
});
