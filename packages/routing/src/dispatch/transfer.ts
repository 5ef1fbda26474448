import {
  type Attributes,
  type Channel,
  ConflictError,
  type Conversation,
  IllegalTransitionError,
  NotFoundError,
  type TransferTarget,
  ValidationError,
} from '@hotline/core';
import { channelIndex } from '../engine/channel-index.js';
import type { TaskView } from '../engine/views.js';
import { agentRecord, OFFLINE } from './agent-session.js';
import { auditChange } from './audit.js';
import type { DispatchContext } from './context.js';
import { assertAssignee, conversationOf } from './conversation-jobs.js';
import { requestSync, syncConversation } from './sync.js';
import { saveTaskRecord } from './task-record.js';
import type { TenantRuntime, Tracked, TransferFallback } from './tenant-runtime.js';

/**
 * How long a conversation transferred to one agent is kept for that agent alone. It goes
 * back to its queue as soon as the agent declines or misses the offer; this only bounds
 * the wait should that step itself fail.
 */
const TARGETED_MS = 10 * 60_000;

/** Statuses an agent may transfer a conversation from. */
const TRANSFERABLE: ReadonlySet<string> = new Set(['active', 'pending']);

/** The routable work a conversation stands for, carried from its current task to the next. */
interface Work {
  channel: Channel;
  attributes: Attributes;
  priority: number;
}

/** Where the new task goes and, for one agent, what follows if that agent does not take it. */
interface Plan {
  queueId: string;
  agentId?: string;
  fallback?: TransferFallback;
}

function conflict(reason: string, message: string, agentId: string): ConflictError {
  return new ConflictError(message, { details: { reason, agentId } });
}

/** The queue the conversation belongs to: its current task's, else the one core names (if routing knows it). */
function homeQueue(rt: TenantRuntime, task: TaskView | undefined, conversation: Conversation): string | undefined {
  for (const queueId of [task?.queueId, conversation.queueId]) {
    if (queueId !== undefined && rt.state.queues.has(queueId)) return queueId;
  }
  return undefined;
}

function toQueue(rt: TenantRuntime, queueId: string, channel: Channel): Plan {
  const queue = rt.state.queues.get(queueId);
  if (!queue) throw new NotFoundError('queue', queueId);
  if (!queue.base.serves(channel)) {
    throw new ValidationError(`Invalid queueId: queue ${queueId} does not serve ${channel}`, [
      { path: 'queueId', message: `does not serve ${channel}` },
    ]);
  }
  return { queueId };
}

/**
 * Checks that one agent can be offered the conversation now and picks the queue the offer
 * is made on: the conversation's own when the agent is a member, else one of the agent's
 * queues serving the channel.
 */
async function toAgent(
  ctx: DispatchContext,
  rt: TenantRuntime,
  byAgentId: string,
  agentId: string,
  channel: Channel,
  home: string | undefined,
): Promise<Plan> {
  if (agentId === byAgentId) {
    throw new ValidationError('Invalid agentId: the conversation is already this agent’s', [
      { path: 'agentId', message: 'the transferring agent itself' },
    ]);
  }
  await agentRecord(ctx.hotline.storage, rt.tenantId, agentId);
  const agent = rt.state.agents.get(agentId);
  if (!agent || agent.activity === OFFLINE) throw conflict('agent_offline', `agent ${agentId} is offline`, agentId);
  if (!agent.routable) {
    throw conflict('agent_unavailable', `agent ${agentId} is in activity ${agent.activity}`, agentId);
  }
  if (!agent.canTake(channelIndex(channel))) {
    throw conflict('agent_at_capacity', `agent ${agentId} has no free ${channel} capacity`, agentId);
  }
  const ids = [home, ...[...agent.queues].map((q) => q.id).sort()];
  const queueId = ids.find((id) => {
    const queue = id === undefined ? undefined : rt.state.queues.get(id);
    return queue !== undefined && agent.queues.has(queue) && queue.base.serves(channel);
  });
  if (queueId === undefined) {
    throw conflict('agent_not_eligible', `agent ${agentId} is in no queue serving ${channel}`, agentId);
  }
  return { queueId, agentId, fallback: { agentId, queueId: home ?? queueId, refusedBy: [byAgentId] } };
}

/**
 * Transfers a conversation its assignee holds (see `Dispatcher.transfer`). Every check
 * runs first; then the engine takes the new task (for one agent: offered to that agent at
 * once, or nothing changes), the old task is released (capacity freed, no wrap-up), and
 * core records the `transfer`. Runs inside the tenant's lane.
 */
export async function transferConversation(
  ctx: DispatchContext,
  rt: TenantRuntime,
  byAgentId: string,
  conversationId: string,
  target: TransferTarget,
): Promise<void> {
  const { engine, tenantId } = rt;
  const { storage, conversations } = ctx.hotline;
  const conversation = await conversationOf(ctx, rt, conversationId);
  assertAssignee(conversation, byAgentId);
  if (!TRANSFERABLE.has(conversation.status)) {
    throw new IllegalTransitionError('conversation', conversation.status, 'transfer');
  }
  const previous = rt.openTask(conversationId);
  const work: Work = {
    channel: previous?.task.channel ?? conversation.channel,
    attributes: (previous?.task.attributes as Attributes | undefined) ?? conversation.attributes,
    priority: previous?.task.priority ?? conversation.priority,
  };
  const home = homeQueue(rt, previous?.task, conversation);
  const plan =
    'queueId' in target
      ? toQueue(rt, target.queueId, work.channel)
      : await toAgent(ctx, rt, byAgentId, target.agentId, work.channel, home);

  const taskId = ctx.hotline.ids.next('task');
  const tracked = rt.track(conversationId, taskId);
  const undo = () => {
    rt.untrack(tracked);
    if (previous) rt.retrack(previous.tracked);
  };
  try {
    engine.submit({
      id: taskId,
      ...work,
      conversationId,
      queueId: plan.queueId,
      refusedBy: [byAgentId],
      ...(plan.agentId === undefined
        ? {}
        : {
            preferredAgents: [{ agentId: plan.agentId, until: new Date(ctx.clock.now() + TARGETED_MS).toISOString() }],
          }),
    });
  } catch (error) {
    undo();
    throw error;
  }
  if (plan.agentId !== undefined) {
    // The checks above make this rare: an expression of the queue that reads the conversation's attributes.
    if (!engine.getTask(taskId).reservations.some((r) => r.agentId === plan.agentId)) {
      undo();
      engine.cancel(taskId, 'transfer_failed');
      throw conflict('agent_not_eligible', `agent ${plan.agentId} cannot take this conversation`, plan.agentId);
    }
    tracked.transfer = plan.fallback;
  }
  if (previous) {
    engine.cancel(previous.task.id, 'transferred');
    await saveTaskRecord(storage, ctx.clock, tenantId, previous.tracked, engine.getTask(previous.task.id));
  }
  try {
    await conversations.apply(
      tenantId,
      conversationId,
      plan.agentId === undefined
        ? { type: 'transfer', queueId: plan.queueId }
        : { type: 'transfer', agentId: plan.agentId },
    );
  } catch (error) {
    // Core refused (someone else moved the conversation meanwhile): routing follows core.
    requestSync(ctx, rt, tracked).catch((failure: unknown) =>
      ctx.report(failure, { tenantId, operation: 'sync', conversationId }),
    );
    throw error;
  }
  await saveTaskRecord(storage, ctx.clock, tenantId, tracked, engine.getTask(taskId));
  await auditChange(ctx, tenantId, {
    actor: { kind: 'agent', id: byAgentId },
    action: 'conversation.transferred',
    resource: { type: 'conversation', id: conversationId },
    details: { fromAgentId: byAgentId, ...target },
  });
}

/**
 * The agent a conversation was transferred to declined it, missed the offer or went away:
 * it goes back to its queue, where neither that agent nor the one who transferred it is
 * offered it for the refusal cooldown. Runs inside the tenant's lane, after the sync that
 * showed the ended offer in core.
 */
export async function returnToQueue(ctx: DispatchContext, rt: TenantRuntime, tracked: Tracked): Promise<void> {
  const fallback = tracked.transfer;
  const task = rt.task(tracked.taskId);
  if (!fallback || !rt.isCurrent(tracked) || !task || (task.status !== 'pending' && task.status !== 'reserved')) {
    return;
  }
  tracked.transfer = undefined;
  // The old task ends first, while it is still current: an offer it made again is announced as ended.
  rt.engine.cancel(task.id, 'transfer_declined');
  const taskId = ctx.hotline.ids.next('task');
  const next = rt.track(tracked.conversationId, taskId);
  try {
    rt.engine.submit({
      id: taskId,
      channel: task.channel,
      attributes: task.attributes as Attributes,
      priority: task.priority,
      conversationId: tracked.conversationId,
      queueId: fallback.queueId,
      refusedBy: [...new Set([...fallback.refusedBy, fallback.agentId])],
    });
  } catch (error) {
    rt.untrack(next);
    throw error;
  }
  await saveTaskRecord(ctx.hotline.storage, ctx.clock, rt.tenantId, tracked, rt.engine.getTask(tracked.taskId));
  await syncConversation(ctx, rt, next);
}
