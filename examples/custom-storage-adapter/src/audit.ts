import { type AuditEntry, type AuditRepository, ConflictError } from '@hotline/core';
import { pageLimit } from './records.js';
import { type Draft, key, type Run } from './tables.js';

// Tables: audit (tenant, seq) → entry, stored exactly as given (its hash covers it);
// auditHead tenant → the last seq.

const headSeq = (d: Draft, tenantId: string) => d.get<number>('auditHead', tenantId) ?? 0;

export function auditRepository(run: Run): AuditRepository {
  return {
    append: (entry) =>
      run((d) => {
        const expected = headSeq(d, entry.tenantId) + 1;
        if (entry.seq !== expected) {
          throw new ConflictError('audit log head moved; re-read it and chain again', {
            details: { expectedSeq: expected, seq: entry.seq },
          });
        }
        d.put('auditHead', entry.tenantId, entry.seq);
        return d.put<AuditEntry>('audit', key(entry.tenantId, entry.seq), entry);
      }),
    head: (tenantId) =>
      run((d) => {
        const seq = headSeq(d, tenantId);
        return seq === 0 ? undefined : d.get<AuditEntry>('audit', key(tenantId, seq));
      }),
    list: (tenantId, options = {}) =>
      run((d) => {
        const entries: AuditEntry[] = [];
        const last = Math.min(headSeq(d, tenantId), Math.max(1, options.fromSeq ?? 1) + pageLimit(options.limit) - 1);
        for (let seq = Math.max(1, options.fromSeq ?? 1); seq <= last; seq++) {
          entries.push(d.get<AuditEntry>('audit', key(tenantId, seq)) as AuditEntry);
        }
        return entries;
      }),
  };
}
