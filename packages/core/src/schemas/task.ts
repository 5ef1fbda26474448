import { z } from 'zod';
import {
  attributesSchema,
  channelSchema,
  idSchema,
  prioritySchema,
  recordBaseSchema,
  timestampSchema,
} from './common.js';

/** Lifecycle of a routable unit of work. */
export const taskStatusSchema = z.enum(['pending', 'reserved', 'assigned', 'wrapping', 'completed', 'canceled']);
/** A task status. */
export type TaskStatus = z.infer<typeof taskStatusSchema>;

/** What kind of work a task stands for. */
export const taskKindSchema = z.enum(['conversation', 'callback', 'ticket', 'custom']);
/** What kind of work a task stands for. */
export type TaskKind = z.infer<typeof taskKindSchema>;

/** The routable unit: a conversation wanting an agent, a callback, a ticket. */
export const taskSchema = recordBaseSchema.extend({
  kind: taskKindSchema,
  channel: channelSchema,
  status: taskStatusSchema,
  /** Routing attributes, read by workflow filters and expressions as `task.*`. */
  attributes: attributesSchema,
  /** Higher first; equal priorities are served oldest first. */
  priority: prioritySchema,
  queueId: idSchema.optional(),
  workflowId: idSchema.optional(),
  /** Index of the current workflow step (bullseye ring). */
  workflowStep: z.int().min(0),
  conversationId: idSchema.optional(),
  ticketId: idSchema.optional(),
  /** Agent holding the current reservation or assignment. */
  agentId: idSchema.optional(),
  reservationId: idSchema.optional(),
  /** When the task entered its current queue (ageing and wait statistics start here). */
  enqueuedAt: timestampSchema,
  assignedAt: timestampSchema.optional(),
  completedAt: timestampSchema.optional(),
  /** Why the task was canceled (abandoned, timeout, transferred…). */
  reason: z.string().max(200).optional(),
});
/** The routable unit of work. */
export type Task = z.infer<typeof taskSchema>;
