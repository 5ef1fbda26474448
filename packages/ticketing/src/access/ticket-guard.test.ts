import { ForbiddenError, type Principal, ValidationError } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../model/history.js';
import type { GuardRequest, TicketOperation } from '../model/ports.js';
import type { Ticket } from '../model/ticket.js';
import {
  ada,
  ann,
  annsTicket,
  ben,
  bensTicket,
  billingTicket,
  bot,
  foreignTicket,
  ivy,
  makeTicket,
  rejection,
  setup,
  sue,
  TENANT,
  tom,
} from './test-kit.js';
import { createTicketGuard, type TicketGuardOptions } from './ticket-guard.js';

type Outcome = 'allow' | 'deny' | 'approval';

/** What the guard answers, as one word. */
async function outcome(guard: ReturnType<typeof setup>['guard'], request: GuardRequest): Promise<Outcome> {
  try {
    await guard.authorize(request);
    return 'allow';
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    return error.details.reason === 'approval_required' ? 'approval' : 'deny';
  }
}

const ON_TICKET: TicketOperation[] = ['read', 'update', 'comment', 'assign', 'merge', 'link', 'split', 'delete'];

/** Expected outcomes in ON_TICKET order. */
const A = 'allow' as const;
const D = 'deny' as const;
const P = 'approval' as const;
const MATRIX: [string, Principal, Ticket, Outcome[]][] = [
  ['agent on own ticket', ann, annsTicket, [A, A, A, A, A, A, A, D]],
  ["agent on another's ticket", ann, bensTicket, [A, D, D, D, D, D, D, D]],
  ["agent on their group's ticket", ann, billingTicket, [A, A, A, A, A, A, A, D]],
  ['supervisor on any ticket', sue, bensTicket, [A, A, A, A, A, A, A, D]],
  ['admin on any ticket (delete needs approval)', ada, bensTicket, [A, A, A, A, A, A, A, P]],
  ['integration', bot, bensTicket, [A, A, A, D, D, D, D, D]],
  ['custom read-only role', ivy, bensTicket, [A, D, D, D, D, D, D, D]],
  ['custom team lead in their group', tom, billingTicket, [A, A, A, A, A, A, A, P]],
  ['custom team lead outside their group', tom, bensTicket, [A, D, D, D, D, D, D, D]],
];

describe('RBAC on every operation', () => {
  const { guard } = setup();

  it.each(MATRIX)('%s', async (_name, principal, ticket, expected) => {
    const actual: Outcome[] = [];
    for (const operation of ON_TICKET) actual.push(await outcome(guard, { principal, operation, ticket }));
    expect(Object.fromEntries(ON_TICKET.map((op, i) => [op, actual[i]]))).toEqual(
      Object.fromEntries(ON_TICKET.map((op, i) => [op, expected[i]])),
    );
  });

  it('decides create and bulk operations, which have no ticket', async () => {
    const bulk = (principal: Principal) =>
      outcome(guard, {
        principal,
        operation: 'bulk_update',
        tenantId: TENANT,
        count: 5,
        changes: [{ property: 'tags', to: ['vip'] }],
      });
    const create = (principal: Principal) => outcome(guard, { principal, operation: 'create', tenantId: TENANT });
    expect(await Promise.all([ann, sue, ada, bot, ivy, tom].map(create))).toEqual([A, A, A, A, D, A]);
    expect(await Promise.all([ann, sue, ada, bot, ivy, tom].map(bulk))).toEqual([D, A, A, D, D, A]);
  });

  it('reports denials with the action and the ticket', async () => {
    const error = await rejection(guard.authorize({ principal: ann, operation: 'update', ticket: bensTicket }));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.details).toMatchObject({ action: 'ticket:update', resourceType: 'ticket', resourceId: 'tkt_ben' });
  });

  it('resolves groups through groupsOf', async () => {
    const { guard: withDirectory } = setup({ groupsOf: (p) => (p.id === ben.id ? ['grp_billing'] : undefined) });
    expect(await outcome(withDirectory, { principal: ben, operation: 'update', ticket: billingTicket })).toBe(A);
    expect(
      await outcome(guard, { principal: ben, operation: 'update', ticket: makeTicket({ groupId: 'grp_billing' }) }),
    ).toBe(D);
  });

  it('treats changing the assignee or group as assigning, whatever the operation', async () => {
    const change = (principal: Principal, ticket: Ticket, property: string, to: unknown) =>
      outcome(guard, { principal, operation: 'update', ticket, changes: [{ property, to }] });
    expect(await change(ann, annsTicket, 'assigneeId', 'agt_zed')).toBe(A);
    // Integrations may update tickets but hold no ticket:assign.
    expect(await change(bot, bensTicket, 'assigneeId', 'agt_zed')).toBe(D);
    expect(await change(bot, bensTicket, 'groupId', 'grp_billing')).toBe(D);
    expect(await change(bot, bensTicket, 'status', 'pending')).toBe(A);
  });
});

describe('tenants', () => {
  const { guard } = setup();

  it('refuses every role on a ticket of another tenant, with the ordinary error', async () => {
    for (const principal of [ann, sue, ada, bot, ivy, tom]) {
      for (const operation of ON_TICKET) {
        const error = await rejection(guard.authorize({ principal, operation, ticket: foreignTicket }));
        expect(error, `${principal.id} ${operation}`).toBeInstanceOf(ForbiddenError);
        // Same shape as any denial: nothing tells the caller the id exists elsewhere.
        expect(error.details).toEqual({ action: `ticket:${operation}`, resourceType: 'ticket', resourceId: 'tkt_far' });
      }
    }
  });

  it('refuses creates and bulk updates aimed at another tenant', async () => {
    for (const operation of ['create', 'bulk_update'] as const) {
      const error = await rejection(guard.authorize({ principal: ada, operation, tenantId: 'ten_2', count: 1 }));
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error.code).toBe('FORBIDDEN');
    }
  });

  it('refuses to redact a ticket of another tenant', () => {
    expect(() => guard.redact(ada, foreignTicket)).toThrow(ForbiddenError);
  });
});

describe('field-level write permissions', () => {
  const { guard } = setup({
    fieldPermissions: {
      agent: { denyRead: ['fields.salary'], denyWrite: ['priority'] },
      integration: { write: ['status', 'tags', 'fields.*'], denyWrite: ['fields.salary'] },
      supervisor: { write: ['*'] },
    },
  });
  const update = (principal: Principal, ticket: Ticket, changes: { property: string; to: unknown }[]) =>
    guard.authorize({ principal, operation: 'update', ticket, changes });

  it('refuses a write that touches a forbidden property, naming it', async () => {
    const error = await rejection(
      update(ann, annsTicket, [
        { property: 'status', to: 'pending' },
        { property: 'priority', to: 'high' },
      ]),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.details).toMatchObject({
      action: 'ticket:update',
      reason: 'field_write_denied',
      property: 'priority',
      properties: ['priority'],
      resourceId: 'tkt_ann',
    });
    await expect(update(ann, annsTicket, [{ property: 'status', to: 'pending' }])).resolves.toBeUndefined();
  });

  it('never lets a property be written by someone who may not read it', async () => {
    const error = await rejection(update(ann, annsTicket, [{ property: 'fields.salary', to: 90_000 }]));
    expect(error.details['properties']).toEqual(['fields.salary']);
  });

  it('applies allow lists, wildcards and deny-wins per role', async () => {
    await expect(update(bot, bensTicket, [{ property: 'fields.plan', to: 'pro' }])).resolves.toBeUndefined();
    const denied = await rejection(
      update(bot, bensTicket, [
        { property: 'subject', to: 'x' },
        { property: 'fields.salary', to: 1 },
      ]),
    );
    expect(denied.details['properties']).toEqual(['subject', 'fields.salary']);
    // Supervisors inherit agent permissions, not the agent's field rules.
    await expect(update(sue, bensTicket, [{ property: 'priority', to: 'low' }])).resolves.toBeUndefined();
  });

  it('lets allows from several roles add up while a deny still wins', async () => {
    const both: Principal = { ...bot, roles: ['integration', 'agent'] };
    await expect(update(both, bensTicket, [{ property: 'subject', to: 'x' }])).resolves.toBeUndefined();
    await expect(update(both, bensTicket, [{ property: 'priority', to: 'low' }])).rejects.toThrow(ForbiddenError);
  });

  it('checks the initial values of a create, but not empty ones nor lifecycle bookkeeping', async () => {
    const create = (changes: { property: string; to: unknown }[]) =>
      guard.authorize({ principal: bot, operation: 'create', tenantId: TENANT, changes });
    await expect(
      create([
        { property: 'status', to: 'new' },
        { property: 'subject', to: '' },
        { property: 'attributes', to: {} },
        { property: 'links', to: [] },
      ]),
    ).resolves.toBeUndefined();
    await expect(create([{ property: 'subject', to: 'Printer on fire' }])).rejects.toThrow(ForbiddenError);
    await expect(
      update(bot, bensTicket, [
        { property: 'status', to: 'solved' },
        { property: 'solvedAt', to: '2026-03-01T10:00:00.000Z' },
      ]),
    ).resolves.toBeUndefined();
  });

  it('leaves context entries (a comment being added) to RBAC, and knows every model property', async () => {
    const comment = { property: 'comment', to: { public: true, author: 'agent' } };
    const commenting = (principal: Principal, changes: { property: string; to: unknown }[]) =>
      guard.authorize({ principal, operation: 'comment', ticket: bensTicket, changes });
    await expect(commenting(bot, [comment, { property: 'status', to: 'pending' }])).resolves.toBeUndefined();
    await expect(commenting(bot, [comment, { property: 'subject', to: 'x' }])).rejects.toThrow(ForbiddenError);
    await expect(commenting(ann, [comment])).rejects.toThrow(ForbiddenError);
    await expect(update(sue, bensTicket, [{ property: 'followerIds', to: ['agt_ann'] }])).resolves.toBeUndefined();
    await expect(update(bot, bensTicket, [{ property: 'routingTaskId', to: 'tsk_1' }])).resolves.toBeUndefined();
  });

  it('answers field questions for the service and the UI', () => {
    expect(guard.canAccessField(ann, 'read', 'fields.salary')).toBe(false);
    expect(guard.canAccessField(ann, 'write', 'status')).toBe(true);
    expect(guard.canAccessField(ann, 'write', 'priority')).toBe(false);
    expect(guard.canAccessField(ann, 'read', 'priority')).toBe(true);
    expect(() => guard.canAccessField(ann, 'erase' as never, 'priority')).toThrow(ValidationError);
  });
});

describe('temporary grants', () => {
  it('lets a grant of ticket:update work until it expires', async () => {
    const { guard, policy, clock } = setup();
    const grant = policy.grantTemporary({
      granter: sue,
      grantee: ben,
      action: 'ticket:update',
      resourceId: annsTicket.id,
      ttlMs: 3_600_000,
    });
    const covering = { ...ben, grants: [grant] };
    const request = { principal: covering, operation: 'update' as const, ticket: annsTicket };
    await expect(guard.authorize(request)).resolves.toBeUndefined();
    // Scoped to one ticket.
    const elsewhere = makeTicket({ id: 'tkt_zed', assigneeId: 'agt_zed' });
    await expect(guard.authorize({ ...request, ticket: elsewhere })).rejects.toThrow(ForbiddenError);
    await clock.advance(3_599_999);
    await expect(guard.authorize(request)).resolves.toBeUndefined();
    await clock.advance(1);
    await expect(guard.authorize(request)).rejects.toThrow(ForbiddenError);
  });

  it('lends field access for a while, and only what the granter holds', async () => {
    const { guard, clock, auditEntries } = setup({
      fieldPermissions: { agent: { denyWrite: ['priority'] }, supervisor: { denyWrite: ['fields.salary'] } },
    });
    const change = [{ property: 'priority', to: 'high' }];
    const request = (principal: Principal) =>
      guard.authorize({ principal, operation: 'update', ticket: annsTicket, changes: change });
    await expect(request(ann)).rejects.toThrow(ForbiddenError);

    const grant = await guard.grantFieldAccess({
      granter: sue,
      grantee: ann,
      access: 'write',
      property: 'priority',
      ttlMs: 3_600_000,
      reason: 'covering escalations',
    });
    expect(grant).toMatchObject({ action: 'ticket_field:write', resourceId: 'priority', grantedBy: 'agt_sue' });
    const lent = { ...ann, grants: [grant] };
    await expect(request(lent)).resolves.toBeUndefined();
    // Only that property.
    await expect(
      guard.authorize({
        principal: lent,
        operation: 'update',
        ticket: annsTicket,
        changes: [{ property: 'fields.plan', to: 'x' }],
      }),
    ).resolves.toBeUndefined();
    expect(guard.canAccessField(lent, 'write', 'priority')).toBe(true);
    const [entry] = (await auditEntries()).filter((e) => e.action === 'grant.created');
    expect(entry?.details).toMatchObject({ action: 'ticket_field:write', resourceId: 'priority' });

    await clock.advance(3_600_000);
    await expect(request(lent)).rejects.toThrow(ForbiddenError);

    // The supervisor may not write salaries, so may not lend it either; nobody lends to themselves.
    const exceeds = await rejection(
      guard.grantFieldAccess({ granter: sue, grantee: ann, access: 'write', property: 'fields.salary', ttlMs: 60_000 }),
    );
    expect(exceeds.details['reason']).toBe('exceeds_granter');
    const self = await rejection(
      guard.grantFieldAccess({ granter: sue, grantee: sue, access: 'write', property: 'priority', ttlMs: 60_000 }),
    );
    expect(self.details['reason']).toBe('self_grant');
    // Agents hold no grant:create.
    const agentGrant = await rejection(
      guard.grantFieldAccess({ granter: ann, grantee: ben, access: 'write', property: 'status', ttlMs: 60_000 }),
    );
    expect(agentGrant).toBeInstanceOf(ForbiddenError);
  });
});

describe('hostile input', () => {
  const { guard } = setup();

  it('refuses unknown operations, malformed principals and malformed requests with ValidationError', async () => {
    const bad: unknown[] = [
      { principal: ann, operation: 'destroy', ticket: annsTicket },
      { principal: ann, operation: 'ticket:update', ticket: annsTicket },
      { principal: null, operation: 'read', ticket: annsTicket },
      { principal: { id: 'x' }, operation: 'read', ticket: annsTicket },
      { principal: { ...ann, roles: 'admin' }, operation: 'read', ticket: annsTicket },
      { principal: { ...ann, groups: [1] }, operation: 'read', ticket: annsTicket },
      { principal: ann, operation: 'update', ticket: { id: 'tkt_1' } },
      { principal: ann, operation: 'update', ticket: annsTicket, changes: [{ property: 'version', to: 9 }] },
      { principal: ann, operation: 'update', ticket: annsTicket, changes: [{ property: '__proto__', to: 1 }] },
      {
        principal: ann,
        operation: 'update',
        ticket: annsTicket,
        changes: [
          { property: 'status', to: 'open' },
          { property: 'status', to: 'solved' },
        ],
      },
      { principal: ann, operation: 'update', ticket: annsTicket, tenantId: 'ten_2' },
      { principal: ann, operation: 'bulk_update', count: -1 },
      null,
      'read',
    ];
    for (const request of bad) {
      await expect(guard.authorize(request as GuardRequest), JSON.stringify(request)).rejects.toThrow(ValidationError);
    }
    expect(() => guard.redact({ id: 'x' } as Principal, annsTicket)).toThrow(ValidationError);
    expect(() => guard.redact(ann, { id: 'tkt_1' } as Ticket)).toThrow(ValidationError);
    expect(() => guard.redactEntry(ann, { ticketId: 'tkt_1' } as HistoryEntry)).toThrow(ValidationError);
    expect(() => guard.canAccessField(ann, 'read', 'nope')).toThrow(ValidationError);
  });

  it('refuses malformed options', () => {
    const { policy, audit, bus } = setup();
    const base = { policy, audit, bus };
    const bad: unknown[] = [
      {},
      { ...base, policy: {} },
      { ...base, fieldPermissions: { root: { read: ['*'] } } },
      { ...base, fieldPermissions: { agent: { write: ['salary'] } } },
      { ...base, fieldPermissions: { agent: { denyRead: ['subject'] } } },
      { ...base, fieldPermissions: { agent: { write: ['*'], erase: ['*'] } } },
      { ...base, sensitiveFields: { 'fields.ssn': 'dna' } },
      { ...base, sensitiveFields: { priority: 'text' } },
      { ...base, approvals: { rules: [{ id: 'x' }, { id: 'x' }] } },
      { ...base, approvals: { rules: [{ id: 'Bad Id' }] } },
      { ...base, approvals: { rules: [{ id: 'x', to: ['urgent'] }] } },
      { ...base, approvals: { rules: [{ id: 'x', operations: ['destroy'] }] } },
      { ...base, approvals: { ttlMs: 0 } },
      { ...base, groupsOf: 'grp_billing' },
    ];
    for (const [index, options] of bad.entries()) {
      expect(() => createTicketGuard(options as TicketGuardOptions), `case ${index}`).toThrow(ValidationError);
    }
  });

  it('refuses groups from groupsOf that are not ids', async () => {
    const { guard: odd } = setup({ groupsOf: () => [42 as unknown as string] });
    await expect(odd.authorize({ principal: ann, operation: 'read', ticket: annsTicket })).rejects.toThrow(
      ValidationError,
    );
  });
});
