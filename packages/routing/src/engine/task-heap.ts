import type { TaskState } from './task-state.js';

/**
 * Waiting tasks of one (target, channel), best first: highest priority (with ageing),
 * then oldest, then first submitted. Ageing is linear and shared by the whole queue, so
 * `priority − rate·enqueuedAt` orders tasks the same at every instant and the heap never
 * needs re-keying as time passes.
 */
export class TaskHeap {
  private readonly items: TaskState[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): TaskState | undefined {
    return this.items[0];
  }

  push(task: TaskState): void {
    task.heap = this;
    task.heapPos = this.items.length;
    this.items.push(task);
    this.up(task.heapPos);
  }

  remove(task: TaskState): void {
    if (task.heap !== this) return;
    const at = task.heapPos;
    const last = this.items.pop() as TaskState;
    task.heap = undefined;
    task.heapPos = -1;
    if (last === task) return;
    this.items[at] = last;
    last.heapPos = at;
    this.up(at);
    this.down(last.heapPos);
  }

  /** Visits tasks best first until `visit` returns true; returns that task. */
  find(visit: (task: TaskState) => boolean): TaskState | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const first = items[0] as TaskState;
    if (visit(first)) return first;
    const frontier: number[] = [];
    const push = (slot: number) => {
      if (slot >= items.length) return;
      frontier.push(slot);
      let i = frontier.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!better(items[frontier[i] as number] as TaskState, items[frontier[parent] as number] as TaskState)) break;
        [frontier[i], frontier[parent]] = [frontier[parent] as number, frontier[i] as number];
        i = parent;
      }
    };
    push(1);
    push(2);
    while (frontier.length > 0) {
      let best = 0;
      // The frontier stays small (visited + 1 per step), so a linear pick is fine here.
      for (let i = 1; i < frontier.length; i++) {
        if (better(items[frontier[i] as number] as TaskState, items[frontier[best] as number] as TaskState)) best = i;
      }
      const slot = frontier[best] as number;
      frontier[best] = frontier[frontier.length - 1] as number;
      frontier.pop();
      const task = items[slot] as TaskState;
      if (visit(task)) return task;
      push(2 * slot + 1);
      push(2 * slot + 2);
    }
    return undefined;
  }

  /** Every task, in no particular order. */
  all(): readonly TaskState[] {
    return this.items;
  }

  private up(at: number): void {
    const items = this.items;
    const task = items[at] as TaskState;
    let i = at;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as TaskState;
      if (!better(task, p)) break;
      items[i] = p;
      p.heapPos = i;
      i = parent;
    }
    items[i] = task;
    task.heapPos = i;
  }

  private down(at: number): void {
    const items = this.items;
    const task = items[at] as TaskState;
    let i = at;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= items.length) break;
      const r = l + 1;
      let m = l;
      if (r < items.length && better(items[r] as TaskState, items[l] as TaskState)) m = r;
      const c = items[m] as TaskState;
      if (!better(c, task)) break;
      items[i] = c;
      c.heapPos = i;
      i = m;
    }
    items[i] = task;
    task.heapPos = i;
  }
}

/** Whether `a` should be served before `b` within one queue. */
export function better(a: TaskState, b: TaskState): boolean {
  if (a.ageKey !== b.ageKey) return a.ageKey > b.ageKey;
  if (a.enqueuedAt !== b.enqueuedAt) return a.enqueuedAt < b.enqueuedAt;
  return a.seq < b.seq;
}
