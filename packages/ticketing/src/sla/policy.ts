import { idSchema, parseInput, ValidationError } from '@hotline/core';
import { z } from 'zod';
import type { ConditionTicket } from '../conditions/scope.js';
import { compileTicketConditions, ticketConditionSetSchema } from '../conditions/ticket-conditions.js';
import type { SlaMetric } from '../model/events.js';
import { TICKET_PRIORITIES, type TicketPriority, type TicketStatus, ticketPrioritySchema } from '../model/ticket.js';

/** The SLA metrics, in the order reports list them. */
export const SLA_METRICS: readonly SlaMetric[] = ['first_reply', 'next_reply', 'periodic_update', 'resolution'];

/** The longest target: one year of (business) minutes. */
export const MAX_SLA_TARGET_MINUTES = 525_600;

const minutesSchema = z.int().min(1).max(MAX_SLA_TARGET_MINUTES);

/** Targets of one priority, in minutes (of business time when the policy says so). */
export const slaTargetsSchema = z.strictObject({
  first_reply: minutesSchema.optional(),
  next_reply: minutesSchema.optional(),
  periodic_update: minutesSchema.optional(),
  resolution: minutesSchema.optional(),
});
/** Targets of one priority, in minutes. */
export type SlaTargets = z.infer<typeof slaTargetsSchema>;

/** Who an escalation's `notify` action tells. */
export const slaNotifyTargetSchema = z.discriminatedUnion('type', [
  /** The ticket's assignee (nobody when unassigned). */
  z.strictObject({ type: z.literal('assignee') }),
  /** A group: the given one, or the ticket's group when `id` is absent. */
  z.strictObject({ type: z.literal('group'), id: idSchema.optional() }),
  /** One agent (a supervisor, a duty manager). */
  z.strictObject({ type: z.literal('agent'), id: idSchema }),
]);
/** Who an escalation's `notify` action tells. */
export type SlaNotifyTarget = z.infer<typeof slaNotifyTargetSchema>;

/**
 * What an escalation does.
 *
 * - `notify` — hands a notification to the host (`SlaEscalationPort.notify`);
 * - `reassign` — moves the ticket to a group and/or agent; a group without an agent
 *   unassigns the ticket so the new group picks it up;
 * - `raise_priority` — one step up, or to `to`; never lowers a priority.
 */
export const slaActionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('notify'),
    target: slaNotifyTargetSchema,
    message: z.string().max(1000).optional(),
  }),
  z
    .strictObject({ type: z.literal('reassign'), groupId: idSchema.optional(), assigneeId: idSchema.optional() })
    .refine((action) => action.groupId !== undefined || action.assigneeId !== undefined, {
      message: 'reassign needs a groupId or an assigneeId',
    }),
  z.strictObject({ type: z.literal('raise_priority'), to: ticketPrioritySchema.optional() }),
]);
/** What an escalation does. */
export type SlaAction = z.infer<typeof slaActionSchema>;

/** Actions run when a metric of this policy reaches its warning or its breach. */
export const slaEscalationSchema = z.strictObject({
  metric: z.enum(['first_reply', 'next_reply', 'periodic_update', 'resolution']),
  on: z.enum(['warning', 'breach']),
  actions: z.array(slaActionSchema).min(1).max(20),
});
/** One escalation of a policy. */
export type SlaEscalation = z.infer<typeof slaEscalationSchema>;

/** Statuses a policy may pause in (solved, closed and merged stop every clock anyway). */
export const slaPauseStatusSchema = z.enum(['new', 'open', 'pending', 'on_hold']);

/**
 * An SLA policy. Policies are tried in `position` order (then by `id`); the first whose
 * `conditions` match the ticket applies. Targets are minutes per priority; with
 * `businessHoursOnly` they count only while the calendar `calendarId` is open, otherwise
 * around the clock. Clocks stop in `pauseStatuses`. `warnBeforeMs` (business time before
 * the due time) turns on warnings. With `quietOutsideHours`, warnings, breach events and
 * escalations wait for the calendar to be open (a warning due at 02:00 fires when the
 * calendar opens); the breach instant itself is still the true one.
 *
 * @example
 * ```ts
 * const policy = parseSlaPolicy({
 *   id: 'sla_vip',
 *   name: 'VIP',
 *   position: 0,
 *   conditions: { all: [{ field: 'tags', operator: 'includes', value: 'vip' }] },
 *   targets: { urgent: { first_reply: 30, resolution: 240 }, normal: { first_reply: 120 } },
 *   calendarId: 'cal_berlin',
 *   warnBeforeMs: 15 * 60_000,
 *   escalations: [{ metric: 'first_reply', on: 'breach', actions: [{ type: 'raise_priority' }] }],
 * });
 * ```
 */
export const slaPolicySchema = z
  .strictObject({
    id: idSchema,
    name: z.string().min(1).max(200),
    /** Lower positions are tried first. @default 0 */
    position: z.int().min(0).max(1_000_000).default(0),
    /** Conditions on the ticket, in the rules' condition language (`ticket` fields). @default {} (matches every ticket) */
    conditions: ticketConditionSetSchema.default({}),
    targets: z.strictObject({
      low: slaTargetsSchema.optional(),
      normal: slaTargetsSchema.optional(),
      high: slaTargetsSchema.optional(),
      urgent: slaTargetsSchema.optional(),
    }),
    /** The business calendar (by id, resolved through the calendars given to `computeSla`). @default 24/7 UTC */
    calendarId: idSchema.optional(),
    /** Count only the calendar's open time; `false` counts around the clock. @default true */
    businessHoursOnly: z.boolean().default(true),
    /** @default ['pending', 'on_hold'] */
    pauseStatuses: z
      .array(slaPauseStatusSchema)
      .max(4)
      .default(['pending', 'on_hold'])
      .refine((list) => new Set(list).size === list.length, 'pauseStatuses lists a status twice'),
    /** Warn this long (in counted time) before the due time; no warnings when absent. */
    warnBeforeMs: z
      .int()
      .min(1)
      .max(MAX_SLA_TARGET_MINUTES * 60_000)
      .optional(),
    /** @default [] */
    escalations: z.array(slaEscalationSchema).max(50).default([]),
    /** Never fire warnings, breach events or escalations while the calendar is closed. @default false */
    quietOutsideHours: z.boolean().default(false),
  })
  .superRefine((policy, ctx) => {
    const targeted = new Set<string>();
    for (const priority of TICKET_PRIORITIES)
      for (const [metric, minutes] of Object.entries(policy.targets[priority] ?? {}))
        if (minutes !== undefined) targeted.add(metric);
    if (targeted.size === 0)
      ctx.addIssue({ code: 'custom', message: 'a policy needs at least one target', path: ['targets'] });
    if (policy.quietOutsideHours && policy.calendarId === undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'quietOutsideHours needs a calendarId (a 24/7 clock has no quiet hours)',
        path: ['quietOutsideHours'],
      });
    policy.escalations.forEach((escalation, index) => {
      if (!targeted.has(escalation.metric))
        ctx.addIssue({
          code: 'custom',
          message: `the policy has no ${escalation.metric} target to escalate`,
          path: ['escalations', index, 'metric'],
        });
      if (escalation.on === 'warning' && policy.warnBeforeMs === undefined)
        ctx.addIssue({
          code: 'custom',
          message: 'a warning escalation needs warnBeforeMs',
          path: ['escalations', index, 'on'],
        });
    });
  });
/** A parsed SLA policy (defaults applied). */
export type SlaPolicy = z.infer<typeof slaPolicySchema>;
/** An SLA policy as written by callers. */
export type SlaPolicyInput = z.input<typeof slaPolicySchema>;

/**
 * Validates one policy definition.
 *
 * @throws ValidationError listing every problem.
 *
 * @example
 * ```ts
 * const policy = parseSlaPolicy({ id: 'sla_default', name: 'Default', targets: { normal: { first_reply: 240 } } });
 * ```
 */
export function parseSlaPolicy(input: unknown): SlaPolicy {
  return parseInput(slaPolicySchema, input, 'SLA policy');
}

/** A policy ready for replay: targets in ms, conditions compiled. */
export interface CompiledSlaPolicy {
  readonly policy: SlaPolicy;
  /** Whether the policy applies to the ticket as it is. */
  readonly matches: (ticket: ConditionTicket) => boolean;
  /** True when the policy has no conditions (it matches every ticket). */
  readonly always: boolean;
  readonly pauses: ReadonlySet<TicketStatus>;
  /** The target of a metric at a priority, in ms; `undefined` when the policy sets none. */
  targetMs(priority: TicketPriority, metric: SlaMetric): number | undefined;
}

/**
 * Validated, ordered and compiled policies: what `computeSla` and `SlaMonitor` work with.
 * Build it once per change of the policies ({@link compileSlaPolicies}).
 */
export interface SlaPolicySet {
  readonly kind: 'sla_policy_set';
  /** In evaluation order. */
  readonly policies: readonly CompiledSlaPolicy[];
  byId(id: string): CompiledSlaPolicy | undefined;
}

/**
 * Validates a tenant's policies (each one, and that ids are unique) and compiles them in
 * evaluation order (`position`, then `id`).
 *
 * @throws ValidationError if any definition is invalid or two share an id.
 *
 * @example
 * ```ts
 * const policies = compileSlaPolicies([
 *   { id: 'sla_urgent', name: 'Urgent 24/7', position: 0, businessHoursOnly: false,
 *     conditions: { all: [{ field: 'priority', operator: 'is', value: 'urgent' }] },
 *     targets: { urgent: { first_reply: 30 } } },
 *   { id: 'sla_default', name: 'Default', position: 1, calendarId: 'cal_office',
 *     targets: { normal: { first_reply: 240, resolution: 2400 } } },
 * ]);
 * ```
 */
export function compileSlaPolicies(inputs: readonly unknown[]): SlaPolicySet {
  if (!Array.isArray(inputs))
    throw new ValidationError('SLA policies must be an array', [{ path: '', message: 'an array of policies' }]);
  const parsed = inputs.map((input, index) => {
    try {
      return parseSlaPolicy(input);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new ValidationError(
        `Invalid SLA policy ${index}: ${error.message}`,
        error.issues.map((issue) => ({ ...issue, path: issue.path ? `${index}.${issue.path}` : String(index) })),
      );
    }
  });
  const seen = new Set<string>();
  parsed.forEach((policy, index) => {
    if (seen.has(policy.id))
      throw new ValidationError(`Invalid SLA policies: id '${policy.id}' is used twice`, [
        { path: `${index}.id`, message: 'ids must be unique' },
      ]);
    seen.add(policy.id);
  });
  parsed.sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const policies = parsed.map(compileOne);
  const byId = new Map(policies.map((compiled) => [compiled.policy.id, compiled]));
  return Object.freeze({ kind: 'sla_policy_set' as const, policies, byId: (id: string) => byId.get(id) });
}

function compileOne(policy: SlaPolicy): CompiledSlaPolicy {
  // Plain nested records: the replay looks a target up on every segment of every cycle.
  const table = {} as Record<TicketPriority, Partial<Record<SlaMetric, number>>>;
  for (const priority of TICKET_PRIORITIES) {
    const row: Partial<Record<SlaMetric, number>> = {};
    for (const metric of SLA_METRICS) {
      const minutes = policy.targets[priority]?.[metric];
      if (minutes !== undefined) row[metric] = minutes * 60_000;
    }
    table[priority] = row;
  }
  return Object.freeze({
    policy,
    matches: compileTicketConditions(policy.conditions),
    always: (policy.conditions.all ?? []).length === 0 && (policy.conditions.any ?? []).length === 0,
    pauses: new Set<TicketStatus>(policy.pauseStatuses),
    targetMs: (priority: TicketPriority, metric: SlaMetric) => table[priority]?.[metric],
  });
}
