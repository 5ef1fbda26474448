import type { AuditAppendInput } from '@hotline/core';
import type { DispatchContext } from './context.js';

/**
 * Writes an audit entry for a change already made. The change stands whatever happens
 * here: a failing audit write is reported (`operation: 'audit'`), never thrown at the agent.
 */
export async function auditChange(
  ctx: DispatchContext,
  tenantId: string,
  entry: AuditAppendInput & { resource: { type: 'conversation'; id: string } },
): Promise<void> {
  const audit = ctx.hotline.audit;
  if (!audit) return;
  try {
    await audit.append(tenantId, entry);
  } catch (error) {
    ctx.report(error, { tenantId, operation: 'audit', conversationId: entry.resource.id });
  }
}
