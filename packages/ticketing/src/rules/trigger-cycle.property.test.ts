import { SimulatedClock } from '@hotline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RuleCondition } from '../conditions/rule-condition-schema.js';
import type { ConditionUpdate } from '../conditions/scope.js';
import type { PropertyChange } from '../model/history.js';
import type { Ticket } from '../model/ticket.js';
import { diffTickets } from '../service/ticket-diff.js';
import { applyRuleChanges, mergeChanges } from './changes.js';
import type { CompiledTrigger } from './definitions.js';
import type { RuleAction } from './rule-schema.js';
import { createRulesEngine } from './rules-engine.js';
import { MemoryRuleEffects, ruleTicket, START, T, writeOf } from './test-kit.js';

// The engine skips re-evaluating a trigger in later passes when nothing it reads changed.
// This checks it against the plain definition of the cycle: every pass re-evaluates every
// trigger that has not fired, on a fresh scope.

const TAGS = ['a', 'b', 'c', 'd'] as const;
const tag = fc.constantFrom(...TAGS);
const status = fc.constantFrom('open', 'pending', 'on_hold' as const);
const priority = fc.constantFrom('low', 'normal', 'high', 'urgent' as const);
const group = fc.constantFrom('g1', 'g2');

const condition: fc.Arbitrary<RuleCondition> = fc.oneof(
  fc.record({
    field: fc.constant('tags'),
    operator: fc.constantFrom('includes', 'not_includes' as const),
    value: fc.uniqueArray(tag, { minLength: 1, maxLength: 2 }),
  }),
  fc.record({
    field: fc.constant('tags'),
    operator: fc.constantFrom('changed_to', 'changed_from' as const),
    value: tag,
  }),
  fc.record({ field: fc.constant('tags'), operator: fc.constantFrom('present', 'not_present' as const) }),
  fc.record({ field: fc.constant('tags'), operator: fc.constant('is' as const), value: fc.uniqueArray(tag) }),
  fc.record({
    field: fc.constant('priority'),
    operator: fc.constantFrom('is', 'greater_than', 'less_than', 'changed_to' as const),
    value: priority,
  }),
  fc.record({
    field: fc.constant('status'),
    operator: fc.constantFrom('is', 'is_not', 'changed_from' as const),
    value: status,
  }),
  fc.record({ field: fc.constant('groupId'), operator: fc.constantFrom('is', 'is_not' as const), value: group }),
  fc.record({ field: fc.constant('changed.priority'), operator: fc.constantFrom('changed', 'not_changed' as const) }),
  fc.record({
    field: fc.constant('update.type'),
    operator: fc.constant('is' as const),
    value: fc.constantFrom('updated', 'created' as const),
  }),
);

const action: fc.Arbitrary<RuleAction> = fc.oneof(
  fc.record({ type: fc.constant('add_tags' as const), tags: fc.uniqueArray(tag, { minLength: 1, maxLength: 2 }) }),
  fc.record({ type: fc.constant('remove_tags' as const), tags: fc.uniqueArray(tag, { minLength: 1, maxLength: 2 }) }),
  fc.record({ type: fc.constant('set_tags' as const), tags: fc.uniqueArray(tag) }),
  fc.record({ type: fc.constant('set_priority' as const), priority }),
  fc.record({ type: fc.constant('set_status' as const), status }),
  fc.record({ type: fc.constant('assign' as const), groupId: group }),
);

const trigger = fc.record({
  all: fc.array(condition, { minLength: 1, maxLength: 3 }),
  any: fc.array(condition, { maxLength: 2 }),
  actions: fc.array(action, { minLength: 1, maxLength: 2 }),
});

function reference(triggers: readonly CompiledTrigger[], start: Ticket, base: ConditionUpdate) {
  let ticket = start;
  let changes: PropertyChange[] = mergeChanges([], base.changes);
  const fired: string[] = [];
  const done = new Set<CompiledTrigger>();
  for (let pass = 0; pass < 100; pass++) {
    let any = false;
    for (const candidate of triggers) {
      if (done.has(candidate) || !candidate.conditions.test({ ticket, update: { ...base, changes } })) continue;
      done.add(candidate);
      any = true;
      fired.push(candidate.definition.id);
      const next = applyRuleChanges(ticket, candidate.actions.plan(ticket).changes);
      changes = mergeChanges(changes, diffTickets(ticket, next));
      ticket = next;
    }
    if (!any) break;
  }
  return { fired, ticket };
}

describe('trigger cycle change tracking', () => {
  it('fires exactly what the plain cycle fires, in the same order, with the same result', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(trigger, { minLength: 1, maxLength: 8 }),
        fc.uniqueArray(tag),
        priority,
        async (definitions, tags, startPriority) => {
          const clock = new SimulatedClock(START);
          const effects = new MemoryRuleEffects({ clock, keepHistory: false });
          const engine = createRulesEngine({
            clock,
            effects,
            limits: { maxDepth: 1000, perRule: { max: 10_000, windowMs: 1_000 } },
          });
          engine.registry.triggers.replace(
            T,
            definitions.map((d, i) => ({
              id: `trg_${i}`,
              title: 't',
              position: i,
              conditions: { all: d.all, any: d.any },
              actions: d.actions,
            })),
          );
          const start = effects.put(ruleTicket({ tags, priority: startPriority, groupId: 'g1' }));
          const write = writeOf(start, { changes: [{ property: 'priority', from: 'low', to: startPriority }] });
          const report = await engine.runTriggers(write);
          const expected = reference(engine.registry.triggers.active(T), start, {
            type: 'updated',
            actor: write.entry.actor,
            changes: write.entry.changes,
            loop: false,
          });
          expect(report.fired).toEqual(expected.fired);
          const pick = (t: Ticket) => ({ tags: t.tags, status: t.status, priority: t.priority, groupId: t.groupId });
          expect(pick(report.ticket)).toEqual(pick(expected.ticket));
        },
      ),
      {
        numRuns: 300,
        // Found by this test: a write listing a change to the same value.
        examples: [
          [
            [
              {
                all: [{ field: 'changed.priority', operator: 'not_changed' }],
                any: [],
                actions: [{ type: 'remove_tags', tags: ['a'] }],
              },
              {
                all: [{ field: 'tags', operator: 'present' }],
                any: [],
                actions: [{ type: 'remove_tags', tags: ['a'] }],
              },
            ],
            ['a'],
            'low',
          ],
        ],
      },
    );
  });
});
