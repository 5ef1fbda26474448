import { parseInput } from '@hotline/core';
import { z } from 'zod';
import type { ErlangReport } from './erlang-c.js';
import {
  agentsSchema,
  assertNumber,
  MAX_AGENTS,
  positiveSchema,
  targetSchema,
  thresholdSchema,
  unreachable,
} from './validation.js';

/**
 * The most waiting callers the birth–death chain may need to represent. Only extreme overloads hit it: the
 * queue settles where the abandonment rate matches the excess arrivals, about (A − N)·patience/aht callers.
 */
export const MAX_QUEUE_STATES = 2_000_000;

/**
 * Patience outside `aht·1e−12 … aht·1e12` adds nothing numerically (the model is then Erlang C, or Erlang B)
 * and would risk overflow in β = N·patience/aht.
 */
const PATIENCE_RATIO_LIMIT = 1e12;

/** Tail terms below this fraction of the waiting mass are dropped. */
const TAIL_EPSILON = 1e-16;

const loadShape = {
  /** λ: mean arrivals per second. */
  arrivalRate: positiveSchema,
  /** Mean handle time in seconds (1/μ). */
  aht: positiveSchema,
  /** Mean patience in seconds: callers hang up after an exponential time with this mean (θ = 1/patience). */
  patience: positiveSchema,
};

function patienceInRange(value: { aht: number; patience: number }): boolean {
  const ratio = value.aht / value.patience;
  return ratio >= 1 / PATIENCE_RATIO_LIMIT && ratio <= PATIENCE_RATIO_LIMIT;
}
const patienceIssue = { message: 'patience must be within 1e-12..1e12 times aht', path: ['patience'] };

/** Input of {@link erlangA}: an M/M/N+M queue — Erlang C plus exponential patience. */
export const erlangAInputSchema = z
  .object({
    /** N: agents staffed, an integer in `1..1_000_000`. */
    agents: agentsSchema,
    ...loadShape,
  })
  .refine(patienceInRange, patienceIssue);
/** Input of {@link erlangA}. */
export type ErlangAInput = z.input<typeof erlangAInputSchema>;

/** Input of {@link erlangAReport}: {@link ErlangAInput} plus the service-level threshold in seconds. */
export const erlangAReportInputSchema = z
  .object({ agents: agentsSchema, ...loadShape, threshold: thresholdSchema })
  .refine(patienceInRange, patienceIssue);
/** Input of {@link erlangAReport}. */
export type ErlangAReportInput = z.input<typeof erlangAReportInputSchema>;

/** Input of {@link agentsForServiceLevelA}. */
export const agentsForServiceLevelAInputSchema = z
  .object({
    ...loadShape,
    /** Threshold t in seconds (≥ 0). */
    threshold: thresholdSchema,
    /** Target service level (answered within t / offered), strictly between 0 and 1. */
    target: targetSchema,
  })
  .refine(patienceInRange, patienceIssue);
/** Input of {@link agentsForServiceLevelA}. */
export type AgentsForServiceLevelAInput = z.input<typeof agentsForServiceLevelAInputSchema>;

/**
 * What {@link erlangA} reports for an M/M/N+M queue. "Waiting" means finding all N agents busy; an arrival
 * that finds a free agent is answered at once with a wait of 0. Times are in seconds.
 */
export interface ErlangAResult {
  /** Offered traffic A = λ·aht in Erlangs. */
  traffic: number;
  /** P(an arrival finds all agents busy and has to wait); by PASTA, the stationary P(n ≥ N). */
  pWait: number;
  /** P(an arrival hangs up before being answered) = θ·E[queue length] / λ. */
  pAbandon: number;
  /** Mean number of callers waiting (not being served), Lq. */
  meanQueueLength: number;
  /**
   * Mean time in queue over all arrivals: answered-at-once count 0, abandoners count until they hang up.
   * Equals Lq/λ (Little's law).
   */
  meanWait: number;
  /**
   * Average speed of answer: mean wait of answered arrivals (including those answered at once), the way
   * contact-center reports compute ASA (total answer delay / answered calls).
   */
  asaServed: number;
  /**
   * Service level as contact centers usually define it: answered within `thresholdSeconds` / offered, i.e.
   * P(answered and wait ≤ t). Abandoned calls count against it whenever they hang up, so
   * `serviceLevel(0) = 1 − pWait` and `serviceLevel(t) → 1 − pAbandon` as t grows.
   */
  serviceLevel(thresholdSeconds: number): number;
  /**
   * The variant that forgives short abandons: answered within t / (offered − abandoned within t).
   * Callers who hang up before t seconds are left out of the denominator.
   */
  serviceLevelExcludingShortAbandons(thresholdSeconds: number): number;
  /** P(an arrival abandons, having waited at most `thresholdSeconds`). */
  pAbandonWithin(thresholdSeconds: number): number;
  /** Agent utilisation: carried load / N = E[busy agents] / N = A·(1 − pAbandon) / N. */
  occupancy: number;
  /** Always `true`: abandonment keeps the queue finite at any load. */
  stable: true;
}

/** The stationary distribution, kept as the no-wait mass plus one probability per queue length. */
interface Chain {
  pNoWait: number;
  /** `waiting[k]` = π(N + k): all agents busy and k callers waiting. */
  waiting: Float64Array;
  meanBusy: number;
}

/**
 * Solves the birth–death chain with birth rate λ and death rate min(n, N)·μ + max(n − N, 0)·θ. Its
 * product-form solution π(n) ∝ Π r(i), r(i) = λ / death(i), is evaluated outward from the mode (the last n
 * with r(n) ≥ 1) with π(mode) = 1, so every unnormalised term is ≤ 1 (no overflow) and terms far from the mode
 * underflow harmlessly to 0. In units of μ the ratios are r(n) = A/n below N and A/(N + k·g) above, with
 * g = θ/μ = aht/patience. The tail is cut once the geometric bound on what is left,
 * term·r/(1 − r), falls below 1e−16 of the waiting mass (relative to the waiting mass, not the total, so pWait,
 * pAbandon and the waits keep full relative precision even when pWait is tiny).
 */
function solveChain(agents: number, traffic: number, g: number): Chain | undefined {
  const ratio = (n: number): number => (n <= agents ? traffic / n : traffic / (agents + (n - agents) * g));
  let mode: number;
  if (traffic < agents) {
    mode = Math.floor(traffic);
  } else {
    const excess = (traffic - agents) / g;
    if (!(excess <= MAX_QUEUE_STATES)) return undefined;
    mode = agents + Math.floor(excess);
  }

  // Downward from the mode: states above N go to `below` (by queue length), the rest into the sums.
  const below = new Float64Array(Math.max(0, mode - agents + 1));
  let noWait = 0;
  let busy = 0;
  let waitMass = 0;
  const add = (n: number, term: number): void => {
    if (n >= agents) {
      waitMass += term;
    } else {
      noWait += term;
      busy += n * term;
    }
  };
  let term = 1;
  if (mode >= agents) below[mode - agents] = 1;
  add(mode, 1);
  for (let n = mode; n > 0 && term > 0; n--) {
    term /= ratio(n);
    if (n - 1 >= agents) below[n - 1 - agents] = term;
    add(n - 1, term);
  }

  // Upward from the mode until the tail is negligible.
  const above: number[] = [];
  term = 1;
  for (let n = mode + 1; ; n++) {
    term *= ratio(n);
    if (term === 0) break;
    add(n, term);
    if (n < agents) continue;
    above.push(term);
    if (below.length + above.length > MAX_QUEUE_STATES) return undefined;
    const r = ratio(n + 1);
    if (r < 1 && (term * r) / (1 - r) <= TAIL_EPSILON * waitMass) break;
  }

  const total = noWait + waitMass;
  const waiting = new Float64Array(below.length + above.length);
  for (let k = 0; k < below.length; k++) waiting[k] = (below[k] ?? 0) / total;
  for (let k = 0; k < above.length; k++) waiting[below.length + k] = (above[k] ?? 0) / total;
  return { pNoWait: noWait / total, waiting, meanBusy: (busy + agents * waitMass) / total };
}

/** Everything the public result needs, computed once; the threshold-dependent parts stay functions. */
class ErlangAModel {
  readonly pWait: number;
  readonly meanQueueLength: number;
  readonly pAbandon: number;
  readonly asaServed: number;
  readonly occupancy: number;

  constructor(
    private readonly agents: number,
    readonly traffic: number,
    private readonly aht: number,
    private readonly patience: number,
    private readonly chain: Chain,
  ) {
    const g = aht / patience;
    let pWait = 0;
    let lq = 0;
    let servedWaitSum = 0;
    // H accumulates Σ_{i=1}^{k+1} 1/(Nμ + iθ): the mean of S_k·e^{−θS_k}, see asaServed below.
    let h = 0;
    chain.waiting.forEach((p, k) => {
      pWait += p;
      lq += k * p;
      h += aht / (agents + (k + 1) * g);
      servedWaitSum += p * (agents / (agents + (k + 1) * g)) * h;
    });
    this.pWait = Math.min(1, pWait);
    this.meanQueueLength = lq;
    this.pAbandon = Math.min(1, (g * lq) / traffic);
    // A caller with k ahead is answered after S_k = Σ_{i=0}^{k} Exp(Nμ + iθ) unless patience τ ~ Exp(θ) runs
    // out first, so E[wait; answered] = E[S_k·e^{−θS_k}] = −d/ds Π (Nμ+iθ)/(Nμ+iθ+s) at s = θ
    // = [Nμ/(Nμ+(k+1)θ)]·Σ_{i=1}^{k+1} 1/(Nμ+iθ) (the product telescopes).
    const answered = 1 - this.pAbandon;
    this.asaServed = answered > 0 ? servedWaitSum / answered : 0;
    this.occupancy = Math.min(1, chain.meanBusy / agents);
  }

  get meanWait(): number {
    return (this.meanQueueLength * this.aht) / this.traffic;
  }

  /**
   * P(answered with wait ≤ t) and P(abandoned with wait ≤ t), both over all arrivals.
   *
   * A caller finding k others waiting moves up each time an agent frees (rate Nμ) or someone ahead hangs up
   * (iθ with i ahead), and itself hangs up at rate θ. Without its own patience it would be answered after
   * S_k = Σ_{i=0}^{k} Exp(Nμ + iθ) — a hypoexponential with equally spaced rates, whose density collapses to
   * (Π_i (Nμ + iθ))/(θ^k·k!)·e^{−Nμx}·(1 − e^{−θx})^k (the partial fractions of the alternating sum
   * recombine into a binomial), so P(S_k ≤ x) = I_y(k + 1, β) with y = 1 − e^{−θx}, β = Nμ/θ (regularised
   * incomplete beta). It is answered within t iff S_k ≤ t and S_k < τ, τ ~ Exp(θ); integrating e^{−θx}
   * against the density,
   *
   *   P(answered ≤ t | k) = β/(β + k + 1) · I_Y(k + 1, β + 1),   Y = 1 − e^{−θt},
   *
   * and it abandons within t iff τ ≤ t and τ < S_k; integrating θe^{−θx}·P(S_k > x) by parts,
   *
   *   P(abandoned ≤ t | k) = Y·(1 − I_Y(k + 1, β)) + (k + 1)/(β + k + 1) · I_Y(k + 2, β).
   *
   * For integer first argument, I_Y(j, b) is the upper tail P(X_b ≥ j) of a negative binomial X_b counting
   * failures (probability Y) before b successes (probability e^{−θt}), whose pmf obeys p(0) = e^{−bθt},
   * p(j) = p(j − 1)·Y·(b − 1 + j)/j. One pass over k accumulates both CDFs (b = β + 1 and b = β) in log space
   * — p(0) underflows once Nμ·t > ~745 while later terms do not. Exact up to rounding and the 1e−16 tail
   * truncation: the log-space recurrence gives each pmf value a relative error of about (queue length)·1e−16,
   * so the results carry an absolute error of that order (≈1e−12 for a 10,000-caller queue, ≈1e−15 for
   * everyday sizes). O(queue states) per call.
   */
  within(t: number): { answered: number; abandoned: number } {
    if (t === 0) return { answered: this.chain.pNoWait, abandoned: 0 };
    const { agents, aht, patience } = this;
    const g = aht / patience;
    const beta = agents / g;
    const y = -Math.expm1(-t / patience);
    const logY = Math.log(y);
    // Negative binomial with β + 1 successes (answers) and with β successes (abandons).
    let logPmfAnswer = -(agents / aht + 1 / patience) * t;
    let cdfAnswer = 0;
    let logPmfAbandon = -(agents / aht) * t;
    let cdfAbandon = Math.exp(logPmfAbandon); // P(X_β ≤ 0)
    let answered = this.chain.pNoWait;
    let abandoned = 0;
    const waiting = this.chain.waiting;
    for (let k = 0; k < waiting.length; k++) {
      cdfAnswer += Math.exp(logPmfAnswer); // P(X_{β+1} ≤ k)
      logPmfAnswer += logY + Math.log1p(beta / (k + 1));
      const cdfAbandonK = cdfAbandon; // P(X_β ≤ k)
      logPmfAbandon += logY + Math.log1p((beta - 1) / (k + 1));
      cdfAbandon += Math.exp(logPmfAbandon); // P(X_β ≤ k + 1)
      const p = waiting[k] ?? 0;
      const share = (k + 1) * g;
      answered += p * (agents / (agents + share)) * Math.max(0, 1 - cdfAnswer);
      abandoned += p * (y * Math.min(1, cdfAbandonK) + (share / (agents + share)) * Math.max(0, 1 - cdfAbandon));
    }
    return { answered: Math.min(1, answered), abandoned: Math.min(1, abandoned) };
  }
}

function checkThreshold(t: number): void {
  assertNumber(t, 'thresholdSeconds', 'nonNegative', 'threshold');
}

function toResult(model: ErlangAModel): ErlangAResult {
  return {
    traffic: model.traffic,
    pWait: model.pWait,
    pAbandon: model.pAbandon,
    meanQueueLength: model.meanQueueLength,
    meanWait: model.meanWait,
    asaServed: model.asaServed,
    serviceLevel: (t) => {
      checkThreshold(t);
      return model.within(t).answered;
    },
    serviceLevelExcludingShortAbandons: (t) => {
      checkThreshold(t);
      const { answered, abandoned } = model.within(t);
      return abandoned < 1 ? Math.min(1, answered / (1 - abandoned)) : 0;
    },
    pAbandonWithin: (t) => {
      checkThreshold(t);
      return model.within(t).abandoned;
    },
    occupancy: model.occupancy,
    stable: true,
  };
}

function buildModel(agents: number, arrivalRate: number, aht: number, patience: number): ErlangAModel | undefined {
  const traffic = arrivalRate * aht;
  const chain = solveChain(agents, traffic, aht / patience);
  return chain && new ErlangAModel(agents, traffic, aht, patience, chain);
}

const queueTooLong = `patience too long for this overload: over ${MAX_QUEUE_STATES} callers would queue`;

/**
 * Erlang A (M/M/N+M, Palm's model): Erlang C plus callers who hang up after an exponentially distributed
 * patience with mean `patience` seconds (abandonment rate θ = 1/patience). Always stable.
 *
 * Solved exactly through the birth–death chain on n = callers in system: births at λ, deaths at
 * min(n, N)·μ + max(n − N, 0)·θ, μ = 1/aht. The stationary distribution is built outward from its mode in
 * scaled form (no overflow) and the tail is truncated below 1e−16 of the waiting mass. From it:
 *
 * - pWait = P(n ≥ N); pAbandon = θ·Lq/λ; meanWait = Lq/λ (all arrivals); occupancy = A·(1 − pAbandon)/N
 * - asaServed = E[wait | answered]
 * - serviceLevel(t) = P(answered and wait ≤ t) = answered within t / offered, from the exact waiting-time
 *   distribution (see the source for the derivation); serviceLevelExcludingShortAbandons(t) divides by
 *   offered − abandoned within t instead.
 *
 * Throws `ValidationError` on invalid input, patience outside 1e−12..1e12 times `aht`, or an overload
 * so deep the queue would exceed {@link MAX_QUEUE_STATES} callers. O(N + queue length) time.
 *
 * @example
 * ```ts
 * // 10 Erlangs on 11 agents; callers wait 2 minutes on average before hanging up.
 * const r = erlangA({ agents: 11, arrivalRate: 100 / 1800, aht: 180, patience: 120 });
 * r.pWait; // ≈ 0.383
 * r.pAbandon; // ≈ 0.094 hang up
 * r.serviceLevel(20); // ≈ 0.742 answered within 20 s / offered
 * r.asaServed; // ≈ 9.8 s mean wait of answered calls
 * ```
 */
export function erlangA(input: ErlangAInput): ErlangAResult {
  const { agents, arrivalRate, aht, patience } = parseInput(erlangAInputSchema, input, 'Erlang A input');
  const model = buildModel(agents, arrivalRate, aht, patience);
  return model ? toResult(model) : unreachable('Erlang A input', 'patience', queueTooLong);
}

/**
 * Erlang A in the CLI's report shape (see {@link ErlangReport}): `serviceLevel` = answered within
 * `threshold` / offered, `asa` = {@link ErlangAResult.asaServed}, `abandonRate` = pAbandon.
 *
 * @example
 * ```ts
 * erlangAReport({ agents: 11, arrivalRate: 100 / 1800, aht: 180, patience: 120, threshold: 20 });
 * ```
 */
export function erlangAReport(input: ErlangAReportInput): ErlangReport {
  const { threshold, ...load } = parseInput(erlangAReportInputSchema, input, 'Erlang A report input');
  const result = erlangA(load);
  return {
    serviceLevel: result.serviceLevel(threshold),
    asa: result.asaServed,
    pWait: result.pWait,
    occupancy: result.occupancy,
    abandonRate: result.pAbandon,
  };
}

/**
 * The smallest number of agents whose Erlang A service level (answered within `threshold` / offered)
 * reaches `target`. Unlike Erlang C the answer can be below the traffic A, since abandonment sheds load; but
 * answered calls can never exceed N/A of those offered, so the search starts at ceil(target·A), gallops
 * upward and then bisects (the service level rises with N). Groups so overloaded that their queue would exceed
 * {@link MAX_QUEUE_STATES} callers count as failing.
 *
 * Throws `ValidationError` on invalid input or when more than 1,000,000 agents would be needed.
 *
 * @example
 * ```ts
 * agentsForServiceLevelA({ arrivalRate: 100 / 1800, aht: 180, patience: 120, threshold: 20, target: 0.8 }); // 12
 * ```
 */
export function agentsForServiceLevelA(input: AgentsForServiceLevelAInput): number {
  const { arrivalRate, aht, patience, threshold, target } = parseInput(
    agentsForServiceLevelAInputSchema,
    input,
    'agents-for-service-level (Erlang A) input',
  );
  const traffic = arrivalRate * aht;
  const passes = (agents: number): boolean => {
    const model = buildModel(agents, arrivalRate, aht, patience);
    return model !== undefined && model.within(threshold).answered >= target;
  };
  const tooMany = (): never =>
    unreachable('agents-for-service-level (Erlang A) input', '', `the target needs more than ${MAX_AGENTS} agents`);

  // Invariant: `failing` fails (0 stands for "no agents"), `passing` passes.
  let failing = Math.max(0, Math.ceil(target * traffic) - 1);
  if (failing >= MAX_AGENTS) tooMany();
  let step = Math.max(1, Math.ceil(Math.sqrt(traffic)));
  let passing = Math.min(MAX_AGENTS, failing + 1);
  while (!passes(passing)) {
    if (passing === MAX_AGENTS) tooMany();
    failing = passing;
    passing = Math.min(MAX_AGENTS, passing + step);
    step *= 2;
  }
  while (passing - failing > 1) {
    const middle = failing + Math.floor((passing - failing) / 2);
    if (passes(middle)) passing = middle;
    else failing = middle;
  }
  return passing;
}
