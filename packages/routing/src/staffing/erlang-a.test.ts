import { ValidationError } from '@hotline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentsForServiceLevelA, erlangA, erlangAReport, MAX_QUEUE_STATES } from './erlang-a.js';
import { erlangB, erlangC } from './erlang-c.js';
import { Prng } from './prng.js';

function expectClose(actual: number, expected: number, relative: number, absolute = 0): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(absolute, relative * Math.abs(expected)));
}

interface Model {
  agents: number;
  arrivalRate: number;
  aht: number;
  patience: number;
}

/**
 * Brute force: the stationary distribution of the truncated chain from its generator Q, solving πQ = 0 with
 * Σπ = 1 by dense Gaussian elimination (partial pivoting). Shares nothing with the product-form solution.
 */
function bruteForceChain({ agents, arrivalRate, aht, patience }: Model, size: number): number[] {
  const death = (n: number) => Math.min(n, agents) / aht + Math.max(n - agents, 0) / patience;
  // Row i of the system is column i of Q (balance of state i); the last row is replaced by Σπ = 1.
  const m: number[][] = Array.from({ length: size }, () => new Array<number>(size + 1).fill(0));
  const at = (i: number, j: number): number => m[i]?.[j] ?? 0;
  const set = (i: number, j: number, v: number): void => {
    const row = m[i];
    if (row) row[j] = v;
  };
  for (let n = 0; n < size; n++) {
    const out = (n < size - 1 ? arrivalRate : 0) + death(n);
    set(n, n, -out);
    if (n > 0) set(n, n - 1, arrivalRate); // inflow from n − 1
    if (n < size - 1) set(n, n + 1, death(n + 1)); // inflow from n + 1
  }
  for (let j = 0; j <= size; j++) set(size - 1, j, 1);
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let r = col + 1; r < size; r++) if (Math.abs(at(r, col)) > Math.abs(at(pivot, col))) pivot = r;
    [m[col], m[pivot]] = [m[pivot] ?? [], m[col] ?? []];
    for (let r = col + 1; r < size; r++) {
      const f = at(r, col) / at(col, col);
      if (f === 0) continue;
      for (let j = col; j <= size; j++) set(r, j, at(r, j) - f * at(col, j));
    }
  }
  const pi = new Array<number>(size).fill(0);
  for (let r = size - 1; r >= 0; r--) {
    let s = at(r, size);
    for (let j = r + 1; j < size; j++) s -= at(r, j) * (pi[j] ?? 0);
    pi[r] = s / at(r, r);
  }
  return pi;
}

/**
 * Reference waiting-time distribution by numerical ODE (RK4, small steps) instead of the closed form: for a
 * caller with i ahead, f_i(t) = P(answered by t) and e_i(t) = P(abandoned by t) obey the backward equations
 * f_i' = a_i·(f_{i−1} − f_i) − θ·f_i and e_i' = a_i·(e_{i−1} − e_i) + θ·(1 − e_i), a_i = Nμ + iθ,
 * f_{−1} = 1, e_{−1} = 0, starting from 0.
 */
function odeWithin({ agents, aht, patience }: Model, ahead: number, t: number): { f: number[]; e: number[] } {
  const theta = 1 / patience;
  const rate = (i: number) => agents / aht + i * theta;
  const steps = Math.ceil((t * (rate(ahead) + theta)) / 0.02);
  const h = t / steps;
  const derivative = (f: number[], e: number[]): [number[], number[]] => {
    const df = f.map((fi, i) => rate(i) * ((i === 0 ? 1 : (f[i - 1] ?? 0)) - fi) - theta * fi);
    const de = e.map((ei, i) => rate(i) * ((i === 0 ? 0 : (e[i - 1] ?? 0)) - ei) + theta * (1 - ei));
    return [df, de];
  };
  const axpy = (x: number[], d: number[], s: number) => x.map((v, i) => v + s * (d[i] ?? 0));
  let f = new Array<number>(ahead + 1).fill(0);
  let e = new Array<number>(ahead + 1).fill(0);
  for (let s = 0; s < steps; s++) {
    const [f1, e1] = derivative(f, e);
    const [f2, e2] = derivative(axpy(f, f1, h / 2), axpy(e, e1, h / 2));
    const [f3, e3] = derivative(axpy(f, f2, h / 2), axpy(e, e2, h / 2));
    const [f4, e4] = derivative(axpy(f, f3, h), axpy(e, e3, h));
    f = f.map((v, i) => v + (h / 6) * ((f1[i] ?? 0) + 2 * (f2[i] ?? 0) + 2 * (f3[i] ?? 0) + (f4[i] ?? 0)));
    e = e.map((v, i) => v + (h / 6) * ((e1[i] ?? 0) + 2 * (e2[i] ?? 0) + 2 * (e3[i] ?? 0) + (e4[i] ?? 0)));
  }
  return { f, e };
}

interface SimulationStats {
  pWait: number;
  pAbandon: number;
  serviceLevel: number;
  asaServed: number;
  meanWait: number;
}

/**
 * Monte-Carlo M/M/N+M with FCFS, caller by caller: each caller's offered wait is the time until the earliest
 * agent frees after everyone answered before it (abandoners never hold an agent), and it hangs up if its
 * patience is shorter. Exact for FCFS. Returns the estimates and batch-means standard errors.
 */
function simulate(model: Model, threshold: number, callers: number, seed: string) {
  const { agents, arrivalRate, aht, patience } = model;
  const root = new Prng(seed);
  const gaps = root.fork('arrivals');
  const handles = root.fork('handle');
  const patiences = root.fork('patience');
  const freeAt = new Float64Array(agents);
  const warmUp = Math.floor(callers / 20);
  const batches = 25;
  const batchSize = Math.floor((callers - warmUp) / batches);
  const perBatch: SimulationStats[] = [];
  let now = 0;
  let counts = { waited: 0, abandoned: 0, inService: 0, servedWait: 0, served: 0, wait: 0, n: 0 };
  for (let c = 0; c < warmUp + batches * batchSize; c++) {
    now += gaps.exponential(1 / arrivalRate);
    let best = 0;
    for (let j = 1; j < agents; j++) if ((freeAt[j] ?? 0) < (freeAt[best] ?? 0)) best = j;
    const offered = Math.max(0, (freeAt[best] ?? 0) - now);
    const tau = patiences.exponential(patience);
    const handle = handles.exponential(aht);
    const abandons = offered > 0 && tau < offered;
    if (!abandons) freeAt[best] = now + offered + handle;
    if (c < warmUp) continue;
    counts.n++;
    if (offered > 0) counts.waited++;
    if (abandons) {
      counts.abandoned++;
      counts.wait += tau;
    } else {
      counts.served++;
      counts.servedWait += offered;
      counts.wait += offered;
      if (offered <= threshold) counts.inService++;
    }
    if (counts.n === batchSize) {
      perBatch.push({
        pWait: counts.waited / counts.n,
        pAbandon: counts.abandoned / counts.n,
        serviceLevel: counts.inService / counts.n,
        asaServed: counts.servedWait / counts.served,
        meanWait: counts.wait / counts.n,
      });
      counts = { waited: 0, abandoned: 0, inService: 0, servedWait: 0, served: 0, wait: 0, n: 0 };
    }
  }
  const stat = (key: keyof SimulationStats) => {
    const values = perBatch.map((b) => b[key]);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
    return { mean, se: Math.sqrt(variance / values.length) };
  };
  return {
    pWait: stat('pWait'),
    pAbandon: stat('pAbandon'),
    serviceLevel: stat('serviceLevel'),
    asaServed: stat('asaServed'),
    meanWait: stat('meanWait'),
  };
}

const tenAgents: Model = { agents: 10, arrivalRate: 10 / 240, aht: 240, patience: 90 };
const cases: Model[] = [
  tenAgents, // critically loaded, A = N
  { agents: 12, arrivalRate: 9 / 240, aht: 240, patience: 300 },
  { agents: 8, arrivalRate: 12 / 240, aht: 240, patience: 90 }, // overloaded, A = 1.5·N
  { agents: 3, arrivalRate: 2 / 100, aht: 100, patience: 40 },
  { agents: 1, arrivalRate: 0.5, aht: 1, patience: 3 },
];

describe('erlangA', () => {
  it('matches a brute-force solution of the truncated birth–death chain', () => {
    for (const model of cases) {
      const pi = bruteForceChain(model, model.agents + 200);
      const r = erlangA(model);
      const waiting = pi.slice(model.agents);
      const lq = waiting.reduce((s, p, k) => s + k * p, 0);
      const busy = pi.reduce((s, p, n) => s + Math.min(n, model.agents) * p, 0);
      expectClose(
        r.pWait,
        waiting.reduce((a, b) => a + b, 0),
        1e-10,
      );
      expectClose(r.meanQueueLength, lq, 1e-9);
      expectClose(r.pAbandon, lq / model.patience / model.arrivalRate, 1e-9);
      expectClose(r.occupancy, busy / model.agents, 1e-10);
      expectClose(r.meanWait, lq / model.arrivalRate, 1e-9);
    }
  });

  it('derives the waiting-time distribution exactly (vs. the brute-force chain and an ODE solution)', () => {
    for (const model of cases) {
      const pi = bruteForceChain(model, model.agents + 200);
      const r = erlangA(model);
      let queue = 0; // the longest queue that still carries mass worth integrating
      while ((pi[model.agents + queue + 1] ?? 0) > 1e-18) queue++;
      for (const t of [0.5, 5, 30]) {
        const { f, e } = odeWithin(model, queue, t);
        let answered = pi.slice(0, model.agents).reduce((a, b) => a + b, 0);
        let abandoned = 0;
        for (let k = 0; k <= queue; k++) {
          answered += (pi[model.agents + k] ?? 0) * (f[k] ?? 0);
          abandoned += (pi[model.agents + k] ?? 0) * (e[k] ?? 0);
        }
        expectClose(r.serviceLevel(t), answered, 1e-8);
        expectClose(r.pAbandonWithin(t), abandoned, 1e-8, 1e-14);
        expectClose(r.serviceLevelExcludingShortAbandons(t), answered / (1 - abandoned), 1e-8);
      }
    }
  });

  it('has the limits and identities its definitions imply', () => {
    for (const model of cases) {
      const r = erlangA(model);
      expectClose(r.serviceLevel(0), 1 - r.pWait, 1e-14);
      expect(r.pAbandonWithin(0)).toBe(0);
      expectClose(r.serviceLevel(1e6), 1 - r.pAbandon, 1e-10);
      expectClose(r.pAbandonWithin(1e6), r.pAbandon, 1e-10);
      expectClose(r.occupancy, (r.traffic * (1 - r.pAbandon)) / model.agents, 1e-10);
      expect(r.stable).toBe(true);
      // Mean wait per caller found with k ahead is E[min(S_k, τ)] = (k + 1)/(Nμ + (k + 1)θ): Little's law check.
      const pi = bruteForceChain(model, model.agents + 200);
      let perCaller = 0;
      for (let k = 0; model.agents + k < pi.length; k++) {
        perCaller += ((pi[model.agents + k] ?? 0) * (k + 1)) / (model.agents / model.aht + (k + 1) / model.patience);
      }
      expectClose(r.meanWait, perCaller, 1e-9);
      // Served callers wait less than average: abandoners are the ones who met long waits.
      expect(r.asaServed).toBeLessThan(r.meanWait / (1 - r.pAbandon) + 1e-12);
    }
  });

  it('converges to Erlang C as patience → ∞ (stable loads)', () => {
    for (const [agents, traffic] of [
      [11, 10],
      [14, 10],
      [105, 100],
    ] as const) {
      const load = { agents, arrivalRate: traffic / 180, aht: 180 };
      const c = erlangC(load);
      const a = erlangA({ ...load, patience: 1e10 });
      expectClose(a.pWait, c.pWait, 1e-5);
      expectClose(a.asaServed, c.asa, 1e-5);
      expectClose(a.meanWait, c.asa, 1e-5);
      expectClose(a.occupancy, c.occupancy, 1e-6);
      expect(a.pAbandon).toBeLessThan(1e-6);
      for (const t of [0, 10, 20, 120]) expectClose(a.serviceLevel(t), c.serviceLevel(t), 1e-5);
    }
  });

  it('becomes Erlang B as patience → 0: every caller who would wait abandons', () => {
    for (const [agents, traffic] of [
      [5, 4],
      [10, 12],
      [50, 45],
    ] as const) {
      const a = erlangA({ agents, arrivalRate: traffic / 180, aht: 180, patience: 1e-6 });
      expectClose(a.pWait, erlangB(agents, traffic), 1e-6);
      expectClose(a.pAbandon, a.pWait, 1e-6);
      expectClose(a.serviceLevel(20), 1 - a.pWait, 1e-6);
      expect(a.asaServed).toBeLessThan(1e-6);
    }
  });

  it('agrees with a seeded Monte-Carlo simulation, including the service level', () => {
    const threshold = 20;
    const callers = 250_000;
    for (const [model, seed] of [
      [tenAgents, 'erlang-a/10'],
      [{ agents: 8, arrivalRate: 12 / 240, aht: 240, patience: 90 }, 'erlang-a/8'],
    ] as const) {
      const r = erlangA(model);
      const sim = simulate(model, threshold, callers, seed);
      const within = (estimate: { mean: number; se: number }, exact: number) =>
        expect(Math.abs(estimate.mean - exact)).toBeLessThan(4 * estimate.se + 1e-3);
      within(sim.pWait, r.pWait);
      within(sim.pAbandon, r.pAbandon);
      within(sim.serviceLevel, r.serviceLevel(threshold));
      within(sim.asaServed, r.asaServed);
      within(sim.meanWait, r.meanWait);
      expect(sim.serviceLevel.se).toBeLessThan(0.01); // the sample is large enough to mean something
    }
  });

  it('is monotone: more agents mean less waiting, fewer abandons and a higher SL; SL rises with t', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0.1, max: 2, noNaN: true }),
        fc.double({ min: 1, max: 600, noNaN: true }),
        fc.double({ min: 0, max: 300, noNaN: true }),
        fc.double({ min: 0, max: 300, noNaN: true }),
        (agents, utilisation, patience, t1, t2) => {
          const model = { agents, arrivalRate: (agents * utilisation) / 180, aht: 180, patience };
          const r = erlangA(model);
          const more = erlangA({ ...model, agents: agents + 1 });
          expect(more.pWait).toBeLessThanOrEqual(r.pWait + 1e-12);
          expect(more.pAbandon).toBeLessThanOrEqual(r.pAbandon + 1e-12);
          expect(more.serviceLevel(t1)).toBeGreaterThanOrEqual(r.serviceLevel(t1) - 1e-12);
          const [lo, hi] = t1 <= t2 ? [t1, t2] : [t2, t1];
          expect(r.serviceLevel(hi)).toBeGreaterThanOrEqual(r.serviceLevel(lo) - 1e-12);
          expect(r.serviceLevelExcludingShortAbandons(t1)).toBeGreaterThanOrEqual(r.serviceLevel(t1) - 1e-12);
          for (const v of [r.pWait, r.pAbandon, r.occupancy, r.serviceLevel(t1)]) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('stays finite for large groups and deep overloads', () => {
    for (const model of [
      { agents: 10_000, arrivalRate: 9_900 / 300, aht: 300, patience: 120 },
      { agents: 10_000, arrivalRate: 10_000 / 300, aht: 300, patience: 120 },
      { agents: 100_000, arrivalRate: 99_000 / 300, aht: 300, patience: 60 },
      { agents: 1_000, arrivalRate: 3_000 / 300, aht: 300, patience: 600 }, // queue settles near 4,000 callers
    ]) {
      const r = erlangA(model);
      for (const v of [r.pWait, r.pAbandon, r.asaServed, r.meanWait, r.occupancy, r.serviceLevel(20)]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
      }
    }
    const overloaded = erlangA({ agents: 1_000, arrivalRate: 3_000 / 300, aht: 300, patience: 600 });
    expectClose(overloaded.pAbandon, 2 / 3, 0, 0.01); // fluid limit: the excess 2/3 of the load hangs up
  });

  it('rejects invalid input with ValidationError', () => {
    const good = { agents: 10, arrivalRate: 0.05, aht: 180, patience: 60 };
    for (const input of [
      { ...good, patience: 0 },
      { ...good, patience: -5 },
      { ...good, patience: Number.NaN },
      { ...good, patience: Number.POSITIVE_INFINITY },
      { ...good, patience: 180e13 }, // beyond 1e12 handle times: that is Erlang C
      { ...good, agents: 0.5 },
      { ...good, agents: 2e6 },
      { ...good, arrivalRate: -1 },
    ]) {
      expect(() => erlangA(input)).toThrow(ValidationError);
    }
    // A deep overload with very patient callers would need a queue longer than the chain supports.
    const deep = { agents: 10, arrivalRate: 1000 / 180, aht: 180, patience: 180 * MAX_QUEUE_STATES };
    expect(() => erlangA(deep)).toThrow(ValidationError);
    const r = erlangA(good);
    expect(() => r.serviceLevel(-1)).toThrow(ValidationError);
    expect(() => r.serviceLevelExcludingShortAbandons(Number.NaN)).toThrow(ValidationError);
  });
});

describe('agentsForServiceLevelA', () => {
  it('returns the minimal N', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 300, noNaN: true }),
        fc.double({ min: 10, max: 900, noNaN: true }),
        fc.double({ min: 5, max: 900, noNaN: true }),
        fc.double({ min: 0, max: 120, noNaN: true }),
        fc.double({ min: 0.05, max: 0.98, noNaN: true }),
        (traffic, aht, patience, threshold, target) => {
          const load = { arrivalRate: traffic / aht, aht, patience };
          const n = agentsForServiceLevelA({ ...load, threshold, target });
          expect(erlangA({ ...load, agents: n }).serviceLevel(threshold)).toBeGreaterThanOrEqual(target);
          if (n > 1) expect(erlangA({ ...load, agents: n - 1 }).serviceLevel(threshold)).toBeLessThan(target);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('matches Erlang C for very patient callers, and is fast at 5,000 Erlangs', () => {
    const load = { arrivalRate: 100 / 1800, aht: 180 };
    expect(agentsForServiceLevelA({ ...load, patience: 1e9, threshold: 20, target: 0.8 })).toBe(14);
    const started = performance.now();
    const n = agentsForServiceLevelA({ arrivalRate: 5_000 / 300, aht: 300, patience: 120, threshold: 20, target: 0.8 });
    expect(performance.now() - started).toBeLessThan(250);
    expect(n).toBeGreaterThan(4_000);
    expect(n).toBeLessThan(5_100);
  });
});

describe('erlangAReport', () => {
  it('returns the CLI shape with ASA over answered calls and the abandon rate', () => {
    const input = { agents: 10, arrivalRate: 10 / 240, aht: 240, patience: 90 };
    const report = erlangAReport({ ...input, threshold: 20 });
    const r = erlangA(input);
    expect(report).toEqual({
      serviceLevel: r.serviceLevel(20),
      asa: r.asaServed,
      pWait: r.pWait,
      occupancy: r.occupancy,
      abandonRate: r.pAbandon,
    });
  });
});
