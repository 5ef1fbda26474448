import type { TimerRecord } from '../../schemas/records.js';
import { frozenCopy } from '../../util/freeze.js';
import type { ClaimOptions, TimerRepository } from '../ports.js';
import { ClaimQueue } from './claim-queue.js';
import type { MemoryContext } from './context.js';

type NewTimer = Parameters<TimerRepository['schedule']>[0];
interface Slot {
  timer: TimerRecord;
  gen: number;
}

const keyOf = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;
let tokenCounter = 0;

/** A claim token unique within this process (memory storage lives in one process). */
export function newClaimToken(owner: string): string {
  tokenCounter += 1;
  return `${owner}:${Date.now().toString(36)}:${tokenCounter.toString(36)}`;
}

/** Durable-timer table of the memory adapter. */
export class TimerData {
  private readonly slots = new Map<string, Slot>();
  private readonly queue = new ClaimQueue();

  get(tenantId: string, id: string): TimerRecord | undefined {
    return this.slots.get(keyOf(tenantId, id))?.timer;
  }

  schedule(ctx: MemoryContext, input: NewTimer): TimerRecord {
    const timer = frozenCopy<TimerRecord>({
      tenantId: input.tenantId,
      id: input.id,
      kind: input.kind,
      dueAt: input.dueAt,
      payload: input.payload,
      attempts: 0,
    });
    this.set(ctx, keyOf(timer.tenantId, timer.id), timer);
    return timer;
  }

  cancel(ctx: MemoryContext, tenantId: string, id: string): boolean {
    const key = keyOf(tenantId, id);
    if (!this.slots.has(key)) return false;
    this.set(ctx, key, undefined);
    return true;
  }

  scan(dueBefore: number, limit: number, after?: { dueAt: number; tenantId: string; id: string }): TimerRecord[] {
    const order = (t: { dueAt: number; tenantId: string; id: string }) => [t.dueAt, t.tenantId, t.id] as const;
    const greater = (a: ReturnType<typeof order>, b: ReturnType<typeof order>) =>
      a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] > b[1] : a[2] > b[2];
    const list: TimerRecord[] = [];
    for (const { timer } of this.slots.values()) {
      if (timer.dueAt > dueBefore) continue;
      if (after && !greater(order(timer), order(after))) continue;
      list.push(timer);
    }
    list.sort((a, b) => (greater(order(a), order(b)) ? 1 : -1));
    return list.slice(0, limit);
  }

  claimDue(ctx: MemoryContext, options: ClaimOptions): TimerRecord[] {
    const claimed: TimerRecord[] = [];
    this.queue.drain(options.now, options.limit, (key, gen) => {
      const slot = this.slots.get(key);
      if (!slot || slot.gen !== gen) return 'stale';
      const { timer } = slot;
      const readyAt = timer.claimToken === undefined ? timer.dueAt : (timer.claimExpiresAt ?? 0);
      if (readyAt > options.now) return 'stale';
      const next = frozenCopy<TimerRecord>({
        ...timer,
        attempts: timer.attempts + 1,
        claimedBy: options.owner,
        claimToken: newClaimToken(options.owner),
        claimExpiresAt: options.now + options.leaseMs,
      });
      this.set(ctx, key, next);
      claimed.push(next);
      return 'claimed';
    });
    return claimed;
  }

  complete(ctx: MemoryContext, tenantId: string, id: string, claimToken: string): boolean {
    const key = keyOf(tenantId, id);
    const slot = this.slots.get(key);
    if (!slot || slot.timer.claimToken !== claimToken) return false;
    this.set(ctx, key, undefined);
    return true;
  }

  release(
    ctx: MemoryContext,
    tenantId: string,
    id: string,
    claimToken: string,
    retry: { dueAt: number; error?: string },
  ): boolean {
    const key = keyOf(tenantId, id);
    const slot = this.slots.get(key);
    if (!slot || slot.timer.claimToken !== claimToken) return false;
    const { claimedBy: _by, claimToken: _token, claimExpiresAt: _expires, ...rest } = slot.timer;
    const next: TimerRecord = { ...rest, dueAt: retry.dueAt };
    if (retry.error !== undefined) next.lastError = retry.error.slice(0, 2000);
    this.set(ctx, key, frozenCopy(next));
    return true;
  }

  /** Replaces (or removes) a slot, queues it under its new generation, records the undo. */
  private set(ctx: MemoryContext, key: string, timer: TimerRecord | undefined): void {
    const previous = this.slots.get(key);
    this.put(key, timer);
    ctx.onRollback(() => this.put(key, previous?.timer));
  }

  private put(key: string, timer: TimerRecord | undefined): void {
    if (!timer) {
      this.slots.delete(key);
      return;
    }
    const gen = this.queue.bump();
    this.slots.set(key, { timer, gen });
    const readyAt = timer.claimToken === undefined ? timer.dueAt : (timer.claimExpiresAt ?? 0);
    this.queue.push(key, readyAt, gen);
  }
}
