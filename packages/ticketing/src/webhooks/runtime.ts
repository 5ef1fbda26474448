import { type Clock, type TimerHandle, ValidationError } from '@hotline/core';

/** An option that must be a positive integer. @throws ValidationError otherwise. */
export function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ValidationError(`${name} must be a positive integer`, [{ path: name, message: 'a positive integer' }]);
  }
  return value;
}

/** Runs `work` over `items` with at most `limit` at once. */
export async function runPooled<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

/** A background loop of batches on a clock. */
export interface PollLoop {
  start(): void;
  /** Stops scheduling and waits for the running batch. */
  stop(): Promise<void>;
}

/**
 * Runs `runBatch` on the clock: again at once after a full batch (there is more waiting),
 * else after `pollIntervalMs`. A failing batch is reported and the loop goes on.
 */
export function createPollLoop(options: {
  clock: Clock;
  pollIntervalMs: number;
  runBatch: () => Promise<{ full: boolean }>;
  onError: (error: unknown) => void;
}): PollLoop {
  const { clock, pollIntervalMs } = options;
  let timer: TimerHandle | undefined;
  let running: Promise<void> | undefined;
  let started = false;

  function schedule(delayMs: number): void {
    timer = clock.setTimer(() => {
      timer = undefined;
      running = options
        .runBatch()
        .then(({ full }) => (full ? 0 : pollIntervalMs))
        .catch((error: unknown) => {
          options.onError(error);
          return pollIntervalMs;
        })
        .then((next) => {
          running = undefined;
          if (started) schedule(next);
        });
    }, delayMs);
  }

  return {
    start() {
      if (started) return;
      started = true;
      schedule(0);
    },
    async stop() {
      started = false;
      if (timer !== undefined) clock.clearTimer(timer);
      timer = undefined;
      await running;
    },
  };
}
