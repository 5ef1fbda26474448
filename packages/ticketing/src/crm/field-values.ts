import type { Contact, JsonValue } from '@hotline/core';
import type { HistoryEntry } from '../model/history.js';
import type { Ticket } from '../model/ticket.js';
import type { CrmFieldMapping } from './mapping.js';

/** A Hotline record the sync reads: a ticket (with its history, if known) or a contact. */
export type HotlineRecord =
  | { object: 'ticket'; ticket: Ticket; history?: readonly HistoryEntry[] }
  | { object: 'contact'; contact: Contact };

/** The value could not be translated by the field's map. */
export const UNMAPPED: unique symbol = Symbol('unmapped');

/** A property's value; an absent value reads as `null` (both sides store "nothing" alike). */
export function readProperty(record: HotlineRecord, property: string): JsonValue {
  if (record.object === 'ticket') {
    const { ticket } = record;
    if (property.startsWith('fields.')) return ticket.fields[property.slice('fields.'.length)] ?? null;
    return ((ticket as unknown as Record<string, JsonValue | undefined>)[property] ?? null) as JsonValue;
  }
  const { contact } = record;
  if (property.startsWith('attributes.')) return contact.attributes[property.slice('attributes.'.length)] ?? null;
  if (property.startsWith('identity:')) {
    const channel = property.slice('identity:'.length);
    return contact.identities.find((identity) => identity.channel === channel)?.address ?? null;
  }
  return ((contact as unknown as Record<string, JsonValue | undefined>)[property] ?? null) as JsonValue;
}

/** The record's id and version. */
export function identityOf(record: HotlineRecord): { id: string; version: number } {
  const { id, version } = record.object === 'ticket' ? record.ticket : record.contact;
  return { id, version };
}

/**
 * When a property last changed on the Hotline side, ms since the epoch: for tickets the
 * newest history entry that changed it (the creation time if none did; the ticket's
 * `updatedAt` when no history was given); for contacts, which keep no per-property
 * history, the contact's `updatedAt`.
 */
export function hotlineChangedAt(record: HotlineRecord, property: string): number {
  if (record.object === 'contact') return Date.parse(record.contact.updatedAt);
  const { ticket, history } = record;
  if (!history) return Date.parse(ticket.updatedAt);
  for (let i = history.length - 1; i >= 0; i--) {
    const entry = history[i];
    if (entry?.changes.some((change) => change.property === property)) return Date.parse(entry.at);
  }
  return Date.parse(ticket.createdAt);
}

/** A Hotline value as the CRM stores it, through the field's map. */
export function toExternal(field: CrmFieldMapping, value: JsonValue): JsonValue | typeof UNMAPPED {
  const map = field.transform?.map;
  if (!map || value === null) return value;
  if (typeof value !== 'string' || !Object.hasOwn(map, value)) return UNMAPPED;
  return map[value] as JsonValue;
}

/** A CRM value as Hotline stores it, through the field's map backwards. */
export function toHotline(field: CrmFieldMapping, value: JsonValue): JsonValue | typeof UNMAPPED {
  const map = field.transform?.map;
  if (!map || value === null) return value;
  for (const [hotline, external] of Object.entries(map)) {
    if (external === value) return hotline;
  }
  return UNMAPPED;
}

/** Structural equality of JSON values (object key order ignored). */
export function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  const ao = a as Record<string, JsonValue>;
  const bo = b as Record<string, JsonValue>;
  const keys = Object.keys(ao);
  return keys.length === Object.keys(bo).length && keys.every((k) => Object.hasOwn(bo, k) && sameJson(ao[k], bo[k]));
}
