import {
  activityNameSchema,
  attributesSchema,
  businessCalendarDefinitionSchema,
  capacitySchema,
  channelSchema,
  idSchema,
  languageSchema,
  prioritySchema,
  skillLevelSchema,
  skillNameSchema,
  timestampSchema,
  timeZoneSchema,
} from '@hotline/core';
import { z } from 'zod';

/**
 * How a queue picks among eligible agents with free capacity:
 * - `longest_idle` (default): the agent idle the longest; busy agents with spare
 *   capacity come after every idle one, least recently assigned first.
 * - `least_occupied`: the lowest share of capacity in use, then longest idle.
 * - `round_robin`: the agent offered work from this queue least recently.
 * - `best_skill`: the highest sum of levels in the step's required skills, then longest idle.
 * - `weighted_random`: random, weighted by the agent's `routingWeight` attribute (default
 *   the skill sum); reproducible from the engine's seed.
 */
export const routingStrategySchema = z.enum([
  'longest_idle',
  'least_occupied',
  'round_robin',
  'best_skill',
  'weighted_random',
]);
/** A routing strategy name. */
export type RoutingStrategy = z.infer<typeof routingStrategySchema>;

/** Required skills: name → minimum level (1..10). */
export const skillRequirementsSchema = z.record(skillNameSchema, skillLevelSchema);
/** Required skills: name → minimum level. */
export type SkillRequirements = z.infer<typeof skillRequirementsSchema>;

/** An agent activity and whether agents in it receive work. */
export const activityDefinitionSchema = z.object({ name: activityNameSchema, routable: z.boolean() });
/** An agent activity and whether agents in it receive work. */
export type ActivityDefinition = z.infer<typeof activityDefinitionSchema>;

/** The activities every engine knows; hosts add more (lunch, training…) or override these. */
export const DEFAULT_ACTIVITIES: readonly ActivityDefinition[] = [
  { name: 'offline', routable: false },
  { name: 'available', routable: true },
  { name: 'break', routable: false },
  { name: 'lunch', routable: false },
  { name: 'training', routable: false },
  { name: 'meeting', routable: false },
];

/** What happens to a task that reaches a queue while it is closed. */
export const closedActionSchema = z.discriminatedUnion('action', [
  /** Wait in the queue anyway (the default). */
  z.object({ action: z.literal('wait') }),
  /** Move to another queue (an after-hours team, a partner). */
  z.object({ action: z.literal('overflow'), queueId: idSchema }),
  /** Become a callback task, waiting (in `queueId`, default this queue) for an agent once open. */
  z.object({ action: z.literal('callback'), queueId: idSchema.optional() }),
  /** Leave routing; a `task.ticket_requested` event lets ticketing open a ticket. */
  z.object({ action: z.literal('ticket') }),
]);
/** What happens to a task that reaches a closed queue. */
export type ClosedAction = z.infer<typeof closedActionSchema>;

/** Where a task goes when its queue's wait or length limit is passed. */
export const overflowTargetSchema = z
  .object({
    queueId: idSchema.optional(),
    /** Change the task's channel (e.g. a waiting call becomes a `voice` callback or an `email`). */
    channel: channelSchema.optional(),
  })
  .refine((t) => t.queueId !== undefined || t.channel !== undefined, 'overflow needs a queueId, a channel or both');
/** Where a task goes when its queue overflows. */
export type OverflowTarget = z.infer<typeof overflowTargetSchema>;

/**
 * The opening hours of a queue: anything with `isOpen(epochMs)`. A queue's `calendar`
 * definition is turned into one (a core `BusinessCalendar`); hosts may also pass their
 * own as `hours`. Without either a queue is always open.
 */
export interface QueueHours {
  isOpen(at: number): boolean;
  /** The next opening after `at`, used to wake callbacks; optional. */
  nextOpen?(at: number): number | undefined;
}

/** A queue: where tasks wait, with the rules shared by every workflow step that targets it. */
export const queueDefinitionSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1).max(200).optional(),
    /** Channels the queue serves; empty means every channel. */
    channels: z.array(channelSchema).max(20).default([]),
    strategy: routingStrategySchema.default('longest_idle'),
    /** Skills every agent of the queue needs (membership). */
    skills: skillRequirementsSchema.default({}),
    /** The agent must speak at least one of these. */
    languages: z.array(languageSchema).max(50).optional(),
    /** Extra agent filter in the expression language; may read `task.*` and `time.*`. */
    expression: z.string().min(1).max(4096).optional(),
    /** Answered within this many seconds counts as in service level. */
    serviceLevelSeconds: z.int().min(1).max(86_400).default(20),
    /** Priority grows by this much per minute of waiting (0 = no ageing). */
    ageingPerMinute: z.number().min(0).max(1_000_000).default(0),
    /** Overflow once a task has waited this long in the queue. */
    maxWaitSeconds: z
      .int()
      .min(1)
      .max(30 * 86_400)
      .optional(),
    /** Overflow arrivals once this many tasks wait. */
    maxLength: z.int().min(1).max(100_000_000).optional(),
    overflowTo: overflowTargetSchema.optional(),
    /** Opening hours as a business calendar (time zone, weekly hours, holidays); omitted = always open. */
    calendar: businessCalendarDefinitionSchema.optional(),
    whenClosed: closedActionSchema.default({ action: 'wait' }),
    reservationTimeoutSeconds: z.int().min(1).max(86_400).optional(),
    /** After-contact work that keeps the agent's slot after `complete`. @default 0 */
    wrapUpSeconds: z.int().min(0).max(86_400).optional(),
  })
  .refine(
    (q) => (q.maxWaitSeconds === undefined && q.maxLength === undefined) || q.overflowTo !== undefined,
    'maxWaitSeconds and maxLength need overflowTo',
  );
/** A queue definition as callers write it. */
export type QueueDefinitionInput = z.input<typeof queueDefinitionSchema>;
/** A validated queue definition. */
export type QueueDefinition = z.output<typeof queueDefinitionSchema> & { hours?: QueueHours };

/**
 * One ring of a workflow's bullseye: a queue and who may take the task there. When
 * `timeoutSeconds` passes, the next step applies; the last step waits indefinitely.
 */
export const stepDefinitionSchema = z.object({
  queueId: idSchema,
  /** Skills on top of the queue's (a step may also demand higher levels). */
  skills: skillRequirementsSchema.optional(),
  languages: z.array(languageSchema).max(50).optional(),
  /** Agent filter; may read `task.*` (e.g. `agent.languages HAS task.language`). */
  expression: z.string().min(1).max(4096).optional(),
  timeoutSeconds: z
    .int()
    .min(1)
    .max(30 * 86_400)
    .optional(),
  /** Set the task's priority when it enters this step. */
  priority: prioritySchema.optional(),
  /**
   * Skip the step at once when nobody could take the task here: `no_members` when no agent
   * matches at all, `no_available` when no matching agent is routable with free capacity.
   */
  skipIf: z.enum(['no_members', 'no_available']).optional(),
  strategy: routingStrategySchema.optional(),
  whenClosed: closedActionSchema.optional(),
});
/** One step of a workflow. */
export type StepDefinition = z.infer<typeof stepDefinitionSchema>;

/** A workflow: ordered filters on task attributes, each with its steps. First match wins. */
export const workflowDefinitionSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1).max(200).optional(),
    filters: z
      .array(
        z.object({
          name: z.string().min(1).max(200).optional(),
          /** Task expression (`task.*`, `time.*`); omitted matches every task. */
          match: z.string().min(1).max(4096).optional(),
          /** Priority given to matching tasks (VIP and urgent work jump the queue). */
          priority: prioritySchema.optional(),
          steps: z.array(stepDefinitionSchema).min(1).max(16),
        }),
      )
      .max(100)
      .default([]),
    /** Steps for tasks no filter matched. */
    defaultSteps: z.array(stepDefinitionSchema).min(1).max(16).optional(),
    /** Cancel tasks still unassigned after this long. */
    taskTimeoutSeconds: z
      .int()
      .min(1)
      .max(30 * 86_400)
      .optional(),
  })
  .refine((w) => w.filters.length > 0 || w.defaultSteps !== undefined, 'a workflow needs filters or defaultSteps');
/** A workflow definition as callers write it. */
export type WorkflowDefinitionInput = z.input<typeof workflowDefinitionSchema>;
/** A validated workflow definition. */
export type WorkflowDefinition = z.output<typeof workflowDefinitionSchema>;

/** An agent as the router sees it. */
export const routingAgentInputSchema = z.object({
  id: idSchema,
  name: z.string().min(1).max(200).optional(),
  skills: z.record(skillNameSchema, skillLevelSchema).default({}),
  languages: z.array(languageSchema).max(20).default([]),
  /** Concurrent tasks per channel, e.g. `{ voice: 1, webchat: 3 }`. */
  capacity: capacitySchema.default({}),
  /**
   * Optional total-capacity model: each task costs `channelCost[channel]` units out of
   * `totalCapacity` (Azure-style: voice 100 + chat 20 of 100 = one call or five chats).
   */
  totalCapacity: z.int().min(1).max(1_000_000).optional(),
  channelCost: z.partialRecord(channelSchema, z.int().min(0).max(1_000_000)).optional(),
  /** @default 'offline' */
  activity: activityNameSchema.default('offline'),
  attributes: attributesSchema.default({}),
});
/** An agent as callers give it. */
export type RoutingAgentInput = z.input<typeof routingAgentInputSchema>;

/** A preferred agent (last agent, account owner) valid until a time. */
export const preferredAgentSchema = z.object({
  agentId: idSchema,
  /** ISO time after which any agent may take the task. */
  until: timestampSchema,
});

const taskFields = z.object({
  id: idSchema.optional(),
  channel: channelSchema,
  kind: z.enum(['conversation', 'callback', 'ticket', 'custom']).default('conversation'),
  attributes: attributesSchema.default({}),
  priority: prioritySchema.default(0),
  workflowId: idSchema.optional(),
  queueId: idSchema.optional(),
  conversationId: idSchema.optional(),
  /** Sticky routing: only these agents until `until`, then anyone eligible. */
  preferredAgents: z.array(preferredAgentSchema).max(10).default([]),
  /**
   * Agents who turned the task down before it was submitted (the agent who transferred it
   * away): treated as if they had rejected it, so they are not offered it for
   * `refusalCooldownSeconds`.
   */
  refusedBy: z.array(idSchema).max(10).default([]),
});

const oneRoute = (t: { workflowId?: string | undefined; queueId?: string | undefined }) =>
  (t.workflowId === undefined) !== (t.queueId === undefined);
const ONE_ROUTE = 'give exactly one of workflowId and queueId';

/** A task to route. Give a `workflowId` (filters and steps) or a `queueId` (one step). */
export const taskInputSchema = taskFields.refine(oneRoute, ONE_ROUTE);
/** A task as callers submit it. */
export type TaskInput = z.input<typeof taskInputSchema>;

/**
 * A task that is already with an agent (work assigned before a restart), for
 * `RoutingEngine.adopt`: the task's fields plus the agent holding it.
 */
export const adoptTaskInputSchema = taskFields
  .omit({ preferredAgents: true, refusedBy: true })
  .extend({
    agentId: idSchema,
    /** When the agent took it (ISO); handle time counts from here. @default now */
    assignedAt: timestampSchema.optional(),
  })
  .refine(oneRoute, ONE_ROUTE);
/** An assigned task as callers hand it to `RoutingEngine.adopt`. */
export type AdoptTaskInput = z.input<typeof adoptTaskInputSchema>;

/** Options of a routing engine. */
export const engineSettingsSchema = z.object({
  tenantId: idSchema,
  activities: z.array(activityDefinitionSchema).max(100).default([]),
  /** @default 120 (TaskRouter's default) */
  reservationTimeoutSeconds: z.int().min(1).max(86_400).default(120),
  /** Offer a task to up to this many agents at once; the first to accept wins. @default 1 */
  maxParallelOffers: z.int().min(1).max(50).default(1),
  /**
   * Seconds during which an agent who rejected or missed a task is not offered it again
   * (no ringing the agent who just said no); 0 offers it again at once. @default 300
   */
  refusalCooldownSeconds: z.int().min(0).max(86_400).default(300),
  /** Activity an agent is moved to after an offer times out (e.g. `break`); unset keeps it. */
  missedOfferActivity: activityNameSchema.optional(),
  /** Time zone of `time.*` in expressions. @default 'UTC' */
  timeZone: timeZoneSchema.default('UTC'),
  /** Seed of the weighted-random strategy. @default 1 */
  seed: z.int().default(1),
  /** Minutes of history in the rolling statistics window. @default 60 */
  statsWindowMinutes: z
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
});
