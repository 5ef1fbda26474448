import {
  createAuditLog,
  createMemoryStorage,
  createPolicy,
  type HotlineEvent,
  InMemoryEventBus,
  type Principal,
  SimulatedClock,
} from '@hotline/core';
import { expect } from 'vitest';
import { type Ticket, ticketSchema } from '../model/ticket.js';
import { createTicketGuard, type TicketGuardOptions } from './ticket-guard.js';

// Fixtures shared by the access tests: one tenant, people in every built-in role and two
// custom roles, and tickets that are theirs, someone else's, their group's, or foreign.

export const TENANT = 'ten_1';

export const ann: Principal = { id: 'agt_ann', tenantId: TENANT, roles: ['agent'], groups: ['grp_billing'] };
export const ben: Principal = { id: 'agt_ben', tenantId: TENANT, roles: ['agent'] };
export const sue: Principal = { id: 'agt_sue', tenantId: TENANT, roles: ['supervisor'] };
export const sam: Principal = { id: 'agt_sam', tenantId: TENANT, roles: ['supervisor'] };
export const ada: Principal = { id: 'usr_ada', tenantId: TENANT, roles: ['admin'] };
export const bot: Principal = { id: 'int_crm', tenantId: TENANT, roles: ['integration'] };
/** Custom: reads tickets, nothing else. */
export const ivy: Principal = { id: 'usr_ivy', tenantId: TENANT, roles: ['auditor'] };
/** Custom: an agent who may also delete and bulk-update the tickets of their groups. */
export const tom: Principal = { id: 'agt_tom', tenantId: TENANT, roles: ['team_lead'], groups: ['grp_billing'] };

export const CUSTOM_ROLES = {
  auditor: { description: 'Reads tickets for quality reviews.', permissions: ['ticket:read'] },
  team_lead: {
    inherits: ['agent'],
    permissions: [{ action: 'ticket:delete', when: 'group' as const }, 'ticket:bulk_update'],
  },
};

/** A valid ticket (checked against the schema), open, normal priority. */
export function makeTicket(overrides: Partial<Ticket> = {}): Ticket {
  return ticketSchema.parse({
    id: 'tkt_1',
    tenantId: TENANT,
    version: 3,
    number: 1001,
    subject: 'Refund for order 1234',
    status: 'open',
    priority: 'normal',
    requesterId: 'ctc_1',
    tags: ['refund'],
    fields: {},
    source: { kind: 'api' },
    conversationIds: [],
    links: [],
    attributes: {},
    createdAt: '2026-03-01T09:00:00.000Z',
    updatedAt: '2026-03-01T09:30:00.000Z',
    ...overrides,
  });
}

/** Ann's own ticket (in another group). */
export const annsTicket = makeTicket({ id: 'tkt_ann', assigneeId: 'agt_ann', groupId: 'grp_sales' });
/** Ben's ticket in a group Ann is not in. */
export const bensTicket = makeTicket({ id: 'tkt_ben', assigneeId: 'agt_ben', groupId: 'grp_sales' });
/** Ben's ticket in Ann's (and Tom's) group. */
export const billingTicket = makeTicket({ id: 'tkt_bil', assigneeId: 'agt_ben', groupId: 'grp_billing' });
/** A ticket of another tenant, assigned to an id equal to Ann's. */
export const foreignTicket = makeTicket({ id: 'tkt_far', tenantId: 'ten_2', assigneeId: 'agt_ann' });

/** A guard over fresh in-memory storage, a simulated clock and a recording bus. */
export function setup(options: Partial<TicketGuardOptions> = {}) {
  const clock = new SimulatedClock(Date.UTC(2026, 2, 1, 10));
  const storage = createMemoryStorage({ clock });
  const audit = createAuditLog({ repository: storage.audit, clock });
  const bus = new InMemoryEventBus({ clock });
  const events: HotlineEvent[] = [];
  bus.subscribe('ticket.*', (event) => {
    events.push(event);
  });
  const policy = createPolicy({ clock, roles: CUSTOM_ROLES });
  const guard = createTicketGuard({ policy, audit, bus, clock, ...options });
  const auditEntries = async () => storage.audit.list(TENANT, { fromSeq: 1, limit: 1000 });
  return { clock, storage, audit, bus, events, policy, guard, auditEntries };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Record<string, unknown> & { code: string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  expect.fail('expected a rejection');
}

/** The error a call throws (fails the test when it returns). */
export function thrown(
  fn: () => unknown,
): Record<string, unknown> & { code: string; details: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    return error as never;
  }
  expect.fail('expected a throw');
}
