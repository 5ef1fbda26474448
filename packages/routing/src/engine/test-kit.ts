import { createIdGenerator, type HotlineEvent, InMemoryEventBus, SimulatedClock } from '@hotline/core';
import { Prng } from '../staffing/prng.js';
import { RoutingEngine, type RoutingEngineOptions } from './routing-engine.js';

/** A fresh engine on a simulated clock with a bus that records every event (tests only). */
export function makeEngine(options: Partial<RoutingEngineOptions> = {}) {
  const clock = new SimulatedClock(Date.UTC(2026, 2, 2, 9)); // Monday 09:00 UTC
  const bus = new InMemoryEventBus({ clock });
  const events: HotlineEvent[] = [];
  bus.subscribe('*', (event) => {
    events.push(event);
  });
  // Seeded ids make whole runs, ids included, reproducible.
  const rng = new Prng('ids');
  const ids = createIdGenerator({
    now: () => clock.now(),
    randomBytes: (bytes) => {
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.uint32() & 255;
    },
  });
  const engine = new RoutingEngine({ tenantId: 'acme', clock, bus, ids, ...options });
  /** The pending reservation of a task (throws if none). */
  const offerOf = (taskId: string) => {
    const reservation = engine.getTask(taskId).reservations[0];
    if (!reservation) throw new Error(`task ${taskId} has no offer`);
    return reservation;
  };
  /** Accepts the task's pending offer. */
  const take = (taskId: string) => engine.accept(offerOf(taskId).id);
  const ofType = (type: string) => events.filter((e) => e.type === type);
  return { engine, clock, bus, events, offerOf, take, ofType };
}
