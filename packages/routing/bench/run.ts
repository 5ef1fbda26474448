/**
 * Routing benchmarks: `npm run bench -w @hotline/routing`. One JSON line per scenario,
 * with a naive baseline (scan every agent / every waiting task per decision) measured in
 * the same run on the same workload.
 *
 * A "decision" is the engine choosing who takes what: a task looking for agents (on
 * arrival, after a failed offer, at a new workflow step), or an agent with room looking
 * for the best waiting task. Its latency runs from the start of the search to the offer
 * being made and every index brought up to date (or to the task waiting / the agent
 * staying idle). The public calls around decisions (validation, bookkeeping, views) are
 * reported separately as `op*` figures.
 */
import { SimulatedClock } from '@hotline/core';
import { engineInternals, RoutingEngine } from '../src/engine/routing-engine.js';
import { NaiveRouter } from './naive-router.js';
import { makeWorkload, type WorkloadShape } from './workload.js';

interface Scenario {
  name: string;
  shape: WorkloadShape;
  /** Tasks in the system when measuring starts (capacity filled, the rest waiting). */
  warmupTasks: number;
  /** Cap on the naive router's backlog (its untimed warm-up is O(tasks × agents)). */
  naiveWarmupTasks: number;
  /** Timed operations (half arrivals, half completions). */
  ops: number;
  naiveOps: number;
  targets: Record<string, number>;
}

const SCENARIOS: Scenario[] = [
  {
    name: '10k-agents',
    shape: { agents: 10_000, skills: 200, queues: 500, agentSkills: 10, seed: 'bench-10k' },
    warmupTasks: Number(process.env['WARM'] ?? 100_000),
    naiveWarmupTasks: 100_000,
    ops: Number(process.env['OPS'] ?? 120_000),
    naiveOps: 1_000,
    targets: { decisionsPerSec: 100_000, p99Us: 100, speedup: 50 },
  },
  {
    name: '100k-agents',
    shape: { agents: 100_000, skills: 200, queues: 1_000, agentSkills: 10, seed: 'bench-100k' },
    warmupTasks: 1_300_000,
    naiveWarmupTasks: 100_000,
    ops: 100_000,
    naiveOps: 100,
    targets: { heapMB: 4096, p99Us: 200 },
  },
];

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

function runEngine(scenario: Scenario) {
  const workload = makeWorkload(scenario.shape);
  const clock = new SimulatedClock(Date.UTC(2026, 0, 5, 9));
  const engine = new RoutingEngine({ tenantId: 'bench', clock, reservationTimeoutSeconds: 86_400 });
  const state = engineInternals(engine);
  for (const queue of workload.queues) engine.defineQueue({ id: queue.id, skills: { [queue.skill]: queue.minLevel } });
  for (const agent of workload.agents) engine.addAgent({ ...agent, activity: 'available' });
  const assigned: string[] = [];
  const acceptAll = () => {
    for (const reservation of [...state.reservations.values()]) {
      engine.accept(reservation.id);
      assigned.push(reservation.task.id);
    }
  };
  const setupStart = performance.now();
  if (process.env['BENCH_PROGRESS']) process.stderr.write('agents and queues ready\n');
  for (let i = 0; i < scenario.warmupTasks; i++) {
    if (process.env['BENCH_PROGRESS'] && i % 100_000 === 0)
      process.stderr.write(`warm-up ${i} ${Math.round(performance.now() - setupStart)} ms\n`);
    clock.set(clock.now() + 1);
    const spec = workload.nextTask();
    engine.submit({ queueId: spec.queueId, channel: spec.channel, priority: spec.priority });
    acceptAll();
  }
  const setupSeconds = (performance.now() - setupStart) / 1000;
  const samples = new Float64Array(scenario.ops);
  let timedNs = 0n;
  const decisionsBefore = engine.decisions;
  let decisionSamples = new Float64Array(scenario.ops * 2);
  let decisionCount = 0;
  let decisionTime = 0;
  let started = 0;
  state.inspector = {
    decisionStarted() {
      started = performance.now();
    },
    decisionEnded() {
      const us = (performance.now() - started) * 1000;
      if (decisionCount === decisionSamples.length) {
        const grown = new Float64Array(decisionSamples.length * 2);
        grown.set(decisionSamples);
        decisionSamples = grown;
      }
      decisionSamples[decisionCount++] = us;
      decisionTime += us;
    },
  };
  for (let i = 0; i < scenario.ops; i++) {
    clock.set(clock.now() + 1);
    let t0: bigint;
    if (i % 2 === 0 && assigned.length > 0) {
      const at = workload.rng.integer(0, assigned.length - 1);
      const taskId = assigned[at] as string;
      assigned[at] = assigned[assigned.length - 1] as string;
      assigned.pop();
      t0 = process.hrtime.bigint();
      engine.complete(taskId);
    } else {
      const spec = workload.nextTask();
      t0 = process.hrtime.bigint();
      engine.submit({ queueId: spec.queueId, channel: spec.channel, priority: spec.priority });
    }
    const dt = process.hrtime.bigint() - t0;
    timedNs += dt;
    samples[i] = Number(dt) / 1000;
    acceptAll();
  }
  const decisions = engine.decisions - decisionsBefore;
  state.inspector = undefined;
  samples.sort();
  const measured = decisionSamples.subarray(0, decisionCount).sort();
  const waiting = engine.allQueueStats().reduce((sum, q) => sum + q.waiting, 0);
  return {
    decisions,
    decisionsPerSec: decisionCount / (decisionTime / 1e6),
    p50Us: percentile(measured, 0.5),
    p99Us: percentile(measured, 0.99),
    opsPerSec: scenario.ops / (Number(timedNs) / 1e9),
    opP50Us: percentile(samples, 0.5),
    opP99Us: percentile(samples, 0.99),
    waiting,
    setupSeconds,
    heapMB: heapAfterGc(),
  };
}

/** Live heap in MB after a full collection (run node with --expose-gc for an exact figure). */
function heapAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

function runNaive(scenario: Scenario) {
  const workload = makeWorkload(scenario.shape);
  const router = new NaiveRouter(workload.queues, workload.agents);
  let now = Date.UTC(2026, 0, 5, 9);
  // The naive router's warm-up is not timed; where it is capped below the engine's, its
  // backlog is smaller, which only flatters the baseline (its cost grows with the backlog).
  const warmup = Math.min(scenario.warmupTasks, scenario.naiveWarmupTasks);
  for (let i = 0; i < warmup; i++) {
    const spec = workload.nextTask();
    router.warm(spec.queueId, spec.channel, spec.priority, ++now);
  }
  let timed = 0;
  const before = router.decisions;
  for (let i = 0; i < scenario.naiveOps; i++) {
    now++;
    const t0 = performance.now();
    if (i % 2 === 0 && router.assigned.length > 0)
      router.complete(workload.rng.integer(0, router.assigned.length - 1), now);
    else {
      const spec = workload.nextTask();
      router.submit(spec.queueId, spec.channel, spec.priority, now);
    }
    timed += performance.now() - t0;
  }
  return { decisionsPerSec: (router.decisions - before) / (timed / 1000) };
}

const only = process.argv[2];
for (const scenario of SCENARIOS) {
  if (only && scenario.name !== only) continue;
  const engine = runEngine(scenario);
  const naive = process.env['NO_NAIVE'] ? { decisionsPerSec: Number.NaN } : runNaive(scenario);
  const result = {
    scenario: scenario.name,
    agents: scenario.shape.agents,
    skills: scenario.shape.skills,
    queues: scenario.shape.queues,
    residentTasks: scenario.warmupTasks,
    arrivals: scenario.ops / 2,
    waitingAtEnd: engine.waiting,
    decisions: engine.decisions,
    decisionsPerSec: Math.round(engine.decisionsPerSec),
    p50Us: Number(engine.p50Us.toFixed(1)),
    p99Us: Number(engine.p99Us.toFixed(1)),
    opsPerSec: Math.round(engine.opsPerSec),
    opP50Us: Number(engine.opP50Us.toFixed(1)),
    opP99Us: Number(engine.opP99Us.toFixed(1)),
    heapMB: Math.round(engine.heapMB),
    baseline: 'naive: scan every agent (arrival) or every waiting task (agent frees) per decision',
    baselineDecisionsPerSec: Math.round(naive.decisionsPerSec),
    speedup: Number((engine.decisionsPerSec / naive.decisionsPerSec).toFixed(1)),
    setupSeconds: Number(engine.setupSeconds.toFixed(1)),
    targets: scenario.targets,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
