/** How failed timer handlers are retried. */
export interface TimerRetryOptions {
  /** Delay before the first retry, in ms; each further retry doubles it. @default 1000 */
  baseMs?: number;
  /** Longest delay between two attempts, in ms. @default 300000 (5 minutes) */
  maxMs?: number;
  /**
   * Attempts (claims) after which a failing timer is dead-lettered: completed (removed
   * from storage) and reported to `onError` with reason `dead_letter`.
   * @default 10
   */
  maxAttempts?: number;
}

/** The defaults of {@link TimerRetryOptions}. */
export const DEFAULT_TIMER_RETRY: Readonly<Required<TimerRetryOptions>> = {
  baseMs: 1000,
  maxMs: 300_000,
  maxAttempts: 10,
};

/**
 * The delay before the next attempt of a timer that has been claimed `attempts` times:
 * `min(maxMs, baseMs * 2^(attempts - 1))`.
 *
 * @example
 * ```ts
 * timerBackoffMs(3, { baseMs: 1000, maxMs: 60_000, maxAttempts: 10 }); // 4000
 * ```
 */
export function timerBackoffMs(attempts: number, retry: { baseMs: number; maxMs: number }): number {
  const exponent = Math.max(0, attempts - 1);
  // 2 ** 1100 is Infinity, which min() caps; no overflow to worry about.
  return Math.min(retry.maxMs, retry.baseMs * 2 ** exponent);
}
