import { describe, expect, it } from 'vitest';
import type { AfterWriteHook } from '../model/ports.js';
import { agent, makeKit, requester, TENANT } from '../service/test-kit.js';
import type { RuleNotification } from './ports.js';
import { createRulesEngine, type RulesEngine } from './rules-engine.js';
import type { RuleEvent } from './runtime.js';
import { createServiceRuleAdapter } from './service-adapter.js';

// The rules engine wired to the real ticket service: every rule write goes through the
// service (lifecycle, validation, history, hooks), attributed to the rule.

function wired() {
  let rules: RulesEngine | undefined;
  const hook: AfterWriteHook = {
    name: 'rules',
    afterWrite: (result) => (rules as RulesEngine).hook.afterWrite(result),
  };
  const kit = makeKit({ hooks: [hook], fields: [{ key: 'queue', type: 'text' }] });
  const notifications: RuleNotification[] = [];
  const events: RuleEvent[] = [];
  const { effects, reader } = createServiceRuleAdapter({
    service: kit.tickets,
    store: kit.store,
    notify: async (_ctx, notification) => {
      notifications.push(notification);
    },
    displayName: async (_tenantId, kind, id) => (kind === 'contact' && id === 'ctc_1' ? 'Ada' : undefined),
  });
  rules = createRulesEngine({ clock: kit.clock, effects, reader, onEvent: (event) => events.push(event) });
  return { kit, rules, notifications, events };
}

describe('rules on the ticket service', () => {
  it('classifies, runs triggers and records who did what in the history', async () => {
    const { kit, rules, notifications, events } = wired();
    rules.registry.classifiers.define(TENANT, {
      id: 'cls_billing',
      title: 'Billing',
      words: 'refund 退款',
      set: { groupId: 'grp_billing', tags: ['billing'] },
    });
    rules.registry.triggers.replace(TENANT, [
      {
        id: 'trg_ack',
        title: 'Acknowledge new tickets',
        position: 1,
        conditions: { all: [{ field: 'update.type', operator: 'is', value: 'created' }] },
        actions: [
          { type: 'comment', body: 'Hi {{requester.name}}, we got #{{ticket.number}}.', public: true },
          { type: 'notify', target: { type: 'requester' }, subject: 'Re: {{ticket.subject}}', body: 'We are on it.' },
        ],
      },
      {
        id: 'trg_billing_high',
        title: 'Billing is high priority',
        position: 2,
        conditions: {
          all: [
            { field: 'groupId', operator: 'is', value: 'grp_billing' },
            { field: 'priority', operator: 'less_than', value: 'high' },
          ],
        },
        actions: [
          { type: 'set_priority', priority: 'high' },
          { type: 'set_field', key: 'queue', value: 'money' },
        ],
      },
    ]);
    const created = await kit.tickets.create(requester(), {
      subject: 'Refund please',
      requesterId: 'ctc_1',
      description: '我要退款',
      source: { kind: 'email' },
    });
    const ticket = await kit.tickets.get({ tenantId: TENANT }, created.id);
    expect(ticket).toMatchObject({
      groupId: 'grp_billing',
      priority: 'high',
      tags: ['billing'],
      fields: { queue: 'money' },
    });
    const history = await kit.tickets.history({ tenantId: TENANT }, created.id);
    expect(history.map((entry) => [entry.actor, entry.depth])).toEqual([
      [{ type: 'requester', id: 'ctc_1' }, 0],
      [{ type: 'trigger', id: 'cls_billing' }, 1],
      [{ type: 'trigger', id: 'trg_ack' }, 1],
      [{ type: 'trigger', id: 'trg_billing_high' }, 1],
    ]);
    const page = await kit.tickets.comments({ tenantId: TENANT }, created.id);
    expect(page.items.map((c) => [c.author, c.body])).toEqual([
      ['requester', '我要退款'],
      ['system', `Hi Ada, we got #${created.number}.`],
    ]);
    expect(notifications.map((n) => [n.target, n.subject])).toEqual([
      [{ type: 'requester', contactId: 'ctc_1' }, 'Re: Refund please'],
    ]);
    expect(kit.errors).toEqual([]);
    expect(events).toEqual(expect.not.arrayContaining([expect.objectContaining({ type: 'action_failed' })]));
  });

  it('reports a write the service refuses, and the original writer never sees it', async () => {
    const { kit, rules, events } = wired();
    rules.registry.triggers.define(TENANT, {
      id: 'trg_solve',
      title: 'Solve on thanks',
      conditions: { all: [{ field: 'comment.body', operator: 'includes', value: 'thanks' }] },
      actions: [{ type: 'set_status', status: 'solved' }],
    });
    const ticket = await kit.tickets.create(agent(), { subject: 'Hi', requesterId: 'ctc_1', status: 'open' });
    // Solving needs an assignee: the service refuses the trigger's write.
    await expect(kit.tickets.comment(requester(), ticket.id, { body: 'Thanks!', public: true })).resolves.toBeDefined();
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'action_failed',
        action: 'write',
        error: expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }),
      }),
    );
    expect((await kit.tickets.get({ tenantId: TENANT }, ticket.id)).status).toBe('open');
  });

  it('runs automations over the service store', async () => {
    const { kit, rules } = wired();
    rules.registry.automations.define(TENANT, {
      id: 'aut_stale',
      title: 'Flag stale tickets',
      conditions: {
        all: [
          { field: 'hours_since.updated', operator: 'greater_than', value: 24 },
          { field: 'tags', operator: 'not_includes', value: 'stale' },
        ],
      },
      actions: [{ type: 'add_tags', tags: ['stale'] }],
    });
    const ticket = await kit.tickets.create(agent(), { subject: 'Old', requesterId: 'ctc_1', status: 'open' });
    await kit.clock.advance(25 * 3_600_000);
    const report = await rules.runAutomations();
    expect(report.fired).toEqual([{ tenantId: TENANT, automationId: 'aut_stale', ticketId: ticket.id }]);
    const history = await kit.tickets.history({ tenantId: TENANT }, ticket.id);
    expect(history.at(-1)?.actor).toEqual({ type: 'automation', id: 'aut_stale' });
    expect((await rules.runAutomations()).fired).toEqual([]);
  });

  it('writes a macro as the agent who applies it', async () => {
    const { kit, rules } = wired();
    rules.registry.macros.define(TENANT, {
      id: 'mac_take',
      title: 'Take it',
      actions: [
        { type: 'assign', currentAgent: true },
        { type: 'set_status', status: 'pending' },
      ],
      comment: { body: 'On it, {{requester.name}}.', public: true },
    });
    const ticket = await kit.tickets.create(requester(), { subject: 'Help', requesterId: 'ctc_1' });
    const applied = await rules.applyMacro(agent('agt_7'), ticket.id, 'mac_take', { write: true });
    expect(applied.ticket).toMatchObject({ assigneeId: 'agt_7', status: 'pending' });
    const history = await kit.tickets.history({ tenantId: TENANT }, ticket.id);
    // One write: the assignment, the status and the reply in one entry, naming the macro.
    expect(history.slice(1).map((entry) => [entry.actor, entry.comment?.author, entry.meta])).toEqual([
      [{ type: 'agent', id: 'agt_7' }, 'agent', { macroId: 'mac_take' }],
    ]);
    expect(history[1]?.changes.map((change) => change.property).sort()).toEqual(['assigneeId', 'status']);
    const comments = await kit.tickets.comments({ tenantId: TENANT }, ticket.id);
    expect(comments.items.at(-1)).toMatchObject({ author: 'agent', authorId: 'agt_7', body: 'On it, Ada.' });
  });
});
