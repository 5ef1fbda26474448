import type { ReconnectOptions } from './types.js';

/**
 * The wait before reconnect attempt `attempt` (0 for the first retry): exponential
 * backoff capped at `maxDelayMs`, with the random share `jitter` so that thousands of
 * widgets cut off together by a server restart do not all come back in the same instant.
 *
 * @example
 * ```ts
 * backoffDelay(3, { initialDelayMs: 500, maxDelayMs: 30_000, jitter: 1 }); // 0…4000
 * ```
 */
export function backoffDelay(attempt: number, options: ReconnectOptions = {}, random: () => number = Math.random) {
  const { initialDelayMs = 500, maxDelayMs = 30_000, jitter = 0.5 } = options;
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** attempt);
  return Math.round(ceiling * (1 - Math.min(1, Math.max(0, jitter)) * random()));
}
