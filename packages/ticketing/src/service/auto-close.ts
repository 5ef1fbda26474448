import type { TimerRecord } from '@hotline/core';
import { HotlineError } from '@hotline/core';
import type { HistoryEntry } from '../model/history.js';
import type { Ticket } from '../model/ticket.js';

// Auto-close: entering `solved` arms a durable timer (core's TimerScheduler, so it
// survives restarts); leaving `solved` cancels it; firing closes the ticket only if it is
// still in the solve that armed the timer, so a late or repeated firing changes nothing.

/** The durable timer kind that closes solved tickets. */
export const AUTO_CLOSE_TIMER = 'ticket.auto_close';

/** The timer id of a ticket's auto-close (one per ticket: a new solve replaces it). */
export function autoCloseTimerId(ticketId: string): string {
  return `autoclose:${ticketId}`;
}

/** The actor auto-close writes as. */
export const AUTO_CLOSE_ACTOR = { type: 'system', reason: 'auto_close' } as const;

/**
 * Whether the timer should close the ticket now: it is solved, and the solve that armed
 * the timer (`payload.solveVersion`) is still the current one. Throws (so the scheduler
 * retries) when the ticket has not reached that version yet: the solve may still be
 * committing.
 */
export function shouldAutoClose(
  timer: Readonly<TimerRecord>,
  ticket: Ticket | undefined,
  entries: readonly HistoryEntry[],
): boolean {
  const solveVersion = Number(timer.payload['solveVersion']);
  if (!ticket || !Number.isInteger(solveVersion)) return false;
  if (ticket.version < solveVersion) {
    throw new HotlineError('UNAVAILABLE', `ticket ${ticket.id} has not reached version ${solveVersion} yet`);
  }
  if (ticket.status !== 'solved') return false;
  const solve = entries.find((entry) => entry.version === solveVersion);
  const solved = solve?.changes.some((change) => change.property === 'status' && change.to === 'solved');
  if (!solved) return false;
  // A later reopen and re-solve armed a newer timer (same id), which replaced this one.
  return !entries.some((entry) => entry.version > solveVersion && entry.changes.some((c) => c.property === 'status'));
}
