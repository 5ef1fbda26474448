import type { PropertyChange } from '../model/history.js';
import type { WriteContext } from '../model/ports.js';
import type { FieldValue, Ticket } from '../model/ticket.js';
import { sameValue } from '../service/ticket-diff.js';
import type { RuleChanges, RuleEffects } from './ports.js';

// Pure helpers over rule changes: preview a ticket after changes (templates render what
// the ticket will be), and fold the history-style property changes of several writes
// (what later triggers of a cycle see as "changed"; the diff itself is the service's
// `diffTickets`, so a cycle sees exactly what the history records).

/**
 * The ticket with `changes` applied (status, priority, assignment, tags, fields), without
 * touching version or timestamps: a preview, not a write. `null` clears.
 *
 * @example
 * ```ts
 * applyRuleChanges(ticket, { status: 'pending', addTags: ['waiting'] }).status; // 'pending'
 * ```
 */
export function applyRuleChanges(ticket: Ticket, changes: RuleChanges): Ticket {
  const next: Ticket = { ...ticket };
  if (changes.status !== undefined) next.status = changes.status;
  if (changes.priority !== undefined) next.priority = changes.priority;
  if (changes.assigneeId === null) delete next.assigneeId;
  else if (changes.assigneeId !== undefined) next.assigneeId = changes.assigneeId;
  if (changes.groupId === null) delete next.groupId;
  else if (changes.groupId !== undefined) next.groupId = changes.groupId;
  if (changes.addTags !== undefined || changes.removeTags !== undefined) {
    const removed = changes.removeTags;
    const tags = removed === undefined ? [...ticket.tags] : ticket.tags.filter((tag) => !removed.includes(tag));
    for (const tag of changes.addTags ?? []) if (!tags.includes(tag)) tags.push(tag);
    next.tags = tags;
  }
  if (changes.fields !== undefined) {
    const fields: Record<string, FieldValue> = { ...ticket.fields };
    for (const [key, value] of Object.entries(changes.fields)) {
      if (value === null) delete fields[key];
      else fields[key] = value;
    }
    next.fields = fields;
  }
  return next;
}

/**
 * Folds `later` changes into `earlier` ones: one entry per property, `from` the oldest,
 * `to` the newest, dropped when the property ended where it started.
 */
export function mergeChanges(earlier: readonly PropertyChange[], later: readonly PropertyChange[]): PropertyChange[] {
  // Lists are a handful of entries: a linear search beats building a map per merge.
  const merged = earlier.slice();
  for (const change of later) {
    const at = merged.findIndex((c) => c.property === change.property);
    if (at < 0) merged.push(change);
    else merged[at] = { property: change.property, from: (merged[at] as PropertyChange).from, to: change.to };
  }
  // A property can end where it started (set, then set back): no change at all then.
  return merged.some((change) => sameValue(change.from, change.to))
    ? merged.filter((change) => !sameValue(change.from, change.to))
    : merged;
}

/**
 * Writes a rule's changes as one write: `update` when a property changes (with the comment),
 * `comment` when only a comment is written, nothing otherwise. Returns the ticket after it
 * (`ticket` itself when nothing was written).
 */
export async function writeRuleChanges(
  effects: RuleEffects,
  ctx: WriteContext,
  ticket: Ticket,
  changes: RuleChanges,
  changesProperties: boolean,
): Promise<Ticket> {
  if (changesProperties) return effects.update(ctx, ticket.id, changes);
  if (changes.comment === undefined) return ticket;
  return effects.comment(ctx, ticket.id, changes.meta ? { ...changes.comment, meta: changes.meta } : changes.comment);
}

/** Whether a set of rule changes changes anything. */
export function hasChanges(changes: object): boolean {
  for (const _ in changes) return true;
  return false;
}
