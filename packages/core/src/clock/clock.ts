/** An opaque handle for a callback scheduled on a {@link Clock}. */
export type TimerHandle = { readonly __timer: unique symbol } | number | object;

/**
 * The time port. Everything in Hotline that reads the time or waits takes a `Clock`, so
 * tests and simulations can run on a {@link SimulatedClock} deterministically.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `callback` once after `delayMs` (clamped to ≥ 0). */
  setTimer(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a callback; unknown or fired handles are ignored. */
  clearTimer(handle: TimerHandle): void;
}

/**
 * The real clock: `Date.now()` and the platform's `setTimeout`.
 *
 * @example
 * ```ts
 * const storage = createMemoryStorage({ clock: systemClock });
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (callback, delayMs) => {
    const handle = globalThis.setTimeout(callback, Math.max(0, delayMs)) as unknown as { unref?: () => void };
    // In Node, a pending timer must not keep a finished process alive.
    handle.unref?.();
    return handle as TimerHandle;
  },
  clearTimer: (handle) => globalThis.clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};

// Hot paths stamp several records per millisecond (a message and its event): format each millisecond once.
let lastMs = Number.NaN;
let lastIso = '';

/** The ISO-8601 timestamp of a clock's current time, as stored in records. */
export function isoNow(clock: Clock): string {
  const ms = clock.now();
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}
