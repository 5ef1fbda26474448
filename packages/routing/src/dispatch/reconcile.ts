import type { Conversation, ConversationLifecycleEvent } from '@hotline/core';
import type { TaskView } from '../engine/views.js';
import type { OfferOutcome } from './tenant-runtime.js';

/** A change the engine must make because core moved the conversation on its own. */
export type EngineRepair =
  /** Core says the customer left or someone else took over: the task ends, capacity is freed. */
  | { action: 'cancel'; reason: 'abandoned' | 'moved' }
  /** Core ended the interaction: wrap-up (or completion) in the engine too. */
  | { action: 'complete' }
  /** Core resolved it: the engine task completes, wrap-up included. */
  | { action: 'finish' };

/** The next step towards agreement between a conversation and its task. */
export interface SyncStep {
  core?: ConversationLifecycleEvent;
  engine?: EngineRepair;
}

/**
 * Decides the next step that brings core's conversation in line with the engine's task
 * (or, when core moved on by itself, the engine in line with core). One step at a time:
 * the caller applies it, reads again and asks again until nothing is left.
 *
 * The engine leads routing: offers, acceptance, ends of offers and completion are
 * mirrored into core with the lifecycle events of the documented path (queued → offered →
 * active → wrap_up). Core leads everything else: a conversation someone abandoned,
 * transferred, snoozed or resolved without the dispatcher releases its task.
 *
 * @param outcomes how each agent's latest offer ended, so a declined offer is a core
 *   `reject` and any other end an `offer_timeout`
 * @param coreAssigned whether core already showed the conversation with the task's agent
 */
export function planSync(
  conversation: Conversation,
  task: TaskView,
  outcomes: ReadonlyMap<string, OfferOutcome>,
  coreAssigned: boolean,
): SyncStep {
  const status = conversation.status;
  const offeredTo = conversation.offeredTo;
  const leaveOffer = (): SyncStep => ({
    core:
      offeredTo !== undefined && outcomes.get(offeredTo) === 'rejected'
        ? { type: 'reject' }
        : { type: 'offer_timeout' },
  });
  switch (task.status) {
    case 'pending':
    case 'reserved': {
      const agents = task.reservations.map((r) => r.agentId);
      if (status === 'queued') return agents[0] === undefined ? {} : { core: { type: 'offer', agentId: agents[0] } };
      if (status === 'offered') return offeredTo !== undefined && agents.includes(offeredTo) ? {} : leaveOffer();
      if (status === 'new') return {};
      return { engine: { action: 'cancel', reason: status === 'abandoned' ? 'abandoned' : 'moved' } };
    }
    case 'assigned':
    case 'wrapping':
    case 'completed': {
      const agentId = task.agentId as string;
      const open = task.status !== 'completed';
      if (status === 'offered') return offeredTo === agentId ? { core: { type: 'accept', agentId } } : leaveOffer();
      if (status === 'queued' && !coreAssigned) return { core: { type: 'offer', agentId } };
      const held = conversation.assigneeId === agentId;
      if ((status === 'active' || status === 'pending') && held) {
        return task.status === 'assigned' ? {} : { core: { type: 'end' } };
      }
      if (status === 'wrap_up' && held) return task.status === 'assigned' ? { engine: { action: 'complete' } } : {};
      if ((status === 'resolved' || status === 'closed') && held) return open ? { engine: { action: 'finish' } } : {};
      return open ? { engine: { action: 'cancel', reason: 'moved' } } : {};
    }
    case 'canceled': {
      const abandoned = task.reason === 'abandoned';
      if (status === 'offered') return abandoned ? { core: { type: 'abandon' } } : leaveOffer();
      if (status === 'queued' && abandoned) return { core: { type: 'abandon' } };
      return {};
    }
  }
}
