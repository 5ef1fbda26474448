import type { Channel } from '@hotline/core';
import type { AgentPresence } from './agent-state.js';
import type { QueueStats } from './queue-state.js';
import type { ReservationStatus } from './reservation.js';

/** Routing's domain events, merged into core's event union. */
export interface RoutingEventMap {
  'task.created': { taskId: string; channel: Channel; priority: number; queueId: string; workflowId?: string };
  /** The task enters a step: on arrival, at each new bullseye ring, after an overflow or transfer. */
  'task.queued': { taskId: string; queueId: string; step: number; priority: number };
  'task.reserved': { taskId: string; reservationId: string; agentId: string; queueId: string; expiresAt: string };
  'task.reservation_ended': {
    taskId: string;
    reservationId: string;
    agentId: string;
    outcome: Exclude<ReservationStatus, 'pending' | 'accepted'>;
  };
  'task.assigned': { taskId: string; reservationId: string; agentId: string; queueId: string; waitSeconds: number };
  /** A task placed straight with an agent by `adopt` (work assigned before a restart). */
  'task.adopted': { taskId: string; agentId: string; queueId: string; conversationId?: string };
  'task.wrapping': { taskId: string; agentId: string };
  'task.completed': { taskId: string; agentId?: string };
  'task.canceled': { taskId: string; reason: string };
  'task.overflowed': { taskId: string; fromQueueId: string; toQueueId: string; channel: Channel; reason: string };
  'task.callback_requested': { taskId: string; queueId: string };
  'task.ticket_requested': { taskId: string; queueId: string; conversationId?: string };
  'agent.activity_changed': { agentId: string; from: string; to: string; routable: boolean };
  'agent.presence_changed': { agentId: string; from: AgentPresence; to: AgentPresence };
  'queue.stats_changed': { queueId: string; stats: QueueStats };
}

declare module '@hotline/core' {
  interface HotlineEventMap extends RoutingEventMap {}
}
