import { ValidationError } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import type { RuleCondition } from '../conditions/rule-condition-schema.js';
import { compileAutomation, compileClassifier, compileMacro, compileTrigger } from './definitions.js';
import { createRuleRegistry } from './registry.js';
import type { RuleAction, TriggerInput } from './rule-schema.js';

function issues(fn: () => unknown): { path: string; message: string; code?: string }[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map(({ path, message, code }) => ({ path, message, code }));
  }
  throw new Error('expected a ValidationError');
}

const paths = (fn: () => unknown) => issues(fn).map((issue) => issue.path);

const open: RuleCondition = { field: 'status', operator: 'is', value: 'open' };

describe('trigger definitions', () => {
  it('reports every problem of a bad definition with its path', () => {
    expect(
      paths(() =>
        compileTrigger({
          id: 'trg_1',
          title: 'Bad',
          conditions: { all: [{ field: 'priority', operator: 'is', value: 'critical' }] },
          actions: [
            { type: 'comment', body: 'Hi {{requester.nam}}', public: true },
            { type: 'assign', currentAgent: true },
            { type: 'notify', target: { type: 'requester' }, subject: '{{ticket.id}', body: 'x' },
            { type: 'webhook', subscriptionId: 'sub_1', payload: { a: ['{{nope}}'] } },
          ],
        }),
      ),
    ).toEqual([
      'conditions.all.0.value',
      'actions.0.body',
      'actions.1.currentAgent',
      'actions.2.subject',
      'actions.3.payload.a.0',
    ]);
  });

  it('rejects shapes with their path (zod)', () => {
    expect(paths(() => compileTrigger({ id: 'trg_1', title: 't', conditions: { all: [open] }, actions: [] }))).toEqual([
      'actions',
    ]);
    expect(
      paths(() =>
        compileTrigger({
          id: 'trg_1',
          title: 't',
          conditions: { all: [open] },
          actions: [{ type: 'set_status', status: 'merged' }],
        }),
      ),
    ).toEqual(['actions.0.status']);
    expect(
      paths(() =>
        compileTrigger({
          id: 'trg_1',
          title: 't',
          conditions: { all: [open] },
          actions: [{ type: 'set_field', key: '__proto__', value: 1 }],
        }),
      ),
    ).toEqual(['actions.0.key']);
    expect(
      paths(() =>
        compileTrigger({ id: 'trg_1', title: 't', conditions: {}, actions: [{ type: 'add_tags', tags: ['x'] }] }),
      ),
    ).toEqual(['conditions']);
  });

  it('prefixes paths with the index when replacing a list, and changes nothing on error', () => {
    const registry = createRuleRegistry();
    const good: TriggerInput = {
      id: 'trg_ok',
      title: 'ok',
      conditions: { all: [open] },
      actions: [{ type: 'add_tags', tags: ['x'] }],
    };
    registry.triggers.define('ten_1', good);
    expect(
      paths(() =>
        registry.triggers.replace('ten_1', [
          good,
          { ...good, id: 'trg_2', conditions: { all: [{ field: 'nope', operator: 'present' }] } },
          { ...good },
        ]),
      ),
    ).toEqual(['1.conditions.all.0.field', '2.id']);
    expect(registry.triggers.list('ten_1').map((t) => t.definition.id)).toEqual(['trg_ok']);
  });

  it('orders by position, then id, and caches the active list', () => {
    const registry = createRuleRegistry();
    const base: Omit<TriggerInput, 'id'> = {
      title: 't',
      conditions: { all: [open] },
      actions: [{ type: 'add_tags', tags: ['x'] }],
    };
    registry.triggers.replace('ten_1', [
      { ...base, id: 'trg_b', position: 2 },
      { ...base, id: 'trg_a', position: 2 },
      { ...base, id: 'trg_z', position: 1 },
      { ...base, id: 'trg_off', position: 0, active: false },
    ]);
    expect(registry.triggers.list('ten_1').map((t) => t.definition.id)).toEqual(['trg_off', 'trg_z', 'trg_a', 'trg_b']);
    const active = registry.triggers.active('ten_1');
    expect(active.map((t) => t.definition.id)).toEqual(['trg_z', 'trg_a', 'trg_b']);
    expect(registry.triggers.active('ten_1')).toBe(active);
    registry.triggers.remove('ten_1', 'trg_a');
    expect(registry.triggers.active('ten_1').map((t) => t.definition.id)).toEqual(['trg_z', 'trg_b']);
  });
});

describe('automation definitions', () => {
  const automation = (conditions: RuleCondition[], actions: RuleAction[], any?: RuleCondition[]) => () =>
    compileAutomation({ id: 'aut_1', title: 'a', conditions: { all: conditions, ...(any && { any }) }, actions });
  const pending48: RuleCondition = { field: 'hours_since.status.pending', operator: 'greater_than', value: 48 };
  const notify: RuleAction = { type: 'notify', target: { type: 'requester' }, subject: 'Still there?', body: '…' };

  it.each<[string, RuleCondition[], RuleAction[], RuleCondition[]?]>([
    [
      'a tag its actions add',
      [pending48, { field: 'tags', operator: 'not_includes', value: 'reminded' }],
      [notify, { type: 'add_tags', tags: ['reminded'] }],
    ],
    [
      'a status its actions change',
      [pending48, { field: 'status', operator: 'is', value: 'pending' }],
      [{ type: 'set_status', status: 'solved' }],
    ],
    [
      'a status it leaves',
      [{ field: 'status', operator: 'is_not', value: 'closed' }, pending48],
      [{ type: 'set_status', status: 'closed' }],
    ],
    [
      'a priority raised above the condition',
      [{ field: 'priority', operator: 'less_than', value: 'high' }],
      [{ type: 'set_priority', priority: 'urgent' }],
    ],
    [
      'an assignee it clears',
      [{ field: 'assigneeId', operator: 'present' }, pending48],
      [{ type: 'assign', agentId: null }],
    ],
    [
      'a field it sets',
      [{ field: 'fields.stage', operator: 'is_not', value: 'late' }],
      [{ type: 'set_field', key: 'stage', value: 'late' }],
    ],
    [
      'a tag it removes',
      [{ field: 'tags', operator: 'includes', value: ['remind', 'followup'] }],
      [{ type: 'remove_tags', tags: ['remind', 'followup'] }],
    ],
    ['tags it replaces', [{ field: 'tags', operator: 'includes', value: 'x' }], [{ type: 'set_tags', tags: ['y'] }]],
    ['an exact hour (true once)', [{ field: 'hours_since.created', operator: 'is', value: 24 }], [notify]],
    [
      'hours since update, reset by its write',
      [{ field: 'hours_since.updated', operator: 'greater_than', value: 72 }],
      [{ type: 'comment', body: 'ping', public: false }],
    ],
    [
      'every any-condition nullified',
      [pending48],
      [{ type: 'add_tags', tags: ['a', 'b'] }],
      [
        { field: 'tags', operator: 'not_includes', value: 'a' },
        { field: 'tags', operator: 'not_includes', value: 'b' },
      ],
    ],
  ])('accepts an automation that nullifies itself: %s', (_name, all, actions, any) => {
    expect(automation(all, actions, any)).not.toThrow();
  });

  it.each<[string, RuleCondition[], RuleAction[], RuleCondition[]?]>([
    ['a notification only', [pending48], [notify]],
    [
      'a tag other than the one tested',
      [{ field: 'tags', operator: 'not_includes', value: 'reminded' }],
      [{ type: 'add_tags', tags: ['other'] }],
    ],
    [
      'a status set to what the condition wants',
      [{ field: 'status', operator: 'is', value: 'pending' }],
      [{ type: 'set_status', status: 'pending' }],
    ],
    [
      'a priority that still matches',
      [{ field: 'priority', operator: 'greater_than', value: 'low' }],
      [{ type: 'set_priority', priority: 'high' }],
    ],
    [
      'hours since update with only a notification',
      [{ field: 'hours_since.updated', operator: 'greater_than', value: 72 }],
      [notify],
    ],
    [
      'only one of two any-conditions nullified',
      [pending48],
      [{ type: 'add_tags', tags: ['a'] }],
      [
        { field: 'tags', operator: 'not_includes', value: 'a' },
        { field: 'tags', operator: 'not_includes', value: 'b' },
      ],
    ],
  ])('rejects an automation that would fire forever: %s', (_name, all, actions, any) => {
    const [issue] = issues(automation(all, actions, any));
    expect(issue).toMatchObject({ path: 'conditions', code: 'automation_never_false' });
    expect(issue?.message).toMatch(/no action makes a condition false/);
  });

  it('refuses update-only fields in automations', () => {
    expect(
      issues(
        automation([{ field: 'comment.body', operator: 'includes', value: 'x' }], [{ type: 'add_tags', tags: ['x'] }]),
      )[0],
    ).toMatchObject({
      path: 'conditions.all.0.field',
      message: "'comment.body' is not available in automation conditions",
    });
  });
});

describe('macros and classification rules', () => {
  it('macros may not notify, call webhooks or apply macros', () => {
    expect(
      paths(() =>
        compileMacro({
          id: 'mac_1',
          title: 'm',
          actions: [
            { type: 'notify', target: { type: 'requester' }, subject: 's', body: 'b' },
            { type: 'webhook', subscriptionId: 'sub_1' },
            { type: 'apply_macro', macroId: 'mac_2' },
          ],
          comment: { body: '{{ticket.nope}}', public: true },
        }),
      ),
    ).toEqual(['actions.0.type', 'actions.1.type', 'actions.2.type', 'comment.body']);
    expect(paths(() => compileMacro({ id: 'mac_1', title: 'empty' }))).toEqual(['actions']);
    expect(() =>
      compileMacro({ id: 'mac_1', title: 'Canned', comment: { body: 'Thanks!', public: true } }),
    ).not.toThrow();
  });

  it('classification rules need words or conditions and valid words', () => {
    expect(paths(() => compileClassifier({ id: 'cls_1', title: 'c', set: { priority: 'high' } }))).toEqual(['']);
    expect(
      paths(() => compileClassifier({ id: 'cls_1', title: 'c', words: '!!! ???', set: { priority: 'high' } })),
    ).toEqual(['words']);
    expect(paths(() => compileClassifier({ id: 'cls_1', title: 'c', words: 'x', set: {} }))).toEqual(['set']);
    expect(
      paths(() =>
        compileClassifier({
          id: 'cls_1',
          title: 'c',
          conditions: { all: [{ field: 'comment.body', operator: 'present' }] },
          set: { priority: 'high' },
        }),
      ),
    ).toEqual(['conditions.all.0.field']);
  });
});
