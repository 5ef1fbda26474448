import { randomUUID } from 'node:crypto';
import type { Clock, OutboxEntry, OutboxRepository } from '@hotline/core';
import { pageById } from './records.js';
import { type Draft, key, type Run } from './tables.js';

// Tables: outbox (tenant, id) → entry; outboxKeys (tenant, key) → id (enqueue idempotency).

/** When an entry can be claimed: pending once available, in flight once its lease ended. */
function readyAt(entry: OutboxEntry): number | undefined {
  if (entry.status === 'pending') return entry.availableAt;
  if (entry.status === 'inflight') return entry.claimExpiresAt ?? 0;
  return undefined;
}

/** The in-flight entry, if `claimToken` is its current claim. */
function claimed(d: Draft, tenantId: string, id: string, claimToken: string): OutboxEntry | undefined {
  const entry = d.get<OutboxEntry>('outbox', key(tenantId, id));
  return entry?.status === 'inflight' && entry.claimToken === claimToken ? entry : undefined;
}

/** The entry without its claim, ready to be stored as delivered, pending or dead. */
function unclaimed(entry: OutboxEntry): OutboxEntry {
  const { claimToken: _token, claimExpiresAt: _expires, ...rest } = entry;
  return rest;
}

export function outboxRepository(run: Run, clock: Clock): OutboxRepository {
  return {
    enqueue: (input) =>
      run((d) => {
        if (input.key !== undefined) {
          const existing = d.get<string>('outboxKeys', key(input.tenantId, input.key));
          if (existing !== undefined) return d.get<OutboxEntry>('outbox', key(input.tenantId, existing)) as OutboxEntry;
          d.put('outboxKeys', key(input.tenantId, input.key), input.id);
        }
        const { availableAt, ...fields } = input;
        const entry: OutboxEntry = {
          ...fields,
          status: 'pending',
          attempts: 0,
          availableAt: availableAt ?? clock.now(),
        };
        return d.put('outbox', key(input.tenantId, input.id), entry);
      }),
    get: (tenantId, id) => run((d) => d.get<OutboxEntry>('outbox', key(tenantId, id))),
    list: (tenantId, filter = {}, options) =>
      run((d) => {
        const rows = [...d.rows<OutboxEntry>('outbox', key(tenantId, ''))];
        return pageById(filter.status ? rows.filter((e) => filter.status?.includes(e.status)) : rows, options);
      }),
    claim: ({ now, limit, owner, leaseMs, topics }) =>
      run((d) =>
        [...d.rows<OutboxEntry>('outbox')]
          .filter((e) => (readyAt(e) ?? Number.POSITIVE_INFINITY) <= now && (!topics || topics.includes(e.topic)))
          .sort((a, b) => (readyAt(a) ?? 0) - (readyAt(b) ?? 0) || (a.id < b.id ? -1 : 1))
          .slice(0, limit)
          .map((e) =>
            d.put<OutboxEntry>('outbox', key(e.tenantId, e.id), {
              ...e,
              status: 'inflight',
              attempts: e.attempts + 1,
              claimedBy: owner,
              claimToken: `${owner}:${randomUUID()}`,
              claimExpiresAt: now + leaseMs,
            }),
          ),
      ),
    complete: (tenantId, id, claimToken, deliveredAt) =>
      run((d) => {
        const entry = claimed(d, tenantId, id, claimToken);
        if (!entry) return false;
        d.put<OutboxEntry>('outbox', key(tenantId, id), { ...unclaimed(entry), status: 'delivered', deliveredAt });
        return true;
      }),
    fail: (tenantId, id, claimToken, failure) =>
      run((d) => {
        const entry = claimed(d, tenantId, id, claimToken);
        if (!entry) return false;
        d.put<OutboxEntry>('outbox', key(tenantId, id), {
          ...unclaimed(entry),
          status: failure.dead ? 'dead' : 'pending',
          availableAt: failure.retryAt,
          lastError: failure.error.slice(0, 2000),
        });
        return true;
      }),
  };
}
