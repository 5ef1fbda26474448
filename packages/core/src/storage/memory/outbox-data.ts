import type { OutboxEntry } from '../../schemas/records.js';
import { frozenCopy } from '../../util/freeze.js';
import type { ClaimOptions, ListOptions, NewOutboxEntry, Page } from '../ports.js';
import { ClaimQueue } from './claim-queue.js';
import type { MemoryContext } from './context.js';
import { paginateById } from './pagination.js';
import { newClaimToken } from './timer-data.js';

interface Slot {
  entry: OutboxEntry;
  gen: number;
}
const keyOf = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;

/** The outbox table of the memory adapter: entries, the idempotency-key index and a claim queue. */
export class OutboxData {
  private readonly slots = new Map<string, Slot>();
  private readonly byKey = new Map<string, string>();
  private readonly queue = new ClaimQueue();

  get(tenantId: string, id: string): OutboxEntry | undefined {
    return this.slots.get(keyOf(tenantId, id))?.entry;
  }

  enqueue(ctx: MemoryContext, input: NewOutboxEntry, now: number): OutboxEntry {
    if (input.key !== undefined) {
      const existingId = this.byKey.get(keyOf(input.tenantId, input.key));
      const existing = existingId === undefined ? undefined : this.get(input.tenantId, existingId);
      if (existing) return existing;
    }
    const entry: OutboxEntry = {
      tenantId: input.tenantId,
      id: input.id,
      topic: input.topic,
      payload: input.payload,
      status: 'pending',
      attempts: 0,
      availableAt: input.availableAt ?? now,
      createdAt: input.createdAt,
    };
    if (input.key !== undefined) entry.key = input.key;
    const stored = frozenCopy(entry);
    this.set(ctx, stored);
    return stored;
  }

  list(
    tenantId: string,
    statuses: readonly OutboxEntry['status'][] | undefined,
    options?: ListOptions,
  ): Page<OutboxEntry> {
    const mine: OutboxEntry[] = [];
    for (const { entry } of this.slots.values()) {
      if (entry.tenantId === tenantId && (!statuses || statuses.includes(entry.status))) mine.push(entry);
    }
    return paginateById(mine, options);
  }

  claim(ctx: MemoryContext, options: ClaimOptions & { topics?: readonly string[] }): OutboxEntry[] {
    const claimed: OutboxEntry[] = [];
    this.queue.drain(options.now, options.limit, (key, gen) => {
      const slot = this.slots.get(key);
      if (!slot || slot.gen !== gen) return 'stale';
      const { entry } = slot;
      if (!claimable(entry, options.now)) return 'stale';
      if (options.topics && !options.topics.includes(entry.topic)) return 'skip';
      const next = frozenCopy<OutboxEntry>({
        ...entry,
        status: 'inflight',
        attempts: entry.attempts + 1,
        claimedBy: options.owner,
        claimToken: newClaimToken(options.owner),
        claimExpiresAt: options.now + options.leaseMs,
      });
      this.set(ctx, next);
      claimed.push(next);
      return 'claimed';
    });
    return claimed;
  }

  complete(ctx: MemoryContext, tenantId: string, id: string, claimToken: string, deliveredAt: string): boolean {
    const entry = this.get(tenantId, id);
    if (entry?.status !== 'inflight' || entry.claimToken !== claimToken) return false;
    const { claimToken: _t, claimExpiresAt: _e, ...rest } = entry;
    this.set(ctx, frozenCopy<OutboxEntry>({ ...rest, status: 'delivered', deliveredAt }));
    return true;
  }

  fail(
    ctx: MemoryContext,
    tenantId: string,
    id: string,
    claimToken: string,
    failure: { retryAt: number; error: string; dead?: boolean },
  ): boolean {
    const entry = this.get(tenantId, id);
    if (entry?.status !== 'inflight' || entry.claimToken !== claimToken) return false;
    const { claimToken: _t, claimExpiresAt: _e, ...rest } = entry;
    this.set(
      ctx,
      frozenCopy<OutboxEntry>({
        ...rest,
        status: failure.dead ? 'dead' : 'pending',
        availableAt: failure.retryAt,
        lastError: failure.error.slice(0, 2000),
      }),
    );
    return true;
  }

  private set(ctx: MemoryContext, entry: OutboxEntry): void {
    const key = keyOf(entry.tenantId, entry.id);
    const previous = this.slots.get(key)?.entry;
    this.put(key, entry);
    ctx.onRollback(() => this.put(key, previous));
  }

  private put(key: string, entry: OutboxEntry | undefined): void {
    const current = this.slots.get(key)?.entry;
    if (current?.key !== undefined && entry?.key === undefined) {
      this.byKey.delete(keyOf(current.tenantId, current.key));
    }
    if (!entry) {
      this.slots.delete(key);
      return;
    }
    if (entry.key !== undefined) this.byKey.set(keyOf(entry.tenantId, entry.key), entry.id);
    const gen = this.queue.bump();
    this.slots.set(key, { entry, gen });
    if (entry.status === 'pending') this.queue.push(key, entry.availableAt, gen);
    else if (entry.status === 'inflight') this.queue.push(key, entry.claimExpiresAt ?? 0, gen);
  }
}

function claimable(entry: OutboxEntry, now: number): boolean {
  if (entry.status === 'pending') return entry.availableAt <= now;
  if (entry.status === 'inflight') return (entry.claimExpiresAt ?? 0) <= now;
  return false;
}
