/**
 * A min-heap over small integer ids (0..n-1) with a float key and an integer tie-breaker
 * per id, supporting insert, update, remove and peek in O(log n) without allocation. Equal
 * keys order by the tie-breaker (the engine uses the agent's registration order), which
 * keeps every decision deterministic and independent of membership history.
 *
 * The routing engine keeps one per (target, channel): the ids are the target's member
 * indices and the key is the strategy key (smaller is better), so the best available
 * agent is `peek()`.
 */
export class IndexedHeap {
  private heap: Int32Array;
  private pos: Int32Array;
  private keys: Float64Array;
  private ties: Float64Array;
  private count = 0;

  constructor(capacity = 16) {
    this.heap = new Int32Array(capacity);
    this.pos = new Int32Array(capacity).fill(-1);
    this.keys = new Float64Array(capacity);
    this.ties = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  has(id: number): boolean {
    return id < this.pos.length && (this.pos[id] as number) >= 0;
  }

  key(id: number): number {
    return this.keys[id] as number;
  }

  /** The id with the smallest key, or -1. */
  peek(): number {
    return this.count > 0 ? (this.heap[0] as number) : -1;
  }

  /** Inserts `id` with `key` (ties broken by `tie`), or moves it if present. */
  set(id: number, key: number, tie: number): void {
    this.ensure(id);
    const at = this.pos[id] as number;
    this.ties[id] = tie;
    if (at < 0) {
      this.keys[id] = key;
      this.heap[this.count] = id;
      this.pos[id] = this.count;
      this.count++;
      this.up(this.count - 1);
      return;
    }
    this.keys[id] = key;
    this.up(at);
    this.down(this.pos[id] as number);
  }

  delete(id: number): void {
    if (!this.has(id)) return;
    const at = this.pos[id] as number;
    const last = this.heap[this.count - 1] as number;
    this.count--;
    this.pos[id] = -1;
    if (at === this.count) return;
    this.heap[at] = last;
    this.pos[last] = at;
    this.up(at);
    this.down(this.pos[last] as number);
  }

  /**
   * Visits ids in true-key order until `visit` returns true (found) or the heap is
   * exhausted, where an id's true key may be *larger* than its stored key (callers may
   * leave keys that only grew un-updated, see `Target.refresh`). Stored keys are lower
   * bounds, so a best-first search over the heap that re-queues an id under its true key
   * when they differ yields exact order; ids found stale are re-keyed afterwards. Costs
   * O(k log k) for the k ids looked at, so a decision that takes the top touches one id.
   * A true key of `Infinity` means the id no longer belongs here: it is skipped and removed.
   */
  find(trueKey: (id: number) => number, visit: (id: number) => boolean): number {
    if (this.count === 0) return -1;
    let top = this.heap[0] as number;
    let topKey = trueKey(top);
    // Fast path: drop departed ids from the top, then take the top if it is current.
    while (topKey === Number.POSITIVE_INFINITY) {
      this.delete(top);
      if (this.count === 0) return -1;
      top = this.heap[0] as number;
      topKey = trueKey(top);
    }
    if (topKey === this.keys[top]) {
      if (visit(top)) return top;
    }
    // Frontier entries: heap slots (bound = stored key) or resolved ids (bound = true key).
    const bounds: number[] = [];
    const ties: number[] = [];
    const refs: number[] = []; // slot >= 0, or -(id + 1) for a resolved id
    const stale: [number, number][] = [];
    const less = (i: number, j: number) =>
      (bounds[i] as number) < (bounds[j] as number) ||
      ((bounds[i] as number) === (bounds[j] as number) && (ties[i] as number) < (ties[j] as number));
    const swap = (i: number, j: number) => {
      [bounds[i], bounds[j]] = [bounds[j] as number, bounds[i] as number];
      [ties[i], ties[j]] = [ties[j] as number, ties[i] as number];
      [refs[i], refs[j]] = [refs[j] as number, refs[i] as number];
    };
    const push = (bound: number, tie: number, ref: number) => {
      bounds.push(bound);
      ties.push(tie);
      refs.push(ref);
      let i = bounds.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!less(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    };
    const pop = (): number => {
      const ref = refs[0] as number;
      const last = bounds.length - 1;
      swap(0, last);
      bounds.pop();
      ties.pop();
      refs.pop();
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < bounds.length && less(l, m)) m = l;
        if (r < bounds.length && less(r, m)) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
      return ref;
    };
    const pushSlot = (slot: number) => {
      if (slot >= this.count) return;
      const id = this.heap[slot] as number;
      push(this.keys[id] as number, this.ties[id] as number, slot);
    };
    let found = -1;
    if (topKey === this.keys[top]) {
      // The top was current and refused: continue below it.
      pushSlot(1);
      pushSlot(2);
    } else {
      stale.push([top, topKey]);
      push(topKey, this.ties[top] as number, -(top + 1));
      pushSlot(1);
      pushSlot(2);
    }
    while (bounds.length > 0) {
      const ref = pop();
      if (ref < 0) {
        const id = -ref - 1;
        if (visit(id)) {
          found = id;
          break;
        }
        continue;
      }
      const id = this.heap[ref] as number;
      pushSlot(2 * ref + 1);
      pushSlot(2 * ref + 2);
      const key = trueKey(id);
      if (key !== this.keys[id]) {
        stale.push([id, key]);
        if (key !== Number.POSITIVE_INFINITY) push(key, this.ties[id] as number, -(id + 1));
        continue;
      }
      if (visit(id)) {
        found = id;
        break;
      }
    }
    for (const [id, key] of stale) {
      if (!this.has(id)) continue;
      if (key === Number.POSITIVE_INFINITY) this.delete(id);
      else this.set(id, key, this.ties[id] as number);
    }
    return found;
  }

  /** Every id currently in the heap, in no particular order. */
  ids(): number[] {
    return Array.from(this.heap.subarray(0, this.count));
  }

  private less(a: number, b: number): boolean {
    const ka = this.keys[a] as number;
    const kb = this.keys[b] as number;
    return ka < kb || (ka === kb && (this.ties[a] as number) < (this.ties[b] as number));
  }

  private up(at: number): void {
    const heap = this.heap;
    const id = heap[at] as number;
    let i = at;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as number;
      if (!this.less(id, p)) break;
      heap[i] = p;
      this.pos[p] = i;
      i = parent;
    }
    heap[i] = id;
    this.pos[id] = i;
  }

  private down(at: number): void {
    const heap = this.heap;
    const id = heap[at] as number;
    let i = at;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.count) break;
      const r = l + 1;
      let m = l;
      if (r < this.count && this.less(heap[r] as number, heap[l] as number)) m = r;
      const c = heap[m] as number;
      if (!this.less(c, id)) break;
      heap[i] = c;
      this.pos[c] = i;
      i = m;
    }
    heap[i] = id;
    this.pos[id] = i;
  }

  private ensure(id: number): void {
    if (id < this.pos.length) return;
    let size = this.pos.length * 2;
    while (size <= id) size *= 2;
    const heap = new Int32Array(size);
    heap.set(this.heap);
    const pos = new Int32Array(size).fill(-1);
    pos.set(this.pos);
    const keys = new Float64Array(size);
    keys.set(this.keys);
    const ties = new Float64Array(size);
    ties.set(this.ties);
    this.heap = heap;
    this.pos = pos;
    this.keys = keys;
    this.ties = ties;
  }
}
