import { checkEqual, checkRejects } from '../assert.js';
import { makeAuditEntry } from '../fixtures.js';
import { defineCases } from './case.js';

export const auditCases = defineCases('audit', {
  'append accepts seq 1, 2, 3 and stores entries exactly': async (ctx) => {
    const entries = [1, 2, 3].map((seq) => makeAuditEntry(ctx.tenantId, seq, { details: { n: seq } }));
    for (const entry of entries) checkEqual(await ctx.storage.audit.append(entry), entry, 'append returns the entry');
    checkEqual(await ctx.storage.audit.head(ctx.tenantId), entries[2], 'head is the newest');
    checkEqual(await ctx.storage.audit.list(ctx.tenantId), entries, 'list from the start');
    checkEqual(await ctx.storage.audit.list(ctx.tenantId, { fromSeq: 2, limit: 1 }), [entries[1]], 'list window');
  },
  'append refuses a seq that is not head + 1': async (ctx) => {
    await checkRejects(ctx.storage.audit.append(makeAuditEntry(ctx.tenantId, 2)), 'CONFLICT', 'first entry must be 1');
    await ctx.storage.audit.append(makeAuditEntry(ctx.tenantId, 1));
    await checkRejects(ctx.storage.audit.append(makeAuditEntry(ctx.tenantId, 1)), 'CONFLICT', 'repeated seq');
    await checkRejects(ctx.storage.audit.append(makeAuditEntry(ctx.tenantId, 3)), 'CONFLICT', 'gap');
    checkEqual((await ctx.storage.audit.list(ctx.tenantId)).length, 1, 'only the valid entry stored');
  },
  'concurrent appends of one seq: exactly one is stored': async (ctx) => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => ctx.storage.audit.append(makeAuditEntry(ctx.tenantId, 1))),
    );
    checkEqual(results.filter((r) => r.status === 'fulfilled').length, 1, 'one winner');
    checkEqual((await ctx.storage.audit.list(ctx.tenantId)).length, 1, 'one entry');
  },
  'each tenant has its own chain': async (ctx) => {
    await ctx.storage.audit.append(makeAuditEntry(ctx.tenantId, 1));
    await ctx.storage.audit.append(makeAuditEntry(ctx.otherTenantId, 1));
    checkEqual(await ctx.storage.audit.head('ten_empty'), undefined, 'empty log has no head');
    checkEqual((await ctx.storage.audit.list(ctx.otherTenantId)).length, 1, 'other chain');
  },
});
