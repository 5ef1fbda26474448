import { randomUUID } from 'node:crypto';
import type { TimerRecord, TimerRepository } from '@hotline/core';
import { type Draft, key, type Run } from './tables.js';

// Table: timers (tenant, id) → record. Claiming scans every timer; a database adapter
// would use an index on the due time and `FOR UPDATE SKIP LOCKED` instead.

/** When a timer can be claimed: at its due time, or when the current claim's lease ends. */
const readyAt = (t: TimerRecord) => (t.claimToken === undefined ? t.dueAt : (t.claimExpiresAt ?? 0));
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Due time, then tenant, then id: a total order, so `scan` can page with `after`. */
const order = (a: Pick<TimerRecord, 'dueAt' | 'tenantId' | 'id'>, b: Pick<TimerRecord, 'dueAt' | 'tenantId' | 'id'>) =>
  a.dueAt - b.dueAt || compare(a.tenantId, b.tenantId) || compare(a.id, b.id);

/** The timer, if `claimToken` is its current claim. */
function claimed(d: Draft, tenantId: string, id: string, claimToken: string): TimerRecord | undefined {
  const timer = d.get<TimerRecord>('timers', key(tenantId, id));
  return timer?.claimToken !== undefined && timer.claimToken === claimToken ? timer : undefined;
}

export function timerRepository(run: Run): TimerRepository {
  return {
    // Scheduling an existing id replaces it: new due time and payload, no claim, no attempts.
    schedule: ({ tenantId, id, kind, dueAt, payload }) =>
      run((d) => d.put<TimerRecord>('timers', key(tenantId, id), { tenantId, id, kind, dueAt, payload, attempts: 0 })),
    cancel: (tenantId, id) =>
      run((d) => {
        if (!d.get('timers', key(tenantId, id))) return false;
        d.delete('timers', key(tenantId, id));
        return true;
      }),
    get: (tenantId, id) => run((d) => d.get<TimerRecord>('timers', key(tenantId, id))),
    scan: ({ dueBefore, limit, after }) =>
      run((d) =>
        [...d.rows<TimerRecord>('timers')]
          .filter((t) => t.dueAt <= dueBefore && (!after || order(t, after) > 0))
          .sort(order)
          .slice(0, limit),
      ),
    // The lock makes scan-then-mark atomic: two claimers can never both see a timer unclaimed.
    claimDue: ({ now, limit, owner, leaseMs }) =>
      run((d) =>
        [...d.rows<TimerRecord>('timers')]
          .filter((t) => readyAt(t) <= now)
          .sort(order)
          .slice(0, limit)
          .map((t) =>
            d.put<TimerRecord>('timers', key(t.tenantId, t.id), {
              ...t,
              attempts: t.attempts + 1,
              claimedBy: owner,
              claimToken: `${owner}:${randomUUID()}`,
              claimExpiresAt: now + leaseMs,
            }),
          ),
      ),
    complete: (tenantId, id, claimToken) =>
      run((d) => {
        if (!claimed(d, tenantId, id, claimToken)) return false;
        d.delete('timers', key(tenantId, id));
        return true;
      }),
    release: (tenantId, id, claimToken, retry) =>
      run((d) => {
        const timer = claimed(d, tenantId, id, claimToken);
        if (!timer) return false;
        const { claimedBy: _by, claimToken: _token, claimExpiresAt: _expires, ...rest } = timer;
        const next: TimerRecord = { ...rest, dueAt: retry.dueAt };
        if (retry.error !== undefined) next.lastError = retry.error.slice(0, 2000);
        d.put('timers', key(tenantId, id), next);
        return true;
      }),
  };
}
