import type { Clock, TimerHandle } from '../clock/clock.js';

/** Longest delay platform timers take (2^31 - 1 ms); longer ones would fire at once. */
const MAX_DELAY_MS = 2_147_483_647;

/**
 * One clock timer kept at the earliest instant asked for: what a scheduler with a due
 * index arms after every change. Asking for a later instant than the armed one changes
 * nothing (an early ring costs one empty run; a late one would miss a deadline), asking
 * for an earlier one re-arms. Delays beyond the platform maximum ring early, and the
 * owner re-arms from its `ring`.
 *
 * @example
 * ```ts
 * const alarm = new ClockAlarm(clock, () => void runDue());
 * alarm.armAt(index.peekAt()); // after every change of the index
 * alarm.disarm(); // on stop
 * ```
 */
export class ClockAlarm {
  private handle: TimerHandle | undefined;
  private at = Number.POSITIVE_INFINITY;

  /**
   * @param clock The clock to set the timer on (a `SimulatedClock` in tests).
   * @param ring Called when the armed instant is reached (the alarm is disarmed by then).
   */
  constructor(
    private readonly clock: Clock,
    private readonly ring: () => void,
  ) {}

  /** The instant it is armed for (epoch ms), `Infinity` when it is not armed. */
  get armedAt(): number {
    return this.at;
  }

  /** Rings at `at` (epoch ms), unless it is already armed to ring at or before it. */
  armAt(at: number): void {
    if (this.handle !== undefined && this.at <= at) return;
    this.disarm();
    this.at = at;
    this.handle = this.clock.setTimer(
      () => {
        this.handle = undefined;
        this.at = Number.POSITIVE_INFINITY;
        this.ring();
      },
      Math.min(MAX_DELAY_MS, Math.max(0, at - this.clock.now())),
    );
  }

  /** Cancels the armed timer, if any. */
  disarm(): void {
    if (this.handle !== undefined) this.clock.clearTimer(this.handle);
    this.handle = undefined;
    this.at = Number.POSITIVE_INFINITY;
  }
}
