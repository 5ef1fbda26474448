/**
 * Counters over a sliding window of whole minutes: one bucket per minute in a ring, so
 * adding is O(1) and summing the window is O(minutes × counters). Wallboards read "the
 * last hour" from here.
 */
export class RollingCounters<Name extends string> {
  private readonly buckets: Float64Array;
  private readonly stamps: Float64Array;
  private readonly index: Map<Name, number>;

  constructor(
    names: readonly Name[],
    readonly minutes: number,
  ) {
    this.index = new Map(names.map((name, i) => [name, i]));
    this.buckets = new Float64Array(minutes * names.length);
    this.stamps = new Float64Array(minutes).fill(-1);
  }

  add(name: Name, now: number, amount = 1): void {
    const minute = Math.floor(now / 60_000);
    const slot = minute % this.minutes;
    const width = this.index.size;
    if (this.stamps[slot] !== minute) {
      this.buckets.fill(0, slot * width, slot * width + width);
      this.stamps[slot] = minute;
    }
    const at = slot * width + (this.index.get(name) as number);
    this.buckets[at] = (this.buckets[at] as number) + amount;
  }

  /** Sums of every counter over the window ending at `now`. */
  sum(now: number): Record<Name, number> {
    const current = Math.floor(now / 60_000);
    const width = this.index.size;
    const out = {} as Record<Name, number>;
    for (const [name, offset] of this.index) {
      let total = 0;
      for (let slot = 0; slot < this.minutes; slot++) {
        const stamp = this.stamps[slot] as number;
        if (stamp > current - this.minutes && stamp <= current) total += this.buckets[slot * width + offset] as number;
      }
      out[name] = total;
    }
    return out;
  }
}
