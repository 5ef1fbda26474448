import { ConflictError } from '../../errors/hotline-error.js';
import type { AuditEntry } from '../../schemas/records.js';
import { frozenCopy } from '../../util/freeze.js';
import type { MemoryContext } from './context.js';
import { pageLimit } from './pagination.js';

/** One append-only array per tenant; index = seq - 1. */
export class AuditLogData {
  private readonly logs = new Map<string, AuditEntry[]>();

  append(ctx: MemoryContext, entry: AuditEntry): AuditEntry {
    let log = this.logs.get(entry.tenantId);
    if (!log) {
      log = [];
      this.logs.set(entry.tenantId, log);
    }
    if (entry.seq !== log.length + 1) {
      throw new ConflictError('audit log head moved; re-read it and chain again', {
        details: { expectedSeq: log.length + 1, seq: entry.seq },
      });
    }
    const stored = frozenCopy(entry);
    log.push(stored);
    const target = log;
    ctx.onRollback(() => {
      target.pop();
    });
    return stored;
  }

  head(tenantId: string): AuditEntry | undefined {
    const log = this.logs.get(tenantId);
    return log?.[log.length - 1];
  }

  list(tenantId: string, fromSeq = 1, limit?: number): AuditEntry[] {
    const log = this.logs.get(tenantId) ?? [];
    const start = Math.max(0, fromSeq - 1);
    return log.slice(start, start + pageLimit(limit));
  }
}
