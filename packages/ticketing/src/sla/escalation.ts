import { formatIsoInstant } from '@hotline/core';
import type { SlaMetric } from '../model/events.js';
import type { WriteContext } from '../model/ports.js';
import { TICKET_PRIORITIES, type Ticket, type TicketPriority } from '../model/ticket.js';
import type { SlaAlarm } from './alarms.js';
import type { SlaEntryMeta } from './compute.js';
import type { SlaNotifyTarget, SlaPolicy } from './policy.js';

/** The ticket changes an escalation may make. `assigneeId: null` unassigns. */
export interface SlaTicketChanges {
  priority?: TicketPriority;
  groupId?: string;
  assigneeId?: string | null;
}

/** One write of the SLA engine: an event to store in the history, with its escalation's changes. */
export interface SlaWrite {
  /** Possibly empty: a warning without actions only records itself. */
  changes: SlaTicketChanges;
  /** The history entry's `meta` (its `kind` is `sla`). */
  meta: SlaEntryMeta;
}

/** What a `notify` escalation action hands to the host. */
export interface SlaNotification {
  tenantId: string;
  ticketId: string;
  policyId: string;
  metric: SlaMetric;
  event: 'warning' | 'breach';
  /** ISO time the target is due (the warning instant for warnings). */
  dueAt: string;
  target: SlaNotifyTarget;
  message?: string;
  /** The ticket's assignee and group when the event fired, to resolve `assignee` / `group` targets. */
  assigneeId?: string;
  groupId?: string;
}

/**
 * How the SLA engine writes and notifies: the ticket service provides it. Every call
 * carries a {@link WriteContext} whose actor is `{ type: 'sla', id: policyId }`.
 */
export interface SlaEscalationPort {
  /**
   * Applies `write.changes` (possibly none) to the ticket's latest version and appends ONE
   * history entry of kind `sla` with `meta: write.meta`, atomically, so the event is stored
   * exactly when its changes are. It MUST NOT fail on a version conflict (re-read and
   * re-apply; the changes are absolute values), and it SHOULD run after-write hooks as any
   * write does (the SLA hook then recomputes the ticket).
   */
  update(ctx: WriteContext, ticketId: string, write: SlaWrite): Promise<void>;
  /** Delivers one notification (email, chat, pager…); at least once. */
  notify(ctx: WriteContext, notification: SlaNotification): Promise<void>;
}

/** What an alarm's escalations do to one ticket. */
export interface SlaEscalationPlan {
  changes: SlaTicketChanges;
  notifications: SlaNotification[];
}

/**
 * The changes and notifications of the escalations a policy attaches to an alarm's metric
 * and event, applied in order to the ticket as it is now. Changes that would change
 * nothing are left out; priority only ever goes up.
 *
 * @example
 * ```ts
 * const { changes } = planEscalation(policy, alarm, ticket); // { priority: 'high' }
 * ```
 */
export function planEscalation(policy: SlaPolicy, alarm: SlaAlarm, ticket: Ticket): SlaEscalationPlan {
  const changes: SlaTicketChanges = {};
  const notifications: SlaNotification[] = [];
  let priority = ticket.priority;
  let groupId = ticket.groupId;
  let assigneeId: string | null = ticket.assigneeId ?? null;
  const dueAt = formatIsoInstant(alarm.reachedAt);
  for (const escalation of policy.escalations) {
    if (escalation.metric !== alarm.metric || escalation.on !== alarm.event) continue;
    for (const action of escalation.actions) {
      if (action.type === 'raise_priority') {
        const rank = TICKET_PRIORITIES.indexOf(priority);
        const wanted = action.to === undefined ? rank + 1 : TICKET_PRIORITIES.indexOf(action.to);
        const next = Math.min(Math.max(rank, wanted), TICKET_PRIORITIES.length - 1);
        priority = TICKET_PRIORITIES[next] as TicketPriority;
      } else if (action.type === 'reassign') {
        if (action.groupId !== undefined && action.groupId !== groupId) {
          groupId = action.groupId;
          // A new group picks the ticket up unless the action names the agent too.
          assigneeId = null;
        }
        if (action.assigneeId !== undefined) assigneeId = action.assigneeId;
      } else {
        notifications.push({
          tenantId: ticket.tenantId,
          ticketId: ticket.id,
          policyId: policy.id,
          metric: alarm.metric,
          event: alarm.event,
          dueAt,
          target: action.target,
          ...(action.message !== undefined ? { message: action.message } : {}),
          ...(ticket.assigneeId !== undefined ? { assigneeId: ticket.assigneeId } : {}),
          ...(ticket.groupId !== undefined ? { groupId: ticket.groupId } : {}),
        });
      }
    }
  }
  if (priority !== ticket.priority) changes.priority = priority;
  if (groupId !== ticket.groupId && groupId !== undefined) changes.groupId = groupId;
  if (assigneeId !== (ticket.assigneeId ?? null)) changes.assigneeId = assigneeId;
  return { changes, notifications };
}
