import { SimulatedClock } from '@hotline/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../model/ticket.js';
import { createRulesEngine, type RulesEngine } from './rules-engine.js';
import type { RuleEvent } from './runtime.js';
import { MemoryRuleEffects, ruleTicket, START, T } from './test-kit.js';

const HOUR = 3_600_000;
let clock: SimulatedClock;
let effects: MemoryRuleEffects;
let engine: RulesEngine;
let events: RuleEvent[];

beforeEach(() => {
  clock = new SimulatedClock(START);
  effects = new MemoryRuleEffects({ clock });
  events = [];
  engine = createRulesEngine({ clock, effects, reader: effects, onEvent: (e) => events.push(e) });
  effects.hook = engine.hook;
});

function pendingTicket(overrides: Partial<Ticket> = {}): Ticket {
  return effects.put(ruleTicket({ status: 'pending', assigneeId: 'agt_1', ...overrides }));
}

describe('automations', () => {
  it('fires once per ticket, then again only after its conditions stopped matching', async () => {
    engine.registry.automations.define(T, {
      id: 'aut_remind',
      title: 'Remind after 2 days pending',
      conditions: {
        all: [
          { field: 'status', operator: 'is', value: 'pending' },
          { field: 'hours_since.status.pending', operator: 'greater_than', value: 48 },
          { field: 'tags', operator: 'not_includes', value: 'reminded' },
        ],
      },
      actions: [
        { type: 'add_tags', tags: ['reminded'] },
        {
          type: 'notify',
          target: { type: 'requester' },
          subject: 'Still need help with #{{ticket.number}}?',
          body: '…',
        },
      ],
    });
    const ticket = pendingTicket();
    expect((await engine.runAutomations()).fired).toEqual([]);
    await clock.advance(49 * HOUR);
    const first = await engine.runAutomations();
    expect(first.fired).toEqual([{ tenantId: T, automationId: 'aut_remind', ticketId: ticket.id }]);
    expect(effects.writes[0]?.ctx.actor).toEqual({ type: 'automation', id: 'aut_remind' });
    expect(effects.writes[0]?.ctx.depth).toBe(0);
    expect(effects.notifications[0]?.notification.subject).toBe(`Still need help with #${ticket.number}?`);
    await clock.advance(HOUR);
    expect((await engine.runAutomations()).fired).toEqual([]);
    // Someone removes the tag: the conditions match again, and it fires again.
    effects.tickets.set(ticket.id, { ...(effects.tickets.get(ticket.id) as Ticket), tags: [] });
    expect((await engine.runAutomations()).fired).toHaveLength(1);
  });

  it('fires an `is N hours` automation once while it holds, and again after it stopped holding', async () => {
    engine.registry.automations.define(T, {
      id: 'aut_24h',
      title: 'Nudge at 24 h',
      conditions: { all: [{ field: 'hours_since.created', operator: 'is', value: 24 }] },
      actions: [{ type: 'notify', target: { type: 'assignee' }, subject: 'Day old', body: '{{ticket.subject}}' }],
    });
    pendingTicket();
    const fires: number[] = [];
    for (let minutes = 0; minutes <= 26 * 60; minutes += 15) {
      const report = await engine.runAutomations(START + minutes * 60_000);
      if (report.fired.length > 0) fires.push(minutes);
    }
    expect(fires).toEqual([24 * 60]);
  });

  it('runs on the scheduler and on the simulated clock; skips closed tickets', async () => {
    engine.registry.automations.define(T, {
      id: 'aut_close',
      title: 'Close solved after 4 days',
      conditions: {
        all: [
          { field: 'status', operator: 'is', value: 'solved' },
          { field: 'hours_since.solved', operator: 'greater_or_equal', value: 96 },
        ],
      },
      actions: [{ type: 'set_status', status: 'closed' }],
    });
    const solved = effects.put(
      ruleTicket({ status: 'solved', assigneeId: 'agt_1', solvedAt: new Date(START).toISOString() }),
    );
    const closed = effects.put(ruleTicket({ status: 'closed' }));
    const scheduler = engine.scheduleAutomations({ intervalMs: HOUR });
    scheduler.start();
    await clock.advance(95 * HOUR);
    expect(effects.tickets.get(solved.id)?.status).toBe('solved');
    await clock.advance(HOUR);
    expect(effects.tickets.get(solved.id)?.status).toBe('closed');
    expect(effects.writes.map((w) => w.ticketId)).toEqual([solved.id]);
    expect(effects.tickets.get(closed.id)?.version).toBe(1);
    scheduler.stop();
    expect(clock.nextDueAt()).toBeUndefined();
  });

  it('its writes run triggers (attributed to the trigger, one level deeper)', async () => {
    engine.registry.automations.define(T, {
      id: 'aut_escalate',
      title: 'Escalate stale urgent',
      conditions: {
        all: [
          { field: 'priority', operator: 'is', value: 'high' },
          { field: 'hours_since.updated', operator: 'greater_than', value: 8 },
        ],
      },
      actions: [{ type: 'set_priority', priority: 'urgent' }],
    });
    engine.registry.triggers.define(T, {
      id: 'trg_urgent',
      title: 'Tag urgent',
      conditions: { all: [{ field: 'priority', operator: 'changed_to', value: 'urgent' }] },
      actions: [{ type: 'add_tags', tags: ['escalated'] }],
    });
    const ticket = pendingTicket({ priority: 'high' });
    await engine.runAutomations(START + 9 * HOUR);
    expect(effects.writes.map((w) => [w.ctx.actor, w.ctx.depth])).toEqual([
      [{ type: 'automation', id: 'aut_escalate' }, 0],
      [{ type: 'trigger', id: 'trg_urgent' }, 1],
    ]);
    expect(effects.tickets.get(ticket.id)?.tags).toEqual(['escalated']);
  });

  it('caps the tickets one automation acts on per run, the rest wait for the next run', async () => {
    engine = createRulesEngine({ clock, effects, reader: effects, limits: { maxTicketsPerAutomation: 2 } });
    engine.registry.automations.define(T, {
      id: 'aut_tag',
      title: 'Tag',
      conditions: { all: [{ field: 'tags', operator: 'not_includes', value: 'seen' }] },
      actions: [{ type: 'add_tags', tags: ['seen'] }],
    });
    for (let i = 0; i < 5; i++) pendingTicket();
    const first = await engine.runAutomations();
    expect(first.fired).toHaveLength(2);
    expect(first.capped).toEqual([{ tenantId: T, automationId: 'aut_tag' }]);
    expect((await engine.runAutomations()).fired).toHaveLength(2);
    expect((await engine.runAutomations()).fired).toHaveLength(1);
  });

  it('retries at the next run when its write failed, and reports a candidate source that throws', async () => {
    engine.registry.automations.define(T, {
      id: 'aut_tag',
      title: 'Tag',
      conditions: { all: [{ field: 'tags', operator: 'not_includes', value: 'seen' }] },
      actions: [{ type: 'add_tags', tags: ['seen'] }],
    });
    pendingTicket();
    effects.failWrites = new Error('database down');
    await engine.runAutomations();
    effects.failWrites = undefined;
    expect((await engine.runAutomations()).fired).toHaveLength(1);
    expect(events.some((e) => e.type === 'action_failed')).toBe(true);

    const broken = createRulesEngine({
      clock,
      effects,
      reader: { listCandidates: () => Promise.reject(new Error('no list')) },
      registry: engine.registry,
      onEvent: (e) => events.push(e),
    });
    await expect(broken.runAutomations()).resolves.toMatchObject({ fired: [] });
    expect(events.at(-1)).toMatchObject({ type: 'error', tenantId: T, error: { message: 'no list' } });
  });
});
