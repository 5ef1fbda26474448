import { z } from 'zod';
import { idSchema } from '../schemas/common.js';
import { wireConversationSchema, wireMessageSchema } from './wire-common.js';

/** The outcome an agent gives a conversation at wrap-up (`sale`, `refund_issued`…), 1 to 64 characters. */
export const dispositionSchema = z.string().min(1).max(64);

/** Most characters of wrap-up notes. */
export const MAX_WRAP_UP_NOTES = 2000;

/** Free-text after-contact notes, at most {@link MAX_WRAP_UP_NOTES} characters. */
export const wrapUpNotesSchema = z.string().max(MAX_WRAP_UP_NOTES);

/**
 * What an agent records when ending a conversation. Stored on the conversation as
 * `attributes.disposition` and `attributes.wrapUpNotes`.
 */
export const wrapUpSchema = z.strictObject({
  disposition: dispositionSchema.optional(),
  notes: wrapUpNotesSchema.optional(),
});
/** What an agent records when ending a conversation. */
export type WrapUp = z.infer<typeof wrapUpSchema>;

/** Where a transfer sends a conversation: a queue, or one agent (offered to that agent only). */
export const transferTargetSchema = z.union([
  z.strictObject({ queueId: idSchema }),
  z.strictObject({ agentId: idSchema }),
]);
/** Where a transfer sends a conversation. */
export type TransferTarget = z.infer<typeof transferTargetSchema>;

/** How an agent stands in routing: logged out, free, working, in after-contact work, or in an unroutable activity. */
export const agentPresenceSchema = z.enum(['offline', 'available', 'busy', 'wrap_up', 'away']);

const counterSchema = z.int().min(0);

/** Counters of a queue and the figures derived from them. */
export const queueCountersSchema = z.object({
  entered: counterSchema,
  answered: counterSchema,
  answeredInServiceLevel: counterSchema,
  abandoned: counterSchema,
  /** Abandoned before the service-level threshold (short abandons, left out of the service level). */
  abandonedInServiceLevel: counterSchema,
  overflowed: counterSchema,
  /** Average speed of answer, seconds. */
  asaSeconds: z.number().min(0),
  /** Answered in time / (answered + abandoned after the threshold), 0..1; 1 when nothing finished. */
  serviceLevel: z.number().min(0).max(1),
  /** Abandoned / (answered + abandoned), 0..1. */
  abandonRate: z.number().min(0).max(1),
});

/** Live figures of one queue, as a wallboard shows them. */
export const queueStatsViewSchema = z.object({
  queueId: idSchema,
  /** The queue's display name, when it has one. */
  name: z.string().max(200).optional(),
  /** Conversations waiting for an offer. */
  waiting: counterSchema,
  /** Conversations offered to an agent, not yet accepted. */
  reserved: counterSchema,
  /** Seconds the oldest waiting conversation has waited (0 when none). */
  oldestWaitSeconds: z.number().min(0),
  /** Member agents by presence. */
  agents: z.record(agentPresenceSchema, counterSchema),
  /** Since routing started. */
  total: queueCountersSchema,
  /** Over the rolling window of `minutes`. */
  window: queueCountersSchema.extend({ minutes: z.int().min(1) }),
  /** Whether the queue's hours say it is open now. */
  open: z.boolean(),
});
/** Live figures of one queue. */
export type QueueStatsView = z.infer<typeof queueStatsViewSchema>;

/** One agent as routing sees it now. */
export const agentStateViewSchema = z.object({
  agentId: idSchema,
  name: z.string().max(200).optional(),
  activity: z.string().max(32),
  presence: agentPresenceSchema,
  /** Conversations the agent holds (assigned or in wrap-up). */
  active: counterSchema,
  /** The most conversations the agent may hold, every channel together. */
  capacity: counterSchema,
});
/** One agent as routing sees it now. */
export type AgentStateView = z.infer<typeof agentStateViewSchema>;

/** A tenant's live routing figures: every queue and every agent routing knows, at `at` (epoch ms). */
export const statsSnapshotSchema = z.object({
  queues: z.array(queueStatsViewSchema),
  agents: z.array(agentStateViewSchema),
  at: z.number().int().min(0),
});
/** A tenant's live routing figures. */
export type StatsSnapshot = z.infer<typeof statsSnapshotSchema>;

/** The reply to `watch` (on): the conversation and its last messages, oldest first. */
export const watchResultSchema = z.object({
  conversation: wireConversationSchema,
  messages: z.array(wireMessageSchema),
});
/** The reply to `watch` (on). */
export type WatchResult = z.infer<typeof watchResultSchema>;
