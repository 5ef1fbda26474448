import { FIXTURE_TIME, fixtureId } from '@hotline/core/testing';
import type { TicketComment } from '../../model/comment.js';
import type { HistoryEntry } from '../../model/history.js';
import type { Ticket } from '../../model/ticket.js';
import type { TicketWrite } from '../ticket-store.js';

/** A valid ticket record (version 1, status `new`). */
export function makeTicket(tenantId: string, overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: fixtureId('tkt'),
    tenantId,
    version: 1,
    number: 1,
    subject: 'Printer on fire',
    status: 'new',
    priority: 'normal',
    requesterId: 'ctc_fixture',
    tags: [],
    fields: {},
    source: { kind: 'api' },
    conversationIds: [],
    links: [],
    attributes: {},
    createdAt: FIXTURE_TIME,
    updatedAt: FIXTURE_TIME,
    ...overrides,
  };
}

/** A history entry for `ticket` at `version`. */
export function makeEntry(ticket: Ticket, version: number, overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    tenantId: ticket.tenantId,
    ticketId: ticket.id,
    version,
    at: FIXTURE_TIME,
    actor: { type: 'agent', id: 'agt_fixture' },
    kind: version === 1 ? 'created' : 'updated',
    changes: [],
    depth: 0,
    ...overrides,
  };
}

/** A public requester comment on `ticket`. */
export function makeComment(ticket: Ticket, overrides: Partial<TicketComment> = {}): TicketComment {
  return {
    id: fixtureId('tcm'),
    tenantId: ticket.tenantId,
    ticketId: ticket.id,
    public: true,
    author: 'requester',
    body: 'It is still on fire',
    attachments: [],
    createdAt: FIXTURE_TIME,
    ...overrides,
  };
}

/** The write that creates `ticket` (with optional comments). */
export function creation(ticket: Ticket, comments: TicketComment[] = []): TicketWrite {
  return { ticket, entry: makeEntry(ticket, 1), comments };
}

/** The write that moves `ticket` from `expectedVersion` to the next version. */
export function change(
  ticket: Ticket,
  expectedVersion: number,
  patch: Partial<Ticket> = {},
  comments: TicketComment[] = [],
): TicketWrite {
  const next = { ...ticket, ...patch, version: expectedVersion + 1 };
  return { ticket: next, entry: makeEntry(next, expectedVersion + 1), comments };
}
