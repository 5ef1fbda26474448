import { canonicalJson } from '@hotline/core';
import type { PropertyChange } from '../model/history.js';
import type { Ticket } from '../model/ticket.js';

// Tickets as sets of properties: what a write changed (the history entry's `changes`),
// and the ticket as another writer last saw it (reverting later entries). Custom fields
// are separate properties (`fields.plan`), so two agents editing different fields merge.

/** Record keys that are not properties: identity, bookkeeping, and `fields` (split per key). */
const NOT_PROPERTIES = new Set(['id', 'tenantId', 'version', 'number', 'createdAt', 'updatedAt', 'source', 'fields']);

const FIELD_PREFIX = 'fields.';

/** Whether two JSON values are equal (`undefined` and `null` both mean "no value"). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  // Lists of plain values (tags, followers, ids) are most of what changes: compare in place.
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    if (a.every((item, i) => item === b[i])) return true;
    if (a.every((item) => typeof item !== 'object' || item === null)) return false;
  }
  return canonicalJson(a) === canonicalJson(b);
}

/** A property's value on a ticket, `null` when absent. */
export function readProperty(ticket: Ticket, property: string): unknown {
  if (property.startsWith(FIELD_PREFIX)) return ticket.fields[property.slice(FIELD_PREFIX.length)] ?? null;
  return (ticket as unknown as Record<string, unknown>)[property] ?? null;
}

/** A copy of `ticket` with a property set (`null` removes it). */
export function writeProperty(ticket: Ticket, property: string, value: unknown): Ticket {
  if (property.startsWith(FIELD_PREFIX)) {
    const key = property.slice(FIELD_PREFIX.length);
    const fields = { ...ticket.fields };
    if (value === null || value === undefined) delete fields[key];
    else fields[key] = value as Ticket['fields'][string];
    return { ...ticket, fields };
  }
  const next = { ...ticket } as unknown as Record<string, unknown>;
  if (value === null || value === undefined) delete next[property];
  else next[property] = value;
  return next as unknown as Ticket;
}

/**
 * What changed from `before` to `after`, property by property, with `null` for "no
 * value". Without `before` (a new ticket), every property that has a value. Properties
 * come in record order: `before`'s, its custom fields, then those only `after` has.
 */
export function diffTickets(before: Ticket | undefined, after: Ticket): PropertyChange[] {
  const changes: PropertyChange[] = [];
  const from = (before ?? {}) as Record<string, unknown>;
  const to = after as unknown as Record<string, unknown>;
  const compare = (property: string, old: unknown, now: unknown) => {
    if (!sameValue(old, now)) changes.push({ property, from: old ?? null, to: now ?? null });
  };
  const fromFields = before?.fields ?? {};
  if (before) {
    for (const key of Object.keys(from)) if (!NOT_PROPERTIES.has(key)) compare(key, from[key], to[key]);
    for (const key of Object.keys(fromFields))
      compare(`${FIELD_PREFIX}${key}`, fromFields[key], Object.hasOwn(after.fields, key) ? after.fields[key] : null);
  }
  for (const key of Object.keys(to)) {
    if (!NOT_PROPERTIES.has(key) && !(before && Object.hasOwn(from, key))) compare(key, null, to[key]);
  }
  for (const key of Object.keys(after.fields)) {
    if (!Object.hasOwn(fromFields, key)) compare(`${FIELD_PREFIX}${key}`, null, after.fields[key]);
  }
  return changes;
}

/** The ticket with `changes` undone (each property back to its `from`). */
export function revertChanges(ticket: Ticket, changes: readonly PropertyChange[]): Ticket {
  let result = ticket;
  for (const change of changes) result = writeProperty(result, change.property, change.from);
  return result;
}
