import { isHotlineError, parseInput } from '@hotline/core';
import type { WriteContext } from '../model/ports.js';
import type { Ticket } from '../model/ticket.js';
import { bulkUpdateInputSchema, type ParsedTicketChanges, type TicketChanges } from './inputs.js';
import type { ServiceCore } from './service-core.js';
import { updateChecked } from './update-op.js';

// Bulk updates: one decision for the batch (`bulk_update` with its count, which is where
// approval rules such as "closing more than 10 tickets" apply), then one ordinary update
// per ticket, each all or nothing, each checked and recorded like any other write.

/** What `TicketService.bulkUpdate` did, ticket by ticket. */
export interface BulkUpdateResult {
  /** The tickets as written (or unchanged, when the changes were already in place), in input order. */
  updated: Ticket[];
  /** Tickets that were not written, with the typed error that stopped each. */
  failed: { ticketId: string; error: { code: string; message: string } }[];
}

/** The batch's changes as the guard sees them: one `{ property, to }` per property. */
export function bulkGuardChanges(changes: ParsedTicketChanges): { property: string; to: unknown }[] {
  const out: { property: string; to: unknown }[] = [];
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || key === 'addTags' || key === 'removeTags') continue;
    if (key === 'fields') {
      for (const [field, to] of Object.entries(value as Record<string, unknown>))
        out.push({ property: `fields.${field}`, to });
    } else out.push({ property: key, to: value });
  }
  if (changes.tags === undefined && (changes.addTags || changes.removeTags)) {
    out.push({ property: 'tags', to: { add: changes.addTags ?? [], remove: changes.removeTags ?? [] } });
  }
  return out;
}

/** `TicketService.bulkUpdate`. */
export async function bulkUpdate(
  core: ServiceCore,
  rawCtx: WriteContext,
  ticketIds: readonly string[],
  rawChanges: TicketChanges,
): Promise<BulkUpdateResult> {
  const { pipeline } = core;
  const ctx = pipeline.context(rawCtx);
  const input = parseInput(bulkUpdateInputSchema, { ticketIds, changes: rawChanges }, 'bulk update');
  await pipeline.authorize(ctx, 'bulk_update', undefined, bulkGuardChanges(input.changes), {
    count: input.ticketIds.length,
  });
  // The batch's approval covered the batch; each ticket is still checked on its own.
  const { approvalId: _batchApproval, ...each } = ctx;
  const result: BulkUpdateResult = { updated: [], failed: [] };
  for (const ticketId of input.ticketIds) {
    try {
      const { ticket } = await updateChecked(core, each, ticketId, input.changes);
      result.updated.push(pipeline.redact(ctx, ticket));
    } catch (error) {
      if (!isHotlineError(error)) throw error;
      result.failed.push({ ticketId, error: { code: error.code, message: error.message } });
    }
  }
  // An approval is used by a batch that wrote something; a batch that wrote nothing gives it back.
  await pipeline.settleApproval(ctx, result.updated.length > 0);
  return result;
}
