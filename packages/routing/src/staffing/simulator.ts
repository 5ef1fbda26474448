import {
  type Channel,
  channelSchema,
  InMemoryEventBus,
  idSchema,
  parseInput,
  SimulatedClock,
  skillLevelSchema,
  skillNameSchema,
} from '@hotline/core';
import { z } from 'zod';
import { routingStrategySchema } from '../engine/definitions.js';
// Brings routing's events (task.reserved…) into core's event map for this entry's types.
import type {} from '../engine/events.js';
import type { QueueStats } from '../engine/queue-state.js';
import { RoutingEngine } from '../engine/routing-engine.js';
import { Prng } from './prng.js';

/** A distribution of durations in seconds: exponential, lognormal (by mean and sd) or constant. */
export const durationSchema = z.discriminatedUnion('distribution', [
  z.object({ distribution: z.literal('exponential'), mean: z.number().positive().max(1e7) }),
  z.object({
    distribution: z.literal('lognormal'),
    mean: z.number().positive().max(1e7),
    sd: z.number().min(0).max(1e7),
  }),
  z.object({ distribution: z.literal('constant'), value: z.number().positive().max(1e7) }),
]);
/** A distribution of durations in seconds. */
export type DurationDistribution = z.infer<typeof durationSchema>;

/** What to simulate: queues, agents and arrival streams, driven through the real engine. */
export const simulationInputSchema = z.object({
  /** Seed of every random stream; the same seed and input give the same result. */
  seed: z.union([z.number(), z.string().max(200)]).default(1),
  /** Seconds during which arrivals are counted (after the warm-up). */
  durationSeconds: z
    .number()
    .positive()
    .max(365 * 86_400),
  /** Seconds simulated before counting starts, so the queue reaches a steady state. @default min(3600, duration/10) */
  warmupSeconds: z
    .number()
    .min(0)
    .max(365 * 86_400)
    .optional(),
  queues: z
    .array(
      z.object({
        id: idSchema,
        skills: z.record(skillNameSchema, skillLevelSchema).default({}),
        strategy: routingStrategySchema.default('longest_idle'),
        serviceLevelSeconds: z.number().positive().max(86_400).default(20),
      }),
    )
    .min(1)
    .max(1000),
  agents: z
    .array(
      z.object({
        id: idSchema,
        skills: z.record(skillNameSchema, skillLevelSchema).default({}),
        capacity: z.partialRecord(channelSchema, z.int().min(0).max(50)).default({ voice: 1 }),
      }),
    )
    .max(100_000),
  streams: z
    .array(
      z.object({
        queueId: idSchema,
        channel: channelSchema.default('voice'),
        /** Poisson arrivals per second. */
        arrivalRate: z.number().positive().max(10_000),
        handleTime: durationSchema,
        /** Customer patience; without it nobody abandons. */
        patience: durationSchema.optional(),
        priority: z
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .default(0),
      }),
    )
    .min(1)
    .max(1000),
});
/** Simulation input as callers write it. */
export type SimulationInput = z.input<typeof simulationInputSchema>;

/** The figures of one queue (or all queues together), in the same shape as the Erlang reports. */
export interface SimulationFigures {
  /** Answered within the queue's threshold / offered (abandons count against it). */
  serviceLevel: number;
  /** Mean wait of answered tasks, zero waits included (seconds). */
  asa: number;
  /** Share of offered tasks that could not be answered at once. */
  pWait: number;
  /** Time agents spent handling work / time agents were present. */
  occupancy: number;
  /** Abandoned / offered. */
  abandonRate: number;
  offered: number;
  answered: number;
  abandoned: number;
}

/** What a simulation reports: overall figures, per queue, and the live engine's own statistics. */
export interface SimulationReport extends SimulationFigures {
  queues: Record<string, SimulationFigures>;
  /** The routing engine's live queue statistics at the end (its totals include the warm-up). */
  engine: QueueStats[];
  /** Simulated seconds, including the warm-up and the drain after the last counted arrival. */
  simulatedSeconds: number;
  /** Routing decisions the engine made. */
  decisions: number;
}

interface Tracked {
  queueId: string;
  arrivedAt: number;
  counted: boolean;
  answeredAt?: number;
  abandoned?: boolean;
  cancelAbandon?: () => void;
}

function draw(rng: Prng, d: DurationDistribution): number {
  if (d.distribution === 'constant') return d.value;
  if (d.distribution === 'exponential') return rng.exponential(d.mean);
  return rng.lognormal(d.mean, d.sd);
}

/**
 * A discrete-event simulation of a contact center on the real routing engine under a
 * `SimulatedClock`: Poisson arrivals per stream, exponential, lognormal or constant
 * handle times, optional patience (abandonment), agents answering offers at once. It
 * reports service level, ASA, probability of waiting, occupancy and abandonment, counted
 * over arrivals in `[warmup, warmup + duration)` and followed until each is answered or
 * abandons, so the figures are not cut short at the end.
 *
 * @example
 * ```ts
 * const report = simulate({
 *   seed: 42,
 *   durationSeconds: 8 * 3600,
 *   queues: [{ id: 'support', serviceLevelSeconds: 20 }],
 *   agents: Array.from({ length: 14 }, (_, i) => ({ id: `a${i}` })),
 *   streams: [{ queueId: 'support', arrivalRate: 100 / 1800, handleTime: { distribution: 'exponential', mean: 180 } }],
 * });
 * report.serviceLevel; // ≈ 0.89, as Erlang C predicts for 14 agents
 * ```
 */
export function simulate(input: SimulationInput): SimulationReport {
  const parsed = parseInput(simulationInputSchema, input, 'simulation');
  const warmup = parsed.warmupSeconds ?? Math.min(3600, parsed.durationSeconds / 10);
  const start = Date.UTC(2026, 0, 5, 0);
  const countFrom = start + warmup * 1000;
  const countUntil = countFrom + parsed.durationSeconds * 1000;
  const clock = new SimulatedClock(start);
  const bus = new InMemoryEventBus({ clock });
  const engine = new RoutingEngine({ tenantId: 'simulation', clock, bus, reservationTimeoutSeconds: 86_400 });
  const root = new Prng(parsed.seed);
  const thresholds = new Map<string, number>();
  for (const queue of parsed.queues) {
    engine.defineQueue({
      id: queue.id,
      skills: queue.skills,
      strategy: queue.strategy,
      serviceLevelSeconds: Math.ceil(queue.serviceLevelSeconds),
    });
    thresholds.set(queue.id, queue.serviceLevelSeconds * 1000);
  }
  for (const stream of parsed.streams) if (!thresholds.has(stream.queueId)) engine.queueStats(stream.queueId);
  const tracked = new Map<string, Tracked>();
  const streamOf = new Map<string, (typeof parsed.streams)[number]>();
  const handles = root.fork('handle');
  const patience = root.fork('patience');
  let outstanding = 0;
  let busyMs = 0;
  let busy = 0;
  let lastChange = start;
  // Occupancy integrates busy agents over the counting window only.
  const accountBusy = (now: number) => {
    const from = Math.max(lastChange, countFrom);
    const to = Math.min(now, countUntil);
    if (to > from) busyMs += busy * (to - from);
    lastChange = now;
  };

  bus.subscribe('task.reserved', (event) => {
    engine.accept(event.reservationId);
  });
  bus.subscribe('task.assigned', (event) => {
    const task = tracked.get(event.taskId);
    if (!task) return;
    const now = clock.now();
    task.answeredAt = now;
    task.cancelAbandon?.();
    accountBusy(now);
    busy++;
    const stream = streamOf.get(event.taskId) as (typeof parsed.streams)[number];
    clock.setTimer(() => {
      accountBusy(clock.now());
      busy--;
      engine.complete(event.taskId);
      if (task.counted) outstanding--;
      tracked.delete(event.taskId);
    }, draw(handles, stream.handleTime) * 1000);
  });

  for (const agent of parsed.agents)
    engine.addAgent({ id: agent.id, skills: agent.skills, capacity: agent.capacity, activity: 'available' });

  let seq = 0;
  parsed.streams.forEach((stream, index) => {
    const arrivals = root.fork(`arrivals-${index}`);
    const next = () => {
      const at = clock.now();
      if (at >= countUntil) return;
      const id = `t${seq++}`;
      const task: Tracked = { queueId: stream.queueId, arrivedAt: at, counted: at >= countFrom };
      if (task.counted) outstanding++;
      tracked.set(id, task);
      streamOf.set(id, stream);
      if (stream.patience) {
        const handle = clock.setTimer(() => {
          if (task.answeredAt !== undefined) return;
          task.abandoned = true;
          engine.cancel(id, 'abandoned');
          if (task.counted) outstanding--;
        }, draw(patience, stream.patience) * 1000);
        task.cancelAbandon = () => clock.clearTimer(handle);
      }
      engine.submit({ id, queueId: stream.queueId, channel: stream.channel as Channel, priority: stream.priority });
      clock.setTimer(next, arrivals.exponential(1 / stream.arrivalRate) * 1000);
    };
    clock.setTimer(next, arrivals.exponential(1 / stream.arrivalRate) * 1000);
  });

  const results: Tracked[] = [];
  const keep = (task: Tracked) => {
    if (task.counted) results.push(task);
  };
  // Finished tasks leave `tracked`; record them as they end.
  bus.subscribe('task.completed', (event) => {
    const task = tracked.get(event.taskId);
    if (task) keep(task);
  });
  bus.subscribe('task.canceled', (event) => {
    const task = tracked.get(event.taskId);
    if (task) {
      keep(task);
      tracked.delete(event.taskId);
    }
  });

  // Run until arrivals stop and every counted task has been answered or abandoned.
  clock.advanceSync(countUntil - start);
  while (outstanding > 0 && clock.nextDueAt() !== undefined)
    clock.advanceSync(Math.max(1, (clock.nextDueAt() as number) - clock.now()));
  // Counted tasks still being handled were answered; include them.
  for (const task of tracked.values()) if (task.answeredAt !== undefined) keep(task);
  accountBusy(Math.max(clock.now(), countUntil));
  engine.stop();

  const agentMs = parsed.agents.length * parsed.durationSeconds * 1000;
  const figures = (tasks: Tracked[]): SimulationFigures => {
    let answered = 0;
    let abandoned = 0;
    let waited = 0;
    let inService = 0;
    let waitMs = 0;
    for (const task of tasks) {
      const threshold = thresholds.get(task.queueId) ?? 20_000;
      if (task.abandoned) {
        abandoned++;
        waited++;
        continue;
      }
      if (task.answeredAt === undefined) continue;
      answered++;
      const wait = task.answeredAt - task.arrivedAt;
      waitMs += wait;
      if (wait > 0) waited++;
      if (wait <= threshold) inService++;
    }
    const offered = answered + abandoned;
    return {
      serviceLevel: offered > 0 ? inService / offered : 1,
      asa: answered > 0 ? waitMs / answered / 1000 : 0,
      pWait: offered > 0 ? waited / offered : 0,
      occupancy: agentMs > 0 ? busyMs / agentMs : 0,
      abandonRate: offered > 0 ? abandoned / offered : 0,
      offered,
      answered,
      abandoned,
    };
  };
  const byQueue: Record<string, SimulationFigures> = {};
  for (const queue of parsed.queues) byQueue[queue.id] = figures(results.filter((t) => t.queueId === queue.id));
  return {
    ...figures(results),
    queues: byQueue,
    engine: engine.allQueueStats(),
    simulatedSeconds: (clock.now() - start) / 1000,
    decisions: engine.decisions,
  };
}
