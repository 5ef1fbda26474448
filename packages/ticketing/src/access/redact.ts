import type { HistoryEntry, PropertyChange } from '../model/history.js';
import type { Ticket } from '../model/ticket.js';
import { type FieldAccess, type FieldMode, rulesAllow, rulesAllowRead } from './field-rules.js';
import { ALWAYS_READABLE, EMPTY_WHEN_HIDDEN, TOP_LEVEL_PROPERTIES } from './properties.js';
import { maskValue, type SensitiveKind } from './sensitive-fields.js';

/** What one principal may see of one ticket, worked out once per `redact` call. */
export interface ReadView {
  access: FieldAccess;
  /** `ticket:read_sensitive` (a role or a grant): every sensitive value shown as stored. */
  unmaskAll: boolean;
  /** Whether an active temporary grant lends `mode` on the property. */
  lent(mode: FieldMode, property: string): boolean;
  sensitive: ReadonlyMap<string, SensitiveKind>;
}

/** Whether the view may read a property (role rules, else a grant). */
function viewCanRead(view: ReadView, property: string): boolean {
  return rulesAllowRead(view.access, property) || view.lent('read', property);
}

/**
 * Whether the view may read, write or see unmasked one property: role rules, else a
 * grant; writing and unmasking also need reading.
 */
export function viewAllows(view: ReadView, mode: FieldMode, property: string): boolean {
  if (!viewCanRead(view, property)) return false;
  if (mode === 'read') return true;
  if (mode === 'unmask') return maskKind(view, property) === undefined;
  return rulesAllow(view.access, 'write', property) || view.lent('write', property);
}

/** The mask kind to apply to a property, or `undefined` when it is shown as stored. */
function maskKind(view: ReadView, property: string): SensitiveKind | undefined {
  if (view.unmaskAll) return undefined;
  const kind = view.sensitive.get(property);
  if (kind === undefined) return undefined;
  if (rulesAllow(view.access, 'unmask', property) || view.lent('unmask', property)) return undefined;
  return kind;
}

/**
 * A copy of the ticket as the view may see it: unreadable custom fields and optional
 * properties removed, unreadable collections emptied, sensitive values masked. The input
 * is never changed, and nothing in the result is shared with it.
 */
export function redactTicket(ticket: Ticket, view: ReadView): Ticket {
  const out = structuredClone(ticket);
  const record = out as unknown as Record<string, unknown>;
  if (view.access.restricted) {
    for (const property of TOP_LEVEL_PROPERTIES) {
      if (ALWAYS_READABLE.has(property) || !Object.hasOwn(out, property) || viewCanRead(view, property)) continue;
      const empty = EMPTY_WHEN_HIDDEN[property];
      if (empty) record[property] = empty();
      else delete record[property];
    }
    for (const key of Object.keys(out.fields)) {
      if (!viewCanRead(view, `fields.${key}`)) delete out.fields[key];
    }
  }
  if (view.unmaskAll) return out;
  for (const [property, kind] of view.sensitive) {
    if (maskKind(view, property) === undefined) continue;
    if (property === 'subject') {
      out.subject = maskValue(kind, out.subject) as string;
      continue;
    }
    const key = property.slice('fields.'.length);
    if (Object.hasOwn(out.fields, key)) out.fields[key] = maskValue(kind, out.fields[key]) as Ticket['fields'][string];
  }
  return out;
}

/**
 * A copy of a history entry as the view may see it: changes to unreadable properties left
 * out, old and new values of sensitive ones masked.
 */
export function redactHistoryEntry(entry: HistoryEntry, view: ReadView): HistoryEntry {
  const changes: PropertyChange[] = [];
  for (const change of entry.changes) {
    if (view.access.restricted && !viewCanRead(view, change.property)) continue;
    const kind = maskKind(view, change.property);
    changes.push(
      kind === undefined
        ? structuredClone(change)
        : { property: change.property, from: maskValue(kind, change.from), to: maskValue(kind, change.to) },
    );
  }
  return { ...structuredClone(entry), changes };
}
