import { ValidationError } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import { compileApprovalRules } from '../access/approval-rules.js';
import { compileSlaPolicies, parseSlaPolicy } from '../sla/policy.js';
import { TicketStory } from '../sla/test-kit.js';
import { compileTicketConditions, ticketConditionSetSchema } from './ticket-conditions.js';

// SLA policies and approval rules speak the rules' condition language on ticket fields:
// one compiler, one meaning per operator.

const ticket = {
  ...new TicketStory({
    at: '2026-03-02T09:00:00Z',
    priority: 'high',
    groupId: 'grp_billing',
    tags: ['vip', 'de'],
    fields: { plan: 'enterprise', seats: 40 },
  }).ticket,
  subject: 'Help with the invoice',
};
const holds = (input: unknown) => compileTicketConditions(ticketConditionSetSchema.parse(input))(ticket);
const check = (field: string, operator: string, value?: unknown) =>
  holds({ all: [{ field, operator, ...(value === undefined ? {} : { value }) }] });

describe('ticket conditions', () => {
  it('evaluates each operator on ticket properties and custom fields', () => {
    expect(check('groupId', 'is', 'grp_billing')).toBe(true);
    expect(check('assigneeId', 'is', null)).toBe(true);
    expect(check('groupId', 'is_not', 'grp_billing')).toBe(false);
    expect(check('tags', 'includes', 'vip')).toBe(true);
    expect(check('tags', 'includes', ['x', 'de'])).toBe(true);
    expect(check('tags', 'not_includes', 'spam')).toBe(true);
    expect(check('tags', 'is', ['de', 'vip'])).toBe(true);
    expect(check('priority', 'greater_than', 'normal')).toBe(true);
    expect(check('priority', 'greater_or_equal', 'urgent')).toBe(false);
    expect(check('status', 'less_than', 'solved')).toBe(true);
    expect(check('fields.seats', 'greater_or_equal', 40)).toBe(true);
    expect(check('fields.seats', 'less_than', 'x')).toBe(false);
    expect(check('fields.plan', 'present')).toBe(true);
    expect(check('formId', 'absent')).toBe(true);
    expect(check('source.kind', 'is', 'api')).toBe(true);
  });

  it('matches `includes` on text by whole words, case- and accent-insensitive; `contains` by substring', () => {
    expect(check('subject', 'includes', 'INVOICE')).toBe(true);
    expect(check('subject', 'includes', 'invoic')).toBe(false);
    expect(check('subject', 'includes', '"with the"')).toBe(true);
    expect(check('subject', 'contains', 'invoic')).toBe(true);
  });

  it('needs every `all` condition and one `any` condition; an empty set matches', () => {
    expect(holds({})).toBe(true);
    expect(
      holds({
        all: [{ field: 'priority', operator: 'is', value: 'high' }],
        any: [
          { field: 'tags', operator: 'includes', value: 'nope' },
          { field: 'fields.plan', operator: 'is', value: 'enterprise' },
        ],
      }),
    ).toBe(true);
    expect(holds({ any: [{ field: 'tags', operator: 'includes', value: 'nope' }] })).toBe(false);
  });

  it('refuses what a ticket condition cannot read, with the path, in SLA policies and approval rules', () => {
    const policy = (condition: unknown) => () =>
      parseSlaPolicy({ id: 'p', name: 'p', targets: { normal: { first_reply: 1 } }, conditions: { all: [condition] } });
    expect(policy({ field: 'priority', operator: 'is' })).toThrow(ValidationError);
    expect(policy({ field: 'priority', operator: 'present', value: 'x' })).toThrow(ValidationError);
    expect(policy({ field: 'priority', operator: 'greater_than', value: true })).toThrow(ValidationError);
    expect(policy({ field: 'Bad Field', operator: 'is', value: 'x' })).toThrow(ValidationError);
    expect(policy({ field: 'priority', operator: 'is', value: 'x', extra: 1 })).toThrow(ValidationError);
    expect(policy({ field: 'priority', operator: 'is', value: 'critical' })).toThrow(ValidationError);
    // The write being reacted to and the time are not ticket fields.
    expect(policy({ field: 'comment.author', operator: 'is', value: 'agent' })).toThrow(ValidationError);
    expect(policy({ field: 'hours_since.created', operator: 'greater_than', value: 1 })).toThrow(ValidationError);
    expect(policy({ field: 'status', operator: 'changed' })).toThrow(ValidationError);
    try {
      policy({ field: 'priority', operator: 'is', value: 'critical' })();
    } catch (error) {
      expect((error as ValidationError).issues[0]?.path).toBe('conditions.all.0.value');
    }
    expect(() =>
      compileApprovalRules([
        { id: 'r', ticket: { all: [{ field: 'update.type', operator: 'is', value: 'created' }] } },
      ]),
    ).toThrow(ValidationError);
  });

  it('chooses SLA policies with the same meaning rules give the conditions', () => {
    const set = compileSlaPolicies([
      {
        id: 'sla_invoices',
        name: 'Invoices',
        position: 0,
        conditions: { all: [{ field: 'subject', operator: 'includes', value: 'invoice' }] },
        targets: { high: { first_reply: 30 } },
      },
      { id: 'sla_default', name: 'Default', position: 1, targets: { high: { first_reply: 60 } } },
    ]);
    const choose = (subject: string) => set.policies.find((p) => p.always || p.matches({ ...ticket, subject }));
    expect(choose('Invoice missing')?.policy.id).toBe('sla_invoices');
    expect(choose('Invoices missing')?.policy.id).toBe('sla_default');
  });
});
