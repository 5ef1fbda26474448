import { NotFoundError, SimulatedClock } from '@hotline/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { WriteContext } from '../model/ports.js';
import { createRulesEngine, type RulesEngine } from './rules-engine.js';
import { MemoryRuleEffects, ruleTicket, START, T, writeOf } from './test-kit.js';

let clock: SimulatedClock;
let effects: MemoryRuleEffects;
let engine: RulesEngine;
const agent: WriteContext = { tenantId: T, actor: { type: 'agent', id: 'agt_7' }, depth: 0 };

beforeEach(() => {
  clock = new SimulatedClock(START);
  effects = new MemoryRuleEffects({ clock });
  engine = createRulesEngine({ clock, effects, reader: effects });
  effects.hook = engine.hook;
  effects.names.set('contact:ctc_1', 'Ada Lovelace');
  effects.names.set('agent:agt_7', 'Grace');
  engine.registry.macros.define(T, {
    id: 'mac_take',
    title: 'Take it and ask for details',
    actions: [
      { type: 'assign', currentAgent: true },
      { type: 'set_status', status: 'pending' },
      { type: 'add_tags', tags: ['needs_info'] },
    ],
    comment: {
      body: 'Hi {{requester.name}},\n\nCould you send the order number for #{{ticket.number}} ({{ticket.fields.plan}})?\n\n{{current_user.name}}',
      public: true,
    },
  });
  engine.registry.macros.define(T, { id: 'mac_thanks', title: 'Thanks', comment: { body: 'Thanks!', public: true } });
});

describe('macros', () => {
  it('returns the changes and the rendered comment without writing', async () => {
    const ticket = effects.put(ruleTicket({ fields: { plan: 'pro' } }));
    const applied = await engine.applyMacro(agent, ticket.id, 'mac_take');
    expect(applied.written).toBe(false);
    expect(applied.changes).toEqual({ assigneeId: 'agt_7', status: 'pending', addTags: ['needs_info'] });
    expect(applied.comment).toEqual({
      body: `Hi Ada Lovelace,\n\nCould you send the order number for #${ticket.number} (pro)?\n\nGrace`,
      public: true,
    });
    expect(applied.ticket.status).toBe('pending');
    expect(effects.writes).toHaveLength(0);
  });

  it('writes as the agent in one write when asked', async () => {
    const ticket = effects.put(ruleTicket());
    const applied = await engine.applyMacro(agent, ticket, 'mac_take', { write: true });
    expect(applied.written).toBe(true);
    expect(effects.writes).toHaveLength(1);
    expect(effects.writes[0]?.ctx.actor).toEqual({ type: 'agent', id: 'agt_7' });
    expect(effects.writes[0]?.changes.meta).toEqual({ macroId: 'mac_take' });
    expect(applied.ticket.version).toBe(2);
    // A canned response is a comment-only write.
    await engine.applyMacro(agent, ticket.id, 'mac_thanks', { write: true });
    expect(effects.writes[1]?.changes).toEqual({
      comment: { body: 'Thanks!', public: true },
      meta: { macroId: 'mac_thanks' },
    });
  });

  it('throws NotFoundError for unknown or inactive macros and unknown tickets', async () => {
    const ticket = effects.put(ruleTicket());
    await expect(engine.applyMacro(agent, ticket.id, 'mac_nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(engine.applyMacro(agent, 'tkt_nope', 'mac_take')).rejects.toBeInstanceOf(NotFoundError);
    engine.registry.macros.define(T, {
      id: 'mac_off',
      title: 'off',
      active: false,
      comment: { body: 'x', public: true },
    });
    await expect(engine.applyMacro(agent, ticket.id, 'mac_off')).rejects.toBeInstanceOf(NotFoundError);
    await expect(engine.applyMacro({ ...agent, tenantId: 'ten_other' }, ticket.id, 'mac_take')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('classification', () => {
  beforeEach(() => {
    engine.registry.classifiers.replace(T, [
      {
        id: 'cls_billing',
        title: 'Billing',
        position: 1,
        words: 'refund invoice "credit card" 退款 发票',
        set: { groupId: 'grp_billing', tags: ['billing'] },
      },
      {
        id: 'cls_outage',
        title: 'Outage',
        position: 2,
        words: ['down', 'outage', '无法登录', '宕机'],
        set: { priority: 'urgent', groupId: 'grp_ops', tags: ['outage'] },
      },
      {
        id: 'cls_enterprise',
        title: 'Enterprise plan',
        position: 3,
        conditions: { all: [{ field: 'fields.plan', operator: 'is', value: 'enterprise' }] },
        set: { priority: 'high', fields: { tier: 'gold' } },
      },
      {
        id: 'cls_body_only',
        title: 'Body only',
        position: 4,
        words: 'chargeback',
        in: ['body'],
        set: { tags: ['chargeback'] },
      },
    ]);
  });

  it.each([
    ['I want a REFUND for my last invoice', undefined, { groupId: 'grp_billing', addTags: ['billing'] }],
    ['Refunded already, thanks', undefined, {}],
    ['Crédit CARD declined', undefined, { groupId: 'grp_billing', addTags: ['billing'] }],
    ['creditcard declined', undefined, {}],
    ['Credit-card declined', undefined, { groupId: 'grp_billing', addTags: ['billing'] }],
    ['我要退款', undefined, { groupId: 'grp_billing', addTags: ['billing'] }],
    ['系统宕机了，无法登录', undefined, { priority: 'urgent', groupId: 'grp_ops', addTags: ['outage'] }],
    [
      'Site down, need a refund',
      undefined,
      { groupId: 'grp_billing', addTags: ['billing', 'outage'], priority: 'urgent' },
    ],
    ['Question', 'There was a chargeback on my card', { addTags: ['chargeback'] }],
    ['chargeback', undefined, {}],
  ])('%s (body %s)', (subject, body, expected) => {
    expect(engine.classify(T, { subject, priority: 'normal', tags: [], fields: {} }, body).changes).toEqual(expected);
  });

  it('never overrides what the creator chose, and uses field conditions', () => {
    const result = engine.classify(
      T,
      {
        subject: 'site is down',
        priority: 'urgent',
        groupId: 'grp_vip',
        tags: ['outage'],
        fields: { plan: 'enterprise' },
      },
      undefined,
    );
    expect(result.changes).toEqual({ fields: { tier: 'gold' } });
    expect(result.matched.map((m) => m.ruleId)).toEqual(['cls_enterprise']);
  });

  it('classifies a new ticket through the hook, one write per rule, attributed to the rule', async () => {
    engine.registry.triggers.define(T, {
      id: 'trg_billing',
      title: 'Billing follow-up',
      conditions: { all: [{ field: 'groupId', operator: 'changed_to', value: 'grp_billing' }] },
      actions: [{ type: 'add_tags', tags: ['routed'] }],
    });
    const ticket = effects.put(
      ruleTicket({ status: 'new', subject: 'Invoice problem', fields: { plan: 'enterprise' } }),
    );
    effects.bodies.set('cmt_first', 'There was a chargeback');
    const report = await engine.runTriggers(
      writeOf(ticket, {
        kind: 'created',
        actor: { type: 'requester', id: 'ctc_1' },
        comment: { id: 'cmt_first', public: true, author: 'requester' },
      }),
    );
    expect(report.classifiedBy).toEqual(['cls_billing', 'cls_enterprise', 'cls_body_only']);
    expect(effects.writes.map((w) => w.ctx.actor)).toEqual([
      { type: 'trigger', id: 'cls_billing' },
      { type: 'trigger', id: 'cls_enterprise' },
      { type: 'trigger', id: 'cls_body_only' },
      { type: 'trigger', id: 'trg_billing' },
    ]);
    expect(effects.writes[0]?.changes.meta).toEqual({ rule: 'classification', ruleId: 'cls_billing' });
    expect(effects.tickets.get(ticket.id)).toMatchObject({
      groupId: 'grp_billing',
      priority: 'high',
      tags: ['billing', 'chargeback', 'routed'],
      fields: { plan: 'enterprise', tier: 'gold' },
    });
  });

  it('is skipped when the creator already classified the ticket (pre-create)', async () => {
    const ticket = effects.put(ruleTicket({ status: 'new', subject: 'Invoice problem' }));
    const report = await engine.runTriggers(writeOf(ticket, { kind: 'created', meta: { classified: true } }));
    expect(report.classifiedBy).toEqual([]);
    expect(effects.writes).toHaveLength(0);
  });
});
