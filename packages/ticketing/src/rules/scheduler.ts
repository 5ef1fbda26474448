import type { Clock, TimerHandle } from '@hotline/core';

/** Options of {@link createAutomationScheduler}. */
export interface AutomationSchedulerOptions {
  clock: Clock;
  /** One automation run (`engine.runAutomations`). */
  run: (now: number) => Promise<unknown>;
  /** Time between the starts of two runs. Zammad checks every 5 minutes, Zendesk every hour. @default 900_000 (15 min) */
  intervalMs?: number;
  /** Called when a run rejects (the schedule goes on). @default ignore */
  onError?: (error: unknown) => void;
}

/** A running schedule of automation runs. */
export interface AutomationScheduler {
  /** Starts the schedule (the first run after one interval); idempotent. */
  start(): void;
  /** Stops it; a run in progress finishes, no new run starts. */
  stop(): void;
  /** Runs now (waits for a run in progress instead of overlapping it). */
  runNow(): Promise<void>;
  /** Whether the schedule is started. */
  readonly started: boolean;
}

/**
 * Runs automations every `intervalMs` on a {@link Clock} (a `SimulatedClock` in tests).
 * Runs never overlap: when one takes longer than the interval the next starts as soon as
 * it ends. Per process; in a cluster, run it on one node (automations fire once per
 * ticket per process memory).
 *
 * @example
 * ```ts
 * const scheduler = createAutomationScheduler({ clock, run: (now) => rules.runAutomations(now), intervalMs: 5 * 60_000 });
 * scheduler.start();
 * ```
 */
export function createAutomationScheduler(options: AutomationSchedulerOptions): AutomationScheduler {
  const { clock } = options;
  const interval = Math.max(1_000, options.intervalMs ?? 900_000);
  let started = false;
  let timer: TimerHandle | undefined;
  let current: Promise<void> | undefined;

  const once = async (): Promise<void> => {
    if (current !== undefined) return current;
    current = (async () => {
      try {
        await options.run(clock.now());
      } catch (error) {
        options.onError?.(error);
      } finally {
        current = undefined;
      }
    })();
    return current;
  };

  const schedule = (delay: number) => {
    timer = clock.setTimer(() => {
      timer = undefined;
      const startedAt = clock.now();
      void once().then(() => {
        if (started && timer === undefined) schedule(Math.max(0, startedAt + interval - clock.now()));
      });
    }, delay);
  };

  return {
    start() {
      if (started) return;
      started = true;
      if (timer === undefined) schedule(interval);
    },
    stop() {
      started = false;
      if (timer !== undefined) clock.clearTimer(timer);
      timer = undefined;
    },
    runNow: once,
    get started() {
      return started;
    },
  };
}
