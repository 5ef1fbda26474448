import type { HistoryEntry } from '../model/history.js';
import type { WriteContext } from '../model/ports.js';
import type { FieldValue, Ticket, TicketPriority } from '../model/ticket.js';

// The rules engine decides; the ticket service writes. These ports are all the engine
// needs from the service and the host, so its logic runs (and is tested, and benchmarked)
// without storage.

/** A comment a rule writes. */
export interface RuleComment {
  body: string;
  /** `false`: an internal note. */
  public: boolean;
}

/**
 * The changes one rule makes to a ticket, written as ONE write (so the history shows one
 * entry per fired rule, attributed to it by `ctx.actor`). Only properties that differ from
 * the ticket are present.
 */
export interface RuleChanges {
  status?: 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';
  priority?: TicketPriority;
  /** `null` unassigns. */
  assigneeId?: string | null;
  /** `null` clears the group. */
  groupId?: string | null;
  /**
   * Tags to add and to remove, as set operations (`set_tags` becomes both, relative to the
   * ticket the rule saw), so a tag another writer added meanwhile is never lost.
   */
  addTags?: string[];
  removeTags?: string[];
  /** Custom field values to set (`null` clears one). */
  fields?: Record<string, FieldValue>;
  /** A comment written in the same write. */
  comment?: RuleComment;
  /** For the history entry's `meta`: which rule (and macro) made the write, e.g. `{ rule: 'trigger', ruleId, macroIds }`. */
  meta?: Record<string, unknown>;
}

/** A notification target resolved against the ticket. */
export type ResolvedTarget =
  | { type: 'requester'; contactId: string }
  | { type: 'assignee'; agentId: string }
  | { type: 'group'; groupId: string }
  | { type: 'email'; address: string };

/** A notification for the host's mailer (or other notifier). */
export interface RuleNotification {
  tenantId: string;
  ticketId: string;
  target: ResolvedTarget;
  subject: string;
  body: string;
  /**
   * Always `true`: the message is machine-made. A mailer MUST mark it
   * (`Auto-Submitted: auto-generated`, RFC 3834) so well-behaved auto-responders do not
   * answer it, and the inbound channel SHOULD flag replies that carry such a header as a
   * loop (`meta.loop: true` on the write), which rules never notify the requester about.
   */
  autoSubmitted: true;
}

/** A webhook hand-off: the integrations module signs, queues and delivers it. */
export interface RuleWebhook {
  tenantId: string;
  ticketId: string;
  subscriptionId: string;
  /** The rendered payload template, or `undefined` for the subscription's default payload. */
  payload: unknown;
}

/**
 * What rules do to the world, implemented by the ticket service (and by a memory fake in
 * tests). Every call carries the rule's {@link WriteContext}: `actor` names the rule,
 * `depth` counts rule-caused writes, `principal` is absent (rules act with the engine's
 * authority).
 */
export interface RuleEffects {
  /** Writes `changes` (and `changes.comment`) as one write; returns the ticket after it. */
  update(ctx: WriteContext, ticketId: string, changes: RuleChanges): Promise<Ticket>;
  /** Writes only a comment (a rule that changes no property); returns the ticket after it. */
  comment(
    ctx: WriteContext,
    ticketId: string,
    comment: RuleComment & { meta?: Record<string, unknown> },
  ): Promise<Ticket>;
  /** Sends a notification. A failure is reported as an event and never undoes the write. */
  notify(ctx: WriteContext, notification: RuleNotification): Promise<void>;
  /** Hands a payload to a webhook subscription. */
  webhook(ctx: WriteContext, delivery: RuleWebhook): Promise<void>;
}

/** A ticket an automation run looks at, with its history when the source has it at hand. */
export interface AutomationCandidate {
  ticket: Ticket;
  history?: readonly HistoryEntry[];
}

/**
 * What the rules engine reads besides the write it reacts to. Every member is optional:
 * a feature whose reader is missing simply sees nothing (no names in templates, no
 * comment body in conditions, no automation candidates).
 */
export interface RuleReader {
  /** A ticket by id (macros, automations). */
  get?(tenantId: string, ticketId: string): Promise<Ticket | undefined>;
  /** A ticket's history, in version order (for `hours_since.*` conditions that need it). */
  history?(tenantId: string, ticketId: string): Promise<readonly HistoryEntry[]>;
  /** A comment's body (for `comment.body` conditions and classification), loaded only when some rule reads it. */
  commentBody?(tenantId: string, ticketId: string, commentId: string): Promise<string | undefined>;
  /** Display names for `{{requester.name}}`, `{{assignee.name}}`, `{{group.name}}`, `{{current_user.name}}`. */
  displayName?(tenantId: string, kind: 'contact' | 'agent' | 'group', id: string): Promise<string | undefined>;
  /** The tickets automations may act on: every ticket not closed or merged. */
  listCandidates?(tenantId: string): AsyncIterable<AutomationCandidate> | Promise<Iterable<AutomationCandidate>>;
}
