import { parseInput } from '@hotline/core';
import { z } from 'zod';
import {
  agentsSchema,
  assertInteger,
  assertNumber,
  MAX_AGENTS,
  positiveSchema,
  targetSchema,
  thresholdSchema,
  unreachable,
} from './validation.js';

/** Input of {@link erlangC}: a group of `agents` answering Poisson arrivals with exponential handle times. */
export const erlangCInputSchema = z.object({
  /** N: agents staffed, an integer in `1..1_000_000`. */
  agents: agentsSchema,
  /** λ: mean arrivals per second. */
  arrivalRate: positiveSchema,
  /** Mean handle time in seconds (1/μ). */
  aht: positiveSchema,
});
/** Input of {@link erlangC}. */
export type ErlangCInput = z.input<typeof erlangCInputSchema>;

/** What {@link erlangC} reports for an M/M/N queue. Waits are in seconds; probabilities are fractions. */
export interface ErlangCResult {
  /** Offered traffic A = λ·aht in Erlangs. */
  traffic: number;
  /** Probability an arrival has to wait (the Erlang C formula); `1` when unstable. */
  pWait: number;
  /** Average speed of answer: mean wait over all arrivals, `0` for those answered at once; `Infinity` when unstable. */
  asa: number;
  /**
   * Fraction of arrivals answered within `thresholdSeconds` (≥ 0, finite): 1 − pWait·e^{−(N−A)·t/aht};
   * `0` when unstable.
   */
  serviceLevel(thresholdSeconds: number): number;
  /** Agent utilisation A/N; `1` when unstable. */
  occupancy: number;
  /** Whether A < N; with A ≥ N the queue grows without bound and the figures above are limits. */
  stable: boolean;
}

/**
 * The one-line summary the `hotline-sim --erlang` CLI prints, shared by Erlang C and Erlang A so both can be
 * printed (and compared with a simulation) the same way.
 */
export interface ErlangReport {
  /** Answered within the threshold / offered. */
  serviceLevel: number;
  /** Average speed of answer in seconds (answered calls; Erlang C: all calls, since none abandon). */
  asa: number;
  /** Probability an arrival waits at all. */
  pWait: number;
  /** Agent utilisation. */
  occupancy: number;
  /** Fraction of arrivals that abandon (always `0` for Erlang C). */
  abandonRate: number;
}

/** Input of {@link erlangCReport}: {@link ErlangCInput} plus the service-level threshold in seconds. */
export const erlangCReportInputSchema = erlangCInputSchema.extend({ threshold: thresholdSchema });
/** Input of {@link erlangCReport}. */
export type ErlangCReportInput = z.input<typeof erlangCReportInputSchema>;

const loadSchema = z.object({ arrivalRate: positiveSchema, aht: positiveSchema });

/** Input of {@link agentsForServiceLevel}: find the smallest N answering `target` of arrivals within `threshold`. */
export const agentsForServiceLevelInputSchema = loadSchema.extend({
  /** Threshold t in seconds (≥ 0). */
  threshold: thresholdSchema,
  /** Target service level, strictly between 0 and 1 (0.8 for "80/20"). */
  target: targetSchema,
});
/** Input of {@link agentsForServiceLevel}. */
export type AgentsForServiceLevelInput = z.input<typeof agentsForServiceLevelInputSchema>;

/** Input of {@link agentsForAsa}: find the smallest N whose average speed of answer is at most `maxAsa`. */
export const agentsForAsaInputSchema = loadSchema.extend({
  /** Largest acceptable ASA in seconds (> 0: with any traffic some arrivals wait). */
  maxAsa: positiveSchema,
});
/** Input of {@link agentsForAsa}. */
export type AgentsForAsaInput = z.input<typeof agentsForAsaInputSchema>;

/** One step of the Erlang B recursion; kept in one place so every caller produces bit-identical values. */
function nextErlangB(n: number, traffic: number, previous: number): number {
  const ab = traffic * previous;
  return ab / (n + ab);
}

function erlangBUnchecked(agents: number, traffic: number): number {
  let b = 1;
  for (let n = 1; n <= agents; n++) b = nextErlangB(n, traffic, b);
  return b;
}

/** C(N, A) = N·B / (N − A·(1 − B)), valid for A < N. Clamped because rounding can leave it a hair above 1. */
function erlangCFromB(agents: number, traffic: number, b: number): number {
  return Math.min(1, (agents * b) / (agents - traffic * (1 - b)));
}

function serviceLevelOf(pWait: number, agents: number, traffic: number, aht: number, threshold: number): number {
  const sl = 1 - pWait * Math.exp((-(agents - traffic) * threshold) / aht);
  return Math.min(1, Math.max(0, sl));
}

/**
 * Erlang B: the probability that an arrival finds all `agents` busy in a loss system (M/M/N/N) offered
 * `traffic` Erlangs. Computed with the recursion
 *
 * B(0, A) = 1,  B(n, A) = A·B(n−1, A) / (n + A·B(n−1, A))
 *
 * which stays in [0, 1] at every step — no factorials or powers, so no overflow even for N = 100,000.
 * O(N) time. Throws `ValidationError` unless `agents` is an integer in `0..1_000_000` and `traffic`
 * is finite and ≥ 0.
 *
 * @example
 * ```ts
 * erlangB(10, 5); // ≈ 0.018385 (5 Erlangs on 10 trunks block 1.84% of calls)
 * ```
 */
export function erlangB(agents: number, traffic: number): number {
  assertInteger(agents, 'agents', 0, MAX_AGENTS, 'Erlang B input');
  assertNumber(traffic, 'traffic', 'nonNegative', 'Erlang B input');
  return erlangBUnchecked(agents, traffic);
}

/**
 * Erlang C for an M/M/N queue: Poisson arrivals at rate λ, N agents, exponential handle times with mean
 * `aht`, infinite patience, first come first served. With traffic A = λ·aht (Erlangs) and B = B(N, A):
 *
 * - pWait = C(N, A) = N·B / (N − A·(1 − B))
 * - serviceLevel(t) = P(wait ≤ t) = 1 − pWait·e^{−(N − A)·t / aht}
 * - asa = E[wait] = pWait·aht / (N − A)
 * - occupancy = A / N
 *
 * When A ≥ N the queue is unstable and grows without bound; rather than NaN the result holds the limits:
 * `pWait = 1`, `asa = Infinity`, `serviceLevel(t) = 0`, `occupancy = 1`, `stable = false`.
 *
 * O(N) time. Throws `ValidationError` on NaN, ±Infinity, non-positive rates or times, non-integer
 * agents or more than 1,000,000 agents.
 *
 * @example
 * ```ts
 * // 100 calls per half hour, 3-minute handle time: A = 10 Erlangs.
 * const r = erlangC({ agents: 14, arrivalRate: 100 / 1800, aht: 180 });
 * r.pWait; // ≈ 0.1741
 * r.serviceLevel(20); // ≈ 0.888 (answered within 20 s)
 * r.asa; // ≈ 7.8 s
 * r.occupancy; // ≈ 0.714
 * ```
 */
export function erlangC(input: ErlangCInput): ErlangCResult {
  const { agents, arrivalRate, aht } = parseInput(erlangCInputSchema, input, 'Erlang C input');
  const traffic = arrivalRate * aht;
  const checkThreshold = (t: number): void => assertNumber(t, 'thresholdSeconds', 'nonNegative', 'threshold');
  if (traffic >= agents) {
    return {
      traffic,
      pWait: 1,
      asa: Number.POSITIVE_INFINITY,
      serviceLevel: (t) => {
        checkThreshold(t);
        return 0;
      },
      occupancy: 1,
      stable: false,
    };
  }
  const pWait = erlangCFromB(agents, traffic, erlangBUnchecked(agents, traffic));
  return {
    traffic,
    pWait,
    asa: (pWait * aht) / (agents - traffic),
    serviceLevel: (t) => {
      checkThreshold(t);
      return serviceLevelOf(pWait, agents, traffic, aht, t);
    },
    occupancy: traffic / agents,
    stable: true,
  };
}

/**
 * Walks N upward from the smallest stable group, floor(A) + 1, continuing the Erlang B recursion instead of
 * restarting it, so the whole search costs O(answer) — about A + a few·√A steps. Every measure here improves
 * with N, hence the first N that passes is the minimum. The B values match {@link erlangC}'s bit for bit,
 * so `erlangC` with the answer passes and with one agent fewer fails.
 */
function smallestStableAgents(traffic: number, passes: (agents: number, pWait: number) => boolean): number {
  const start = Math.floor(traffic) + 1;
  if (start > MAX_AGENTS) {
    unreachable('staffing input', '', `traffic of ${traffic} Erlangs needs more than ${MAX_AGENTS} agents`);
  }
  let b = erlangBUnchecked(start, traffic);
  for (let agents = start; agents <= MAX_AGENTS; agents++) {
    if (agents > start) b = nextErlangB(agents, traffic, b);
    if (passes(agents, erlangCFromB(agents, traffic, b))) return agents;
  }
  return unreachable('staffing input', '', `the target needs more than ${MAX_AGENTS} agents`);
}

/**
 * The smallest number of agents N for which the Erlang C service level reaches the target:
 * 1 − C(N, A)·e^{−(N − A)·threshold/aht} ≥ target. Only stable N (N > A) qualify, so the search starts at
 * floor(A) + 1 and continues the Erlang B recursion upward; A = 5,000 Erlangs takes well under a millisecond.
 *
 * Throws `ValidationError` on invalid input or when the answer would exceed 1,000,000 agents.
 *
 * @example
 * ```ts
 * // 80% of calls answered within 20 s, 10 Erlangs offered with a 180 s handle time:
 * agentsForServiceLevel({ arrivalRate: 100 / 1800, aht: 180, threshold: 20, target: 0.8 }); // 14
 * ```
 */
export function agentsForServiceLevel(input: AgentsForServiceLevelInput): number {
  const { arrivalRate, aht, threshold, target } = parseInput(
    agentsForServiceLevelInputSchema,
    input,
    'agents-for-service-level input',
  );
  const traffic = arrivalRate * aht;
  return smallestStableAgents(
    traffic,
    (agents, pWait) => serviceLevelOf(pWait, agents, traffic, aht, threshold) >= target,
  );
}

/**
 * The smallest number of agents N whose Erlang C average speed of answer, C(N, A)·aht / (N − A), is at most
 * `maxAsa` seconds. Same search as {@link agentsForServiceLevel}.
 *
 * @example
 * ```ts
 * agentsForAsa({ arrivalRate: 100 / 1800, aht: 180, maxAsa: 10 }); // 14 (ASA ≈ 7.8 s; 13 agents give ≈ 17.1 s)
 * ```
 */
export function agentsForAsa(input: AgentsForAsaInput): number {
  const { arrivalRate, aht, maxAsa } = parseInput(agentsForAsaInputSchema, input, 'agents-for-ASA input');
  const traffic = arrivalRate * aht;
  return smallestStableAgents(traffic, (agents, pWait) => (pWait * aht) / (agents - traffic) <= maxAsa);
}

/**
 * Erlang C in the shape the `hotline-sim --erlang` CLI prints: exactly
 * `{ serviceLevel, asa, pWait, occupancy, abandonRate }`, with `serviceLevel` taken at `threshold` seconds
 * and `abandonRate` always `0` (Erlang C callers never hang up). Unstable loads report `asa: Infinity`,
 * `serviceLevel: 0`, `pWait: 1`, `occupancy: 1`.
 *
 * @example
 * ```ts
 * erlangCReport({ agents: 14, arrivalRate: 100 / 1800, aht: 180, threshold: 20 });
 * // { serviceLevel: 0.888…, asa: 7.83…, pWait: 0.174…, occupancy: 0.714…, abandonRate: 0 }
 * ```
 */
export function erlangCReport(input: ErlangCReportInput): ErlangReport {
  const { threshold, ...load } = parseInput(erlangCReportInputSchema, input, 'Erlang C report input');
  const result = erlangC(load);
  return {
    serviceLevel: result.serviceLevel(threshold),
    asa: result.asa,
    pWait: result.pWait,
    occupancy: result.occupancy,
    abandonRate: 0,
  };
}
