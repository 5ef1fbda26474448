import type { Channel } from '@hotline/core';
import type { AgentPresence, AgentState } from './agent-state.js';
import type { RoutingTaskStatus, TaskState } from './task-state.js';

/** A task as the engine reports it. Times are epoch milliseconds of the engine's clock. */
export interface TaskView {
  id: string;
  status: RoutingTaskStatus;
  channel: Channel;
  kind: string;
  priority: number;
  queueId: string;
  workflowId?: string;
  /** Index of the current workflow step. */
  step: number;
  attributes: Record<string, unknown>;
  conversationId?: string;
  agentId?: string;
  /** Pending offers. */
  reservations: { id: string; agentId: string; expiresAt: number }[];
  createdAt: number;
  enqueuedAt: number;
  assignedAt?: number;
  completedAt?: number;
  reason?: string;
}

/** An agent as the engine reports it. */
export interface AgentView {
  id: string;
  activity: string;
  routable: boolean;
  presence: AgentPresence;
  skills: Record<string, number>;
  languages: string[];
  capacity: Partial<Record<Channel, number>>;
  /** Tasks held per channel (offered, assigned, wrapping). */
  load: Partial<Record<Channel, number>>;
  reservationIds: string[];
  taskIds: string[];
}

/** Per-agent figures. */
export interface AgentStats {
  agentId: string;
  presence: AgentPresence;
  /** Busy or wrapping time over logged-in (not offline) time, 0..1. */
  occupancy: number;
  handled: number;
  /** Offers that timed out. */
  missed: number;
  rejected: number;
  loggedInSeconds: number;
  busySeconds: number;
}

export function taskView(task: TaskState): TaskView {
  const view: TaskView = {
    id: task.id,
    status: task.status,
    channel: task.channel,
    kind: task.kind,
    priority: task.priority,
    queueId: task.queue.id,
    step: task.stepIndex,
    attributes: task.attributes,
    reservations: task.reservations.map((r) => ({ id: r.id, agentId: r.agent.id, expiresAt: r.expiresAt })),
    createdAt: task.createdAt,
    enqueuedAt: task.enqueuedAt,
  };
  if (task.workflow) view.workflowId = task.workflow.definition.id;
  if (task.conversationId !== undefined) view.conversationId = task.conversationId;
  if (task.agent) view.agentId = task.agent.id;
  if (task.assignedAt !== undefined) view.assignedAt = task.assignedAt;
  if (task.completedAt !== undefined) view.completedAt = task.completedAt;
  if (task.reason !== undefined) view.reason = task.reason;
  return view;
}

export function agentView(agent: AgentState): AgentView {
  return {
    id: agent.id,
    activity: agent.activity,
    routable: agent.routable,
    presence: agent.presence,
    skills: agent.skills,
    languages: agent.languages,
    capacity: agent.capacity,
    load: agent.loadByChannel(),
    reservationIds: [...agent.reservations].map((r) => r.id),
    taskIds: [...agent.tasks].map((t) => t.id),
  };
}

export function agentStats(agent: AgentState, now: number): AgentStats {
  const elapsed = now - agent.presenceSince;
  const loggedIn = agent.loggedInMs + (agent.presence !== 'offline' ? elapsed : 0);
  const busy = agent.busyMs + (agent.presence === 'busy' || agent.presence === 'wrap_up' ? elapsed : 0);
  return {
    agentId: agent.id,
    presence: agent.presence,
    occupancy: loggedIn > 0 ? busy / loggedIn : 0,
    handled: agent.handled,
    missed: agent.missed,
    rejected: agent.rejected,
    loggedInSeconds: loggedIn / 1000,
    busySeconds: busy / 1000,
  };
}
