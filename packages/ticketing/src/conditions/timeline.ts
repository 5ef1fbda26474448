import type { HistoryEntry } from '../model/history.js';
import type { TicketStatus } from '../model/ticket.js';

/**
 * The instants `hours_since.*` conditions measure from, derived from a ticket's history
 * (the history is the source of truth, so a rule never trusts a denormalised timestamp
 * that a bug or a migration could have left stale). Epoch milliseconds.
 */
export interface TicketTimeline {
  /** When the ticket last entered each status it has been in. */
  readonly statusEnteredAt: ReadonlyMap<TicketStatus, number>;
  /** When an agent was last assigned (the assignee changed to someone). */
  readonly assignedAt?: number;
  /** When the requester last wrote (a reply, a CSAT answer, a portal edit). */
  readonly requesterUpdatedAt?: number;
  /** When each agent last wrote, by agent id (`hours_since.assignee_updated` picks the assignee). */
  readonly agentUpdatedAt: ReadonlyMap<string, number>;
}

/**
 * Replays a ticket's history (in version order) into a {@link TicketTimeline}.
 *
 * @example
 * ```ts
 * const timeline = buildTicketTimeline(await tickets.history(tenantId, ticketId));
 * timeline.statusEnteredAt.get('pending'); // when it last became pending
 * ```
 */
export function buildTicketTimeline(history: readonly HistoryEntry[]): TicketTimeline {
  const statusEnteredAt = new Map<TicketStatus, number>();
  const agentUpdatedAt = new Map<string, number>();
  let assignedAt: number | undefined;
  let requesterUpdatedAt: number | undefined;
  for (const entry of history) {
    const at = Date.parse(entry.at);
    if (Number.isNaN(at)) continue;
    for (const change of entry.changes) {
      if (change.property === 'status' && typeof change.to === 'string' && change.to !== change.from) {
        statusEnteredAt.set(change.to as TicketStatus, at);
      } else if (change.property === 'assigneeId' && typeof change.to === 'string' && change.to !== change.from) {
        assignedAt = at;
      }
    }
    if (entry.actor.type === 'requester' || entry.comment?.author === 'requester') requesterUpdatedAt = at;
    if (entry.actor.type === 'agent') agentUpdatedAt.set(entry.actor.id, at);
  }
  return {
    statusEnteredAt,
    agentUpdatedAt,
    ...(assignedAt === undefined ? {} : { assignedAt }),
    ...(requesterUpdatedAt === undefined ? {} : { requesterUpdatedAt }),
  };
}
