import { retryOnConflict } from '@hotline/core';
import type { TicketComment } from '../model/comment.js';
import type { WriteContext } from '../model/ports.js';
import type { Ticket } from '../model/ticket.js';
import type { ChangeEnv, TenantConfig } from './apply-changes.js';
import type { TicketServiceOptions } from './options.js';
import { diffTickets } from './ticket-diff.js';
import type { WritePipeline } from './write-pipeline.js';

/** What every operation module of the service shares. */
export interface ServiceCore {
  options: TicketServiceOptions;
  pipeline: WritePipeline;
  config(tenantId: string): Promise<TenantConfig>;
  env(ctx: WriteContext, config: TenantConfig): ChangeEnv;
}

/** Every comment of a ticket, page by page (merge and split copy them). */
export async function allComments(core: ServiceCore, tenantId: string, ticketId: string): Promise<TicketComment[]> {
  const out: TicketComment[] = [];
  let cursor: string | undefined;
  do {
    const page = await core.pipeline.store.comments(tenantId, ticketId, { limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** A copy of a comment on another ticket (new id, same author, body and time; no idempotency key). */
export function copyComment(core: ServiceCore, comment: TicketComment, ticketId: string): TicketComment {
  const { clientCommentId: _key, ...rest } = comment;
  return { ...rest, id: core.pipeline.ids.next('tcm'), ticketId };
}

/** The changes as the guard sees them: `{ property, to }` of every property that differs. */
export function guardChanges(previous: Ticket | undefined, next: Ticket): { property: string; to: unknown }[] {
  return diffTickets(previous, next).map(({ property, to }) => ({ property, to }));
}

/**
 * How often a write re-reads and retries after losing a race for the same ticket. Each
 * round lets at least one racer through, so this bounds how many writers may pile onto one
 * ticket at once before one of them gets the `CONFLICT` (`reason: 'version'`).
 */
export const RACE_ATTEMPTS = 64;

/** Re-runs a read-build-write step when another writer stored the ticket in between. */
export function retryRaces<T>(step: () => Promise<T>): Promise<T> {
  return retryOnConflict(step, { attempts: RACE_ATTEMPTS });
}
