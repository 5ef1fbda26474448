import { type AuditEntry, type AuditRepository, ConflictError } from '@hotline/core';
import type { Runner } from '../runner.js';
import { pageLimit } from './versioned.js';

/** The audit chain on SQL: an entry is stored only at head + 1; a concurrent writer of the same seq loses. */
export function auditRepository(run: Runner): AuditRepository {
  return {
    async append(entry) {
      const { rows } = await run.query<{ data: AuditEntry }>(
        `INSERT INTO hl_audit (tenant_id, seq, data)
         SELECT $1, $2, $3 WHERE $2 = (SELECT coalesce(max(seq), 0) + 1 FROM hl_audit WHERE tenant_id = $1)
         ON CONFLICT DO NOTHING RETURNING data`,
        [entry.tenantId, entry.seq, JSON.stringify(entry)],
      );
      if (rows[0]) return rows[0].data;
      const head = await run.query<{ seq: string }>('SELECT max(seq) AS seq FROM hl_audit WHERE tenant_id = $1', [
        entry.tenantId,
      ]);
      throw new ConflictError('audit log head moved; re-read it and chain again', {
        details: { expectedSeq: Number(head.rows[0]?.seq ?? 0) + 1, seq: entry.seq },
      });
    },
    async head(tenantId) {
      const { rows } = await run.query<{ data: AuditEntry }>(
        'SELECT data FROM hl_audit WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1',
        [tenantId],
      );
      return rows[0]?.data;
    },
    async list(tenantId, options = {}) {
      const { rows } = await run.query<{ data: AuditEntry }>(
        'SELECT data FROM hl_audit WHERE tenant_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3',
        [tenantId, options.fromSeq ?? 1, pageLimit(options.limit)],
      );
      return rows.map((r) => r.data);
    },
  };
}
