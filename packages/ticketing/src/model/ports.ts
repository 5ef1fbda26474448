import type { Principal } from '@hotline/core';
import type { Actor } from './actor.js';
import type { HistoryEntry } from './history.js';
import type { Ticket } from './ticket.js';

// The seams between the ticket service (the only writer) and the modules around it:
// access control, triggers, SLA and anything else that reacts to a write. The service
// owns persistence and ordering; these modules decide and react.

/** Who is writing and why: carried through a write and the writes it causes. */
export interface WriteContext {
  tenantId: string;
  /** Who made the change; rules and automations name themselves here. */
  actor: Actor;
  /**
   * The person or integration whose permissions apply. Absent for internal writes made by
   * rules, SLA escalations and the system, which act with the engine's authority.
   */
  principal?: Principal;
  /** How many rule-caused writes led to this one (0 for a direct write). */
  depth: number;
  /** An approval that authorises this (risky) operation, if one was granted. */
  approvalId?: string;
}

/** What a write did, as after-write hooks see it. */
export interface WriteResult {
  /** The ticket before the write (absent on create). */
  previous?: Ticket;
  ticket: Ticket;
  entry: HistoryEntry;
  context: WriteContext;
}

/**
 * Reacts after a write has committed: triggers run, SLA timers are re-armed. Hooks run in
 * registration order, each awaited; a hook MAY write through the service again (with
 * `depth + 1` and its own actor). A hook that throws does not undo the committed write:
 * the error is reported through the service's `onError`.
 */
export interface AfterWriteHook {
  readonly name: string;
  afterWrite(result: WriteResult): Promise<void>;
}

/** The ticket operations access control decides on. */
export type TicketOperation =
  | 'read'
  | 'create'
  | 'update'
  | 'comment'
  | 'assign'
  | 'merge'
  | 'link'
  | 'split'
  | 'delete'
  | 'bulk_update';

/** What the guard is asked about one operation. */
export interface GuardRequest {
  principal: Principal;
  operation: TicketOperation;
  /**
   * The tenant the operation targets. Operations without a ticket (create, bulk) should
   * pass it, so a principal of another tenant is refused; with a ticket it must match.
   */
  tenantId?: string;
  /** The ticket as stored (absent for create and bulk operations). */
  ticket?: Ticket;
  /** The properties the operation changes (`status`, `fields.plan`…) with new values. */
  changes?: ReadonlyArray<{ property: string; to: unknown }>;
  /** For bulk operations: how many tickets. */
  count?: number;
  approvalId?: string;
}

/** What `TicketGuard.authorize` reports when it allows an operation. */
export interface GuardDecision {
  /**
   * The single-use approval this decision used up. If the write then does not commit (a
   * version conflict before a retry, a failed store write), the service gives it back
   * with `TicketGuard.releaseApproval`, so the retried write can use it.
   */
  usedApprovalId?: string;
}

/**
 * Access control for the service: RBAC on every operation, field-level write permissions,
 * approvals for risky operations, and read redaction (field permissions and masking).
 */
export interface TicketGuard {
  /**
   * Throws `ForbiddenError` when the principal may not do this. When the operation needs
   * an approval that `request.approvalId` does not satisfy, throws `ForbiddenError` with
   * `details.reason === 'approval_required'`. Consumes a single-use approval when it allows,
   * and says so in the returned decision.
   */
  authorize(request: GuardRequest): Promise<GuardDecision | undefined>;
  /** The ticket as this principal may see it: unreadable fields removed, sensitive ones masked. */
  redact(principal: Principal, ticket: Ticket): Ticket;
  /**
   * A history entry as this principal may see it: changes to unreadable properties left
   * out, sensitive values masked. Without it the service redacts each value through
   * `redact`.
   */
  redactEntry?(principal: Principal, entry: HistoryEntry, ticket?: Ticket): HistoryEntry;
  /** Gives back an approval `authorize` used for a write that did not commit (see {@link GuardDecision}). */
  releaseApproval?(principal: Principal, approvalId: string): Promise<unknown>;
}
