import { MinHeap } from '../util/min-heap.js';
import type { Clock, TimerHandle } from './clock.js';

interface Pending {
  at: number;
  order: number;
  callback: () => void;
  canceled: boolean;
}

/**
 * A clock that only moves when told to. Callbacks fire in due-time order (ties in the
 * order they were scheduled), each seeing `now()` equal to its due time, which makes
 * routing, SLA and simulations reproducible.
 *
 * @example
 * ```ts
 * const clock = new SimulatedClock(Date.UTC(2026, 0, 1));
 * clock.setTimer(() => console.log(clock.now()), 5_000);
 * await clock.advance(10_000); // logs 1767225605000
 * ```
 */
export class SimulatedClock implements Clock {
  private current: number;
  private order = 0;
  private readonly pending = new MinHeap<Pending>((a, b) => a.at - b.at || a.order - b.order);

  /** @param start Initial time in ms since the epoch. @default 2026-01-01T00:00:00Z */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const item: Pending = { at: this.current + Math.max(0, delayMs), order: this.order++, callback, canceled: false };
    this.pending.push(item);
    return item;
  }

  clearTimer(handle: TimerHandle): void {
    (handle as Pending).canceled = true;
  }

  /** Number of callbacks still scheduled (canceled ones included until they are reached). */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Due time of the next live callback, if any. */
  nextDueAt(): number | undefined {
    this.dropCanceled();
    return this.pending.peek()?.at;
  }

  /**
   * Moves time forward by `ms`, firing due callbacks synchronously in order. Use when the
   * callbacks do no asynchronous work; otherwise use {@link SimulatedClock.advance}.
   */
  advanceSync(ms: number): void {
    const target = this.current + Math.max(0, ms);
    for (;;) {
      this.dropCanceled();
      const next = this.pending.peek();
      if (!next || next.at > target) break;
      this.pending.pop();
      this.current = next.at;
      next.callback();
    }
    this.current = target;
  }

  /**
   * Moves time forward by `ms`, firing due callbacks in order and letting the promise
   * work each one starts settle (one macrotask turn) before the next fires.
   */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + Math.max(0, ms));
  }

  /** Like {@link SimulatedClock.advance}, to an absolute time (never backwards). */
  async advanceTo(target: number): Promise<void> {
    await settle();
    for (;;) {
      this.dropCanceled();
      const next = this.pending.peek();
      if (!next || next.at > target) break;
      this.pending.pop();
      this.current = Math.max(this.current, next.at);
      next.callback();
      await settle();
    }
    this.current = Math.max(this.current, target);
  }

  /** Sets the time without firing anything (jumps over due callbacks; they fire on the next advance). */
  set(time: number): void {
    this.current = time;
  }

  private dropCanceled(): void {
    while (this.pending.peek()?.canceled) this.pending.pop();
  }
}

/**
 * Lets queued promise work run: one macrotask turn drains every microtask before it.
 * Uses `setImmediate` where the platform has it (Node), because `setTimeout(0)` is clamped
 * to a millisecond and simulations fire many thousands of callbacks.
 */
export function settle(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  if (typeof immediate === 'function') return new Promise((resolve) => immediate(() => resolve()));
  return new Promise((resolve) => globalThis.setTimeout(resolve, 0));
}
