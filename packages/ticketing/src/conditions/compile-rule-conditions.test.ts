import { createBusinessCalendar, SimulatedClock, ValidationError } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../model/history.js';
import type { Ticket } from '../model/ticket.js';
import { compileRuleConditions } from './compile-rule-conditions.js';
import type { RuleCondition } from './rule-condition-schema.js';
import type { ConditionInput, ConditionUpdate } from './scope.js';
import { buildTicketTimeline } from './timeline.js';

const AT = '2026-03-02T09:00:00.000Z';
const ticket: Ticket = {
  id: 'tkt_1',
  tenantId: 'ten_1',
  version: 3,
  number: 1042,
  subject: 'Remboursement: je veux être REMBOURSÉ',
  status: 'pending',
  priority: 'high',
  requesterId: 'ctc_1',
  assigneeId: 'agt_1',
  tags: ['vip', 'billing'],
  fields: { plan: 'enterprise', seats: 25, renew: '2026-05-01', regions: ['eu', 'us'], notes: '' },
  source: { kind: 'email' },
  conversationIds: [],
  links: [],
  attributes: {},
  csat: { rating: 'bad', at: AT },
  createdAt: AT,
  updatedAt: AT,
};

const update: ConditionUpdate = {
  type: 'commented',
  actor: { type: 'requester', id: 'ctc_1' },
  changes: [
    { property: 'status', from: 'solved', to: 'pending' },
    { property: 'tags', from: ['vip'], to: ['vip', 'billing'] },
    { property: 'fields.plan', from: 'pro', to: 'enterprise' },
    { property: 'csat', from: undefined, to: { rating: 'bad', at: AT } },
  ],
  comment: { public: true, author: 'requester', body: 'Where is my refund? 我要退款，谢谢' },
};

const input: ConditionInput = { ticket, update };

function holds(condition: RuleCondition, over: ConditionInput = input): boolean {
  return compileRuleConditions({ all: [condition] }).test(over);
}

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map(({ path, message }) => ({ path, message }));
  }
  throw new Error('expected a ValidationError');
}

describe('rule condition operators', () => {
  it.each<[RuleCondition, boolean]>([
    // is / is_not on enums, ids, text, tags, booleans, fields
    [{ field: 'status', operator: 'is', value: 'pending' }, true],
    [{ field: 'status', operator: 'is', value: 'open' }, false],
    [{ field: 'status', operator: 'is_not', value: 'open' }, true],
    [{ field: 'assigneeId', operator: 'is', value: 'agt_1' }, true],
    [{ field: 'groupId', operator: 'is', value: null }, true],
    [{ field: 'groupId', operator: 'is_not', value: 'grp_1' }, true],
    [{ field: 'subject', operator: 'is', value: 'remboursement: je veux etre rembourse' }, true],
    [{ field: 'tags', operator: 'is', value: ['billing', 'vip'] }, true],
    [{ field: 'tags', operator: 'is', value: 'vip' }, false],
    [{ field: 'comment.public', operator: 'is', value: true }, true],
    [{ field: 'comment.public', operator: 'is_not', value: true }, false],
    [{ field: 'fields.plan', operator: 'is', value: 'enterprise' }, true],
    [{ field: 'fields.seats', operator: 'is', value: 25 }, true],
    [{ field: 'fields.regions', operator: 'is', value: ['us', 'eu'] }, true],
    [{ field: 'fields.missing', operator: 'is', value: null }, true],
    [{ field: 'source.kind', operator: 'is', value: 'email' }, true],
    [{ field: 'csat.rating', operator: 'is', value: 'bad' }, true],
    [{ field: 'update.type', operator: 'is', value: 'commented' }, true],
    [{ field: 'actor.type', operator: 'is', value: 'requester' }, true],
    [{ field: 'actor.id', operator: 'is', value: 'ctc_1' }, true],
    [{ field: 'comment.author', operator: 'is_not', value: 'agent' }, true],
    [{ field: 'update.loop', operator: 'is', value: false }, true],
    // ordering
    [{ field: 'priority', operator: 'greater_than', value: 'normal' }, true],
    [{ field: 'priority', operator: 'less_than', value: 'high' }, false],
    [{ field: 'priority', operator: 'greater_or_equal', value: 'high' }, true],
    [{ field: 'status', operator: 'less_than', value: 'solved' }, true],
    [{ field: 'status', operator: 'less_or_equal', value: 'open' }, false],
    [{ field: 'fields.seats', operator: 'greater_than', value: 20 }, true],
    [{ field: 'fields.seats', operator: 'less_than', value: 20 }, false],
    [{ field: 'fields.renew', operator: 'less_than', value: '2026-06-01' }, true],
    [{ field: 'fields.renew', operator: 'greater_than', value: 20 }, false],
    // includes / not_includes: words and phrases, tags, arrays
    [{ field: 'subject', operator: 'includes', value: 'rembourse' }, true],
    [{ field: 'subject', operator: 'includes', value: 'rembour' }, false],
    [{ field: 'subject', operator: 'includes', value: '"veux etre" nothing' }, true],
    [{ field: 'subject', operator: 'includes', value: ['Être Remboursé'] }, true],
    [{ field: 'subject', operator: 'not_includes', value: 'refund' }, true],
    [{ field: 'comment.body', operator: 'includes', value: 'REFUND' }, true],
    [{ field: 'comment.body', operator: 'includes', value: '退款' }, true],
    [{ field: 'comment.body', operator: 'includes', value: '退货' }, false],
    [{ field: 'tags', operator: 'includes', value: ['spam', 'vip'] }, true],
    [{ field: 'tags', operator: 'includes', value: 'spam other' }, false],
    [{ field: 'tags', operator: 'not_includes', value: ['spam'] }, true],
    [{ field: 'fields.regions', operator: 'includes', value: ['apac', 'eu'] }, true],
    [{ field: 'fields.plan', operator: 'includes', value: 'enterprise' }, true],
    // contains / not_contains
    [{ field: 'subject', operator: 'contains', value: 'REMBOUR' }, true],
    [{ field: 'comment.body', operator: 'contains', value: 'my ref' }, true],
    [{ field: 'comment.body', operator: 'not_contains', value: 'invoice' }, true],
    [{ field: 'fields.plan', operator: 'contains', value: 'PRISE' }, true],
    [{ field: 'fields.regions', operator: 'contains', value: 'u' }, true],
    // present / not_present / absent
    [{ field: 'assigneeId', operator: 'present' }, true],
    [{ field: 'groupId', operator: 'not_present' }, true],
    [{ field: 'fields.notes', operator: 'absent' }, true],
    [{ field: 'tags', operator: 'present' }, true],
    [{ field: 'comment.body', operator: 'present' }, true],
    // change operators
    [{ field: 'status', operator: 'changed' }, true],
    [{ field: 'priority', operator: 'changed' }, false],
    [{ field: 'priority', operator: 'not_changed' }, true],
    [{ field: 'status', operator: 'changed_to', value: 'pending' }, true],
    [{ field: 'status', operator: 'changed_from', value: 'solved' }, true],
    [{ field: 'status', operator: 'changed_from', value: 'open' }, false],
    [{ field: 'tags', operator: 'changed_to', value: 'billing' }, true],
    [{ field: 'tags', operator: 'changed_to', value: 'vip' }, false],
    [{ field: 'tags', operator: 'changed_from', value: 'billing' }, false],
    [{ field: 'fields.plan', operator: 'changed_from', value: 'pro' }, true],
    [{ field: 'csat.rating', operator: 'changed_to', value: 'bad' }, true],
    [{ field: 'changed.status', operator: 'changed' }, true],
    [{ field: 'changed.priority', operator: 'not_changed' }, true],
    [{ field: 'changed.status.from', operator: 'is', value: 'solved' }, true],
    [{ field: 'changed.status.to', operator: 'greater_than', value: 'open' }, true],
    [{ field: 'changed.fields.plan.to', operator: 'is', value: 'enterprise' }, true],
    [{ field: 'changed.priority.to', operator: 'present' }, false],
  ])('%j → %s', (condition, expected) => {
    expect(holds(condition)).toBe(expected);
  });

  it('negations are exact complements, also when the property is missing', () => {
    const bare: ConditionInput = { ticket: { subject: 'x' } };
    expect(holds({ field: 'status', operator: 'is', value: 'open' }, bare)).toBe(false);
    expect(holds({ field: 'status', operator: 'is_not', value: 'open' }, bare)).toBe(true);
    expect(holds({ field: 'comment.body', operator: 'not_includes', value: 'refund' }, bare)).toBe(true);
    expect(holds({ field: 'comment.public', operator: 'is', value: false }, bare)).toBe(false);
    expect(holds({ field: 'status', operator: 'changed' }, bare)).toBe(false);
    expect(holds({ field: 'status', operator: 'not_changed' }, bare)).toBe(true);
  });

  it('combines all (every) and any (at least one)', () => {
    const yes = { field: 'status', operator: 'is', value: 'pending' } as const;
    const no = { field: 'status', operator: 'is', value: 'open' } as const;
    expect(compileRuleConditions({}).test(input)).toBe(true);
    expect(compileRuleConditions({ all: [yes, yes] }).test(input)).toBe(true);
    expect(compileRuleConditions({ all: [yes, no] }).test(input)).toBe(false);
    expect(compileRuleConditions({ any: [no, yes] }).test(input)).toBe(true);
    expect(compileRuleConditions({ any: [no, no] }).test(input)).toBe(false);
    expect(compileRuleConditions({ all: [yes], any: [no, yes] }).test(input)).toBe(true);
    expect(compileRuleConditions({ all: [no], any: [yes] }).test(input)).toBe(false);
  });

  it('never reads inherited or prototype properties', () => {
    const hostile = { ticket: { fields: { plan: 'x' } } } as ConditionInput;
    expect(holds({ field: 'fields.toString', operator: 'present' }, hostile)).toBe(false);
    expect(holds({ field: 'fields.hasOwnProperty', operator: 'present' }, hostile)).toBe(false);
    expect(
      issuesOf(() => compileRuleConditions({ all: [{ field: 'fields.__proto__', operator: 'present' }] })),
    ).toEqual([{ path: 'conditions.all.0.field', message: "'__proto__' is not a field key" }]);
  });
});

describe('hours_since conditions', () => {
  const clock = new SimulatedClock(Date.parse('2026-03-02T09:00:00Z'));
  const created = clock.now();
  const history: HistoryEntry[] = [
    {
      tenantId: 'ten_1',
      ticketId: 'tkt_1',
      version: 1,
      at: new Date(created).toISOString(),
      actor: { type: 'requester', id: 'ctc_1' },
      kind: 'created',
      changes: [{ property: 'status', from: undefined, to: 'new' }],
      depth: 0,
    },
    {
      tenantId: 'ten_1',
      ticketId: 'tkt_1',
      version: 2,
      at: new Date(created + 2 * 3_600_000).toISOString(),
      actor: { type: 'agent', id: 'agt_1' },
      kind: 'updated',
      changes: [
        { property: 'status', from: 'new', to: 'pending' },
        { property: 'assigneeId', from: undefined, to: 'agt_1' },
      ],
      depth: 0,
    },
  ];
  const pending: Ticket = {
    ...ticket,
    status: 'pending',
    createdAt: new Date(created).toISOString(),
    updatedAt: new Date(created + 2 * 3_600_000).toISOString(),
  };
  const timeline = buildTicketTimeline(history);

  it('measures from the history, on the simulated clock', async () => {
    await clock.advance(50 * 3_600_000); // 50 h after creation, 48 h after pending
    const now = clock.now();
    const at = (condition: RuleCondition) =>
      compileRuleConditions({ all: [condition] }, { context: 'automation' }).test({ ticket: pending, now, timeline });
    expect(at({ field: 'hours_since.created', operator: 'is', value: 50 })).toBe(true);
    expect(at({ field: 'hours_since.created', operator: 'greater_than', value: 49 })).toBe(true);
    expect(at({ field: 'hours_since.updated', operator: 'less_than', value: 48 })).toBe(false);
    expect(at({ field: 'hours_since.status.pending', operator: 'greater_or_equal', value: 48 })).toBe(true);
    expect(at({ field: 'hours_since.status.pending', operator: 'is', value: 48 })).toBe(true);
    expect(at({ field: 'hours_since.status.new', operator: 'is', value: 50 })).toBe(true);
    expect(at({ field: 'hours_since.status.solved', operator: 'not_present' })).toBe(true);
    expect(at({ field: 'hours_since.assigned', operator: 'is', value: 48 })).toBe(true);
    expect(at({ field: 'hours_since.assignee_updated', operator: 'is', value: 48 })).toBe(true);
    expect(at({ field: 'hours_since.requester_updated', operator: 'is', value: 50 })).toBe(true);
    expect(at({ field: 'hours_since.solved', operator: 'present' })).toBe(false);
    // Without a time, time conditions do not hold.
    expect(
      compileRuleConditions({ all: [{ field: 'hours_since.created', operator: 'present' }] }).test({ ticket }),
    ).toBe(false);
  });

  it('counts business hours on a calendar', () => {
    const calendar = createBusinessCalendar({
      timeZone: 'UTC',
      weekly: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']] },
    });
    const monday9 = Date.parse('2026-03-02T09:00:00Z');
    const tuesdayNoon = Date.parse('2026-03-03T12:00:00Z');
    const set = compileRuleConditions(
      { all: [{ field: 'hours_since.created', operator: 'is', value: 11, business: true }] },
      { context: 'automation', calendar },
    );
    const t = { ...ticket, createdAt: new Date(monday9).toISOString() };
    expect(set.test({ ticket: t, now: tuesdayNoon })).toBe(true); // 8 h Monday + 3 h Tuesday
    const calendarHours = compileRuleConditions(
      { all: [{ field: 'hours_since.created', operator: 'is', value: 27 }] },
      { context: 'automation' },
    );
    expect(calendarHours.test({ ticket: t, now: tuesdayNoon })).toBe(true);
  });
});

describe('validation', () => {
  it('reports every problem with its path', () => {
    const issues = issuesOf(() =>
      compileRuleConditions(
        {
          all: [
            { field: 'stauts', operator: 'is', value: 'open' },
            { field: 'status', operator: 'is', value: 'reopened' },
            { field: 'priority', operator: 'contains', value: 'x' },
          ],
          any: [
            { field: 'tags', operator: 'includes' },
            { field: 'status', operator: 'present', value: 'x' },
            { field: 'hours_since.created', operator: 'greater_than', value: 'soon' },
            { field: 'hours_since.created', operator: 'greater_than', value: 3, business: true },
            { field: 'subject', operator: 'includes', value: '!!!' },
          ],
        },
        { path: 'triggers.4.conditions' },
      ),
    );
    expect(issues).toEqual([
      { path: 'triggers.4.conditions.all.0.field', message: "unknown field 'stauts'" },
      {
        path: 'triggers.4.conditions.all.1.value',
        message: 'must be one of new, open, pending, on_hold, solved, closed, merged',
      },
      { path: 'triggers.4.conditions.all.2.operator', message: "contains does not apply to 'priority'" },
      { path: 'triggers.4.conditions.any.0.value', message: 'includes needs a value' },
      { path: 'triggers.4.conditions.any.1.value', message: 'present takes no value' },
      { path: 'triggers.4.conditions.any.2.value', message: 'must be a number of hours' },
      { path: 'triggers.4.conditions.any.3.business', message: 'business hours need a calendar' },
      { path: 'triggers.4.conditions.any.4.value', message: "'!!!' has no letters or digits" },
    ]);
  });

  it('rejects shapes the schema does not know, with their path', () => {
    expect(
      issuesOf(() => compileRuleConditions({ all: [{ field: 'status', operator: 'equals', value: 1 }] }))[0]?.path,
    ).toBe('conditions.all.0.operator');
    expect(issuesOf(() => compileRuleConditions({ none: [] }))[0]?.path).toBe('conditions');
  });

  it('limits fields and operators by context', () => {
    const ticketOnly = (condition: RuleCondition) =>
      issuesOf(() => compileRuleConditions({ all: [condition] }, { context: 'ticket' }))[0]?.message;
    expect(ticketOnly({ field: 'comment.body', operator: 'includes', value: 'x' })).toBe(
      "'comment.body' is not available in ticket conditions",
    );
    expect(ticketOnly({ field: 'hours_since.created', operator: 'greater_than', value: 1 })).toBe(
      "'hours_since.created' is not available in ticket conditions",
    );
    expect(
      issuesOf(() =>
        compileRuleConditions({ all: [{ field: 'status', operator: 'changed' }] }, { context: 'automation' }),
      )[0]?.message,
    ).toBe('changed is only available in trigger conditions');
    expect(
      issuesOf(() => compileRuleConditions({ all: [{ field: 'changed.status', operator: 'is', value: 'open' }] }))[0]
        ?.message,
    ).toBe("'changed.status' takes changed, changed_to, changed_from or not_changed");
    expect(
      issuesOf(() => compileRuleConditions({ all: [{ field: 'source.kind', operator: 'changed' }] }))[0]?.message,
    ).toBe("changed does not apply to 'source.kind'");
    expect(
      issuesOf(() => compileRuleConditions({ all: [{ field: 'tags', operator: 'changed_to', value: ['a', 'b'] }] }))[0]
        ?.message,
    ).toBe('must be one tag');
  });

  it('reports what a set reads', () => {
    const usage = compileRuleConditions({
      all: [
        { field: 'comment.body', operator: 'includes', value: 'x' },
        { field: 'hours_since.status.pending', operator: 'greater_than', value: 1 },
      ],
    }).usage;
    expect(usage).toEqual({ update: true, commentBody: true, history: true, time: true });
    expect(compileRuleConditions({ all: [{ field: 'status', operator: 'is', value: 'open' }] }).usage).toEqual({
      update: false,
      commentBody: false,
      history: false,
      time: false,
    });
  });

  it('accepts every condition set of the shared SLA language with the same meaning', () => {
    const set = {
      all: [
        { field: 'priority', operator: 'greater_or_equal', value: 'high' },
        { field: 'tags', operator: 'includes', value: ['vip'] },
        { field: 'groupId', operator: 'absent' },
      ],
    } as const;
    expect(compileRuleConditions(set, { context: 'ticket' }).test({ ticket })).toBe(true);
  });
});
