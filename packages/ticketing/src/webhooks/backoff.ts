import { timerBackoffMs } from '@hotline/core';

/** How retries are spaced. */
export interface DeliveryBackoffOptions {
  /** The delay before the first retry, in ms; each further retry doubles it. @default 1000 */
  baseMs?: number;
  /** The longest delay, in ms. @default 3600000 (1 hour) */
  maxMs?: number;
}

/** The defaults of {@link DeliveryBackoffOptions}. */
export const DEFAULT_DELIVERY_BACKOFF: Readonly<Required<DeliveryBackoffOptions>> = { baseMs: 1000, maxMs: 3_600_000 };

/**
 * The delay after failed attempt number `attempt` (1-based): core's exponential
 * `min(maxMs, baseMs · 2^(attempt − 1))`, with "equal jitter": half of it fixed, half random.
 * The floor keeps retries from hammering a target; the random half spreads the burst of
 * retries that follows an outage.
 *
 * @example
 * ```ts
 * jitteredBackoffMs(3, { baseMs: 1000, maxMs: 3_600_000 }, () => 0.5); // 3000 (between 2000 and 4000)
 * ```
 */
export function jitteredBackoffMs(
  attempt: number,
  backoff: Readonly<Required<DeliveryBackoffOptions>>,
  random: () => number,
): number {
  const ceiling = timerBackoffMs(attempt, backoff);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
