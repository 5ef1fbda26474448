import {
  type Conversation,
  type ConversationStatus,
  ForbiddenError,
  IllegalTransitionError,
  NotFoundError,
  ValidationError,
  type WrapUp,
} from '@hotline/core';
import type { z } from 'zod';
import type { TaskView } from '../engine/views.js';
import { auditChange } from './audit.js';
import type { DispatchContext } from './context.js';
import type { dispatchRequestSchema } from './dispatch-inputs.js';
import { finishTask, syncConversation } from './sync.js';
import { saveTaskRecord } from './task-record.js';
import type { TenantRuntime } from './tenant-runtime.js';

/** Where a task goes: one queue, or a workflow's filters and steps. */
export type Route = { queueId: string } | { workflowId: string };

/**
 * Statuses before any agent took the conversation: it may be (re-)enqueued from them, and
 * the customer leaving abandons it.
 */
const UNANSWERED: ReadonlySet<ConversationStatus> = new Set(['new', 'bot', 'queued', 'offered']);

/** The conversation of the tenant, or `NOT_FOUND`. */
export async function conversationOf(ctx: DispatchContext, rt: TenantRuntime, id: string): Promise<Conversation> {
  const conversation = await ctx.hotline.storage.conversations.get(rt.tenantId, id);
  if (!conversation) throw new NotFoundError('conversation', id);
  return conversation;
}

/** The route of a conversation enqueued without a queue: the one it names, else the configured workflow. */
export function defaultRoute(ctx: DispatchContext, rt: TenantRuntime, conversation: Conversation): Route {
  if (conversation.queueId !== undefined) return { queueId: conversation.queueId };
  const workflowId = ctx.workflowOf(rt.tenantId);
  if (workflowId !== undefined) return { workflowId };
  throw new ValidationError(
    'Invalid queueId: required (no workflow is configured and the conversation names no queue)',
    [{ path: 'queueId', message: 'required: no workflow is configured and the conversation names no queue' }],
  );
}

/**
 * Puts a conversation in line: the engine takes the task first (so an unknown queue or a
 * channel the queue does not serve changes nothing), then core moves the conversation to
 * `queued` and the task record is stored. A conversation with an open task is left as it
 * is, which makes enqueueing idempotent.
 */
export async function enqueueConversation(
  ctx: DispatchContext,
  rt: TenantRuntime,
  request: z.output<typeof dispatchRequestSchema>,
): Promise<void> {
  const { conversations, storage } = ctx.hotline;
  const conversation = await conversationOf(ctx, rt, request.conversationId);
  if (rt.openTask(conversation.id)) return;
  if (!UNANSWERED.has(conversation.status)) {
    throw new IllegalTransitionError('conversation', conversation.status, 'enqueue');
  }
  const route = request.queueId !== undefined ? { queueId: request.queueId } : defaultRoute(ctx, rt, conversation);
  const taskId = ctx.hotline.ids.next('task');
  const tracked = rt.track(conversation.id, taskId);
  let task: TaskView;
  try {
    task = rt.engine.submit({
      id: taskId,
      channel: request.channel,
      attributes: request.attributes,
      priority: request.priority ?? conversation.priority,
      conversationId: conversation.id,
      ...route,
    });
  } catch (error) {
    rt.untrack(tracked);
    throw error;
  }
  try {
    // An offer left over from a process that stopped: it lapsed with that process.
    if (conversation.status === 'offered') {
      await conversations.apply(rt.tenantId, conversation.id, { type: 'offer_timeout' });
    } else if (conversation.status !== 'queued') {
      await conversations.apply(rt.tenantId, conversation.id, { type: 'enqueue', queueId: task.queueId });
    }
    await saveTaskRecord(storage, ctx.clock, rt.tenantId, tracked, rt.engine.getTask(taskId));
  } catch (error) {
    // Core refused or failed: take the task back so nobody is offered a conversation that is not in line.
    rt.untrack(tracked);
    if (rt.state.tasks.has(taskId)) rt.engine.cancel(taskId);
    throw error;
  }
}

/** `FORBIDDEN` unless the agent holds the conversation. */
export function assertAssignee(conversation: Conversation, agentId: string): void {
  if (conversation.assigneeId !== agentId) {
    throw new ForbiddenError(`conversation ${conversation.id} is not assigned to agent ${agentId}`, {
      details: { reason: 'not_assignee', conversationId: conversation.id },
    });
  }
}

/**
 * The assignee ends the interaction (`end`: core `wrap_up`; the task completes, keeping the
 * slot for the queue's wrap-up time) or resolves it (`resolve`: the task completes, wrap-up
 * included, and the slot is free). Core goes first: a step core refuses changes nothing.
 * `end` with a wrap-up also records it; on a conversation already in wrap-up (the customer
 * left first) it only records it.
 */
export async function closeByAgent(
  ctx: DispatchContext,
  rt: TenantRuntime,
  agentId: string,
  conversationId: string,
  step: 'end' | 'resolve',
  wrapUp?: WrapUp,
): Promise<void> {
  const conversation = await conversationOf(ctx, rt, conversationId);
  assertAssignee(conversation, agentId);
  const record = wrapUp !== undefined && (wrapUp.disposition !== undefined || wrapUp.notes !== undefined);
  if (!(record && conversation.status === 'wrap_up')) {
    await ctx.hotline.conversations.apply(rt.tenantId, conversationId, { type: step });
  }
  if (record) await recordWrapUp(ctx, rt.tenantId, agentId, conversation, wrapUp);
  const open = rt.openTask(conversationId);
  if (!open || open.task.agentId !== agentId) return;
  if (step === 'resolve') finishTask(rt.engine, open.task.id);
  else if (open.task.status === 'assigned') rt.engine.complete(open.task.id);
  await syncConversation(ctx, rt, open.tracked);
}

/**
 * The customer left: a task still waiting is canceled as abandoned (core `abandon`); one
 * with an agent is completed (core `end`, so the agent wraps up). Leaving twice is harmless.
 */
export async function customerLeft(ctx: DispatchContext, rt: TenantRuntime, conversationId: string): Promise<void> {
  const conversation = await conversationOf(ctx, rt, conversationId);
  const open = rt.openTask(conversationId);
  if (open) {
    const { task, tracked } = open;
    if (task.status === 'pending' || task.status === 'reserved') rt.engine.cancel(task.id, 'abandoned');
    else if (task.status === 'assigned') rt.engine.complete(task.id);
    await syncConversation(ctx, rt, tracked);
    return;
  }
  // Not routed here (or no longer): core alone.
  const { conversations } = ctx.hotline;
  if (UNANSWERED.has(conversation.status)) {
    await conversations.apply(rt.tenantId, conversationId, { type: 'abandon' });
  } else if (conversation.status === 'active' || conversation.status === 'pending') {
    await conversations.apply(rt.tenantId, conversationId, { type: 'end' });
  }
}

/**
 * Stores the outcome and notes of a conversation (`attributes.disposition`,
 * `attributes.wrapUpNotes`) and audits the change. The audit entry keeps the disposition
 * but only the length of the notes: the log is append-only, and notes may hold personal
 * data that must remain erasable from the conversation.
 */
async function recordWrapUp(
  ctx: DispatchContext,
  tenantId: string,
  agentId: string,
  before: Conversation,
  wrapUp: WrapUp,
): Promise<void> {
  const attributes: Record<string, string> = {};
  if (wrapUp.disposition !== undefined) attributes['disposition'] = wrapUp.disposition;
  if (wrapUp.notes !== undefined) attributes['wrapUpNotes'] = wrapUp.notes;
  await ctx.hotline.conversations.update(tenantId, before.id, { attributes });
  const changes: Record<string, { from?: string; to?: string }> = {};
  if (wrapUp.disposition !== undefined) {
    const from = before.attributes['disposition'];
    changes['disposition'] = typeof from === 'string' ? { from, to: wrapUp.disposition } : { to: wrapUp.disposition };
  }
  await auditChange(ctx, tenantId, {
    actor: { kind: 'agent', id: agentId },
    action: 'conversation.wrapped_up',
    resource: { type: 'conversation', id: before.id },
    ...(Object.keys(changes).length > 0 ? { changes } : {}),
    ...(wrapUp.notes === undefined ? {} : { details: { notesLength: wrapUp.notes.length } }),
  });
}
