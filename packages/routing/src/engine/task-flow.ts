import { changeActivity, flushAgents, refreshAgent } from './agent-ops.js';
import type { AgentState } from './agent-state.js';
import type { OverflowTarget } from './definitions.js';
import type { EngineState } from './engine-state.js';
import { pickAgents, requestRouting, routeAgent } from './matching.js';
import type { QueueState } from './queue-state.js';
import type { Reservation, ReservationStatus } from './reservation.js';
import type { TaskState } from './task-state.js';

/** Overflow hops after which a task stops moving and waits where it is (A ↔ B both full). */
const MAX_OVERFLOW_HOPS = 8;

/** Puts a task into queue `queue` (wait and ageing restart there; limits apply). */
function enterQueue(s: EngineState, task: TaskState, queue: QueueState, now: number): void {
  task.queue = queue;
  task.queueGen++;
  task.enqueuedAt = now;
  task.overflowDue = false;
  task.rekey();
  queue.count('entered', now);
  s.dirtyQueues.add(queue);
  task.queueTimer?.();
  task.queueTimer = undefined;
  const { maxWaitSeconds, overflowTo } = queue.definition;
  if (maxWaitSeconds !== undefined && overflowTo !== undefined) {
    task.queueTimer = s.deadlines.add(now + maxWaitSeconds * 1000, () => onMaxWait(s, task, queue, overflowTo));
  }
}

function onMaxWait(s: EngineState, task: TaskState, queue: QueueState, to: OverflowTarget): void {
  task.queueTimer = undefined;
  if (task.queue !== queue) return;
  if (task.status === 'reserved') {
    task.overflowDue = true;
    return;
  }
  if (task.status !== 'pending') return;
  unwait(s, task);
  overflow(s, task, to, 'max_wait');
}

/**
 * Enters step `index` (or the first later one not skipped): queue entry, step priority,
 * closed-queue action, `skipIf`, queue length limit, the step timer; then routes.
 */
export function enterStep(s: EngineState, task: TaskState, index: number, first = false): void {
  const now = s.now();
  let i = index;
  for (; i < task.steps.length; i++) {
    const step = task.steps[i];
    if (!step) break;
    const queue = step.target.queue;
    task.stepIndex = i;
    task.stepEnteredAt = now;
    const newQueue = first || task.queue !== queue;
    first = false;
    if (newQueue) enterQueue(s, task, queue, now);
    if (step.priority !== undefined && step.priority !== task.priority) {
      task.priority = step.priority;
      task.rekey();
      task.refreshView();
    }
    if (!queue.isOpen(now) && task.kind !== 'callback') {
      const action = step.whenClosed;
      if (action.action === 'overflow') {
        overflow(s, task, { queueId: action.queueId }, 'closed');
        return;
      }
      if (action.action === 'callback') {
        toCallback(s, task, action.queueId);
        return;
      }
      if (action.action === 'ticket') {
        s.emit('task.ticket_requested', {
          taskId: task.id,
          queueId: queue.id,
          ...(task.conversationId === undefined ? {} : { conversationId: task.conversationId }),
        });
        cancel(s, task, 'closed');
        return;
      }
    }
    const last = i === task.steps.length - 1;
    // A ring whose queue does not serve the task's channel can never match it.
    if (!last && !step.target.serves(task.channel)) continue;
    if (!last && step.skipIf !== undefined) flushAgents(s);
    if (!last && step.skipIf === 'no_members' && step.target.memberCountOn(task.channel) === 0) continue;
    if (!last && step.skipIf === 'no_available' && step.target.availableCount(task.channel) === 0) continue;
    const { maxLength, overflowTo } = queue.definition;
    if (newQueue && maxLength !== undefined && overflowTo !== undefined && queue.waiting >= maxLength) {
      overflow(s, task, overflowTo, 'max_length');
      return;
    }
    break;
  }
  task.stepExpired = false;
  task.stepTimer?.();
  task.stepTimer = undefined;
  const step = task.step;
  if (step.timeoutMs !== undefined && task.stepIndex < task.steps.length - 1) {
    const at = now + step.timeoutMs;
    const stepIndex = task.stepIndex;
    task.stepTimer = s.deadlines.add(at, () => onStepTimeout(s, task, stepIndex));
  }
  s.emit('task.queued', { taskId: task.id, queueId: task.queue.id, step: task.stepIndex, priority: task.priority });
  requestRouting(s, task);
}

function onStepTimeout(s: EngineState, task: TaskState, stepIndex: number): void {
  task.stepTimer = undefined;
  if (task.stepIndex !== stepIndex) return;
  if (task.status === 'reserved') {
    task.stepExpired = true;
    return;
  }
  if (task.status !== 'pending') return;
  unwait(s, task);
  enterStep(s, task, stepIndex + 1);
}

/**
 * Task-centric decision (made by `settle`): offer to the best agents now, or wait in the
 * step's target. Returns the agents offered the task.
 */
export function routeTask(s: EngineState, task: TaskState): AgentState[] {
  const agents = pickAgents(s, task);
  s.decisions++;
  if (agents.length > 0) {
    reserve(s, task, agents);
    s.inspector?.decisionEnded?.('reserved');
  } else {
    wait(s, task);
    s.inspector?.decisionEnded?.('waiting');
  }
  return agents;
}

/** Puts a task into its step's waiting heap (and the waiting count). */
export function wait(s: EngineState, task: TaskState): void {
  task.step.target.taskHeap(task.ci).push(task);
  if (!task.waiting) {
    task.waiting = true;
    task.queue.trackWaiting(task);
    s.dirtyQueues.add(task.queue);
  }
}

/** Takes a task out of its target's waiting heap (and the waiting count). */
export function unwait(s: EngineState, task: TaskState): void {
  task.heap?.remove(task);
  if (task.waiting) {
    task.waiting = false;
    task.queue.untrackWaiting();
    s.dirtyQueues.add(task.queue);
  }
}

/** Offers a task to agents: one reservation each, capacity taken, a timeout armed. */
export function reserve(s: EngineState, task: TaskState, agents: AgentState[]): void {
  const now = s.now();
  unwait(s, task);
  task.status = 'reserved';
  task.queue.reserved++;
  const timeoutMs = (task.queue.definition.reservationTimeoutSeconds ?? 0) * 1000 || s.settings.reservationTimeoutMs;
  for (const agent of agents) {
    const reservation: Reservation = {
      id: s.nextId('reservation'),
      task,
      agent,
      createdAt: now,
      expiresAt: now + timeoutMs,
      status: 'pending',
      cancelTimeout: () => {},
    };
    reservation.cancelTimeout = s.deadlines.add(reservation.expiresAt, () => endOffer(s, reservation, 'timed_out'));
    s.reservations.set(reservation.id, reservation);
    if (task.reservations.length === 0) task.reservations = [];
    task.reservations.push(reservation);
    agent.reservations.add(reservation);
    agent.adjustLoad(task.ci, 1, now);
    agent.lastOfferedAt.set(task.queue, now);
    refreshAgent(s, agent);
    if (s.wantsEvent('task.reserved')) {
      s.emit('task.reserved', {
        taskId: task.id,
        reservationId: reservation.id,
        agentId: agent.id,
        queueId: task.queue.id,
        expiresAt: new Date(reservation.expiresAt).toISOString(),
      });
    }
  }
  s.dirtyQueues.add(task.queue);
}

/** Accepts an offer: the task is assigned; the task's other offers are withdrawn. */
export function accept(s: EngineState, reservation: Reservation): void {
  const now = s.now();
  const { task, agent } = reservation;
  closeReservation(s, reservation, 'accepted');
  const others = [...task.reservations];
  for (const other of others) release(s, other, 'withdrawn');
  task.status = 'assigned';
  task.agent = agent;
  task.assignedAt = now;
  agent.tasks.add(task);
  task.queue.reserved--;
  const waitMs = now - task.enqueuedAt;
  task.queue.count('answered', now);
  task.queue.count('waitMsAnswered', now, waitMs);
  if (waitMs <= task.queue.definition.serviceLevelSeconds * 1000) task.queue.count('answeredInServiceLevel', now);
  s.dirtyQueues.add(task.queue);
  task.clearTimers();
  refreshAgent(s, agent);
  s.emit('task.assigned', {
    taskId: task.id,
    reservationId: reservation.id,
    agentId: agent.id,
    queueId: task.queue.id,
    waitSeconds: waitMs / 1000,
  });
  for (const other of others) routeAgent(s, other.agent);
}

/**
 * An offer ends without acceptance because of the agent: rejected or timed out. The
 * agent is not offered this task again; a missed offer may change the agent's activity.
 */
export function endOffer(s: EngineState, reservation: Reservation, outcome: 'rejected' | 'timed_out'): void {
  if (reservation.status !== 'pending') return;
  const { task, agent } = reservation;
  const cooldownMs = s.settings.refusalCooldownMs;
  if (cooldownMs > 0) {
    const until = s.now() + cooldownMs;
    task.refuse(agent.id, until);
    // When the cooldown ends the agent may take the task again. Deciding from the agent's
    // side keeps priority order when several cooldowns end at once.
    s.deadlines.add(until, () => {
      if (task.status !== 'pending' || task.refusedUntil(agent.id) !== until) return;
      task.forgive(agent.id);
      // The agent may have been removed and added again since: use the current one.
      const current = s.agents.get(agent.id);
      if (current) routeAgent(s, current);
      requestRouting(s, task);
    });
  }
  if (outcome === 'rejected') agent.rejected++;
  else agent.missed++;
  release(s, reservation, outcome);
  if (outcome === 'timed_out' && s.settings.missedOfferActivity !== undefined) {
    changeActivity(s, agent, s.settings.missedOfferActivity);
  }
  if (task.status === 'reserved' && task.reservations.length === 0) requeue(s, task);
  routeAgent(s, agent);
}

/** Withdraws an offer (the agent left, the task moved or ended); the task is routed again if it has no other offer. */
export function withdrawReservation(s: EngineState, reservation: Reservation, outcome: 'withdrawn' | 'canceled'): void {
  if (reservation.status !== 'pending') return;
  const { task } = reservation;
  release(s, reservation, outcome);
  if (task.status === 'reserved' && task.reservations.length === 0) requeue(s, task);
}

/** Ends a pending reservation and gives its capacity back. */
function release(
  s: EngineState,
  reservation: Reservation,
  outcome: Exclude<ReservationStatus, 'pending' | 'accepted'>,
): void {
  const { task, agent } = reservation;
  closeReservation(s, reservation, outcome);
  agent.adjustLoad(task.ci, -1, s.now());
  refreshAgent(s, agent);
  s.emit('task.reservation_ended', { taskId: task.id, reservationId: reservation.id, agentId: agent.id, outcome });
}

function closeReservation(s: EngineState, reservation: Reservation, status: ReservationStatus): void {
  reservation.status = status;
  reservation.cancelTimeout();
  reservation.agent.reservations.delete(reservation);
  const list = reservation.task.reservations;
  const at = list.indexOf(reservation);
  if (at >= 0) list.splice(at, 1);
  s.endReservation(reservation);
}

/** A task whose offers all ended goes back to work: next step, overflow, or its step again. */
function requeue(s: EngineState, task: TaskState): void {
  task.status = 'pending';
  task.queue.reserved--;
  s.dirtyQueues.add(task.queue);
  if (task.overflowDue && task.queue.definition.overflowTo) {
    overflow(s, task, task.queue.definition.overflowTo, 'max_wait');
    return;
  }
  if (task.stepExpired && task.stepIndex < task.steps.length - 1) {
    enterStep(s, task, task.stepIndex + 1);
    return;
  }
  requestRouting(s, task);
}

/** Moves a task to another queue and/or channel (wait limit, length limit, closed queue). */
export function overflow(s: EngineState, task: TaskState, to: OverflowTarget, reason: string): void {
  const from = task.queue;
  if (task.overflowHops >= MAX_OVERFLOW_HOPS) {
    requestRouting(s, task);
    return;
  }
  task.overflowHops++;
  const queue = to.queueId === undefined ? from : (s.queues.get(to.queueId) ?? from);
  const channel = to.channel ?? task.channel;
  if (!queue.base.serves(channel)) {
    // The target cannot take this channel: the task stays where it is rather than vanish.
    requestRouting(s, task);
    return;
  }
  from.count('overflowed', s.now());
  if (to.channel !== undefined && to.channel !== task.channel) task.setChannel(to.channel);
  task.steps = queue.baseRoute;
  s.emit('task.overflowed', {
    taskId: task.id,
    fromQueueId: from.id,
    toQueueId: queue.id,
    channel: task.channel,
    reason,
  });
  enterStep(s, task, 0, true);
}

function toCallback(s: EngineState, task: TaskState, queueId: string | undefined): void {
  const queue = (queueId === undefined ? undefined : s.queues.get(queueId)) ?? task.queue;
  task.kind = 'callback';
  task.refreshView();
  task.steps = queue.baseRoute;
  s.emit('task.callback_requested', { taskId: task.id, queueId: queue.id });
  enterStep(s, task, 0, queue !== task.queue);
  // A callback is offered once its queue opens: wake it then.
  const opensAt = queue.definition.hours?.nextOpen?.(s.now());
  if (opensAt !== undefined && opensAt > s.now()) {
    task.preferTimer?.();
    task.preferTimer = s.deadlines.add(opensAt, () => requestRouting(s, task));
  }
}

/** Ends handling: wrap-up (the slot stays taken) or completion. */
export function complete(s: EngineState, task: TaskState): void {
  const agent = task.agent as AgentState;
  const wrapSeconds = task.queue.definition.wrapUpSeconds ?? 0;
  if (wrapSeconds <= 0) {
    finish(s, task);
    return;
  }
  task.status = 'wrapping';
  task.wrapTimer = s.deadlines.add(s.now() + wrapSeconds * 1000, () => {
    task.wrapTimer = undefined;
    if (task.status === 'wrapping') finish(s, task);
  });
  refreshAgent(s, agent);
  s.emit('task.wrapping', { taskId: task.id, agentId: agent.id });
}

/** Completes a task and frees the agent's slot; the agent pulls waiting work at once. */
export function finish(s: EngineState, task: TaskState): void {
  const agent = task.agent as AgentState;
  task.clearTimers();
  task.status = 'completed';
  task.completedAt = s.now();
  agent.tasks.delete(task);
  agent.adjustLoad(task.ci, -1, s.now());
  agent.handled++;
  refreshAgent(s, agent);
  s.emit('task.completed', { taskId: task.id, agentId: agent.id });
  s.retire(task);
  routeAgent(s, agent);
}

/** Cancels a task in any open state; `abandoned` counts in the queue's abandonment figures. */
export function cancel(s: EngineState, task: TaskState, reason: string): void {
  const now = s.now();
  const freed: AgentState[] = [];
  if (task.status === 'pending') unwait(s, task);
  if (task.status === 'reserved') {
    for (const reservation of [...task.reservations]) {
      freed.push(reservation.agent);
      release(s, reservation, 'canceled');
    }
    task.queue.reserved--;
  }
  if ((task.status === 'pending' || task.status === 'reserved') && reason === 'abandoned') {
    task.queue.count('abandoned', now);
    if (now - task.enqueuedAt <= task.queue.definition.serviceLevelSeconds * 1000) {
      task.queue.count('abandonedInServiceLevel', now);
    }
  }
  if ((task.status === 'assigned' || task.status === 'wrapping') && task.agent) {
    const agent = task.agent;
    agent.tasks.delete(task);
    agent.adjustLoad(task.ci, -1, now);
    refreshAgent(s, agent);
    freed.push(agent);
  }
  task.clearTimers();
  task.status = 'canceled';
  task.reason = reason;
  task.completedAt = now;
  s.dirtyQueues.add(task.queue);
  s.emit('task.canceled', { taskId: task.id, reason });
  s.retire(task);
  for (const agent of freed) routeAgent(s, agent);
}
