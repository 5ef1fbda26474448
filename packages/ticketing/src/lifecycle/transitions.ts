import { IllegalTransitionError } from '@hotline/core';
import type { TicketStatus } from '../model/ticket.js';

// The status rules as pure functions over categories, so the service, rules, SLA and UIs
// (which buttons to enable) all ask the same table.

/** Categories in which work is still going on: a ticket here can be solved. */
export const OPEN_TICKET_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'on_hold'];

/** Categories a ticket never leaves: `closed` continues only through a follow-up ticket, `merged` not at all. */
export const FINAL_TICKET_STATUSES: readonly TicketStatus[] = ['closed', 'merged'];

/**
 * Every transition between different categories that a write may make (besides `merged`,
 * which only `merge` sets). Staying in the same category is not a transition and always
 * allowed (a custom status of the same category, a field change).
 *
 * - `new` → open, pending, on_hold, solved (a ticket never goes back to `new`);
 * - open, pending and on_hold move freely among themselves (Zendesk does the same);
 * - any open state → solved, which needs an assignee;
 * - solved → open (reopen) or closed;
 * - closed and merged are final.
 */
export const TICKET_TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  new: ['open', 'pending', 'on_hold', 'solved'],
  open: ['pending', 'on_hold', 'solved'],
  pending: ['open', 'on_hold', 'solved'],
  on_hold: ['open', 'pending', 'solved'],
  solved: ['open', 'closed'],
  closed: [],
  merged: [],
};

/** What a transition check may need to know about the ticket besides its status. */
export interface TransitionContext {
  /** The assignee the ticket will have after the write (solving needs one). */
  assigneeId?: string | undefined;
  /** `true` only for the merge operation, the one way into `merged`. */
  viaMerge?: boolean;
}

/** Why a transition is refused, or `undefined` when it is allowed. */
export type TransitionRefusal = 'not_allowed' | 'final' | 'needs_assignee' | 'merge_only' | 'use_follow_up';

/**
 * Why moving from `from` to `to` is refused, or `undefined` if it is allowed. Same
 * category is always allowed (except for `merged`, which changes no more).
 */
export function transitionRefusal(
  from: TicketStatus,
  to: TicketStatus,
  context: TransitionContext = {},
): TransitionRefusal | undefined {
  if (from === 'merged') return from === to && !context.viaMerge ? undefined : 'final';
  if (to === 'merged') return context.viaMerge && from !== 'closed' ? undefined : 'merge_only';
  if (from === to) return undefined;
  if (from === 'closed') return 'use_follow_up';
  if (!TICKET_TRANSITIONS[from].includes(to)) return 'not_allowed';
  if (to === 'solved' && !context.assigneeId) return 'needs_assignee';
  return undefined;
}

/**
 * Whether a ticket may move from `from` to `to`.
 *
 * @example
 * ```ts
 * canTransitionTicket('pending', 'solved', { assigneeId: 'agt_1' }); // true
 * canTransitionTicket('closed', 'open'); // false: create a follow-up instead
 * ```
 */
export function canTransitionTicket(from: TicketStatus, to: TicketStatus, context: TransitionContext = {}): boolean {
  return transitionRefusal(from, to, context) === undefined;
}

/**
 * Throws `IllegalTransitionError` (`ILLEGAL_TRANSITION`) unless the ticket may move from
 * `from` to `to`. `details.reason` says why (`needs_assignee`, `use_follow_up`…).
 */
export function assertTicketTransition(from: TicketStatus, to: TicketStatus, context: TransitionContext = {}): void {
  const refusal = transitionRefusal(from, to, context);
  if (refusal === undefined) return;
  throw new IllegalTransitionError('ticket', from, `status:${to}`, {
    details: { to, reason: refusal, ...(refusal === 'use_follow_up' ? { followUp: true } : {}) },
  });
}

/**
 * The status a ticket takes when its requester replies: pending, on_hold and solved
 * reopen to `open`; `new` and `open` stay. A closed ticket accepts no reply: the caller
 * gets `IllegalTransitionError` with `details.followUp === true` and should create a
 * follow-up ticket (`TicketService.createFollowUp`). A merged ticket refuses too
 * (`details.reason === 'final'`): reply on the survivor.
 *
 * @example
 * ```ts
 * onRequesterReply('solved'); // 'open'
 * onRequesterReply('new'); // 'new'
 * ```
 */
export function onRequesterReply(status: TicketStatus): TicketStatus {
  switch (status) {
    case 'pending':
    case 'on_hold':
    case 'solved':
      return 'open';
    case 'new':
    case 'open':
      return status;
    case 'closed':
      throw new IllegalTransitionError('ticket', status, 'requester_reply', {
        details: { reason: 'use_follow_up', followUp: true },
      });
    case 'merged':
      throw new IllegalTransitionError('ticket', status, 'requester_reply', { details: { reason: 'final' } });
  }
}

/** Whether comments may still be added (everything but closed and merged). */
export function acceptsComments(status: TicketStatus): boolean {
  return !FINAL_TICKET_STATUSES.includes(status);
}
