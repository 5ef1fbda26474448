import { MinHeap } from '../../util/min-heap.js';

/** Something that can be claimed: due at `readyAt`, identified by `key`, changed via `gen`. */
interface QueueItem {
  readyAt: number;
  key: string;
  gen: number;
}

/**
 * A heap of keys ordered by when they become claimable. Entries are never removed in
 * place: every change to a record bumps its generation and pushes a new entry, and stale
 * entries are skipped when popped (lazy deletion keeps every operation O(log n)).
 */
export class ClaimQueue {
  private readonly heap = new MinHeap<QueueItem>((a, b) => a.readyAt - b.readyAt || (a.key < b.key ? -1 : 1));
  private nextGen = 1;

  /** A new generation number for a record that just changed. */
  bump(): number {
    return this.nextGen++;
  }

  push(key: string, readyAt: number, gen: number): void {
    this.heap.push({ key, readyAt, gen });
  }

  /**
   * Pops entries ready at `now` and hands each to `take`: `claimed` counts towards
   * `limit`, `stale` drops the entry (the record changed since), `skip` keeps it for a
   * later call (filtered out this time). Stops after `limit` claims.
   */
  drain(now: number, limit: number, take: (key: string, gen: number) => 'claimed' | 'stale' | 'skip'): void {
    let claimed = 0;
    const skipped: QueueItem[] = [];
    while (claimed < limit) {
      const top = this.heap.pop();
      if (!top) break;
      if (top.readyAt > now) {
        this.heap.push(top);
        break;
      }
      const result = take(top.key, top.gen);
      if (result === 'claimed') claimed++;
      else if (result === 'skip') skipped.push(top);
    }
    for (const item of skipped) this.heap.push(item);
  }
}
