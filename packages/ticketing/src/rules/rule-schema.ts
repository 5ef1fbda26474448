import { idSchema, tagSchema } from '@hotline/core';
import { z } from 'zod';
import { ruleConditionSetSchema } from '../conditions/rule-condition-schema.js';
import { MAX_COMMENT_BYTES } from '../model/comment.js';
import { fieldValueSchema, ticketPrioritySchema } from '../model/ticket.js';

// Stored, data-only definitions of triggers, automations, macros and classification rules.
// These schemas check shapes; `compile*` functions then check meaning (fields, operators,
// placeholders, nullifying conditions) and report each problem with its path.

/** Longest template (comment body, notification body), in UTF-16 code units. */
export const MAX_TEMPLATE_LENGTH = MAX_COMMENT_BYTES;

/** Statuses a rule may set (`new` is only a starting state, `merged` only the merge operation's). */
export const ruleStatusSchema = z.enum(['open', 'pending', 'on_hold', 'solved', 'closed']);

const fieldKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_:-]{1,64}$/, 'a field key')
  .refine((key) => key !== '__proto__' && key !== 'constructor' && key !== 'prototype', 'reserved key');

/** Who a `notify` action writes to. */
export const notifyTargetSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('requester') }),
  z.strictObject({ type: z.literal('assignee') }),
  /** The ticket's group, or the named one. */
  z.strictObject({ type: z.literal('group'), groupId: idSchema.optional() }),
  z.strictObject({ type: z.literal('email'), address: z.email().max(254) }),
]);
/** Who a `notify` action writes to. */
export type NotifyTarget = z.infer<typeof notifyTargetSchema>;

const templateSchema = z.string().max(MAX_TEMPLATE_LENGTH);

/**
 * A JSON payload template for `webhook`: every string inside is a placeholder template,
 * so values are inserted as JSON strings and never need escaping.
 */
export type PayloadTemplate = string | number | boolean | null | PayloadTemplate[] | { [key: string]: PayloadTemplate };
const payloadSchema: z.ZodType<PayloadTemplate> = z.lazy(() =>
  z.union([
    templateSchema,
    z.number().finite(),
    z.boolean(),
    z.null(),
    z.array(payloadSchema).max(200),
    z.record(fieldKeySchema, payloadSchema),
  ]),
);

/** What a rule does. Ticket changes apply in order; the last write to a property wins. */
export const ruleActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('set_status'), status: ruleStatusSchema }),
  z.strictObject({ type: z.literal('set_priority'), priority: ticketPrioritySchema }),
  /**
   * Assigns an agent and / or a group (`null` clears). `currentAgent: true` (macros only)
   * assigns the agent applying the macro.
   */
  z
    .strictObject({
      type: z.literal('assign'),
      agentId: idSchema.nullable().optional(),
      groupId: idSchema.nullable().optional(),
      currentAgent: z.literal(true).optional(),
    })
    .refine(
      (a) => a.agentId !== undefined || a.groupId !== undefined || a.currentAgent === true,
      'assign needs agentId, groupId or currentAgent',
    ),
  z.strictObject({ type: z.literal('set_field'), key: fieldKeySchema, value: fieldValueSchema }),
  z.strictObject({ type: z.literal('add_tags'), tags: z.array(tagSchema).min(1).max(100) }),
  z.strictObject({ type: z.literal('remove_tags'), tags: z.array(tagSchema).min(1).max(100) }),
  z.strictObject({ type: z.literal('set_tags'), tags: z.array(tagSchema).max(100) }),
  /** Adds a comment (a template); `public: false` makes an internal note. */
  z.strictObject({ type: z.literal('comment'), body: templateSchema.min(1), public: z.boolean() }),
  /** Sends a notification (subject and body are templates) through the host's mailer. */
  z.strictObject({
    type: z.literal('notify'),
    target: notifyTargetSchema,
    subject: templateSchema.max(1000),
    body: templateSchema.min(1),
  }),
  /** Hands a payload to a webhook subscription (delivered from the outbox by the integrations module). */
  z.strictObject({ type: z.literal('webhook'), subscriptionId: idSchema, payload: payloadSchema.optional() }),
  /** Applies a macro's actions and comment, as if they were written here. */
  z.strictObject({ type: z.literal('apply_macro'), macroId: idSchema }),
]);
/** What a rule does. */
export type RuleAction = z.infer<typeof ruleActionSchema>;
/** Every action type. */
export type RuleActionType = RuleAction['type'];

const common = {
  id: idSchema,
  title: z.string().min(1).max(200),
  /** Position in the evaluation order (lowest first; ties by id). @default 0 */
  position: z.int().min(0).max(1_000_000).default(0),
  /** @default true */
  active: z.boolean().default(true),
};

/** Per-rule execution limit: at most `max` fires per ticket within `windowMs`. */
export const ruleRateLimitSchema = z.strictObject({
  max: z.int().min(1).max(10_000),
  windowMs: z
    .int()
    .min(1_000)
    .max(30 * 86_400_000),
});
/** Per-rule execution limit. */
export type RuleRateLimit = z.infer<typeof ruleRateLimitSchema>;

/**
 * A trigger: runs after every write whose ticket matches its conditions, in position
 * order, at most once per update cycle.
 *
 * @example
 * ```ts
 * const trigger: TriggerInput = {
 *   id: 'trg_vip', title: 'VIP to tier 2', position: 10,
 *   conditions: { all: [{ field: 'tags', operator: 'includes', value: 'vip' }, { field: 'update.type', operator: 'is', value: 'created' }] },
 *   actions: [{ type: 'assign', groupId: 'grp_tier2' }, { type: 'set_priority', priority: 'high' }],
 * };
 * ```
 */
export const triggerSchema = z.strictObject({
  ...common,
  conditions: ruleConditionSetSchema,
  actions: z.array(ruleActionSchema).min(1).max(50),
  /** Overrides the engine's per-rule limit for this trigger. */
  limit: ruleRateLimitSchema.optional(),
});
/** A parsed trigger. */
export type Trigger = z.infer<typeof triggerSchema>;
/** A trigger as written (defaults optional). */
export type TriggerInput = z.input<typeof triggerSchema>;

/**
 * An automation: checked on a schedule against open tickets; fires once per ticket until
 * its conditions stop matching. Its actions must be able to make a condition false.
 */
export const automationSchema = z.strictObject({
  ...common,
  conditions: ruleConditionSetSchema,
  actions: z.array(ruleActionSchema).min(1).max(50),
});
/** A parsed automation. */
export type Automation = z.infer<typeof automationSchema>;
/** An automation as written. */
export type AutomationInput = z.input<typeof automationSchema>;

/**
 * A macro (or, with only a comment, a canned response): applied by an agent to a ticket.
 * Macros change the ticket and add a comment; they do not notify or call webhooks.
 */
export const macroSchema = z.strictObject({
  id: idSchema,
  title: z.string().min(1).max(200),
  /** @default true */
  active: z.boolean().default(true),
  /** @default [] */
  actions: z.array(ruleActionSchema).max(50).default([]),
  comment: z.strictObject({ body: templateSchema.min(1), public: z.boolean() }).optional(),
});
/** A parsed macro. */
export type Macro = z.infer<typeof macroSchema>;
/** A macro as written. */
export type MacroInput = z.input<typeof macroSchema>;

/** What a classification rule sets. */
export const classificationSetSchema = z
  .strictObject({
    groupId: idSchema.optional(),
    assigneeId: idSchema.optional(),
    priority: ticketPrioritySchema.optional(),
    tags: z.array(tagSchema).max(100).optional(),
    fields: z.record(fieldKeySchema, fieldValueSchema).optional(),
  })
  .refine((set) => Object.values(set).some((v) => v !== undefined), 'set at least one property');

/**
 * An auto-classification rule, applied to new tickets: any of `words` in the subject or
 * first comment (whole words, case- and accent-insensitive, CJK by substring) and / or
 * ticket `conditions` → set a group, assignee, priority, tags, fields. When both are
 * given both must match.
 *
 * @example
 * ```ts
 * const billing: ClassificationRuleInput = {
 *   id: 'cls_billing', title: 'Billing',
 *   words: 'refund invoice "credit card" 退款 发票',
 *   set: { groupId: 'grp_billing', tags: ['billing'] },
 * };
 * ```
 */
export const classificationRuleSchema = z
  .strictObject({
    ...common,
    /** Words and quoted phrases (a string) or phrases (an array). */
    words: z.union([z.string().min(1).max(1024), z.array(z.string().min(1).max(256)).min(1).max(200)]).optional(),
    /** Where to look for the words. @default ['subject', 'body'] */
    in: z
      .array(z.enum(['subject', 'body']))
      .min(1)
      .default(['subject', 'body']),
    /** Field-based conditions on the new ticket (ticket properties only). */
    conditions: ruleConditionSetSchema.optional(),
    set: classificationSetSchema,
  })
  .refine((rule) => rule.words !== undefined || rule.conditions !== undefined, 'give words, conditions or both');
/** A parsed classification rule. */
export type ClassificationRule = z.infer<typeof classificationRuleSchema>;
/** A classification rule as written. */
export type ClassificationRuleInput = z.input<typeof classificationRuleSchema>;
