import { SimulatedClock } from '@hotline/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../model/ticket.js';
import type { TriggerInput } from './rule-schema.js';
import { createRulesEngine, type RulesEngine } from './rules-engine.js';
import type { RuleEvent } from './runtime.js';
import { MemoryRuleEffects, ruleTicket, START, T, writeOf } from './test-kit.js';

let clock: SimulatedClock;
let effects: MemoryRuleEffects;
let events: RuleEvent[];
let engine: RulesEngine;

function setup(limits?: Parameters<typeof createRulesEngine>[0]['limits']) {
  clock = new SimulatedClock(START);
  effects = new MemoryRuleEffects({ clock });
  events = [];
  engine = createRulesEngine({ clock, effects, reader: effects, onEvent: (e) => events.push(e), limits });
  effects.hook = engine.hook;
}

function trigger(id: string, position: number, rest: Omit<TriggerInput, 'id' | 'title' | 'position'>): void {
  engine.registry.triggers.define(T, { id, title: id, position, ...rest });
}

/** A ticket stored in the effects, and the write that "created" it. */
function created(overrides: Partial<Ticket> = {}) {
  const ticket = effects.put(ruleTicket({ status: 'new', ...overrides }));
  return writeOf(ticket, {
    kind: 'created',
    actor: { type: 'requester', id: ticket.requesterId },
    changes: [{ property: 'status', from: undefined, to: 'new' }],
  });
}

beforeEach(() => setup());

describe('trigger cycle', () => {
  it('evaluates in position order; later triggers see earlier results; each fires once', async () => {
    // Position 2 matches only after position 1 ran; position 3 would match again after 2.
    trigger('trg_b', 2, {
      conditions: { all: [{ field: 'tags', operator: 'includes', value: 'a' }] },
      actions: [{ type: 'add_tags', tags: ['b'] }],
    });
    trigger('trg_a', 1, {
      conditions: { all: [{ field: 'update.type', operator: 'is', value: 'created' }] },
      actions: [{ type: 'add_tags', tags: ['a'] }],
    });
    trigger('trg_c', 3, {
      conditions: { all: [{ field: 'tags', operator: 'includes', value: 'b' }] },
      actions: [
        { type: 'add_tags', tags: ['c'] },
        { type: 'remove_tags', tags: ['a'] },
      ],
    });
    const report = await engine.runTriggers(created());
    expect(report.fired).toEqual(['trg_a', 'trg_b', 'trg_c']);
    expect(report.ticket.tags).toEqual(['b', 'c']);
    // trg_a would still match ('created'), and trg_b no longer: neither fires twice.
    expect(effects.writes).toHaveLength(3);
    expect(report.passes).toBe(2);
  });

  it('repeats the cycle over triggers that have not fired', async () => {
    // trg_1 is evaluated before trg_2 makes it match: only a second pass fires it.
    trigger('trg_1', 1, {
      conditions: { all: [{ field: 'priority', operator: 'is', value: 'urgent' }] },
      actions: [{ type: 'assign', groupId: 'grp_escalations' }],
    });
    trigger('trg_2', 2, {
      conditions: { all: [{ field: 'subject', operator: 'includes', value: 'fire' }] },
      actions: [{ type: 'set_priority', priority: 'urgent' }],
    });
    const report = await engine.runTriggers(created());
    expect(report.fired).toEqual(['trg_2', 'trg_1']);
    expect(report.passes).toBe(3);
    expect(report.ticket.groupId).toBe('grp_escalations');
  });

  it('sees the changes of the cycle as changes of the update', async () => {
    trigger('trg_pri', 1, {
      conditions: { all: [{ field: 'update.type', operator: 'is', value: 'created' }] },
      actions: [{ type: 'set_priority', priority: 'high' }],
    });
    trigger('trg_seen', 2, {
      conditions: { all: [{ field: 'priority', operator: 'changed_to', value: 'high' }] },
      actions: [{ type: 'add_tags', tags: ['raised'] }],
    });
    const report = await engine.runTriggers(created());
    expect(report.fired).toEqual(['trg_pri', 'trg_seen']);
  });

  it('attributes each trigger write to the trigger, all its changes in one write', async () => {
    effects.names.set('contact:ctc_1', 'Ada');
    trigger('trg_all', 1, {
      conditions: { all: [{ field: 'update.type', operator: 'is', value: 'created' }] },
      actions: [
        { type: 'set_status', status: 'open' },
        { type: 'set_priority', priority: 'high' },
        { type: 'assign', agentId: 'agt_9', groupId: 'grp_2' },
        { type: 'set_field', key: 'plan', value: 'pro' },
        { type: 'add_tags', tags: ['x', 'y'] },
        { type: 'comment', body: 'Hello {{requester.name}}, #{{ticket.number}} is {{ticket.status}}.', public: true },
      ],
    });
    const write = created();
    await engine.runTriggers(write);
    expect(effects.writes).toHaveLength(1);
    const [only] = effects.writes;
    expect(only?.ctx).toEqual({ tenantId: T, actor: { type: 'trigger', id: 'trg_all' }, depth: 1 });
    expect(only?.entry.actor).toEqual({ type: 'trigger', id: 'trg_all' });
    expect(only?.changes).toEqual({
      status: 'open',
      priority: 'high',
      assigneeId: 'agt_9',
      groupId: 'grp_2',
      fields: { plan: 'pro' },
      addTags: ['x', 'y'],
      comment: { body: `Hello Ada, #${write.ticket.number} is open.`, public: true },
      meta: { rule: 'trigger', ruleId: 'trg_all' },
    });
    expect(only?.entry.changes.map((c) => c.property).sort()).toEqual(
      ['assigneeId', 'fields.plan', 'groupId', 'priority', 'status', 'tags'].sort(),
    );
  });

  it('writes nothing when the actions change nothing, and notifies and calls webhooks after the write', async () => {
    trigger('trg_noop', 1, {
      conditions: { all: [{ field: 'status', operator: 'is', value: 'new' }] },
      actions: [
        { type: 'set_status', status: 'open' },
        { type: 'notify', target: { type: 'assignee' }, subject: 'New: {{ticket.subject}}', body: '{{ticket.status}}' },
        { type: 'notify', target: { type: 'email', address: 'boss@example.com' }, subject: 's', body: 'b' },
        {
          type: 'webhook',
          subscriptionId: 'sub_1',
          payload: { id: '{{ticket.id}}', status: '{{ticket.status}}', n: 1 },
        },
      ],
    });
    const write = created({ assigneeId: 'agt_1' });
    await engine.runTriggers(write);
    expect(effects.notifications.map((n) => n.notification)).toEqual([
      {
        tenantId: T,
        ticketId: write.ticket.id,
        target: { type: 'assignee', agentId: 'agt_1' },
        subject: 'New: Printer on fire',
        body: 'open',
        autoSubmitted: true,
      },
      expect.objectContaining({ target: { type: 'email', address: 'boss@example.com' } }),
    ]);
    expect(effects.webhooks[0]?.delivery).toEqual({
      tenantId: T,
      ticketId: write.ticket.id,
      subscriptionId: 'sub_1',
      payload: { id: write.ticket.id, status: 'open', n: 1 },
    });
    expect(effects.webhooks[0]?.ctx.actor).toEqual({ type: 'trigger', id: 'trg_noop' });

    // Same trigger on a ticket already open: status unchanged → no write, still notifies.
    effects.writes.length = 0;
    trigger('trg_noop', 1, {
      conditions: { all: [{ field: 'status', operator: 'is', value: 'open' }] },
      actions: [
        { type: 'set_status', status: 'open' },
        { type: 'notify', target: { type: 'requester' }, subject: 's', body: 'b' },
      ],
    });
    const open = effects.put(ruleTicket({ status: 'open' }));
    await engine.runTriggers(writeOf(open));
    expect(effects.writes).toHaveLength(0);
    expect(effects.notifications.at(-1)?.notification.target).toEqual({ type: 'requester', contactId: 'ctc_1' });
  });

  it('ignores writes made by triggers (they belong to the running cycle)', async () => {
    trigger('trg_1', 1, {
      conditions: { all: [{ field: 'status', operator: 'is', value: 'new' }] },
      actions: [{ type: 'add_tags', tags: ['seen'] }],
    });
    const ticket = effects.put(ruleTicket({ status: 'new' }));
    const report = await engine.runTriggers(writeOf(ticket, { actor: { type: 'trigger', id: 'trg_other' }, depth: 1 }));
    expect(report.skipped).toBe('rule_write');
    expect(effects.writes).toHaveLength(0);
  });

  it('stops at the recursion limit and records it, without throwing', async () => {
    setup({ maxDepth: 3 });
    // Each trigger enables the next one, so every pass fires exactly one: depth 1, 2, 3, then 4 > 3.
    for (let i = 1; i <= 5; i++) {
      trigger(`trg_${i}`, 10 - i, {
        conditions: { all: [{ field: 'tags', operator: 'includes', value: `t${i - 1}` }] },
        actions: [{ type: 'add_tags', tags: [`t${i}`] }],
      });
    }
    const report = await engine.runTriggers(created({ tags: ['t0'] }));
    expect(report.fired).toEqual(['trg_1', 'trg_2', 'trg_3']);
    expect(report.stopped).toEqual({ limit: 'max_depth', ruleId: 'trg_4' });
    expect(effects.writes.map((w) => w.ctx.depth)).toEqual([1, 2, 3]);
    expect(events).toContainEqual({
      type: 'limit_reached',
      tenantId: T,
      ticketId: report.ticketId,
      limit: 'max_depth',
      rule: { kind: 'trigger', id: 'trg_4' },
      depth: 4,
    });
  });

  it('counts depth from the write that started the cycle', async () => {
    setup({ maxDepth: 2 });
    trigger('trg_1', 1, {
      conditions: { all: [{ field: 'status', operator: 'is', value: 'open' }] },
      actions: [{ type: 'add_tags', tags: ['x'] }],
    });
    const ticket = effects.put(ruleTicket());
    const report = await engine.runTriggers(writeOf(ticket, { actor: { type: 'automation', id: 'aut_1' }, depth: 2 }));
    expect(report.stopped?.limit).toBe('max_depth');
    expect(effects.writes).toHaveLength(0);
  });

  it('enforces the per-rule execution limit over a sliding window', async () => {
    setup({ perRule: { max: 3, windowMs: 3_600_000 } });
    trigger('trg_echo', 1, {
      conditions: { all: [{ field: 'comment.author', operator: 'is', value: 'requester' }] },
      actions: [{ type: 'comment', body: 'We got your message.', public: true }],
    });
    const ticket = effects.put(ruleTicket());
    const reply = () =>
      engine.runTriggers(
        writeOf(effects.tickets.get(ticket.id) as Ticket, {
          kind: 'commented',
          actor: { type: 'requester', id: 'ctc_1' },
          comment: { id: `cmt_${clock.now()}`, public: true, author: 'requester' },
        }),
      );
    for (let i = 0; i < 3; i++) {
      expect((await reply()).fired).toEqual(['trg_echo']);
      await clock.advance(60_000);
    }
    const limited = await reply();
    expect(limited.fired).toEqual([]);
    expect(limited.stopped).toEqual({ limit: 'rule_rate', ruleId: 'trg_echo' });
    expect(events.filter((e) => e.type === 'limit_reached')).toHaveLength(1);
    // The window slides: an hour after the first fire, one more is allowed.
    await clock.advance(3_600_000 - 3 * 60_000);
    expect((await reply()).fired).toEqual(['trg_echo']);
    expect((await reply()).stopped?.limit).toBe('rule_rate');
  });

  it('a trigger limit overrides the engine default, per ticket', async () => {
    trigger('trg_once', 1, {
      conditions: { all: [{ field: 'status', operator: 'is', value: 'open' }] },
      actions: [{ type: 'notify', target: { type: 'requester' }, subject: 's', body: 'b' }],
      limit: { max: 1, windowMs: 86_400_000 },
    });
    const a = effects.put(ruleTicket());
    const b = effects.put(ruleTicket());
    expect((await engine.runTriggers(writeOf(a))).fired).toEqual(['trg_once']);
    expect((await engine.runTriggers(writeOf(a))).fired).toEqual([]);
    expect((await engine.runTriggers(writeOf(b))).fired).toEqual(['trg_once']);
  });

  it('never notifies the requester about a bounce or an auto-reply (no mail loops)', async () => {
    trigger('trg_ack', 1, {
      conditions: { all: [{ field: 'comment.author', operator: 'is', value: 'requester' }] },
      actions: [
        { type: 'notify', target: { type: 'requester' }, subject: 'We got it', body: 'Thanks' },
        { type: 'notify', target: { type: 'assignee' }, subject: 'Reply', body: 'New reply' },
      ],
    });
    const ticket = effects.put(ruleTicket({ assigneeId: 'agt_1' }));
    const comment = { id: 'cmt_1', public: true, author: 'requester' } as const;
    await engine.runTriggers(
      writeOf(ticket, { kind: 'commented', actor: { type: 'integration', id: 'email-bounce' }, comment }),
    );
    await engine.runTriggers(
      writeOf(ticket, {
        kind: 'commented',
        actor: { type: 'requester', id: 'ctc_1' },
        comment,
        meta: { loop: true },
      }),
    );
    expect(effects.notifications.map((n) => n.notification.target.type)).toEqual(['assignee', 'assignee']);
    expect(events.filter((e) => e.type === 'notification_suppressed')).toHaveLength(2);
    // A real reply still gets its acknowledgement.
    await engine.runTriggers(
      writeOf(ticket, { kind: 'commented', actor: { type: 'requester', id: 'ctc_1' }, comment }),
    );
    expect(effects.notifications.map((n) => n.notification.target.type)).toContain('requester');
  });

  it('reads the comment body only when a condition needs it', async () => {
    let reads = 0;
    const reader = {
      ...effects,
      commentBody: async () => {
        reads++;
        return 'please REFUND me';
      },
    };
    engine = createRulesEngine({ clock, effects, reader });
    trigger('trg_status', 1, {
      conditions: { all: [{ field: 'status', operator: 'is', value: 'open' }] },
      actions: [{ type: 'add_tags', tags: ['open'] }],
    });
    const ticket = effects.put(ruleTicket());
    const comment = { id: 'cmt_1', public: true, author: 'requester' } as const;
    await engine.runTriggers(writeOf(ticket, { kind: 'commented', comment }));
    expect(reads).toBe(0);
    trigger('trg_refund', 2, {
      conditions: { all: [{ field: 'comment.body', operator: 'includes', value: 'refund' }] },
      actions: [{ type: 'add_tags', tags: ['refund'] }],
    });
    const report = await engine.runTriggers(
      writeOf(effects.tickets.get(ticket.id) as Ticket, { kind: 'commented', comment }),
    );
    expect(reads).toBe(1);
    expect(report.fired).toContain('trg_refund');
  });

  it('reports failed writes and notifications as events and never throws into the writer', async () => {
    trigger('trg_1', 1, {
      conditions: { all: [{ field: 'status', operator: 'is', value: 'open' }] },
      actions: [
        { type: 'set_status', status: 'solved' },
        { type: 'notify', target: { type: 'requester' }, subject: 's', body: 'b' },
      ],
    });
    trigger('trg_2', 2, {
      conditions: { all: [{ field: 'status', operator: 'is', value: 'open' }] },
      actions: [{ type: 'notify', target: { type: 'requester' }, subject: 's', body: 'b' }],
    });
    const ticket = effects.put(ruleTicket());
    effects.failWrites = Object.assign(new Error('solving needs an assignee'), { code: 'ILLEGAL_TRANSITION' });
    effects.failNotify = new Error('smtp down');
    const report = await engine.runTriggers(writeOf(ticket));
    expect(report.fired).toEqual(['trg_1', 'trg_2']);
    expect(events.filter((e) => e.type === 'action_failed').map((e) => e.type === 'action_failed' && e.action)).toEqual(
      ['write', 'notify'],
    );
    // The failed write's notification was not sent (it would announce something that did not happen).
    expect(effects.notifications).toHaveLength(0);
    await expect(engine.hook.afterWrite(writeOf(ticket))).resolves.toBeUndefined();
  });

  it('skips inactive triggers and tenants without rules', async () => {
    trigger('trg_off', 1, {
      active: false,
      conditions: { all: [{ field: 'status', operator: 'is', value: 'open' }] },
      actions: [{ type: 'add_tags', tags: ['x'] }],
    });
    const ticket = effects.put(ruleTicket());
    expect((await engine.runTriggers(writeOf(ticket))).fired).toEqual([]);
    expect((await engine.runTriggers(writeOf({ ...ticket, tenantId: 'ten_other' }))).skipped).toBe('no_rules');
  });

  it('applies a macro as a trigger action, attributed to the trigger', async () => {
    engine.registry.macros.define(T, {
      id: 'mac_escalate',
      title: 'Escalate',
      actions: [
        { type: 'set_priority', priority: 'urgent' },
        { type: 'add_tags', tags: ['escalated'] },
      ],
      comment: { body: 'Escalated #{{ticket.number}}', public: false },
    });
    trigger('trg_vip', 1, {
      conditions: { all: [{ field: 'tags', operator: 'includes', value: 'vip' }] },
      actions: [
        { type: 'apply_macro', macroId: 'mac_escalate' },
        { type: 'apply_macro', macroId: 'mac_gone' },
      ],
    });
    const ticket = effects.put(ruleTicket({ tags: ['vip'] }));
    await engine.runTriggers(writeOf(ticket));
    expect(effects.writes[0]?.changes).toMatchObject({
      priority: 'urgent',
      addTags: ['escalated'],
      comment: { body: `Escalated #${ticket.number}`, public: false },
      meta: { ruleId: 'trg_vip', macroIds: ['mac_escalate'] },
    });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'action_failed', action: 'macro', rule: { kind: 'trigger', id: 'trg_vip' } }),
    );
  });

  it('runs through the hook when the service calls it after each write', async () => {
    trigger('trg_1', 1, {
      conditions: { all: [{ field: 'status', operator: 'is', value: 'new' }] },
      actions: [{ type: 'set_status', status: 'open' }],
    });
    trigger('trg_2', 2, {
      conditions: { all: [{ field: 'status', operator: 'changed_to', value: 'open' }] },
      actions: [{ type: 'add_tags', tags: ['opened'] }],
    });
    const write = created();
    await engine.hook.afterWrite(write);
    // The re-entrant hook calls for the two trigger writes started no cycles of their own.
    expect(effects.writes.map((w) => w.ctx.actor)).toEqual([
      { type: 'trigger', id: 'trg_1' },
      { type: 'trigger', id: 'trg_2' },
    ]);
    expect(effects.tickets.get(write.ticket.id)?.tags).toEqual(['opened']);
    expect(effects.histories.get(write.ticket.id)?.map((e) => e.actor.type)).toEqual([
      'requester',
      'trigger',
      'trigger',
    ]);
  });
});
