import { idSchema, tenantIdSchema, timestampSchema } from '@hotline/core';
import { z } from 'zod';
import { actorSchema } from './actor.js';

// A ticket's history: one entry per write, in order. It is the ticket's memory: SLA
// clocks are derived by replaying it, the audit log mirrors it, triggers read the last
// entry's changes, and conflict detection compares against entries after a stale version.

/** One property change: the property (`status`, `fields.plan`…) with its old and new value. */
export const propertyChangeSchema = z.strictObject({
  property: z.string().min(1).max(80),
  from: z.unknown(),
  to: z.unknown(),
});
/** One property change. */
export type PropertyChange = z.infer<typeof propertyChangeSchema>;

/** The comment a history entry added, without its body (bodies live in the comment store). */
export const historyCommentSchema = z.strictObject({
  id: idSchema,
  public: z.boolean(),
  /** Who wrote it: the requester (a customer reply), an agent, or the system / a rule. */
  author: z.enum(['requester', 'agent', 'system']),
});
/** The comment a history entry added. */
export type HistoryComment = z.infer<typeof historyCommentSchema>;

/**
 * One write to a ticket. `version` is the ticket's version after the write (the entry
 * that created the ticket has version 1), so entries after version `v` are exactly the
 * changes another writer holding `v` has not seen.
 */
export const historyEntrySchema = z.strictObject({
  tenantId: tenantIdSchema,
  ticketId: idSchema,
  version: z.int().min(1),
  at: timestampSchema,
  actor: actorSchema,
  /** What kind of write: creation, an update, a comment, a merge… */
  kind: z.enum(['created', 'updated', 'commented', 'merged', 'linked', 'split', 'csat', 'sla']),
  changes: z.array(propertyChangeSchema),
  comment: historyCommentSchema.optional(),
  /** The trigger chain depth that made this write (0 for a direct write). */
  depth: z.int().min(0).default(0),
  /** Free context, e.g. `{ slaMetric: 'first_reply', event: 'breach' }` for `sla` entries. */
  meta: z.record(z.string(), z.unknown()).optional(),
});
/** One write to a ticket. */
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
