import { systemTimers, type Timers } from './timers.js';

/** The outcome of one re-INVITE attempt (hold, unhold). */
export type ReinviteOutcome = { ok: true } | { ok: false; statusCode?: number };

/** Options of {@link retryOnGlare}. */
export interface GlareRetryOptions {
  /**
   * Whether this side generated the dialog's Call-ID (it sent the initial INVITE). RFC 3261
   * §14.1 gives the owner a later retry window (2.1–4 s) than the other side (0–2 s), so
   * the two ends of a glare do not collide again.
   */
  ownsCallId: boolean;
  /**
   * Attempts in total, the first included.
   * @default 3
   */
  maxAttempts?: number;
  /**
   * Uniform random number in [0, 1).
   * @default Math.random
   */
  random?: () => number;
  /** @default globalThis timers */
  timers?: Timers;
  /** Abandons the wait between attempts (the call ended). */
  signal?: AbortSignal;
  /** Told before each wait, with the attempt that got 491 (1-based). @default undefined */
  onRetry?: (delayMs: number, attempt: number) => void;
}

/** The status code of "491 Request Pending": the other side has a re-INVITE in flight. */
export const REQUEST_PENDING = 491;

/**
 * The delay before retrying a re-INVITE that got 491, per RFC 3261 §14.1: a random time in
 * units of 10 ms, between 2.1 and 4 s when this side owns the Call-ID and between 0 and 2 s
 * otherwise.
 *
 * @example
 * ```ts
 * glareRetryDelayMs(true, () => 0); // 2100
 * ```
 */
export function glareRetryDelayMs(ownsCallId: boolean, random: () => number = Math.random): number {
  const [minUnits, maxUnits] = ownsCallId ? [210, 400] : [0, 200];
  const units = minUnits + Math.floor(random() * (maxUnits - minUnits + 1));
  return Math.min(maxUnits, units) * 10;
}

/**
 * Runs a re-INVITE and retries it after {@link glareRetryDelayMs} while it gets 491, up to
 * `maxAttempts` in total. Any other failure, or running out of attempts, is returned as is.
 *
 * @example
 * ```ts
 * const outcome = await retryOnGlare(() => sendHoldReinvite(), { ownsCallId: true });
 * ```
 */
export async function retryOnGlare(
  attempt: () => Promise<ReinviteOutcome>,
  options: GlareRetryOptions,
): Promise<ReinviteOutcome> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const random = options.random ?? Math.random;
  const timers = options.timers ?? systemTimers;
  for (let tries = 1; ; tries++) {
    const outcome = await attempt();
    if (outcome.ok || outcome.statusCode !== REQUEST_PENDING || tries >= maxAttempts) return outcome;
    const delayMs = glareRetryDelayMs(options.ownsCallId, random);
    options.onRetry?.(delayMs, tries);
    const waited = await wait(delayMs, timers, options.signal);
    if (!waited) return outcome;
  }
}

function wait(ms: number, timers: Timers, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      timers.clearTimeout(handle);
      resolve(false);
    };
    const handle = timers.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
