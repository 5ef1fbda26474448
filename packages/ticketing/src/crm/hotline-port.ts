import type { Contact, JsonValue } from '@hotline/core';
import type { HistoryEntry } from '../model/history.js';
import type { WriteContext } from '../model/ports.js';
import type { Ticket } from '../model/ticket.js';

/**
 * Property changes a sync writes: `{ priority: 'high', 'fields.plan': 'pro' }` for tickets,
 * `{ name: 'Ada', 'attributes.tier': 'gold' }` for contacts; `null` clears a value.
 */
export type CrmHotlineChanges = Record<string, JsonValue>;

/**
 * How a CRM sync reads and writes Hotline, so it runs without the ticket service (tests
 * give a fake; hosts adapt the service). Ticket mappings need the ticket methods, contact
 * mappings the contact ones.
 *
 * Writes MUST apply every change or none, MUST throw `ConflictError` when the record's
 * version is no longer `expectedVersion`, `ValidationError` when a value is refused, and
 * MUST record `context.actor` (`{ type: 'integration', id: mapping.id }`) in the history.
 */
export interface CrmHotlinePort {
  getTicket?(tenantId: string, ticketId: string): Promise<Ticket | undefined>;
  /**
   * The ticket's history, oldest first: gives each property's change time for
   * last-writer-wins. Without it the ticket's `updatedAt` stands for every property.
   */
  getTicketHistory?(tenantId: string, ticketId: string): Promise<readonly HistoryEntry[]>;
  updateTicket?(
    context: WriteContext,
    ticketId: string,
    changes: CrmHotlineChanges,
    expectedVersion: number,
  ): Promise<Ticket>;
  /** The ticket whose `property` (the mapping's key, e.g. `fields.crm_id`) equals `value`. */
  findTicket?(tenantId: string, property: string, value: string): Promise<Ticket | undefined>;
  getContact?(tenantId: string, contactId: string): Promise<Contact | undefined>;
  updateContact?(
    context: WriteContext,
    contactId: string,
    changes: CrmHotlineChanges,
    expectedVersion: number,
  ): Promise<Contact>;
  /** The contact whose key (`identity:email`, `attributes.crm_id`) equals `value`. */
  findContact?(tenantId: string, key: string, value: string): Promise<Contact | undefined>;
}

/**
 * Sync changes as the ticket service's `update` takes them: `fields.<key>` entries gathered
 * under `fields`, other properties as they are.
 *
 * @example
 * ```ts
 * const port: CrmHotlinePort = {
 *   getTicket: (tenantId, id) => tickets.get({ tenantId }, id).catch(() => undefined),
 *   getTicketHistory: (tenantId, id) => tickets.history({ tenantId }, id),
 *   updateTicket: (ctx, id, changes, expectedVersion) =>
 *     tickets.update(ctx, id, { expectedVersion, changes: crmChangesToTicketChanges(changes) }),
 * };
 * ```
 */
export function crmChangesToTicketChanges(changes: CrmHotlineChanges): Record<string, JsonValue> {
  return nest(changes, 'fields');
}

/**
 * Sync changes as core's `ContactService.update` takes them: `attributes.<key>` entries
 * gathered under `attributes`, `name` and `locale` as they are.
 */
export function crmChangesToContactPatch(changes: CrmHotlineChanges): Record<string, JsonValue> {
  return nest(changes, 'attributes');
}

function nest(changes: CrmHotlineChanges, group: 'fields' | 'attributes'): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  const nested: Record<string, JsonValue> = {};
  for (const [property, value] of Object.entries(changes)) {
    if (property.startsWith(`${group}.`)) nested[property.slice(group.length + 1)] = value;
    else out[property] = value;
  }
  if (Object.keys(nested).length > 0) out[group] = nested;
  return out;
}
