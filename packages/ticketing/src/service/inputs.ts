import { attributesSchema, idSchema, tagSchema, tenantIdSchema, timestampSchema } from '@hotline/core';
import { z } from 'zod';
import { actorSchema } from '../model/actor.js';
import { MAX_COMMENT_BYTES, ticketAttachmentSchema } from '../model/comment.js';
import { csatSchema, ticketPrioritySchema, ticketStatusSchema } from '../model/ticket.js';

// Every public input of the ticket service, parsed at the boundary. Objects are strict:
// an unknown key is a mistake (or a probe), never silently dropped.

const byteLength = (text: string) => new TextEncoder().encode(text).length;

/** A comment body: at most `MAX_COMMENT_BYTES` bytes of UTF-8. */
export const commentBodySchema = z
  .string()
  .max(MAX_COMMENT_BYTES)
  .refine((body) => byteLength(body) <= MAX_COMMENT_BYTES, `at most ${MAX_COMMENT_BYTES} bytes`);

/** The write context, checked on every call. */
export const writeContextSchema = z.object({
  tenantId: tenantIdSchema,
  actor: actorSchema,
  principal: z.custom<NonNullable<unknown>>((value) => typeof value === 'object' && value !== null).optional(),
  depth: z.int().min(0).max(1000),
  approvalId: idSchema.optional(),
});

const subjectSchema = z.string().trim().min(1).max(500);
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A key → value map from untrusted JSON. A `__proto__` key (which `JSON.parse` makes an own
 * key) is refused rather than silently dropped, so an unknown key never passes unnoticed.
 */
const plainRecordSchema = z.custom<Record<string, unknown>>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).every((key) => !RESERVED_KEYS.has(key)),
  'an object without reserved keys (__proto__, constructor, prototype)',
);
const keyedValuesSchema = plainRecordSchema
  .pipe(z.record(z.string().max(64), z.unknown()))
  .refine((value) => Object.keys(value).length <= 1000, 'at most 1000 keys');
const fieldsInputSchema = keyedValuesSchema;
const tagsSchema = z.array(tagSchema).max(100);
const followersSchema = z.array(idSchema).max(100);

/** Where a new ticket comes from (`split` and `follow_up` are made by their own operations). */
export const createSourceSchema = z
  .strictObject({
    kind: z.enum(['api', 'conversation', 'email', 'offline_form', 'web_form', 'phone']),
    conversationId: idSchema.optional(),
    messageId: idSchema.optional(),
  })
  .refine((source) => source.kind !== 'conversation' || source.conversationId !== undefined, {
    message: 'a conversation source names its conversationId',
    path: ['conversationId'],
  });

/** Input of `TicketService.create`. */
export const createTicketInputSchema = z.strictObject({
  subject: subjectSchema,
  /** The first comment's body. Without it the ticket starts with no comment. */
  description: commentBodySchema.optional(),
  /** Whether the first comment is public. @default true */
  descriptionPublic: z.boolean().default(true),
  /**
   * Who wrote the description. @default 'requester' for conversation, email, offline and
   * web form sources; otherwise the actor's kind (an agent filing a ticket by phone or API).
   */
  descriptionAuthor: z.enum(['requester', 'agent', 'system']).optional(),
  attachments: z.array(ticketAttachmentSchema).max(50).default([]),
  requesterId: idSchema,
  /** @default 'new' */
  status: ticketStatusSchema.exclude(['closed', 'merged']).optional(),
  customStatusId: idSchema.optional(),
  /** @default 'normal' */
  priority: ticketPrioritySchema.default('normal'),
  assigneeId: idSchema.optional(),
  groupId: idSchema.optional(),
  tags: tagsSchema.default([]),
  fields: fieldsInputSchema.default({}),
  formId: idSchema.optional(),
  attributes: attributesSchema.default({}),
  followerIds: followersSchema.optional(),
  /** @default `{ kind: 'api' }` */
  source: createSourceSchema.default({ kind: 'api' }),
});
/** Input of `TicketService.create`. */
export type CreateTicketInput = z.input<typeof createTicketInputSchema>;
/** Parsed create input. */
export type ParsedCreateInput = z.output<typeof createTicketInputSchema>;

/**
 * The properties an update may change. `null` clears an optional property. `tags`
 * replaces the set; `addTags` / `removeTags` change it by set operations (and never
 * conflict with another writer). `fields` changes only the keys it names (`null` clears).
 * `attributes` merges key by key (`null` removes a key).
 */
export const ticketChangesSchema = z
  .strictObject({
    subject: subjectSchema.optional(),
    status: ticketStatusSchema.optional(),
    customStatusId: idSchema.nullable().optional(),
    priority: ticketPrioritySchema.optional(),
    requesterId: idSchema.optional(),
    assigneeId: idSchema.nullable().optional(),
    groupId: idSchema.nullable().optional(),
    tags: tagsSchema.optional(),
    addTags: tagsSchema.optional(),
    removeTags: tagsSchema.optional(),
    fields: fieldsInputSchema.optional(),
    formId: idSchema.nullable().optional(),
    followerIds: followersSchema.optional(),
    attributes: keyedValuesSchema.optional(),
  })
  .refine((changes) => changes.tags === undefined || (!changes.addTags && !changes.removeTags), {
    message: 'give tags, or addTags / removeTags, not both',
    path: ['tags'],
  });
/** The properties an update may change. */
export type TicketChanges = z.input<typeof ticketChangesSchema>;
/** Parsed changes. */
export type ParsedTicketChanges = z.output<typeof ticketChangesSchema>;

/** Most keys of a history entry's `meta`. */
export const MAX_META_KEYS = 32;
/** Most bytes of a history entry's `meta`, as JSON. */
export const MAX_META_BYTES = 4096;

/**
 * Free context stored on the history entry (`HistoryEntry.meta`): rules pass
 * `{ rule, ruleId, macroIds? }`, mail integrations `{ loop: true }`. JSON only, small.
 */
export const historyMetaSchema = plainRecordSchema
  .pipe(z.record(z.string().min(1).max(64), z.json()))
  .refine((value) => Object.keys(value).length <= MAX_META_KEYS, `at most ${MAX_META_KEYS} keys`)
  .refine((value) => byteLength(JSON.stringify(value)) <= MAX_META_BYTES, `at most ${MAX_META_BYTES} bytes as JSON`);

/**
 * A comment written in the same write as an update (a trigger that sets properties and
 * replies). The same rules as `TicketService.comment` apply: agents and requesters write
 * as themselves, a requester's reply reopens, an agent's public reply opens a new ticket.
 */
export const updateCommentSchema = z
  .strictObject({
    body: commentBodySchema,
    /** Public replies reach the requester; internal notes do not. */
    public: z.boolean(),
    attachments: z.array(ticketAttachmentSchema).max(50).default([]),
    /** @default from the actor (`system` for rules, SLA and integrations) */
    author: z.enum(['requester', 'agent', 'system']).optional(),
    authorId: idSchema.optional(),
  })
  .refine((input) => input.body.trim().length > 0 || input.attachments.length > 0, {
    message: 'a comment needs a body or an attachment',
    path: ['body'],
  });
/** A comment written with an update. */
export type UpdateCommentInput = z.input<typeof updateCommentSchema>;

/** Input of `TicketService.update`. */
export const updateTicketInputSchema = z.strictObject({
  /**
   * The version the caller's view is based on. When it is stale, changes by others since
   * then are merged, or a `ConflictError` lists them. Omit it only for machine writers
   * (rules, integrations) that mean "apply to whatever is current".
   */
  expectedVersion: z.int().min(1).optional(),
  changes: ticketChangesSchema,
  /** A comment stored by the same write (one history entry for both). */
  comment: updateCommentSchema.optional(),
  /** Stored on the history entry (`meta`), e.g. which rule or macro made the write. */
  meta: historyMetaSchema.optional(),
});
/** Input of `TicketService.update`. */
export type UpdateTicketInput = z.input<typeof updateTicketInputSchema>;

/** Input of `TicketService.comment`. */
export const commentInputSchema = z
  .strictObject({
    body: commentBodySchema,
    /** Public replies reach the requester; internal notes do not. */
    public: z.boolean(),
    attachments: z.array(ticketAttachmentSchema).max(50).default([]),
    /** Idempotency key: a retry with the same key returns the first comment and writes nothing. */
    clientCommentId: z.string().min(1).max(128).optional(),
    /** The conversation message this comment mirrors. */
    messageId: idSchema.optional(),
    /**
     * Who wrote it, for integrations and the system posting on someone's behalf (an email
     * from the requester). Requesters and agents always write as themselves.
     * @default from the actor
     */
    author: z.enum(['requester', 'agent', 'system']).optional(),
    authorId: idSchema.optional(),
    /** A status to set in the same write ("reply and set pending"). */
    status: ticketStatusSchema.exclude(['new', 'merged']).optional(),
  })
  .refine((input) => input.body.trim().length > 0 || input.attachments.length > 0, {
    message: 'a comment needs a body or an attachment',
    path: ['body'],
  });
/** Input of `TicketService.comment`. */
export type CommentInput = z.input<typeof commentInputSchema>;

/** Input of `TicketService.assign`: a group and/or an agent (`null` unassigns). */
export const assignInputSchema = z
  .strictObject({
    assigneeId: idSchema.nullable().optional(),
    groupId: idSchema.nullable().optional(),
    expectedVersion: z.int().min(1).optional(),
  })
  .refine((input) => input.assigneeId !== undefined || input.groupId !== undefined, {
    message: 'give assigneeId and/or groupId',
  });
/** Input of `TicketService.assign`. */
export type AssignInput = z.input<typeof assignInputSchema>;

/** Input of `TicketService.merge`. */
export const mergeInputSchema = z
  .strictObject({
    survivorId: idSchema,
    mergedIds: z.array(idSchema).min(1).max(50),
  })
  .refine((input) => new Set(input.mergedIds).size === input.mergedIds.length, {
    message: 'mergedIds must be unique',
    path: ['mergedIds'],
  })
  .refine((input) => !input.mergedIds.includes(input.survivorId), {
    message: 'the survivor cannot be merged into itself',
    path: ['mergedIds'],
  });
/** Input of `TicketService.merge`. */
export type MergeInput = z.input<typeof mergeInputSchema>;

/** The link kinds `TicketService.link` makes (the others come from merge, split and follow-up). */
export const linkInputKindSchema = z.enum(['related', 'parent', 'child']);
/** A link kind `TicketService.link` makes. */
export type LinkInputKind = z.infer<typeof linkInputKindSchema>;

/** Input of `TicketService.split`. */
export const splitInputSchema = z.strictObject({
  commentIds: z.array(idSchema).min(1).max(500),
  subject: subjectSchema,
});
/** Input of `TicketService.split`. */
export type SplitInput = z.input<typeof splitInputSchema>;

/** Input of `TicketService.createFollowUp`: like create, everything optional (copied from the closed ticket). */
export const followUpInputSchema = z.strictObject({
  subject: subjectSchema.optional(),
  description: commentBodySchema.optional(),
  descriptionPublic: z.boolean().default(true),
  attachments: z.array(ticketAttachmentSchema).max(50).default([]),
  priority: ticketPrioritySchema.optional(),
  assigneeId: idSchema.optional(),
  groupId: idSchema.optional(),
  tags: tagsSchema.optional(),
  fields: fieldsInputSchema.optional(),
});
/** Input of `TicketService.createFollowUp`. */
export type FollowUpInput = z.input<typeof followUpInputSchema>;

/** Input of `TicketService.recordCsat`. */
export const csatInputSchema = csatSchema.omit({ at: true });
/** Input of `TicketService.recordCsat`. */
export type CsatInput = z.input<typeof csatInputSchema>;

/** The changes an SLA escalation may make (`assigneeId: null` unassigns). */
export const slaChangesSchema = z.strictObject({
  priority: ticketPrioritySchema.optional(),
  groupId: idSchema.optional(),
  assigneeId: idSchema.nullable().optional(),
});

/** Input of `TicketService.recordSla`: one SLA event and its escalation's changes. */
export const recordSlaInputSchema = z.strictObject({
  /** @default {} (the event is stored without changes) */
  changes: slaChangesSchema.default({}),
  /** The `sla` history entry's `meta`. */
  meta: z.strictObject({
    metric: z.enum(['first_reply', 'next_reply', 'periodic_update', 'resolution']),
    event: z.enum(['warning', 'breach']),
    /** The history version that started the metric's cycle. */
    cycle: z.int().min(1),
    policyId: idSchema,
    /** ISO time of the due instant (the warning instant for warnings). */
    dueAt: timestampSchema,
  }),
});
/** Input of `TicketService.recordSla`. */
export type RecordSlaInput = z.input<typeof recordSlaInputSchema>;

/** Input of `TicketService.bulkUpdate`. */
export const bulkUpdateInputSchema = z.strictObject({
  ticketIds: z
    .array(idSchema)
    .min(1)
    .max(1000)
    .refine((ids) => new Set(ids).size === ids.length, 'ticket ids must be unique'),
  changes: ticketChangesSchema,
});
/** Input of `TicketService.bulkUpdate`. */
export type BulkUpdateInput = z.input<typeof bulkUpdateInputSchema>;
