import {
  createBusinessCalendar,
  createHotline,
  createMemoryStorage,
  createPolicy,
  type Hotline,
  type HotlineEvent,
  type Principal,
  SimulatedClock,
  type Storage,
  TimerScheduler,
} from '@hotline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicketGuard } from './access/ticket-guard.js';
import { actorLabel } from './model/actor.js';
import type { WriteContext } from './model/ports.js';
import type { RuleNotification } from './rules/ports.js';
import type { SlaNotification } from './sla/escalation.js';
import { slaReportOf } from './sla/monitor.js';
import type { SlaPolicyInput } from './sla/policy.js';
import { createMemoryTicketStore } from './store/memory-ticket-store.js';
import type { TicketStore } from './store/ticket-store.js';
import { createTicketing, type Ticketing } from './ticketing.js';
import { verifyWebhookSignature } from './webhooks/signature.js';
import { startTestReceiver, type TestReceiver } from './webhooks/test-kit.js';

// One realistic day of a ticket through everything `createTicketing` composes, on a
// simulated clock and the memory storage, then a restart on the same storage.

const TENANT = 'ten_acme';
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/** Epoch ms of a Berlin wall-clock time in March 2026 (CET, UTC+1). */
const berlin = (time: string) => Date.parse(`2026-03-02T${time}:00+01:00`);
const iso = (ms: number) => new Date(ms).toISOString();
const SECRET = 'whsec_integration_test_secret_0123456789abcdef';

const office = createBusinessCalendar({
  timeZone: 'Europe/Berlin',
  weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [day, [['09:00', '17:00']]])),
});
const policies: SlaPolicyInput[] = [
  {
    id: 'sla_billing',
    name: 'Billing',
    conditions: { all: [{ field: 'groupId', operator: 'is', value: 'grp_billing' }] },
    calendarId: 'office',
    warnBeforeMs: 30 * MIN,
    targets: { normal: { first_reply: 60, next_reply: 120 }, high: { first_reply: 60, next_reply: 60 } },
    escalations: [
      {
        metric: 'first_reply',
        on: 'breach',
        actions: [{ type: 'raise_priority' }, { type: 'notify', target: { type: 'assignee' } }],
      },
    ],
  },
];

const ann: Principal = { id: 'agt_ann', tenantId: TENANT, roles: ['agent'], groups: ['grp_billing'] };
const sue: Principal = { id: 'agt_sue', tenantId: TENANT, roles: ['supervisor'] };
const asAgent = (principal: Principal): WriteContext => ({
  tenantId: TENANT,
  actor: { type: 'agent', id: principal.id },
  principal,
  depth: 0,
});
const requester = (contactId: string): WriteContext => ({
  tenantId: TENANT,
  actor: { type: 'requester', id: contactId },
  depth: 0,
});

interface Shared {
  clock: SimulatedClock;
  storage: Storage;
  store: TicketStore;
  receiverUrl?: string;
}

interface Process {
  hotline: Hotline;
  ticketing: Ticketing;
  /** SLA events on this process's bus, as `type metric @ instant`. */
  sla: string[];
  notifications: (RuleNotification | SlaNotification)[];
  errors: unknown[];
}

/** One process: core on the shared storage, and everything of ticketing on the shared store. */
async function boot(shared: Shared): Promise<Process> {
  const { clock, storage, store } = shared;
  // A long poll: the simulated clock then only wakes for due timers.
  const timers = new TimerScheduler({ storage, clock, pollIntervalMs: DAY });
  const hotline = createHotline({ clock, storage, timers });
  const errors: unknown[] = [];
  const notifications: Process['notifications'] = [];
  const guard = createTicketGuard({
    policy: createPolicy({ clock }),
    audit: hotline.audit,
    bus: hotline.bus,
    clock,
    fieldPermissions: { agent: { denyWrite: ['fields.refund_limit'] } },
  });
  const ticketing = createTicketing({
    hotline,
    store,
    guard,
    fields: [
      { key: 'order_id', type: 'text' },
      { key: 'refund_limit', type: 'number' },
    ],
    autoCloseAfterMs: 2 * DAY,
    onError: (report) => errors.push(report),
    rules: {
      notify: async (_ctx, notification) => void notifications.push(notification),
      onEvent: (event) => {
        if (event.type !== 'fired') errors.push(event);
      },
    },
    sla: {
      config: { policies, calendars: { office } },
      notify: async (_ctx, notification) => void notifications.push(notification),
      onError: (error) => errors.push(error),
    },
    ...(shared.receiverUrl
      ? {
          webhooks: {
            subscriptions: [
              {
                id: 'whk_sla',
                tenantId: TENANT,
                url: shared.receiverUrl,
                secret: SECRET,
                events: ['ticket.sla_breached'],
              },
            ],
            relay: { random: () => 0.5, onError: (error: unknown) => errors.push(error) },
            runRelay: false,
          },
        }
      : {}),
    tenants: () => [TENANT],
  });
  ticketing.rules.registry.classifiers.replace(TENANT, [
    { id: 'cls_billing', title: 'Billing', words: 'refund invoice', set: { groupId: 'grp_billing' } },
  ]);
  ticketing.rules.registry.triggers.replace(TENANT, [
    {
      id: 'trg_route_billing',
      title: 'Billing tickets go to Ann',
      conditions: {
        all: [
          { field: 'update.type', operator: 'is', value: 'created' },
          { field: 'groupId', operator: 'is', value: 'grp_billing' },
        ],
      },
      actions: [
        { type: 'assign', agentId: 'agt_ann' },
        {
          type: 'notify',
          target: { type: 'assignee' },
          subject: 'New: #{{ticket.number}}',
          body: '{{ticket.subject}}',
        },
      ],
    },
  ]);
  const sla: string[] = [];
  hotline.bus.subscribe('ticket.*', (event: HotlineEvent) => {
    if (event.type === 'ticket.sla_warning' || event.type === 'ticket.sla_breached')
      sla.push(`${event.type} ${event.metric} @ ${event.at}`);
  });
  await ticketing.start();
  return { hotline, ticketing, sla, notifications, errors };
}

/**
 * Moves the clock through `instants` in order and lets the timer handlers each one starts
 * finish before moving on: they write, and every write hashes the audit log with WebCrypto,
 * real asynchronous work that `SimulatedClock.advanceTo` does not wait for.
 */
async function walk(clock: SimulatedClock, process: Process, ...instants: number[]): Promise<void> {
  for (const at of instants) {
    await clock.advanceTo(at);
    await process.hotline.timers.runDue();
  }
}

async function shutdown(process: Process): Promise<void> {
  await process.ticketing.close();
  await process.hotline.stop();
}

describe('createTicketing, end to end', () => {
  let receiver: TestReceiver;
  beforeAll(async () => {
    receiver = await startTestReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('carries a ticket from a conversation to auto-close, with triggers, SLA, access, concurrency and webhooks', async () => {
    const clock = new SimulatedClock(berlin('08:00'));
    const shared: Shared = {
      clock,
      storage: createMemoryStorage({ clock }),
      store: createMemoryTicketStore(),
      receiverUrl: receiver.url,
    };
    const p = await boot(shared);
    const { tickets } = p.ticketing;
    const read = { tenantId: TENANT };

    // A requester writes in the web chat before the office opens; the agent desk files a ticket from it.
    const { conversation, contact } = await p.hotline.conversations.start({
      tenantId: TENANT,
      channel: 'webchat',
      contact: { identity: { channel: 'webchat', address: 'visitor-ada' } },
    });
    const created = await tickets.create(requester(contact.id), {
      subject: 'Refund for a double charge',
      requesterId: contact.id,
      description: 'I was charged twice for order ORD-42.',
      source: { kind: 'conversation', conversationId: conversation.id },
    });
    // Linked both ways.
    expect(created.conversationIds).toEqual([conversation.id]);
    expect((await p.hotline.conversations.get(TENANT, conversation.id)).attributes['ticketId']).toBe(created.id);
    // Classification set the group; the trigger assigned Ann and told her.
    let ticket = await tickets.get(read, created.id);
    expect(ticket).toMatchObject({ groupId: 'grp_billing', assigneeId: 'agt_ann', priority: 'normal' });
    expect(p.notifications).toEqual([expect.objectContaining({ target: { type: 'assignee', agentId: 'agt_ann' } })]);

    // The office opens at 09:00: the one-hour first reply warns at 09:30 and breaches at 10:00, to the instant.
    await walk(clock, p, berlin('09:30'), berlin('10:00'), berlin('10:15'));
    expect(p.sla).toEqual([
      `ticket.sla_warning first_reply @ ${iso(berlin('09:30'))}`,
      `ticket.sla_breached first_reply @ ${iso(berlin('10:00'))}`,
    ]);
    ticket = await tickets.get(read, created.id);
    expect(ticket.priority).toBe('high');
    expect(p.notifications.at(-1)).toMatchObject({ policyId: 'sla_billing', event: 'breach', assigneeId: 'agt_ann' });

    // The breach is delivered as a signed webhook to a real HTTP server: a 500 first, then a retry.
    receiver.respond((_request, n) => (n === 0 ? { status: 500 } : { status: 200 }));
    // The receiver checks each request when it arrives (the signature is only fresh for 5 minutes).
    const verified = (n: number) => {
      const request = receiver.requests[n];
      const signature = request?.headers['x-hotline-signature'];
      return verifyWebhookSignature({
        secret: SECRET,
        header: Array.isArray(signature) ? signature[0] : signature,
        body: request?.body ?? '',
        now: clock.now(),
      }).valid;
    };
    const relay = p.ticketing.webhooks?.relay;
    expect((await relay?.runOnce())?.retried).toBe(1);
    expect(verified(0)).toBe(true);
    await clock.advance(10 * MIN);
    expect((await relay?.runOnce())?.delivered).toBe(1);
    expect(verified(1)).toBe(true);
    expect(receiver.requests).toHaveLength(2);
    const [first, retry] = receiver.requests;
    expect(retry?.headers['x-hotline-delivery']).toBe(first?.headers['x-hotline-delivery']);
    expect(retry?.headers['x-hotline-attempt']).toBe('2');
    expect(JSON.parse(retry?.body ?? '{}')).toMatchObject({
      type: 'ticket.sla_breached',
      tenantId: TENANT,
      data: { ticketId: created.id, policyId: 'sla_billing', metric: 'first_reply', dueAt: iso(berlin('10:00')) },
    });

    // Ann replies and waits for the requester: the first reply is achieved (late).
    await tickets.comment(asAgent(ann), created.id, { body: 'Refund on its way.', public: true, status: 'pending' });
    const history = () => tickets.history(read, created.id);
    const report = slaReportOf(
      { ticket: await tickets.get(read, created.id), history: await history() },
      { policies, calendars: { office } },
      clock.now(),
    );
    expect(report.metrics.first_reply).toMatchObject({ status: 'breached', achievedAt: berlin('10:25') });

    // The requester answers: pending reopens.
    await clock.advanceTo(berlin('11:00'));
    const { ticket: reopened } = await tickets.comment(requester(contact.id), created.id, {
      body: 'Thanks, it is ORD-42.',
      public: true,
    });
    expect(reopened.status).toBe('open');

    // Two people edit from the same version: a conflicting change is refused naming the
    // other's write, a non-conflicting one merges.
    const seen = reopened.version;
    await tickets.update(asAgent(sue), created.id, {
      expectedVersion: seen,
      changes: { fields: { order_id: 'ORD-42' } },
    });
    const conflict = await tickets
      .update(asAgent(ann), created.id, { expectedVersion: seen, changes: { fields: { order_id: 'ORD-24' } } })
      .catch((error: unknown) => error);
    expect(conflict).toMatchObject({
      code: 'CONFLICT',
      details: {
        reason: 'concurrent_change',
        conflicts: [{ property: 'fields.order_id', actorLabel: 'agent:agt_sue' }],
      },
    });
    const merged = await tickets.update(asAgent(ann), created.id, {
      expectedVersion: seen,
      changes: { addTags: ['double-charge'] },
    });
    expect(merged).toMatchObject({ version: seen + 2, tags: ['double-charge'], fields: { order_id: 'ORD-42' } });

    // A field Ann may not write is refused and nothing is written.
    const refused = await tickets
      .update(asAgent(ann), created.id, { changes: { fields: { refund_limit: 500 } } })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'field_write_denied' } });
    expect((await tickets.get(read, created.id)).version).toBe(merged.version);

    // Solved, rated, and closed on its own two days later.
    await clock.advanceTo(berlin('11:10'));
    await tickets.update(asAgent(ann), created.id, { changes: { status: 'solved' } });
    await tickets.recordCsat(requester(contact.id), created.id, { rating: 'good', comment: 'Quick!' });
    await walk(clock, p, berlin('11:10') + 2 * DAY - 1);
    expect((await tickets.get(read, created.id)).status).toBe('solved');
    await walk(clock, p, berlin('11:10') + 2 * DAY);
    ticket = await tickets.get(read, created.id);
    expect(ticket).toMatchObject({ status: 'closed', csat: { rating: 'good' } });

    // Every write names who made it, the SLA ones their policy; the audit chain holds.
    const entries = await history();
    expect(entries.map((entry) => `${entry.kind} ${actorLabel(entry.actor)}`)).toEqual([
      `created requester:${contact.id}`,
      'updated trigger:cls_billing',
      'updated trigger:trg_route_billing',
      'sla sla:sla_billing',
      'sla sla:sla_billing',
      'commented agent:agt_ann',
      `commented requester:${contact.id}`,
      'updated agent:agt_sue',
      'updated agent:agt_ann',
      'updated agent:agt_ann',
      `csat requester:${contact.id}`,
      'updated system:auto_close',
    ]);
    expect(entries.filter((entry) => entry.kind === 'sla').map((entry) => entry.meta?.['event'])).toEqual([
      'warning',
      'breach',
    ]);
    expect(await p.hotline.audit.verify(TENANT)).toMatchObject({ ok: true });
    const audit = await shared.storage.audit.list(TENANT, { fromSeq: 1, limit: 1000 });
    expect(audit.filter((entry) => entry.action.startsWith('ticket.')).length).toBeGreaterThanOrEqual(entries.length);
    expect(p.errors).toEqual([]);
    await shutdown(p);
  });

  it('restarts on the same storage: timers re-armed, no SLA alarm twice, auto-close still happens', async () => {
    const clock = new SimulatedClock(berlin('08:00'));
    const shared: Shared = { clock, storage: createMemoryStorage({ clock }), store: createMemoryTicketStore() };
    const first = await boot(shared);
    const solvedEarly = await first.ticketing.tickets.create(asAgent(sue), {
      subject: 'Password reset',
      requesterId: 'ctc_bob',
      assigneeId: 'agt_sue',
    });
    await first.ticketing.tickets.update(asAgent(sue), solvedEarly.id, { changes: { status: 'solved' } });
    const waiting = await first.ticketing.tickets.create(requester('ctc_ada'), {
      subject: 'Invoice missing',
      requesterId: 'ctc_ada',
      description: 'Where is my invoice?',
    });
    await walk(clock, first, berlin('09:30'), berlin('09:40'));
    expect(first.sla).toEqual([`ticket.sla_warning first_reply @ ${iso(berlin('09:30'))}`]);
    expect(first.errors).toEqual([]);
    await shutdown(first);
    await expect(first.ticketing.start()).rejects.toMatchObject({ code: 'UNAVAILABLE' });

    // A new process on the same storage and store.
    const second = await boot(shared);
    expect(second.ticketing.sla?.dueAt(TENANT, waiting.id)).toBe(berlin('10:00'));
    await walk(clock, second, berlin('10:00'), berlin('12:00'));
    expect(second.sla).toEqual([`ticket.sla_breached first_reply @ ${iso(berlin('10:00'))}`]);
    const read = { tenantId: TENANT };
    const entries = await second.ticketing.tickets.history(read, waiting.id);
    expect(entries.filter((entry) => entry.kind === 'sla').map((entry) => entry.meta?.['event'])).toEqual([
      'warning',
      'breach',
    ]);
    expect((await second.ticketing.tickets.get(read, waiting.id)).priority).toBe('high');

    // The auto-close armed by the first process fires in the second.
    await walk(clock, second, berlin('08:00') + 2 * DAY, berlin('08:00') + 2 * DAY + MIN);
    expect((await second.ticketing.tickets.get(read, solvedEarly.id)).status).toBe('closed');
    expect(second.sla).toHaveLength(1);
    expect(await second.hotline.audit.verify(TENANT)).toMatchObject({ ok: true });
    expect(second.errors).toEqual([]);
    await shutdown(second);
  });
});
