import { attributesSchema, idSchema, tagSchema, tenantIdSchema, timestampSchema, versionSchema } from '@hotline/core';
import { z } from 'zod';

// The ticket record and its parts. Every module of the package (lifecycle, SLA, rules,
// access, webhooks, CRM) reads these types; the service is the only writer.

/**
 * The status categories everyone knows from Zendesk: custom statuses map onto one of these,
 * and every rule (reopen on reply, closed only via follow-up, SLA pause) is written
 * against the category.
 */
export const ticketStatusSchema = z.enum(['new', 'open', 'pending', 'on_hold', 'solved', 'closed', 'merged']);
/** A ticket status category. */
export type TicketStatus = z.infer<typeof ticketStatusSchema>;
/** Every status category, in lifecycle order. */
export const TICKET_STATUSES: readonly TicketStatus[] = ticketStatusSchema.options;

/** Ticket priorities, lowest first. */
export const ticketPrioritySchema = z.enum(['low', 'normal', 'high', 'urgent']);
/** A ticket priority. */
export type TicketPriority = z.infer<typeof ticketPrioritySchema>;
/** Every priority, lowest first: the index is the rank (`urgent` outranks `high`). */
export const TICKET_PRIORITIES: readonly TicketPriority[] = ticketPrioritySchema.options;

/** Where a ticket came from. */
export const ticketSourceSchema = z.strictObject({
  kind: z.enum(['api', 'conversation', 'email', 'offline_form', 'web_form', 'phone', 'split', 'follow_up']),
  /** The conversation it was created from (kind `conversation`), linked both ways. */
  conversationId: idSchema.optional(),
  /** The message it was created from (an email, a chat message). */
  messageId: idSchema.optional(),
  /** The ticket it was split from or follows up on. */
  ticketId: idSchema.optional(),
});
/** Where a ticket came from. */
export type TicketSource = z.infer<typeof ticketSourceSchema>;

/**
 * A link between two tickets. Links are stored on both sides with the inverse kind:
 * `parent` ↔ `child`, `follow_up` (this ticket is the follow-up of `ticketId`) ↔
 * `followed_by`, `merged_into` ↔ `merged_from`, `split_from` ↔ `split_into`, `related` ↔
 * `related`.
 */
export const ticketLinkKindSchema = z.enum([
  'related',
  'parent',
  'child',
  'follow_up',
  'followed_by',
  'merged_into',
  'merged_from',
  'split_from',
  'split_into',
]);
/** The kind of a ticket link. */
export type TicketLinkKind = z.infer<typeof ticketLinkKindSchema>;

/** A link to another ticket. */
export const ticketLinkSchema = z.strictObject({ kind: ticketLinkKindSchema, ticketId: idSchema });
/** A link to another ticket. */
export type TicketLink = z.infer<typeof ticketLinkSchema>;

/** A custom field value: what field definitions (`fields/`) validate. */
export const fieldValueSchema = z.union([
  z.string().max(65_536),
  z.number().finite(),
  z.boolean(),
  z.array(z.string().max(1024)).max(200),
  z.null(),
]);
/** A custom field value. */
export type FieldValue = z.infer<typeof fieldValueSchema>;

/** A customer satisfaction answer, stored with the ticket. */
export const csatSchema = z.strictObject({
  rating: z.enum(['good', 'bad']),
  comment: z.string().max(4000).optional(),
  at: timestampSchema,
});
/** A customer satisfaction answer. */
export type Csat = z.infer<typeof csatSchema>;

/** A ticket. `version` starts at 1 and rises by one on every write (optimistic concurrency). */
export const ticketSchema = z.strictObject({
  id: idSchema,
  tenantId: tenantIdSchema,
  version: versionSchema,
  /** A human number, unique and increasing per tenant (`#1042`). */
  number: z.int().min(1),
  subject: z.string().min(1).max(500),
  status: ticketStatusSchema,
  /** A custom status (see `lifecycle/`) whose category is `status`. */
  customStatusId: idSchema.optional(),
  priority: ticketPrioritySchema,
  /** The contact who asked. */
  requesterId: idSchema,
  assigneeId: idSchema.optional(),
  groupId: idSchema.optional(),
  tags: z.array(tagSchema).max(100),
  /** Custom field values by field key, validated against the tenant's field definitions. */
  fields: z.record(z.string().max(64), fieldValueSchema),
  formId: idSchema.optional(),
  source: ticketSourceSchema,
  /** Conversations linked to this ticket (each conversation carries the ticket id too). */
  conversationIds: z.array(idSchema).max(500),
  links: z.array(ticketLinkSchema).max(1000),
  /** Free host attributes (not rule-visible fields). */
  attributes: attributesSchema,
  csat: csatSchema.optional(),
  /** Agents (or contacts) who get notified about the ticket; merge carries them to the survivor. */
  followerIds: z.array(idSchema).max(100).optional(),
  /** The routing task that is finding an agent for this ticket (see `TicketRouter`). */
  routingTaskId: idSchema.optional(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  /** When it last entered `solved` (cleared on reopen): the auto-close clock. */
  solvedAt: timestampSchema.optional(),
  closedAt: timestampSchema.optional(),
});
/** A ticket. */
export type Ticket = z.infer<typeof ticketSchema>;

/**
 * The ticket properties a change can touch, by name. Custom fields are addressed as
 * `fields.<key>`. This is the vocabulary of history entries, rule conditions and actions,
 * field permissions, webhooks and CRM mappings.
 */
export type TicketProperty =
  | 'subject'
  | 'status'
  | 'customStatusId'
  | 'priority'
  | 'requesterId'
  | 'assigneeId'
  | 'groupId'
  | 'tags'
  | 'formId'
  | 'conversationIds'
  | 'links'
  | 'attributes'
  | 'csat'
  | 'followerIds'
  | 'routingTaskId'
  | 'solvedAt'
  | 'closedAt'
  | `fields.${string}`;
