import {
  type Conversation,
  type ConversationStatus,
  isHotlineError,
  isoNow,
  type Page,
  type Task,
  ValidationError,
} from '@hotline/core';
import { agentRecord, ensureAgent } from './agent-session.js';
import type { DispatchContext } from './context.js';
import type { Route } from './conversation-jobs.js';
import type { RestoreReport } from './options.js';
import { syncConversation } from './sync.js';
import type { TenantRuntime, Tracked } from './tenant-runtime.js';

const WAITING: ConversationStatus[] = ['queued', 'offered'];
const WITH_AGENT: ConversationStatus[] = ['active', 'pending', 'wrap_up'];
const OPEN_TASKS: Task['status'][] = ['pending', 'reserved', 'assigned', 'wrapping'];

async function listAll<T>(page: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    items.push(...next.items);
    cursor = next.nextCursor;
  } while (cursor !== undefined);
  return items;
}

/**
 * Rebuilds a tenant's routing from core storage after a restart. The engine keeps nothing
 * across processes; core has the conversations and the task records:
 *
 * - conversations `active`, `pending` and `wrap_up` go back to their assignee with
 *   `engine.adopt`, taking capacity again (the agent is added offline if it has not
 *   connected yet); `wrap_up` ones are completed at once, so they hold a slot only where
 *   the queue has wrap-up time;
 * - conversations `queued`, and `offered` ones (their offer lapsed with the old process:
 *   back to `queued`), are submitted again, oldest first, on the route of their task record;
 * - task records still open that stand for none of these are closed as `stale`.
 *
 * Assigned work is restored first, so nothing is offered to an agent already at capacity.
 * Conversations the dispatcher already routes are left alone: restoring twice is harmless.
 * Runs inside the tenant's lane.
 */
export async function restoreTenant(ctx: DispatchContext, rt: TenantRuntime): Promise<RestoreReport> {
  const { storage } = ctx.hotline;
  const tenantId = rt.tenantId;
  const report: RestoreReport = { tenantId, requeued: [], adopted: [], skipped: [], staleTasks: [] };
  const records = await listAll((cursor) =>
    storage.tasks.list(tenantId, { status: OPEN_TASKS }, { limit: 1000, ...(cursor ? { cursor } : {}) }),
  );
  const recordOf = new Map<string, Task>();
  for (const record of records) if (record.conversationId !== undefined) recordOf.set(record.conversationId, record);
  const conversations = await listAll((cursor) =>
    storage.conversations.list(
      tenantId,
      { status: [...WAITING, ...WITH_AGENT] },
      { limit: 1000, ...(cursor ? { cursor } : {}) },
    ),
  );
  const waitingSince = (c: Conversation) => recordOf.get(c.id)?.enqueuedAt ?? c.updatedAt;
  const withAgent = conversations.filter((c) => WITH_AGENT.includes(c.status));
  const waiting = conversations
    .filter((c) => WAITING.includes(c.status))
    .sort((a, b) => waitingSince(a).localeCompare(waitingSince(b)) || a.id.localeCompare(b.id));
  for (const conversation of [...withAgent, ...waiting]) {
    if (rt.openTask(conversation.id)) continue;
    try {
      if (WITH_AGENT.includes(conversation.status)) {
        await adopt(ctx, rt, conversation, recordOf.get(conversation.id));
        report.adopted.push(conversation.id);
      } else {
        await requeue(ctx, rt, conversation, recordOf.get(conversation.id));
        report.requeued.push(conversation.id);
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      report.skipped.push({ conversationId: conversation.id, reason });
      ctx.report(error, { tenantId, operation: 'restore', conversationId: conversation.id });
    }
  }
  for (const record of records) {
    if (rt.byTask.has(record.id)) continue;
    if (await closeStale(ctx, record)) report.staleTasks.push(record.id);
  }
  return report;
}

/** Gives an assigned conversation back to its agent. */
async function adopt(ctx: DispatchContext, rt: TenantRuntime, conversation: Conversation, record: Task | undefined) {
  const agentId = conversation.assigneeId;
  if (agentId === undefined) {
    throw new ValidationError('conversation has no assignee', [{ path: 'assigneeId', message: 'missing' }]);
  }
  const fields = taskFields(ctx, rt, conversation, record);
  ensureAgent(ctx, rt, await agentRecord(ctx.hotline.storage, rt.tenantId, agentId));
  const tracked = track(rt, conversation, record, fields.id);
  try {
    rt.engine.adopt({
      ...fields,
      agentId,
      ...(record?.assignedAt === undefined ? {} : { assignedAt: record.assignedAt }),
    });
  } catch (error) {
    rt.untrack(tracked);
    throw error;
  }
  tracked.coreAssigned = true;
  if (conversation.status === 'wrap_up') rt.engine.complete(tracked.taskId);
  await syncConversation(ctx, rt, tracked);
}

/** Puts a waiting conversation back in line. */
async function requeue(ctx: DispatchContext, rt: TenantRuntime, conversation: Conversation, record: Task | undefined) {
  const fields = taskFields(ctx, rt, conversation, record);
  if (conversation.status === 'offered') {
    await ctx.hotline.conversations.apply(rt.tenantId, conversation.id, { type: 'offer_timeout' });
  }
  const tracked = track(rt, conversation, record, fields.id);
  try {
    rt.engine.submit(fields);
  } catch (error) {
    rt.untrack(tracked);
    throw error;
  }
  await syncConversation(ctx, rt, tracked);
}

function track(rt: TenantRuntime, conversation: Conversation, record: Task | undefined, taskId: string): Tracked {
  const tracked = rt.track(conversation.id, taskId);
  if (record?.id === taskId) tracked.record = record;
  return tracked;
}

/** The task as it was routed before: its record's route, channel, attributes and priority. */
function taskFields(ctx: DispatchContext, rt: TenantRuntime, conversation: Conversation, record: Task | undefined) {
  // The old id is kept (its record is updated) unless the engine already uses it.
  const reuse = record !== undefined && rt.task(record.id) === undefined;
  return {
    id: reuse ? record.id : ctx.hotline.ids.next('task'),
    channel: record?.channel ?? conversation.channel,
    attributes: record?.attributes ?? conversation.attributes,
    priority: record?.priority ?? conversation.priority,
    conversationId: conversation.id,
    ...routeOf(ctx, rt, conversation, record),
  };
}

function routeOf(ctx: DispatchContext, rt: TenantRuntime, conversation: Conversation, record: Task | undefined): Route {
  const { workflows, queues } = rt.state;
  if (record?.workflowId !== undefined && workflows.has(record.workflowId)) return { workflowId: record.workflowId };
  for (const queueId of [record?.queueId, conversation.queueId]) {
    if (queueId !== undefined && queues.has(queueId)) return { queueId };
  }
  const workflowId = ctx.workflowOf(rt.tenantId);
  if (workflowId !== undefined) return { workflowId };
  throw new ValidationError('no route: the queue or workflow this conversation was routed on no longer exists', [
    { path: 'queueId', message: 'unknown' },
  ]);
}

/** Closes a task record left open by the previous process for work that is no longer there. */
async function closeStale(ctx: DispatchContext, record: Task): Promise<boolean> {
  const now = isoNow(ctx.clock);
  try {
    await ctx.hotline.storage.tasks.update(
      { ...record, status: 'canceled', reason: 'stale', completedAt: now, updatedAt: now },
      record.version,
    );
    return true;
  } catch (error) {
    // Someone else changed it meanwhile: theirs is newer.
    if (isHotlineError(error, 'CONFLICT')) return false;
    throw error;
  }
}
