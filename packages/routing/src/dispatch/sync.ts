import { type Clock, type Conversation, type ConversationStatus, HotlineError, isHotlineError } from '@hotline/core';
import type { RoutingEngine } from '../engine/routing-engine.js';
import type { DispatcherHotline } from './options.js';
import { type EngineRepair, planSync } from './reconcile.js';
import { saveTaskRecord } from './task-record.js';
import type { TenantRuntime, Tracked } from './tenant-runtime.js';

/** What a sync needs besides the tenant. */
export interface SyncContext {
  hotline: DispatcherHotline;
  clock: Clock;
}

/** Statuses in which core shows a conversation with its assignee. */
const HELD: ReadonlySet<ConversationStatus> = new Set(['active', 'pending', 'wrap_up', 'resolved', 'closed']);

/** Steps one sync may take before giving up (a conversation that others keep moving). */
const MAX_STEPS = 8;

/**
 * Brings a conversation and its engine task into agreement (see `planSync`), then stores
 * the task record. It reads both as they are when it runs, so one sync covers every
 * engine event that happened before it started. Run it inside the tenant's lane only.
 * Returns the conversation as stored at the end, or `undefined` if it no longer exists.
 */
export async function syncConversation(
  ctx: SyncContext,
  rt: TenantRuntime,
  tracked: Tracked,
): Promise<Conversation | undefined> {
  const { storage, conversations } = ctx.hotline;
  let conversation = await storage.conversations.get(rt.tenantId, tracked.conversationId);
  // A task dropped before it was ever stored (its routing was undone) leaves no record behind.
  if (tracked.record === undefined && !rt.byTask.has(tracked.taskId)) return conversation;
  for (let step = 0; step < MAX_STEPS; step++) {
    const task = rt.task(tracked.taskId);
    if (!conversation || !task) {
      rt.untrack(tracked);
      return conversation;
    }
    if (task.agentId !== undefined && conversation.assigneeId === task.agentId && HELD.has(conversation.status)) {
      tracked.coreAssigned = true;
    }
    // A task replaced by a newer one for the same conversation only keeps its record up to date.
    const plan = rt.isCurrent(tracked) ? planSync(conversation, task, tracked.outcomes, tracked.coreAssigned) : {};
    if (plan.engine) {
      repairEngine(rt.engine, task.id, plan.engine);
      continue;
    }
    if (!plan.core) {
      await saveTaskRecord(storage, ctx.clock, rt.tenantId, tracked, task);
      if (task.status === 'completed' || task.status === 'canceled') rt.untrack(tracked);
      return conversation;
    }
    try {
      conversation = await conversations.apply(rt.tenantId, conversation.id, plan.core);
    } catch (error) {
      // Someone else moved it meanwhile: plan again from what is stored now.
      if (!isHotlineError(error, 'ILLEGAL_TRANSITION')) throw error;
      conversation = await storage.conversations.get(rt.tenantId, tracked.conversationId);
    }
  }
  throw new HotlineError('INTERNAL', `conversation ${tracked.conversationId} kept changing while routing synced it`, {
    details: { conversationId: tracked.conversationId, taskId: tracked.taskId },
  });
}

/** Applies a repair the plan asked for; the plan only asks for what the task's state allows. */
function repairEngine(engine: RoutingEngine, taskId: string, repair: EngineRepair): void {
  if (repair.action === 'cancel') engine.cancel(taskId, repair.reason);
  else if (repair.action === 'complete') engine.complete(taskId);
  else finishTask(engine, taskId);
}

/** Completes an assigned or wrapping task, wrap-up included: the agent's slot is free at once. */
export function finishTask(engine: RoutingEngine, taskId: string): void {
  if (engine.getTask(taskId).status === 'assigned') engine.complete(taskId);
  if (engine.getTask(taskId).status === 'wrapping') engine.completeWrapUp(taskId);
}

/**
 * Queues a sync of the conversation in the tenant's lane, or returns the one already
 * queued and not started (it will see every change made before it starts).
 */
export function requestSync(ctx: SyncContext, rt: TenantRuntime, tracked: Tracked): Promise<Conversation | undefined> {
  if (tracked.queuedSync) return tracked.queuedSync;
  const sync = rt.lane.run(() => {
    tracked.queuedSync = undefined;
    return syncConversation(ctx, rt, tracked);
  });
  tracked.queuedSync = sync;
  return sync;
}
