import { createMemoryStorage, type EventInput, InMemoryEventBus, SimulatedClock, type Storage } from '@hotline/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import '../model/events.js';
import { createWebhookPublisher, type WebhookPublisher } from './publisher.js';
import { createWebhookRelay, type WebhookRelayOptions } from './relay.js';
import { verifyWebhookSignature } from './signature.js';
import { createMemoryWebhookSubscriptionStore, type MemoryWebhookSubscriptionStore } from './subscription-store.js';
import { startTestReceiver, type TestReceiver } from './test-kit.js';

const SECRET = 'whsec_test_0123456789abcdef0123456789';
const TENANT = 'ten_1';

let receiver: TestReceiver;
let clock: SimulatedClock;
let storage: Storage;
let bus: InMemoryEventBus;
let subscriptions: MemoryWebhookSubscriptionStore;
let publisher: WebhookPublisher;

beforeAll(async () => {
  receiver = await startTestReceiver();
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.respond(() => ({ status: 200 }));
  clock = new SimulatedClock(Date.UTC(2026, 2, 1, 9));
  storage = createMemoryStorage({ clock });
  bus = new InMemoryEventBus({ clock });
  subscriptions = createMemoryWebhookSubscriptionStore([
    {
      id: 'whk_1',
      tenantId: TENANT,
      url: receiver.url,
      secret: SECRET,
      events: ['ticket.*'],
      headers: { 'X-Env': 'test' },
    },
  ]);
  publisher = createWebhookPublisher({ storage, bus, clock, subscriptionStore: subscriptions });
});

function relay(options: Partial<WebhookRelayOptions> = {}) {
  return createWebhookRelay({ storage, clock, subscriptionStore: subscriptions, random: () => 0.5, ...options });
}

const created = (ticketId = 'tkt_1'): EventInput<'ticket.created'> => ({
  type: 'ticket.created',
  tenantId: TENANT,
  ticketId,
  number: 1,
  requesterId: 'ctc_1',
  priority: 'high',
});

/** Publishes and waits for the (async) bus subscriber to have queued its entries. */
async function publish(event: EventInput): Promise<void> {
  const stamped = await bus.publish(event);
  await publisher.publishEvent(stamped);
}

async function webhookEntries(status?: 'pending' | 'delivered' | 'dead') {
  return (await storage.outbox.list(TENANT, status ? { status: [status] } : {})).items;
}

describe('webhook relay', () => {
  it('delivers a signed event the receiver can verify', async () => {
    await publish(created());
    const report = await relay().runOnce();
    expect(report).toMatchObject({ claimed: 1, delivered: 1 });
    const [request] = receiver.requests;
    const [entry] = await webhookEntries('delivered');
    expect(request?.method).toBe('POST');
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Hotline-Webhooks/1',
      'x-hotline-delivery': entry?.id,
      'x-hotline-event': 'ticket.created',
      'x-hotline-attempt': '1',
      'x-env': 'test',
    });
    const check = verifyWebhookSignature({
      secret: SECRET,
      header: request?.headers['x-hotline-signature'] as string,
      body: request?.body ?? '',
      now: clock.now(),
    });
    expect(check).toEqual({ valid: true, timestamp: clock.now() / 1000 });
    expect(JSON.parse(request?.body ?? '')).toEqual({
      id: entry?.id,
      type: 'ticket.created',
      tenantId: TENANT,
      createdAt: '2026-03-01T09:00:00.000Z',
      data: { ticketId: 'tkt_1', number: 1, requesterId: 'ctc_1', priority: 'high' },
    });
    expect(
      verifyWebhookSignature({
        secret: 'x'.repeat(32),
        header: request?.headers['x-hotline-signature'] as string,
        body: request?.body ?? '',
        now: clock.now(),
      }).valid,
    ).toBe(false);
  });

  it('retries a 500 with backoff, keeping the delivery id and counting attempts', async () => {
    receiver.respond((_, n) => (n === 0 ? { status: 500, body: 'boom' } : { status: 204 }));
    await publish(created());
    const r = relay();
    expect(await r.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    const [entry] = await webhookEntries('pending');
    const delivery = await r.getDelivery(TENANT, entry?.id ?? '');
    // First retry: 1000 ms × (½ + ½ × 0.5) with the fixed jitter.
    expect(delivery).toMatchObject({
      attempts: 1,
      lastError: 'HTTP 500: boom',
      nextAttemptAt: '2026-03-01T09:00:00.750Z',
    });
    await clock.advance(749);
    expect((await r.runOnce()).claimed).toBe(0);
    await clock.advance(1);
    expect(await r.runOnce()).toMatchObject({ delivered: 1 });
    expect(receiver.requests.map((q) => q.headers['x-hotline-attempt'])).toEqual(['1', '2']);
    expect(new Set(receiver.requests.map((q) => q.headers['x-hotline-delivery']))).toEqual(new Set([entry?.id]));
    expect((await r.getDelivery(TENANT, entry?.id ?? ''))?.status).toBe('delivered');
  });

  it('aborts a target that hangs and retries it', async () => {
    receiver.respond((_, n) => (n === 0 ? 'hang' : { status: 200 }));
    await publish(created());
    const r = relay({ timeoutMs: 5000 });
    const run = r.runOnce();
    await receiver.waitForRequests(1);
    await clock.advance(5000);
    expect(await run).toMatchObject({ retried: 1 });
    const [entry] = await webhookEntries('pending');
    expect(entry?.lastError).toMatch(/within 5000 ms/);
    await clock.advance(10_000);
    expect(await r.runOnce()).toMatchObject({ delivered: 1 });
  });

  it('dead-letters after maxAttempts, lists it, and redelivers it by hand with the same delivery id', async () => {
    receiver.respond(() => ({ status: 503 }));
    await publish(created());
    const r = relay({ maxAttempts: 3 });
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push(await r.runOnce());
      await clock.advance(10_000);
    }
    expect(outcomes.map((o) => [o.retried, o.dead])).toEqual([
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    const dead = await r.listDead(TENANT);
    expect(dead.items).toHaveLength(1);
    const original = dead.items[0];
    expect(original).toMatchObject({ status: 'dead', attempts: 3, lastError: 'HTTP 503', type: 'ticket.created' });
    expect((await r.runOnce()).claimed).toBe(0);

    receiver.respond(() => ({ status: 200 }));
    const again = await r.redeliver(TENANT, original?.id ?? '');
    expect(again).toMatchObject({ status: 'pending', deliveryId: original?.id, redeliveryOf: original?.id });
    expect(await r.redeliver(TENANT, original?.id ?? '')).toMatchObject({ id: again.id });
    expect(await r.runOnce()).toMatchObject({ delivered: 1 });
    expect(receiver.requests.at(-1)?.headers['x-hotline-delivery']).toBe(original?.id);
    expect(receiver.requests.at(-1)?.headers['x-hotline-attempt']).toBe('1');
    await expect(r.redeliver(TENANT, again.id)).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    await expect(r.redeliver(TENANT, 'whd_nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('opens the circuit after consecutive failures, defers without spending attempts, then closes', async () => {
    receiver.respond(() => ({ status: 500 }));
    for (const id of ['tkt_1', 'tkt_2', 'tkt_3']) await publish(created(id));
    const r = relay({ concurrency: 1, maxAttempts: 2, circuitBreaker: { failureThreshold: 2, coolDownMs: 60_000 } });
    expect(await r.runOnce()).toMatchObject({ claimed: 3, retried: 2, deferred: 1 });
    expect(receiver.requests).toHaveLength(2);
    expect(r.circuitState(receiver.url)).toEqual({
      state: 'open',
      consecutiveFailures: 2,
      openUntil: clock.now() + 60_000,
    });
    // The two retries come due while the circuit is open: deferred again, no requests.
    await clock.advance(2000);
    expect(await r.runOnce()).toMatchObject({ claimed: 2, deferred: 2 });
    expect(receiver.requests).toHaveLength(2);

    receiver.respond(() => ({ status: 200 }));
    await clock.advance(60_000);
    expect(r.circuitState(receiver.url).state).toBe('half_open');
    expect(await r.runOnce()).toMatchObject({ claimed: 3, delivered: 3, dead: 0 });
    expect(r.circuitState(receiver.url)).toEqual({ state: 'closed', consecutiveFailures: 0 });
    const attempts = receiver.requests.slice(2).map((q) => q.headers['x-hotline-attempt']);
    expect(attempts.sort()).toEqual(['1', '2', '2']);
  });

  it('re-opens the circuit when the half-open trial fails', async () => {
    receiver.respond(() => ({ status: 500 }));
    await publish(created('tkt_1'));
    await publish(created('tkt_2'));
    const r = relay({ concurrency: 1, circuitBreaker: { failureThreshold: 1, coolDownMs: 10_000 } });
    expect(await r.runOnce()).toMatchObject({ retried: 1, deferred: 1 });
    await clock.advance(10_000);
    expect(await r.runOnce()).toMatchObject({ retried: 1, deferred: 1 });
    expect(r.circuitState(receiver.url)).toMatchObject({ state: 'open', openUntil: clock.now() + 10_000 });
    expect(receiver.requests).toHaveLength(2);
  });

  it('enqueues a replayed event once, so it is delivered once', async () => {
    const event = await bus.publish(created());
    await publisher.publishEvent(event);
    await publisher.publishEvent(event);
    // ticket.updated is keyed by ticket and version: a re-publish under a new id is the same write.
    const update: EventInput<'ticket.updated'> = {
      type: 'ticket.updated',
      tenantId: TENANT,
      ticketId: 'tkt_1',
      version: 2,
      properties: ['priority'],
      actor: 'agent:agt_1',
    };
    await publish(update);
    await publish(update);
    expect(await webhookEntries()).toHaveLength(2);
    expect(await relay().runOnce()).toMatchObject({ delivered: 2 });
    expect(receiver.requests.map((q) => q.headers['x-hotline-event']).sort()).toEqual([
      'ticket.created',
      'ticket.updated',
    ]);
  });

  it('queues from the bus itself, for matching subscriptions of the same tenant only', async () => {
    subscriptions.put({ id: 'whk_2', tenantId: TENANT, url: receiver.url, secret: SECRET, events: ['ticket.created'] });
    subscriptions.put({ id: 'whk_3', tenantId: 'ten_2', url: receiver.url, secret: SECRET, events: ['*'] });
    await bus.publish(created());
    await bus.publish({ type: 'ticket.merged', tenantId: TENANT, ticketId: 'tkt_1', survivorId: 'tkt_2' });
    await clock.advance(0);
    const payloads = (await webhookEntries()).map(
      (e) => `${(e.payload as { subscriptionId: string }).subscriptionId}:${(e.payload as { type: string }).type}`,
    );
    expect(payloads.sort()).toEqual(['whk_1:ticket.created', 'whk_1:ticket.merged', 'whk_2:ticket.created']);
    expect((await storage.outbox.list('ten_2')).items).toEqual([]);
    publisher.stop();
    await bus.publish(created('tkt_9'));
    await clock.advance(0);
    expect(await webhookEntries()).toHaveLength(3);
  });

  it('delivers entries a crashed relay had claimed once the claim lease expires', async () => {
    await publish(created());
    const crashed = relay({ fetch: () => new Promise<Response>(() => {}), timeoutMs: 3_600_000, leaseMs: 30_000 });
    void crashed.runOnce();
    await clock.advance(0);
    const successor = relay();
    expect((await successor.runOnce()).claimed).toBe(0);
    await clock.advance(30_000);
    expect(await successor.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
    // The crashed relay's claim counts: it may have sent the request before dying.
    expect(receiver.requests[0]?.headers['x-hotline-attempt']).toBe('2');
  });

  it('disables the subscription on 410 Gone and dead-letters the entry', async () => {
    receiver.respond(() => ({ status: 410 }));
    await publish(created());
    expect(await relay().runOnce()).toMatchObject({ dead: 1 });
    expect((await subscriptions.get(TENANT, 'whk_1'))?.active).toBe(false);
    expect((await webhookEntries('dead'))[0]?.lastError).toBe('HTTP 410 (subscription disabled)');
    await publish(created('tkt_2'));
    expect(await webhookEntries()).toHaveLength(1);
  });

  it('retries 4xx by default; with retryClientErrors false dead-letters them, but not 408/429', async () => {
    receiver.respond(() => ({ status: 404 }));
    await publish(created('tkt_1'));
    expect(await relay().runOnce()).toMatchObject({ retried: 1 });

    storage = createMemoryStorage({ clock });
    publisher = createWebhookPublisher({ storage, clock, subscriptionStore: subscriptions });
    receiver.respond((request) =>
      JSON.parse(request.body).data.ticketId === 'tkt_2'
        ? { status: 400 }
        : { status: 429, headers: { 'retry-after': '120' } },
    );
    await publisher.publishEvent(await bus.publish(created('tkt_2')));
    await publisher.publishEvent(await bus.publish(created('tkt_3')));
    const strict = relay({ retryClientErrors: false });
    expect(await strict.runOnce()).toMatchObject({ dead: 1, retried: 1 });
    const [pending] = await webhookEntries('pending');
    expect(pending?.availableAt).toBe(clock.now() + 120_000);
  });

  it('does not follow redirects', async () => {
    receiver.respond((request) =>
      request.path === '/hooks' ? { status: 302, headers: { location: '/elsewhere' } } : { status: 200 },
    );
    await publish(created());
    expect(await relay().runOnce()).toMatchObject({ retried: 1 });
    expect(receiver.requests.map((q) => q.path)).toEqual(['/hooks']);
    expect((await webhookEntries('pending'))[0]?.lastError).toBe('HTTP 302');
  });

  it('reads at most 64 KB of an endless response', async () => {
    const endless = () =>
      Promise.resolve(
        new Response(new ReadableStream({ pull: (c) => c.enqueue(new TextEncoder().encode('x'.repeat(16_384))) }), {
          status: 500,
        }),
      );
    await publish(created());
    expect(await relay({ fetch: endless }).runOnce()).toMatchObject({ retried: 1 });
    expect((await webhookEntries('pending'))[0]?.lastError).toBe(`HTTP 500: ${'x'.repeat(300)}`);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const slow = async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return new Response(null, { status: 200 });
    };
    for (let i = 0; i < 7; i++) await publish(created(`tkt_${i}`));
    expect(await relay({ fetch: slow, concurrency: 2 }).runOnce()).toMatchObject({ delivered: 7 });
    expect(most).toBe(2);
  });

  it('dead-letters entries whose subscription was disabled or refused by allowTarget', async () => {
    await publish(created('tkt_1'));
    await subscriptions.setActive(TENANT, 'whk_1', false);
    expect(await relay().runOnce()).toMatchObject({ dead: 1 });
    await subscriptions.setActive(TENANT, 'whk_1', true);
    await publish(created('tkt_2'));
    const refused = relay({ allowTarget: (url) => url.hostname !== '127.0.0.1' });
    expect(await refused.runOnce()).toMatchObject({ dead: 1 });
    expect((await refused.listDead(TENANT)).items.map((d) => d.lastError).sort()).toEqual([
      'subscription whk_1 is inactive',
      'target refused by allowTarget',
    ]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('runs on the clock between start and stop', async () => {
    const r = relay({ pollIntervalMs: 1000 });
    r.start();
    await publish(created());
    await clock.advance(1000);
    await receiver.waitForRequests(1);
    await r.stop();
    await clock.advance(5000);
    expect(await webhookEntries('delivered')).toHaveLength(1);
  });
});

describe('webhook publisher enqueue (the rules webhook action)', () => {
  it('queues arbitrary JSON for one subscription, idempotent by key', async () => {
    const first = await publisher.enqueue(
      TENANT,
      'whk_1',
      { note: 'escalated' },
      { type: 'ticket.escalated', key: 'rule_1:tkt_1:v3' },
    );
    const second = await publisher.enqueue(
      TENANT,
      'whk_1',
      { note: 'again' },
      { type: 'ticket.escalated', key: 'rule_1:tkt_1:v3' },
    );
    expect(second.id).toBe(first.id);
    expect(await relay().runOnce()).toMatchObject({ delivered: 1 });
    expect(JSON.parse(receiver.requests[0]?.body ?? '')).toMatchObject({
      type: 'ticket.escalated',
      data: { note: 'escalated' },
    });
  });

  it('refuses unknown or inactive subscriptions, non-JSON data and oversized data', async () => {
    await expect(publisher.enqueue(TENANT, 'whk_x', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(publisher.enqueue('ten_2', 'whk_1', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(publisher.enqueue(TENANT, 'whk_1', { f: () => 1 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(publisher.enqueue(TENANT, 'whk_1', {}, { type: 'Bad Type' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(publisher.enqueue(TENANT, 'whk_1', { big: 'x'.repeat(300_000) })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    await subscriptions.setActive(TENANT, 'whk_1', false);
    await expect(publisher.enqueue(TENANT, 'whk_1', {})).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await webhookEntries()).toEqual([]);
  });

  it('needs subscriptions or a store', () => {
    expect(() => createWebhookPublisher({ storage, clock })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});
