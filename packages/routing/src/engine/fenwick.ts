/**
 * A Fenwick (binary indexed) tree of non-negative weights over ids 0..n-1: O(log n)
 * weight updates and O(log n) weighted sampling. The weighted-random strategy keeps one
 * per (target, channel), with weight 0 for agents that cannot take work now.
 */
export class FenwickSampler {
  private tree: Float64Array;
  private weights: Float64Array;

  constructor(capacity = 16) {
    this.tree = new Float64Array(capacity + 1);
    this.weights = new Float64Array(capacity);
  }

  get total(): number {
    return this.prefix(this.weights.length);
  }

  weight(id: number): number {
    return id < this.weights.length ? (this.weights[id] as number) : 0;
  }

  set(id: number, weight: number): void {
    this.ensure(id);
    const delta = weight - (this.weights[id] as number);
    if (delta === 0) return;
    this.weights[id] = weight;
    for (let i = id + 1; i < this.tree.length; i += i & -i) this.tree[i] = (this.tree[i] as number) + delta;
  }

  /** The id whose cumulative weight range contains `point` (0 ≤ point < total), or -1. */
  sample(point: number): number {
    if (!(point >= 0) || point >= this.total) return -1;
    let index = 0;
    let remaining = point;
    let step = 1;
    while (step * 2 < this.tree.length) step *= 2;
    for (; step > 0; step >>= 1) {
      const next = index + step;
      if (next < this.tree.length && (this.tree[next] as number) <= remaining) {
        index = next;
        remaining -= this.tree[next] as number;
      }
    }
    // Float drift can land on a zero-weight id; walk to the next positive weight.
    for (let id = index; id < this.weights.length; id++) if ((this.weights[id] as number) > 0) return id;
    for (let id = index - 1; id >= 0; id--) if ((this.weights[id] as number) > 0) return id;
    return -1;
  }

  private prefix(count: number): number {
    let sum = 0;
    for (let i = count; i > 0; i -= i & -i) sum += this.tree[i] as number;
    return sum;
  }

  private ensure(id: number): void {
    if (id < this.weights.length) return;
    let size = this.weights.length * 2;
    while (size <= id) size *= 2;
    const weights = new Float64Array(size);
    weights.set(this.weights);
    // Rebuild the tree for the new size from the weights (O(n), only on growth).
    const tree = new Float64Array(size + 1);
    for (let i = 0; i < size; i++) {
      const w = weights[i] as number;
      if (w === 0) continue;
      for (let j = i + 1; j <= size; j += j & -j) tree[j] = (tree[j] as number) + w;
    }
    this.weights = weights;
    this.tree = tree;
  }
}
