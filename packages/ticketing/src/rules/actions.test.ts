import { describe, expect, it } from 'vitest';
import { compileActions } from './actions.js';
import { applyRuleChanges } from './changes.js';
import type { RuleAction } from './rule-schema.js';
import { ruleTicket } from './test-kit.js';

const ticket = ruleTicket({ tags: ['a', 'b'], fields: { plan: 'pro' }, assigneeId: 'agt_1', groupId: 'grp_1' });
const plan = (actions: RuleAction[]) => compileActions(actions, 'actions', 'trigger').plan(ticket).changes;
const tagsAfter = (actions: RuleAction[]) => applyRuleChanges(ticket, plan(actions)).tags;

describe('action plans', () => {
  it.each<[string, RuleAction[], string[]]>([
    ['add', [{ type: 'add_tags', tags: ['c', 'a', 'c'] }], ['a', 'b', 'c']],
    ['remove', [{ type: 'remove_tags', tags: ['a', 'x'] }], ['b']],
    ['set', [{ type: 'set_tags', tags: ['z', 'z'] }], ['z']],
    [
      'add then set',
      [
        { type: 'add_tags', tags: ['c'] },
        { type: 'set_tags', tags: ['d'] },
      ],
      ['d'],
    ],
    [
      'add then remove',
      [
        { type: 'add_tags', tags: ['c', 'd'] },
        { type: 'remove_tags', tags: ['c', 'a'] },
      ],
      ['b', 'd'],
    ],
    [
      'set then add',
      [
        { type: 'set_tags', tags: ['d'] },
        { type: 'add_tags', tags: ['a'] },
      ],
      ['d', 'a'],
    ],
    [
      'remove then add back',
      [
        { type: 'remove_tags', tags: ['a'] },
        { type: 'add_tags', tags: ['a'] },
      ],
      ['b', 'a'],
    ],
  ])('tags: %s', (_name, actions, expected) => {
    expect([...tagsAfter(actions)].sort()).toEqual([...expected].sort());
  });

  it('writes only what differs from the ticket', () => {
    expect(
      plan([
        { type: 'set_status', status: 'open' },
        { type: 'add_tags', tags: ['a'] },
        { type: 'set_field', key: 'plan', value: 'pro' },
        { type: 'assign', agentId: 'agt_1', groupId: 'grp_1' },
      ]),
    ).toEqual({});
    expect(
      plan([
        { type: 'set_priority', priority: 'high' },
        { type: 'set_priority', priority: 'normal' },
        { type: 'assign', agentId: null },
        { type: 'set_field', key: 'plan', value: null },
        { type: 'remove_tags', tags: ['b'] },
        { type: 'add_tags', tags: ['b'] },
      ]),
    ).toEqual({ assigneeId: null, fields: { plan: null } });
  });

  it('never changes the ticket it plans on', () => {
    const before = JSON.stringify(ticket);
    plan([
      { type: 'add_tags', tags: ['q'] },
      { type: 'remove_tags', tags: ['a'] },
      { type: 'set_field', key: 'x', value: 1 },
    ]);
    expect(JSON.stringify(ticket)).toBe(before);
  });
});
