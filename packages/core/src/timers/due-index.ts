import { MinHeap } from '../util/min-heap.js';

/** One heap entry: a timer this process expects to become claimable at `dueAt`. */
export interface DueEntry {
  dueAt: number;
  tenantId: string;
  id: string;
}

const keyOf = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;

const compareEntries = (a: DueEntry, b: DueEntry) =>
  a.dueAt - b.dueAt ||
  (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The scheduler's in-memory view of upcoming timers: a min-heap of `(dueAt, tenantId, id)`
 * with lazy deletion. Rescheduling pushes a new entry and canceling only forgets the key;
 * superseded entries are dropped when they reach the top. The index is a hint for when to
 * wake up, never the truth: firing always goes through `claimDue`, so a stale entry costs
 * at most one empty claim.
 */
export class DueIndex {
  private readonly heap = new MinHeap<DueEntry>(compareEntries);
  /** The latest due time this process knows per timer; entries that disagree are stale. */
  private readonly latest = new Map<string, number>();

  /** Timers tracked (live entries; stale heap entries are not counted). */
  get size(): number {
    return this.latest.size;
  }

  /** Records that a timer becomes claimable at `dueAt`, superseding earlier knowledge. */
  upsert(entry: DueEntry): void {
    this.latest.set(keyOf(entry.tenantId, entry.id), entry.dueAt);
    this.heap.push({ dueAt: entry.dueAt, tenantId: entry.tenantId, id: entry.id });
  }

  /** Forgets a timer; its heap entries become stale. */
  forget(tenantId: string, id: string): void {
    this.latest.delete(keyOf(tenantId, id));
  }

  /** The earliest live due time, if any. */
  peekDueAt(): number | undefined {
    this.dropStale();
    return this.heap.peek()?.dueAt;
  }

  /** Removes every live entry due at or before `now` (they are about to be claimed). */
  takeDue(now: number): number {
    let taken = 0;
    for (;;) {
      this.dropStale();
      const top = this.heap.peek();
      if (!top || top.dueAt > now) return taken;
      this.heap.pop();
      this.latest.delete(keyOf(top.tenantId, top.id));
      taken++;
    }
  }

  clear(): void {
    this.heap.clear();
    this.latest.clear();
  }

  private dropStale(): void {
    for (;;) {
      const top = this.heap.peek();
      if (!top || this.latest.get(keyOf(top.tenantId, top.id)) === top.dueAt) return;
      this.heap.pop();
    }
  }
}
