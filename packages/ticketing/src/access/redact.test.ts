import { ForbiddenError, type Principal } from '@hotline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../model/history.js';
import type { Ticket } from '../model/ticket.js';
import { sensitiveFieldsOf } from './sensitive-fields.js';
import { ada, ann, bot, makeTicket, setup, sue } from './test-kit.js';

const SENSITIVE = {
  subject: 'text',
  'fields.email': 'email',
  'fields.phone': 'phone',
  'fields.ssn': 'id_number',
  'fields.card': 'card',
  'fields.account': 'card',
  'fields.salary': 'secret',
  'fields.notes': 'secret',
} as const;

const FIELD_RULES = {
  agent: { denyRead: ['fields.salary', 'attributes'] },
  integration: { read: ['status', 'tags', 'assigneeId', 'fields.*'], unmask: ['fields.email'] },
};

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

const ticket = deepFreeze(
  makeTicket({
    id: 'tkt_ann',
    subject: 'Call me at +86 138 1234 5678',
    assigneeId: 'agt_ann',
    groupId: 'grp_billing',
    tags: ['vip'],
    links: [{ kind: 'related', ticketId: 'tkt_2' }],
    conversationIds: ['cnv_1'],
    attributes: { crmId: 'A-17' },
    csat: { rating: 'good', at: '2026-03-01T09:45:00.000Z' },
    fields: {
      email: 'alice.smith@example.com',
      phone: '+86 138 1234 5678',
      ssn: '11010519491231002X',
      card: '4111 1111 1111 1111',
      account: 4111111111111111,
      salary: 90_000,
      notes: 'spouse of the CEO',
      plan: 'pro',
      vip: true,
    },
  }),
);
const pristine = structuredClone(ticket);

const MASKED = {
  email: 'a***@example.com',
  phone: '+86 *** **** 5678',
  ssn: '110***********002X',
  card: '**** **** **** 1111',
  account: '************1111',
  salary: '***',
  notes: '***',
};

describe('read redaction', () => {
  const { guard } = setup({ fieldPermissions: FIELD_RULES, sensitiveFields: SENSITIVE });

  it('removes what an agent may not read and masks what they may not see', () => {
    const seen = guard.redact(ann, ticket);
    const { salary: _hidden, ...masked } = MASKED;
    expect(seen.fields).toEqual({ ...masked, plan: 'pro', vip: true });
    expect(seen.subject).toBe('Call me at +86 *** **** 5678');
    expect(seen.attributes).toEqual({});
    expect(seen).toMatchObject({ assigneeId: 'agt_ann', groupId: 'grp_billing', tags: ['vip'], version: 3 });
    expect(seen.csat).toEqual(ticket.csat);
  });

  it('shows supervisors and admins everything, unmasked', () => {
    expect(guard.redact(sue, ticket)).toEqual(pristine);
    expect(guard.redact(ada, ticket)).toEqual(pristine);
  });

  it('applies an allow list: hidden optional properties go, hidden collections are emptied', () => {
    const seen = guard.redact(bot, ticket);
    expect(seen).not.toHaveProperty('groupId');
    expect(seen).not.toHaveProperty('csat');
    expect(seen).toMatchObject({
      assigneeId: 'agt_ann',
      tags: ['vip'],
      links: [],
      conversationIds: [],
      attributes: {},
    });
    // The subject is always there (masked), and integrations unmask only the email.
    expect(seen.subject).toBe('Call me at +86 *** **** 5678');
    expect(seen.fields).toEqual({ ...MASKED, email: 'alice.smith@example.com', plan: 'pro', vip: true });
  });

  it('never changes the input and shares nothing with it', () => {
    for (const principal of [ann, sue, ada, bot]) {
      const seen = guard.redact(principal, ticket);
      expect(seen).not.toBe(ticket);
      seen.tags.push('mutated');
      seen.fields['plan'] = 'mutated';
    }
    expect(ticket).toEqual(pristine);
  });

  it('unmasks for a temporary grant of ticket:read_sensitive, until it expires', async () => {
    const { guard: timed, policy, clock } = setup({ fieldPermissions: FIELD_RULES, sensitiveFields: SENSITIVE });
    const grant = policy.grantTemporary({
      granter: sue,
      grantee: ann,
      action: 'ticket:read_sensitive',
      resourceId: ticket.id,
      ttlMs: 60_000,
    });
    const lent = { ...ann, grants: [grant] };
    expect(timed.redact(lent, ticket).fields['email']).toBe('alice.smith@example.com');
    // The grant does not lend read access to what field rules hide.
    expect(timed.redact(lent, ticket).fields).not.toHaveProperty('salary');
    expect(timed.redact(lent, makeTicket({ id: 'tkt_other', fields: { email: 'bo@example.com' } })).fields).toEqual({
      email: 'b***@example.com',
    });
    await clock.advance(60_000);
    expect(timed.redact(lent, ticket).fields['email']).toBe(MASKED.email);
  });

  it('lends reading and unmasking one field through field grants', async () => {
    const { guard: lending } = setup({ fieldPermissions: FIELD_RULES, sensitiveFields: SENSITIVE });
    const read = await lending.grantFieldAccess({
      granter: sue,
      grantee: ann,
      access: 'read',
      property: 'fields.salary',
      ttlMs: 60_000,
    });
    expect(lending.redact({ ...ann, grants: [read] }, ticket).fields['salary']).toBe('***');
    const unmask = await lending.grantFieldAccess({
      granter: sue,
      grantee: ann,
      access: 'unmask',
      property: 'fields.salary',
      ttlMs: 60_000,
    });
    const both: Principal = { ...ann, grants: [read, unmask] };
    expect(lending.redact(both, ticket).fields['salary']).toBe(90_000);
    expect(lending.redact(both, ticket).fields['notes']).toBe('***');
    expect(lending.canAccessField(both, 'unmask', 'fields.salary')).toBe(true);
    expect(lending.canAccessField(ann, 'unmask', 'fields.salary')).toBe(false);
    expect(lending.canAccessField(ann, 'unmask', 'fields.plan')).toBe(true);
  });

  it('redacts history entries the same way', () => {
    const entry: HistoryEntry = {
      tenantId: ticket.tenantId,
      ticketId: ticket.id,
      version: 4,
      at: '2026-03-01T10:00:00.000Z',
      actor: { type: 'agent', id: 'agt_sue' },
      kind: 'updated',
      changes: [
        { property: 'status', from: 'open', to: 'pending' },
        { property: 'fields.salary', from: 80_000, to: 90_000 },
        { property: 'fields.email', from: 'old@example.com', to: 'alice.smith@example.com' },
      ],
      depth: 0,
    };
    const frozen = deepFreeze(structuredClone(entry));
    expect(guard.redactEntry(ann, frozen, ticket).changes).toEqual([
      { property: 'status', from: 'open', to: 'pending' },
      { property: 'fields.email', from: 'o***@example.com', to: 'a***@example.com' },
    ]);
    expect(guard.redactEntry(sue, frozen).changes).toEqual(entry.changes);
    expect(frozen).toEqual(entry);
    expect(() => guard.redactEntry(ann, { ...frozen, tenantId: 'ten_2' })).toThrow(ForbiddenError);
  });

  it('derives sensitive fields from field definitions', () => {
    expect(
      sensitiveFieldsOf(
        [
          { key: 'email', sensitive: true },
          { key: 'salary', sensitive: true },
          { key: 'plan', sensitive: false },
          { key: 'tier' },
        ],
        { email: 'email' },
      ),
    ).toEqual({ 'fields.email': 'email', 'fields.salary': 'secret' });
  });

  it('property: never shows a denied field, never changes the input', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
    const value = fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(
        fc.dictionary(key, value, { maxKeys: 12 }),
        fc.uniqueArray(key, { maxLength: 6 }),
        (fields, denied) => {
          const { guard: ruled } = setup({
            fieldPermissions: { agent: { denyRead: denied.map((k) => `fields.${k}`) } },
            sensitiveFields: Object.fromEntries(Object.keys(fields).map((k) => [`fields.${k}`, 'secret' as const])),
          });
          const input = deepFreeze(makeTicket({ fields: fields as Ticket['fields'] }));
          const before = structuredClone(input);
          const seen = ruled.redact(ann, input);
          expect(input).toEqual(before);
          for (const k of Object.keys(seen.fields)) {
            expect(denied).not.toContain(k);
            expect(Object.hasOwn(fields, k)).toBe(true);
            if (fields[k] !== null) expect(seen.fields[k]).toBe('***');
          }
          expect(Object.keys(seen.fields).length).toBe(Object.keys(fields).filter((k) => !denied.includes(k)).length);
        },
      ),
      { numRuns: 100 },
    );
  });
});
