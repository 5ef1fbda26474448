import { ValidationError } from '@hotline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentsForAsa, agentsForServiceLevel, erlangB, erlangC, erlangCReport } from './erlang-c.js';

/** Relative-or-absolute closeness, for probabilities spanning many orders of magnitude. */
function expectClose(actual: number, expected: number, relative: number, absolute = 0): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(absolute, relative * Math.abs(expected)));
}

/**
 * Reference M/M/N solved as a Markov chain, independently of the Erlang B recursion: the cut equations
 * λ·π(n) = min(n + 1, N)·μ·π(n + 1) on a state space truncated where the geometric tail is below 1e−18,
 * then P(wait ≤ t) by conditioning on the queue found: with k waiting, the arrival needs k + 1 completions
 * of rate Nμ, so P(wait ≤ t | k) = P(Poisson(Nμt) ≥ k + 1).
 */
function mmnChain(agents: number, traffic: number): { pWait: number; serviceLevel(t: number, aht: number): number } {
  const rho = traffic / agents;
  const size = agents + Math.ceil(Math.log(1e-18) / Math.log(rho)) + 1;
  const pi: number[] = [1];
  for (let n = 1; n < size; n++) pi.push(((pi[n - 1] ?? 0) * traffic) / Math.min(n, agents));
  const total = pi.reduce((a, b) => a + b, 0);
  const p = pi.map((x) => x / total);
  const pWait = p.slice(agents).reduce((a, b) => a + b, 0);
  return {
    pWait,
    serviceLevel(t, aht) {
      const rate = (agents / aht) * t;
      let pmf = Math.exp(-rate);
      let cdf = 0;
      let sl = 1 - pWait;
      for (let k = 0; agents + k < size; k++) {
        cdf += pmf; // P(Poisson ≤ k)
        sl += (p[agents + k] ?? 0) * (1 - cdf);
        pmf *= rate / (k + 1);
      }
      return sl;
    },
  };
}

/** The textbook formula with factorials and powers, fine for small N. */
function naiveErlangC(agents: number, traffic: number): number {
  let sum = 0;
  let term = 1; // A^k / k!
  for (let k = 0; k < agents; k++) {
    sum += term;
    term *= traffic / (k + 1);
  }
  const top = (term * agents) / (agents - traffic);
  return top / (sum + top);
}

const load = (agents: number, traffic: number, aht = 180) => ({ agents, arrivalRate: traffic / aht, aht });

describe('erlangB', () => {
  it('matches published Erlang B table values and exact small cases', () => {
    expectClose(erlangB(10, 5), 0.018385, 1e-4); // 5 Erlangs on 10 trunks: 1.84% blocked
    expectClose(erlangB(11, 10), 0.163232, 1e-5);
    expect(erlangB(0, 3)).toBe(1);
    expectClose(erlangB(1, 3), 3 / 4, 1e-15);
    expectClose(erlangB(2, 2), 2 / 5, 1e-15); // (A²/2) / (1 + A + A²/2)
  });

  it('stays finite for 100,000 agents without overflow', () => {
    for (const traffic of [1, 50_000, 99_000, 100_000, 150_000]) {
      const b = erlangB(100_000, traffic);
      expect(Number.isFinite(b)).toBe(true);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThanOrEqual(1);
    }
    expect(erlangB(100_000, 1)).toBe(0); // 1/100000! underflows to exactly 0, not NaN
  });

  it('rejects bad arguments with ValidationError', () => {
    for (const [n, a] of [
      [-1, 1],
      [1.5, 1],
      [1e7, 1],
      [Number.NaN, 1],
      [1, -1],
      [1, Number.NaN],
      [1, Number.POSITIVE_INFINITY],
    ] as const) {
      expect(() => erlangB(n, a)).toThrow(ValidationError);
    }
  });
});

describe('erlangC', () => {
  it('matches exact closed forms (M/M/1: C = ρ; M/M/2: C = 2ρ²/(1 + ρ); A = 2, N = 3: C = 4/9)', () => {
    expectClose(erlangC(load(1, 0.7)).pWait, 0.7, 1e-14);
    const rho = 0.6;
    expectClose(erlangC(load(2, 2 * rho)).pWait, (2 * rho * rho) / (1 + rho), 1e-14);
    expectClose(erlangC(load(3, 2)).pWait, 4 / 9, 1e-14);
    // M/M/1 waiting time: P(W > t) = ρ·e^{−(1−ρ)t/aht}, E[W] = ρ·aht/(1 − ρ).
    const mm1 = erlangC({ agents: 1, arrivalRate: 0.5 / 60, aht: 60 });
    expectClose(mm1.serviceLevel(30), 1 - 0.5 * Math.exp(-0.25), 1e-14);
    expectClose(mm1.asa, 60, 1e-14);
  });

  it('matches the classic worked example: 100 calls per 30 min, AHT 180 s (A = 10 Erlangs)', () => {
    const arrivalRate = 100 / 1800;
    const expected = [
      // agents, P(wait), SL(20 s), ASA (s)
      [11, 0.6821, 0.3896, 122.78],
      [12, 0.4494, 0.6402, 40.44],
      [13, 0.2853, 0.7956, 17.12],
      [14, 0.1741, 0.8884, 7.84],
      [15, 0.102, 0.9415, 3.67],
    ] as const;
    for (const [agents, pWait, sl, asa] of expected) {
      const r = erlangC({ agents, arrivalRate, aht: 180 });
      expectClose(r.traffic, 10, 1e-14);
      expectClose(r.pWait, pWait, 0, 6e-5);
      expectClose(r.serviceLevel(20), sl, 0, 6e-5);
      expectClose(r.asa, asa, 0, 6e-3);
      expectClose(r.occupancy, 10 / agents, 1e-14);
      expect(r.stable).toBe(true);
    }
    expect(agentsForServiceLevel({ arrivalRate, aht: 180, threshold: 20, target: 0.8 })).toBe(14);
  });

  it('agrees with the M/M/N Markov chain solved numerically (A = 10 and others)', () => {
    const cases: [number, number][] = [
      [11, 10],
      [12, 10],
      [13, 10],
      [14, 10],
      [20, 10],
      [1, 0.9],
      [5, 4.5],
      [50, 45],
      [100, 80],
    ];
    for (const [agents, traffic] of cases) {
      const reference = mmnChain(agents, traffic);
      const r = erlangC(load(agents, traffic));
      expectClose(r.pWait, reference.pWait, 1e-11);
      for (const t of [0, 5, 20, 60, 300]) expectClose(r.serviceLevel(t), reference.serviceLevel(t, 180), 1e-10);
    }
  });

  it('agrees with the naive factorial formula for N ≤ 20', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        (agents, utilisation) => {
          const traffic = agents * utilisation;
          expectClose(erlangC(load(agents, traffic)).pWait, naiveErlangC(agents, traffic), 1e-12);
        },
      ),
    );
  });

  it('is monotone: P(wait) falls and SL rises with N; SL rises with t', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.double({ min: 0.01, max: 0.999, noNaN: true }),
        fc.double({ min: 0, max: 600, noNaN: true }),
        fc.double({ min: 0, max: 600, noNaN: true }),
        (agents, utilisation, t1, t2) => {
          const traffic = agents * utilisation;
          const r = erlangC(load(agents, traffic));
          const more = erlangC(load(agents + 1, traffic));
          expect(more.pWait).toBeLessThanOrEqual(r.pWait);
          expect(more.asa).toBeLessThanOrEqual(r.asa);
          expect(more.serviceLevel(t1)).toBeGreaterThanOrEqual(r.serviceLevel(t1));
          const [lo, hi] = t1 <= t2 ? [t1, t2] : [t2, t1];
          expect(r.serviceLevel(hi)).toBeGreaterThanOrEqual(r.serviceLevel(lo));
          expect(r.serviceLevel(0)).toBeCloseTo(1 - r.pWait, 14);
        },
      ),
    );
  });

  it('defines the unstable case (A ≥ N) instead of returning NaN', () => {
    for (const traffic of [10, 10.5, 1e6]) {
      const r = erlangC(load(10, traffic));
      expect(r).toMatchObject({ pWait: 1, asa: Number.POSITIVE_INFINITY, occupancy: 1, stable: false });
      expect(r.serviceLevel(20)).toBe(0);
    }
  });

  it('stays finite for 10,000 and 100,000 agents', () => {
    const cases: [number, number][] = [
      [10_000, 9_900],
      [10_000, 9_999.9],
      [10_000, 100],
      [100_000, 99_000],
      [100_000, 99_999.5],
      [100_000, 50_000],
    ];
    for (const [agents, traffic] of cases) {
      const r = erlangC(load(agents, traffic));
      for (const value of [r.pWait, r.asa, r.occupancy, r.serviceLevel(20)]) {
        expect(Number.isFinite(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(0);
      }
      expect(r.pWait).toBeLessThanOrEqual(1);
      expect(r.serviceLevel(20)).toBeLessThanOrEqual(1);
    }
    // Halfin–Whitt: with N = A + β·√A, P(wait) ≈ 1 / (1 + β·Φ(β)/φ(β));
    // for A = 9,900, β ≈ 1.005 → ≈ 0.221.
    const big = erlangC(load(10_000, 9_900));
    expectClose(big.pWait, 0.221, 0, 0.005);
  });

  it('rejects invalid input with ValidationError', () => {
    const good = { agents: 10, arrivalRate: 0.05, aht: 180 };
    const bad: unknown[] = [
      { ...good, agents: 0 },
      { ...good, agents: 2.5 },
      { ...good, agents: 1_000_001 },
      { ...good, agents: Number.NaN },
      { ...good, arrivalRate: 0 },
      { ...good, arrivalRate: -1 },
      { ...good, arrivalRate: Number.NaN },
      { ...good, arrivalRate: Number.POSITIVE_INFINITY },
      { ...good, aht: 0 },
      { ...good, aht: Number.POSITIVE_INFINITY },
      { ...good, aht: '180' },
      { agents: 10 },
      null,
    ];
    for (const input of bad) expect(() => erlangC(input as never)).toThrow(ValidationError);
    const r = erlangC(good);
    for (const t of [-1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => r.serviceLevel(t)).toThrow(ValidationError);
  });
});

describe('agentsForServiceLevel / agentsForAsa', () => {
  it('returns the minimal N: it meets the target and N − 1 does not', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 400, noNaN: true }),
        fc.double({ min: 1, max: 900, noNaN: true }),
        fc.double({ min: 0, max: 120, noNaN: true }),
        fc.double({ min: 0.05, max: 0.995, noNaN: true }),
        (traffic, aht, threshold, target) => {
          const arrivalRate = traffic / aht;
          const n = agentsForServiceLevel({ arrivalRate, aht, threshold, target });
          expect(erlangC({ agents: n, arrivalRate, aht }).serviceLevel(threshold)).toBeGreaterThanOrEqual(target);
          if (n > 1) {
            expect(erlangC({ agents: n - 1, arrivalRate, aht }).serviceLevel(threshold)).toBeLessThan(target);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('agentsForAsa returns the minimal N with ASA ≤ maxAsa', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 400, noNaN: true }),
        fc.double({ min: 1, max: 900, noNaN: true }),
        fc.double({ min: 0.01, max: 300, noNaN: true }),
        (traffic, aht, maxAsa) => {
          const arrivalRate = traffic / aht;
          const n = agentsForAsa({ arrivalRate, aht, maxAsa });
          expect(erlangC({ agents: n, arrivalRate, aht }).asa).toBeLessThanOrEqual(maxAsa);
          if (n > 1) expect(erlangC({ agents: n - 1, arrivalRate, aht }).asa).toBeGreaterThan(maxAsa);
        },
      ),
      { numRuns: 200 },
    );
    expect(agentsForAsa({ arrivalRate: 100 / 1800, aht: 180, maxAsa: 10 })).toBe(14);
  });

  it('handles 5,000 Erlangs in well under 50 ms', () => {
    const started = performance.now();
    const n = agentsForServiceLevel({ arrivalRate: 5_000 / 300, aht: 300, threshold: 20, target: 0.8 });
    const asaN = agentsForAsa({ arrivalRate: 5_000 / 300, aht: 300, maxAsa: 5 });
    expect(performance.now() - started).toBeLessThan(50);
    expect(n).toBeGreaterThan(5_000);
    expect(n).toBeLessThan(5_100); // economies of scale: a few dozen agents above the load
    expect(asaN).toBeGreaterThan(5_000);
  });

  it('considers the smallest stable N even when A is not an integer', () => {
    // A = 4.5: N = 5 is stable; a loose target must be met there, not at ceil(A) + 1 = 6.
    expect(agentsForServiceLevel({ arrivalRate: 4.5 / 100, aht: 100, threshold: 600, target: 0.05 })).toBe(5);
  });

  it('rejects invalid input and unreachable targets with ValidationError', () => {
    const good = { arrivalRate: 0.05, aht: 180, threshold: 20, target: 0.8 };
    for (const input of [
      { ...good, target: 0 },
      { ...good, target: 1 },
      { ...good, threshold: -1 },
      { ...good, arrivalRate: Number.NaN },
      { ...good, arrivalRate: 2e6 / 180 }, // 2,000,000 Erlangs needs more than 1,000,000 agents
    ]) {
      expect(() => agentsForServiceLevel(input)).toThrow(ValidationError);
    }
    expect(() => agentsForAsa({ arrivalRate: 0.05, aht: 180, maxAsa: 0 })).toThrow(ValidationError);
  });
});

describe('erlangCReport', () => {
  it('returns exactly the CLI shape', () => {
    const report = erlangCReport({ agents: 14, arrivalRate: 100 / 1800, aht: 180, threshold: 20 });
    expect(Object.keys(report).sort()).toEqual(['abandonRate', 'asa', 'occupancy', 'pWait', 'serviceLevel']);
    expectClose(report.serviceLevel, 0.8884, 0, 6e-5);
    expectClose(report.asa, 7.836, 0, 1e-3);
    expectClose(report.pWait, 0.1741, 0, 6e-5);
    expectClose(report.occupancy, 10 / 14, 1e-14);
    expect(report.abandonRate).toBe(0);
    expect(erlangCReport({ agents: 5, arrivalRate: 1, aht: 10, threshold: 20 })).toEqual({
      serviceLevel: 0,
      asa: Number.POSITIVE_INFINITY,
      pWait: 1,
      occupancy: 1,
      abandonRate: 0,
    });
  });
});
