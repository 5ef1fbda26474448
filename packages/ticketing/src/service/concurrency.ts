import { ConflictError } from '@hotline/core';
import { type Actor, actorLabel } from '../model/actor.js';
import type { HistoryEntry } from '../model/history.js';
import type { Ticket } from '../model/ticket.js';
import type { TenantConfig } from './apply-changes.js';
import { type ChangeRequest, projectChanges } from './apply-changes.js';
import { diffTickets, revertChanges, sameValue } from './ticket-diff.js';

// Optimistic concurrency with merge. A writer holding version v sends its changes; if the
// ticket moved on, the history entries after v say what others changed. A property both
// changed (to different values) is a conflict the caller must see; anything else merges.

/** Another writer's change to a property, as a conflict reports it. */
export interface ConcurrentChange {
  property: string;
  /** The value the caller saw (at its `expectedVersion`). */
  from: unknown;
  /** The value the other writer left. */
  to: unknown;
  /** What the caller wanted to set. */
  yours: unknown;
  actor: Actor;
  /** `actorLabel(actor)`, e.g. `agent:agt_2`. */
  actorLabel: string;
  /** The version whose write made the change (the last one, if several did). */
  version: number;
  at: string;
}

/** Properties the service derives: never compared as a caller's intent. */
const DERIVED = new Set(['solvedAt', 'closedAt', 'csat', 'links', 'conversationIds', 'routingTaskId']);
/** Set-valued properties: merged with set operations, never a conflict. */
const SETS = new Set(['tags', 'followerIds']);

function lastChanges(entries: readonly HistoryEntry[]): Map<string, { to: unknown; entry: HistoryEntry }> {
  const byProperty = new Map<string, { to: unknown; entry: HistoryEntry }>();
  for (const entry of entries) {
    for (const change of entry.changes) byProperty.set(change.property, { to: change.to, entry });
  }
  return byProperty;
}

function difference(a: readonly string[] = [], b: readonly string[] = []): string[] {
  return a.filter((value) => !b.includes(value));
}

/**
 * Rewrites a change request made against `expectedVersion` so it applies on `latest`:
 * only what the caller actually changed from what it saw, sets as additions and
 * removals. Throws `ConflictError` (`details.reason === 'concurrent_change'`,
 * `details.conflicts: ConcurrentChange[]`) when another writer changed a property the
 * caller also changes, to a different value.
 *
 * @param entries the history entries after `expectedVersion`, ascending.
 */
export function rebaseChanges(
  latest: Ticket,
  entries: readonly HistoryEntry[],
  request: ChangeRequest,
  config: TenantConfig,
  expectedVersion: number,
): ChangeRequest {
  let base = latest;
  for (let i = entries.length - 1; i >= 0; i--) base = revertChanges(base, (entries[i] as HistoryEntry).changes);
  const intended = projectChanges(base, request, config.statuses);
  const mine = diffTickets(base, intended).filter((change) => !DERIVED.has(change.property));
  const theirs = lastChanges(entries);
  const conflicts: ConcurrentChange[] = [];
  const rebased: ChangeRequest = {};
  const fields: Record<string, unknown> = {};
  for (const change of mine) {
    const property = change.property;
    if (SETS.has(property)) continue;
    const other = theirs.get(property);
    if (other && !sameValue(other.to, change.to)) {
      conflicts.push({
        property,
        from: change.from,
        to: other.to,
        yours: change.to,
        actor: other.entry.actor,
        actorLabel: actorLabel(other.entry.actor),
        version: other.entry.version,
        at: other.entry.at,
      });
      continue;
    }
    if (property.startsWith('fields.')) fields[property.slice('fields.'.length)] = change.to;
    else if (property !== 'attributes') (rebased as Record<string, unknown>)[property] = change.to;
  }
  if (conflicts.length > 0) {
    throw new ConflictError(
      `ticket ${latest.id} was changed by someone else: ${conflicts.map((c) => c.property).join(', ')}`,
      {
        details: {
          reason: 'concurrent_change',
          entity: 'ticket',
          id: latest.id,
          expectedVersion,
          actualVersion: latest.version,
          conflicts,
        },
      },
    );
  }
  if (Object.keys(fields).length > 0) rebased.fields = fields;
  // Attributes merge key by key: only the keys the caller set to something new.
  const attributes = Object.entries(request.attributes ?? {}).filter(
    ([key, value]) => !sameValue(base.attributes[key], value),
  );
  if (attributes.length > 0) rebased.attributes = Object.fromEntries(attributes);
  const addTags = difference(intended.tags, base.tags);
  const removeTags = difference(base.tags, intended.tags);
  if (addTags.length > 0) rebased.addTags = addTags;
  if (removeTags.length > 0) rebased.removeTags = removeTags;
  const addFollowerIds = difference(intended.followerIds, base.followerIds);
  const removeFollowerIds = difference(base.followerIds, intended.followerIds);
  if (addFollowerIds.length > 0) rebased.addFollowerIds = addFollowerIds;
  if (removeFollowerIds.length > 0) rebased.removeFollowerIds = removeFollowerIds;
  return rebased;
}
