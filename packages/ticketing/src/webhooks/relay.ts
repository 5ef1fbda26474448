import {
  type Clock,
  IllegalTransitionError,
  isoNow,
  type ListOptions,
  NotFoundError,
  newId,
  type OutboxEntry,
  type Page,
  type Storage,
} from '@hotline/core';
import { DEFAULT_DELIVERY_BACKOFF, type DeliveryBackoffOptions, jitteredBackoffMs } from './backoff.js';
import {
  CircuitBreakers,
  endpointOf,
  type WebhookCircuitBreakerOptions,
  type WebhookCircuitState,
} from './circuit-breaker.js';
import {
  deliveryIdOf,
  WEBHOOK_TOPIC,
  type WebhookDeliveryPayload,
  webhookDeliveryPayloadSchema,
} from './delivery-payload.js';
import type { FetchLike } from './http-request.js';
import { createPollLoop, positiveInt, runPooled } from './runtime.js';
import { type DeliveryOutcome, sendDelivery } from './send-delivery.js';
import { resolveSubscriptionSource, type WebhookSubscriptionSource } from './subscription-store.js';

/** Options of {@link createWebhookRelay}. */
export interface WebhookRelayOptions extends WebhookSubscriptionSource {
  storage: Storage;
  clock: Clock;
  /** The HTTP client. @default globalThis.fetch */
  fetch?: FetchLike;
  /** A request (answer and body) is aborted after this many ms and retried. @default 10000 */
  timeoutMs?: number;
  /** Delivery attempts before an entry is dead-lettered. @default 8 */
  maxAttempts?: number;
  /** Retry spacing. @default { baseMs: 1000, maxMs: 3600000 } */
  backoff?: DeliveryBackoffOptions;
  /** @default { failureThreshold: 5, coolDownMs: 60000 } */
  circuitBreaker?: WebhookCircuitBreakerOptions;
  /** Deliveries in flight at once. @default 8 */
  concurrency?: number;
  /** Entries claimed per run. @default 32 */
  batchSize?: number;
  /** Pause between runs that found less than a full batch, in ms. @default 1000 */
  pollIntervalMs?: number;
  /**
   * How long a claim holds; a relay that crashes mid-batch gives its entries up after it.
   * @default timeoutMs × ⌈batchSize / concurrency⌉ + 30000 (a whole batch's worst case)
   */
  leaseMs?: number;
  /**
   * Whether 4xx answers other than 408, 410 and 429 are retried. `true` follows Stripe: a
   * receiver's 401/404 is usually a deploy or configuration slip fixed within the retry
   * window. `false` dead-letters them at once.
   * @default true
   */
  retryClientErrors?: boolean;
  /** Names this relay in claims. @default a fresh `whr_…` id */
  owner?: string;
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number;
  /**
   * Vets each target before a request (e.g. refuse private addresses against SSRF). A
   * refused target dead-letters the entry.
   * @default allows every URL the subscription schema accepted
   */
  allowTarget?: (url: URL) => boolean | Promise<boolean>;
  /** Receives errors of the background loop. @default logs with `console.error` */
  onError?: (error: unknown) => void;
}

/** What one {@link WebhookRelay.runOnce} did. */
export interface WebhookRelayRunReport {
  claimed: number;
  delivered: number;
  /** Failed and scheduled again with backoff. */
  retried: number;
  /** Put back untried because the endpoint's circuit is open. */
  deferred: number;
  dead: number;
  /** Claims that expired before the outcome was recorded (another relay took over). */
  lost: number;
}

/** A webhook delivery as operators list it. */
export interface WebhookDelivery {
  /** The outbox entry id. */
  id: string;
  /** `X-Hotline-Delivery`: the entry id, or the original's for a hand redelivery. */
  deliveryId: string;
  tenantId: string;
  subscriptionId: string;
  type: string;
  status: OutboxEntry['status'];
  /** Requests made (claims the circuit breaker deferred are not counted). */
  attempts: number;
  lastError?: string;
  nextAttemptAt: string;
  createdAt: string;
  deliveredAt?: string;
  redeliveryOf?: string;
}

/** Sends queued webhook deliveries. */
export interface WebhookRelay {
  /** Claims one batch, delivers it (at most `concurrency` at a time) and records outcomes. */
  runOnce(): Promise<WebhookRelayRunReport>;
  /** Runs batches on the clock until {@link WebhookRelay.stop}. */
  start(): void;
  /** Stops the loop and waits for the running batch. */
  stop(): Promise<void>;
  getDelivery(tenantId: string, id: string): Promise<WebhookDelivery | undefined>;
  /** Dead-lettered deliveries, oldest first. */
  listDead(tenantId: string, options?: ListOptions): Promise<Page<WebhookDelivery>>;
  /**
   * Retries a dead delivery by hand: queues a new entry carrying the same delivery id.
   * Idempotent: a second call returns the same new entry (or, if that one died too,
   * redelivers it).
   *
   * @throws NotFoundError for an unknown id; IllegalTransitionError unless it is `dead`.
   */
  redeliver(tenantId: string, id: string): Promise<WebhookDelivery>;
  /** An endpoint's circuit (by subscription URL). */
  circuitState(url: string): WebhookCircuitState;
}

// The outbox counts claims, and a claim the circuit breaker puts back untried must not
// count as an attempt (or an outage would dead-letter everything queued behind it). The
// number of such deferrals rides at the front of `lastError`, which the port persists.
const DEFERRED = /^\[deferred (\d+)\] /;

function deferralsOf(entry: OutboxEntry): number {
  const match = entry.lastError === undefined ? null : DEFERRED.exec(entry.lastError);
  return match?.[1] ? Number(match[1]) : 0;
}

function withDeferrals(deferrals: number, message: string): string {
  return deferrals > 0 ? `[deferred ${deferrals}] ${message}` : message;
}

function bareError(entry: OutboxEntry): string | undefined {
  return entry.lastError?.replace(DEFERRED, '');
}

/** Requests made for an entry so far, counting the current claim. */
function attemptsOf(entry: OutboxEntry): number {
  return Math.max(0, entry.attempts - deferralsOf(entry));
}

function toDelivery(entry: OutboxEntry): WebhookDelivery {
  const parsed = webhookDeliveryPayloadSchema.safeParse(entry.payload);
  const payload = parsed.success ? parsed.data : undefined;
  const delivery: WebhookDelivery = {
    id: entry.id,
    deliveryId: payload ? deliveryIdOf(entry, payload) : entry.id,
    tenantId: entry.tenantId,
    subscriptionId: payload?.subscriptionId ?? '',
    type: payload?.type ?? '',
    status: entry.status,
    attempts: attemptsOf(entry),
    nextAttemptAt: new Date(entry.availableAt).toISOString(),
    createdAt: entry.createdAt,
  };
  const lastError = bareError(entry);
  if (lastError !== undefined) delivery.lastError = lastError;
  if (entry.deliveredAt !== undefined) delivery.deliveredAt = entry.deliveredAt;
  if (payload?.redeliveryOf !== undefined) delivery.redeliveryOf = payload.redeliveryOf;
  return delivery;
}

/**
 * The webhook relay: claims `webhook` entries from the outbox and POSTs them, signed, to
 * their subscription's URL. 2xx delivers; `410 Gone` disables the subscription and
 * dead-letters the entry; 5xx, 408, 429 (honouring `Retry-After`), redirects (never
 * followed), timeouts and network errors are retried with jittered exponential backoff
 * until `maxAttempts`, then dead-lettered; other 4xx per `retryClientErrors`. An endpoint
 * that keeps failing has its circuit opened: its entries are deferred, not dead-lettered.
 *
 * Delivery is at least once: a relay that crashes after the POST but before recording it
 * leaves the claim to expire, and another relay sends again with the same
 * `X-Hotline-Delivery`, on which receivers dedupe. Order between deliveries is not kept.
 *
 * @example
 * ```ts
 * const relay = createWebhookRelay({ storage, clock: systemClock, subscriptionStore });
 * relay.start();
 * // on shutdown
 * await relay.stop();
 * ```
 */
export function createWebhookRelay(options: WebhookRelayOptions): WebhookRelay {
  const { storage, clock } = options;
  const subscriptions = resolveSubscriptionSource(options, 'createWebhookRelay');
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = positiveInt('timeoutMs', options.timeoutMs ?? 10_000);
  const maxAttempts = positiveInt('maxAttempts', options.maxAttempts ?? 8);
  const concurrency = positiveInt('concurrency', options.concurrency ?? 8);
  const batchSize = positiveInt('batchSize', options.batchSize ?? 32);
  const pollIntervalMs = positiveInt('pollIntervalMs', options.pollIntervalMs ?? 1000);
  const leaseMs = positiveInt('leaseMs', options.leaseMs ?? timeoutMs * Math.ceil(batchSize / concurrency) + 30_000);
  const backoff = { ...DEFAULT_DELIVERY_BACKOFF, ...options.backoff };
  const retryClientErrors = options.retryClientErrors ?? true;
  const owner = options.owner ?? newId('whr');
  const random = options.random ?? Math.random;
  const breakers = new CircuitBreakers(options.circuitBreaker);
  const onError = options.onError ?? ((error: unknown) => console.error('[hotline] webhook relay failed', error));

  async function handle(entry: OutboxEntry, report: WebhookRelayRunReport): Promise<void> {
    const token = entry.claimToken ?? '';
    const dead = async (error: string) => {
      const ok = await storage.outbox.fail(entry.tenantId, entry.id, token, {
        retryAt: clock.now(),
        error: withDeferrals(deferralsOf(entry), error),
        dead: true,
      });
      report[ok ? 'dead' : 'lost'] += 1;
    };
    const parsed = webhookDeliveryPayloadSchema.safeParse(entry.payload);
    if (!parsed.success) return dead('malformed payload');
    const payload: WebhookDeliveryPayload = parsed.data;
    const subscription = await subscriptions.get(entry.tenantId, payload.subscriptionId);
    if (!subscription) return dead(`subscription ${payload.subscriptionId} not found`);
    if (!subscription.active) return dead(`subscription ${payload.subscriptionId} is inactive`);
    if (options.allowTarget && !(await options.allowTarget(new URL(subscription.url)))) {
      return dead('target refused by allowTarget');
    }
    const endpoint = endpointOf(subscription.url);
    const admission = breakers.admit(endpoint, clock.now());
    if (!admission.allowed) {
      const ok = await storage.outbox.fail(entry.tenantId, entry.id, token, {
        retryAt: admission.retryAt,
        error: withDeferrals(deferralsOf(entry) + 1, bareError(entry) ?? 'circuit open'),
      });
      report[ok ? 'deferred' : 'lost'] += 1;
      return;
    }
    const attempt = attemptsOf(entry);
    const outcome = await sendDelivery({
      fetch: fetchImpl,
      clock,
      timeoutMs,
      retryClientErrors,
      subscription,
      entry,
      payload,
      attempt,
    });
    if (outcome.kind === 'retry') breakers.failure(endpoint, clock.now());
    else breakers.success(endpoint);
    await record(entry, payload, outcome, attempt, report);
  }

  async function record(
    entry: OutboxEntry,
    payload: WebhookDeliveryPayload,
    outcome: DeliveryOutcome,
    attempt: number,
    report: WebhookRelayRunReport,
  ): Promise<void> {
    const token = entry.claimToken ?? '';
    const deferrals = deferralsOf(entry);
    if (outcome.kind === 'delivered') {
      const ok = await storage.outbox.complete(entry.tenantId, entry.id, token, isoNow(clock));
      report[ok ? 'delivered' : 'lost'] += 1;
      return;
    }
    if (outcome.kind === 'gone') {
      await subscriptions.setActive(entry.tenantId, payload.subscriptionId, false).catch(onError);
      const ok = await storage.outbox.fail(entry.tenantId, entry.id, token, {
        retryAt: clock.now(),
        error: withDeferrals(deferrals, `${outcome.error} (subscription disabled)`),
        dead: true,
      });
      report[ok ? 'dead' : 'lost'] += 1;
      return;
    }
    const final = outcome.kind === 'rejected' || attempt >= maxAttempts;
    let delay = jitteredBackoffMs(attempt, backoff, random);
    if (outcome.kind === 'retry' && outcome.retryAfterMs !== undefined) {
      delay = Math.min(backoff.maxMs, Math.max(delay, outcome.retryAfterMs));
    }
    const ok = await storage.outbox.fail(entry.tenantId, entry.id, token, {
      retryAt: final ? clock.now() : clock.now() + delay,
      error: withDeferrals(deferrals, outcome.error),
      dead: final,
    });
    if (!ok) report.lost += 1;
    else report[final ? 'dead' : 'retried'] += 1;
  }

  async function runOnce(): Promise<WebhookRelayRunReport> {
    const entries = await storage.outbox.claim({
      now: clock.now(),
      limit: batchSize,
      owner,
      leaseMs,
      topics: [WEBHOOK_TOPIC],
    });
    const report: WebhookRelayRunReport = {
      claimed: entries.length,
      delivered: 0,
      retried: 0,
      deferred: 0,
      dead: 0,
      lost: 0,
    };
    await runPooled(entries, concurrency, (entry) =>
      handle(entry, report).catch((error: unknown) => {
        // A storage failure while recording: the claim expires and the entry is retried.
        report.lost += 1;
        onError(error);
      }),
    );
    return report;
  }

  const loop = createPollLoop({
    clock,
    pollIntervalMs,
    runBatch: async () => ({ full: (await runOnce()).claimed >= batchSize }),
    onError,
  });

  async function redeliver(tenantId: string, id: string): Promise<WebhookDelivery> {
    let entry = await storage.outbox.get(tenantId, id);
    if (!entry || entry.topic !== WEBHOOK_TOPIC) throw new NotFoundError('webhook delivery', id);
    if (entry.status !== 'dead') throw new IllegalTransitionError('webhook delivery', entry.status, 'redeliver');
    // Follows earlier redeliveries of this entry that died too; bounded against a cycle.
    for (let hop = 0; hop < 100 && entry.status === 'dead'; hop++) {
      const parsed = webhookDeliveryPayloadSchema.safeParse(entry.payload);
      if (!parsed.success) throw new IllegalTransitionError('webhook delivery', 'malformed', 'redeliver');
      entry = await storage.outbox.enqueue({
        tenantId,
        id: newId('whd'),
        topic: WEBHOOK_TOPIC,
        key: `redeliver:${entry.id}`,
        payload: { ...parsed.data, deliveryId: deliveryIdOf(entry, parsed.data), redeliveryOf: entry.id },
        createdAt: isoNow(clock),
        availableAt: clock.now(),
      });
    }
    return toDelivery(entry);
  }

  return {
    runOnce,
    start: loop.start,
    stop: loop.stop,
    async getDelivery(tenantId, id) {
      const entry = await storage.outbox.get(tenantId, id);
      return entry?.topic === WEBHOOK_TOPIC ? toDelivery(entry) : undefined;
    },
    async listDead(tenantId, listOptions) {
      const page = await storage.outbox.list(tenantId, { status: ['dead'] }, listOptions);
      const items = page.items.filter((entry) => entry.topic === WEBHOOK_TOPIC).map(toDelivery);
      return page.nextCursor === undefined ? { items } : { items, nextCursor: page.nextCursor };
    },
    redeliver,
    circuitState: (url) => breakers.state(endpointOf(url), clock.now()),
  };
}
