import { type Clock, MinHeap, type TimerHandle } from '@hotline/core';

interface Deadline {
  at: number;
  seq: number;
  fire: () => void;
  canceled: boolean;
}

/**
 * The engine's timeouts (offers, workflow steps, overflow, preferences, wrap-up) in one
 * min-heap with a single clock timer armed for the earliest — never a platform timer per
 * task. Canceling marks the entry; canceled entries are dropped when they reach the top.
 */
export class Deadlines {
  private readonly heap = new MinHeap<Deadline>((a, b) => a.at - b.at || a.seq - b.seq);
  private seq = 0;
  private armed: TimerHandle | undefined;
  private armedAt = Number.POSITIVE_INFINITY;
  private live = 0;

  constructor(
    private readonly clock: Clock,
    private readonly onDue: () => void,
  ) {}

  /** Number of pending (not canceled) deadlines. */
  get size(): number {
    return this.live;
  }

  /** Schedules `fire` at `at`; returns a cancel function. */
  add(at: number, fire: () => void): () => void {
    const entry: Deadline = { at, seq: this.seq++, fire, canceled: false };
    this.heap.push(entry);
    this.live++;
    if (at < this.armedAt) this.arm();
    return () => {
      if (entry.canceled) return;
      entry.canceled = true;
      this.live--;
    };
  }

  /** The earliest pending deadline, if any. */
  next(): number | undefined {
    this.dropCanceled();
    return this.heap.peek()?.at;
  }

  /** Fires every deadline due at `now`, in order (including ones a firing schedules for now). */
  runDue(now: number): number {
    let fired = 0;
    for (;;) {
      this.dropCanceled();
      const top = this.heap.peek();
      if (!top || top.at > now) break;
      this.heap.pop();
      top.canceled = true;
      this.live--;
      top.fire();
      fired++;
    }
    this.arm();
    return fired;
  }

  /** Clears the clock timer (the heap is kept). */
  stop(): void {
    if (this.armed !== undefined) this.clock.clearTimer(this.armed);
    this.armed = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
  }

  private arm(): void {
    const next = this.next();
    if (next === this.armedAt) return;
    this.stop();
    if (next === undefined) return;
    this.armedAt = next;
    // Platform timers cap at 2^31 - 1 ms; a longer wait re-arms when it fires.
    const delay = Math.min(2_147_483_647, Math.max(0, next - this.clock.now()));
    this.armed = this.clock.setTimer(() => {
      this.armed = undefined;
      this.armedAt = Number.POSITIVE_INFINITY;
      this.onDue();
    }, delay);
  }

  private dropCanceled(): void {
    while (this.heap.peek()?.canceled) this.heap.pop();
  }
}
