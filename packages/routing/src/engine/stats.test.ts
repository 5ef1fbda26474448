import { describe, expect, it } from 'vitest';
import { makeEngine } from './test-kit.js';

describe('live statistics', () => {
  it('tracks waiting, oldest wait, ASA, service level, abandonment and agents by state', () => {
    const { engine, clock, take, ofType } = makeEngine();
    engine.defineQueue({ id: 'q', serviceLevelSeconds: 20 });
    engine.addAgent({ id: 'a', capacity: { voice: 1 }, activity: 'available' });
    engine.addAgent({ id: 'b', capacity: { voice: 1 }, activity: 'break' });
    engine.addAgent({ id: 'c', capacity: { voice: 1 } });
    const fast = engine.submit({ queueId: 'q', channel: 'voice' });
    clock.set(clock.now() + 5_000);
    take(fast.id);
    const slow = engine.submit({ queueId: 'q', channel: 'voice' });
    const gone = engine.submit({ queueId: 'q', channel: 'voice' });
    clock.set(clock.now() + 10_000);
    expect(engine.queueStats('q')).toMatchObject({
      waiting: 2,
      reserved: 0,
      oldestWaitSeconds: 10,
      agents: { available: 0, busy: 1, away: 1, offline: 1, wrap_up: 0 },
    });
    engine.cancel(gone.id, 'abandoned');
    clock.set(clock.now() + 30_000);
    engine.complete(fast.id);
    take(slow.id);
    const stats = engine.queueStats('q');
    expect(stats.total).toMatchObject({
      entered: 3,
      answered: 2,
      answeredInServiceLevel: 1,
      abandoned: 1,
      abandonedInServiceLevel: 1,
      asaSeconds: (5 + 40) / 2,
      serviceLevel: 0.5,
      abandonRate: 1 / 3,
    });
    expect(stats.window).toMatchObject({ answered: 2, minutes: 60 });
    expect(ofType('queue.stats_changed').length).toBeGreaterThan(0);
  });

  it('the rolling window forgets what is older than its minutes', () => {
    const { engine, clock, take } = makeEngine({ statsWindowMinutes: 5 });
    engine.defineQueue({ id: 'q' });
    engine.addAgent({ id: 'a', capacity: { voice: 1 }, activity: 'available' });
    const task = engine.submit({ queueId: 'q', channel: 'voice' });
    take(task.id);
    expect(engine.queueStats('q').window.answered).toBe(1);
    clock.set(clock.now() + 6 * 60_000);
    expect(engine.queueStats('q').window.answered).toBe(0);
    expect(engine.queueStats('q').total.answered).toBe(1);
  });

  it('per agent: occupancy, handled, missed', () => {
    const { engine, clock, take } = makeEngine({ reservationTimeoutSeconds: 10 });
    engine.defineQueue({ id: 'q' });
    engine.addAgent({ id: 'a', capacity: { voice: 1 }, activity: 'available' });
    const t1 = engine.submit({ queueId: 'q', channel: 'voice' });
    clock.advanceSync(10_000); // missed
    take(engine.submit({ queueId: 'q', channel: 'voice' }).id);
    engine.cancel(t1.id);
    clock.advanceSync(30_000);
    const open = engine.openTasks().find((t) => t.status === 'assigned');
    engine.complete(open?.id as string);
    clock.advanceSync(20_000);
    const stats = engine.agentStats('a');
    expect(stats).toMatchObject({ handled: 1, missed: 1, presence: 'available' });
    expect(stats.loggedInSeconds).toBe(60);
    expect(stats.busySeconds).toBe(40);
    expect(stats.occupancy).toBeCloseTo(40 / 60);
  });

  it('emits queue statistics once per operation, after the decision', () => {
    const { engine, bus } = makeEngine();
    engine.defineQueue({ id: 'q' });
    const seen: number[] = [];
    bus.subscribe('queue.stats_changed', (event) => {
      seen.push(event.stats.waiting);
    });
    engine.submit({ queueId: 'q', channel: 'voice' });
    engine.submit({ queueId: 'q', channel: 'voice' });
    expect(seen).toEqual([1, 2]);
  });
});
