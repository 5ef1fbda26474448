import { createHash } from 'node:crypto';
import {
  type Clock,
  type EventBus,
  type EventPattern,
  HotlineError,
  type HotlineEvent,
  idSchema,
  isoNow,
  NotFoundError,
  newId,
  type OutboxEntry,
  parseInput,
  type Storage,
  ValidationError,
} from '@hotline/core';
import { z } from 'zod';
import { WEBHOOK_TOPIC, type WebhookDeliveryPayload } from './delivery-payload.js';
import { subscriptionWants } from './subscription.js';
import { resolveSubscriptionSource, type WebhookSubscriptionSource } from './subscription-store.js';

/** Most bytes of one delivery's `data`, serialised. */
export const MAX_WEBHOOK_DATA_BYTES = 256 * 1024;
const MAX_KEY_LENGTH = 200;

/** Options of {@link createWebhookPublisher}. */
export interface WebhookPublisherOptions extends WebhookSubscriptionSource {
  storage: Storage;
  /** The bus to listen on; without one, only `publishEvent` and `enqueue` queue deliveries. */
  bus?: EventBus;
  clock: Clock;
  /** The bus patterns listened to. @default ['ticket.*'] */
  listen?: readonly EventPattern[];
  /** Receives errors of bus-triggered enqueues. @default logs with `console.error` */
  onError?: (error: unknown, event: HotlineEvent) => void;
}

/** Options of {@link WebhookPublisher.enqueue}. */
export interface WebhookEnqueueOptions {
  /** The body's `type`. @default 'webhook.custom' */
  type?: string;
  /**
   * Idempotency key: enqueuing the same key again returns the first entry. Rules pass
   * something like `${ruleId}:${ticketId}:v${version}` so a re-run action sends once.
   */
  key?: string;
  /** Enqueue through this storage (a transaction's `tx`). @default the publisher's storage */
  storage?: Storage;
}

/** Queues webhook deliveries in the outbox; the relay sends them. */
export interface WebhookPublisher {
  /**
   * Queues one delivery per matching subscription for an event, all or none. Idempotent:
   * the same event (same id, or for `ticket.updated` the same ticket version) queues once
   * per subscription however often it is replayed.
   */
  publishEvent(event: HotlineEvent, options?: { storage?: Storage }): Promise<OutboxEntry[]>;
  /**
   * Queues a delivery of `data` to one subscription (the rules' `webhook` action).
   *
   * @throws NotFoundError when the subscription does not exist in the tenant;
   *   ValidationError when it is inactive or `data` is not JSON;
   *   HotlineError `PAYLOAD_TOO_LARGE` above {@link MAX_WEBHOOK_DATA_BYTES}.
   */
  enqueue(
    tenantId: string,
    subscriptionId: string,
    data: unknown,
    options?: WebhookEnqueueOptions,
  ): Promise<OutboxEntry>;
  /** Stops listening on the bus. */
  stop(): void;
}

const enqueueInputSchema = z.strictObject({
  tenantId: idSchema,
  subscriptionId: idSchema,
  data: z.json(),
  type: z
    .string()
    .regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$/, "a dotted type such as 'ticket.escalated'")
    .max(100),
  key: z.string().min(1).max(MAX_KEY_LENGTH).optional(),
});

/**
 * The outbox key of an event's delivery to one subscription. `ticket.updated` is keyed by
 * ticket and version, which is unique per write even if the event is re-published under a
 * new id; other events by their id.
 */
export function webhookDeliveryKey(event: HotlineEvent, subscriptionId: string): string {
  const e = event as HotlineEvent & { ticketId?: unknown; version?: unknown };
  const base =
    typeof e.ticketId === 'string' && typeof e.version === 'number'
      ? `${event.type}:${e.ticketId}:v${e.version}`
      : event.id;
  const key = `${base}:${subscriptionId}`;
  return key.length <= MAX_KEY_LENGTH ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** An event's payload without the envelope fields the body carries itself. */
function eventData(event: HotlineEvent): Record<string, unknown> {
  const { id: _id, type: _type, tenantId: _tenant, at: _at, ...data } = event as HotlineEvent & Record<string, unknown>;
  return data;
}

/**
 * Turns bus events into webhook deliveries in the outbox: one entry per (event, matching
 * subscription), idempotent by key, so a replayed event is delivered once.
 *
 * Events arrive after the write that raised them has committed; a crash between the two
 * loses the delivery. A writer that needs the delivery in the same transaction calls
 * `publishEvent(event, { storage: tx })` itself.
 *
 * @example
 * ```ts
 * const publisher = createWebhookPublisher({ storage, bus, clock, subscriptionStore });
 * const relay = createWebhookRelay({ storage, clock, subscriptionStore });
 * relay.start();
 * ```
 */
export function createWebhookPublisher(options: WebhookPublisherOptions): WebhookPublisher {
  const { storage, clock } = options;
  const subscriptions = resolveSubscriptionSource(options, 'createWebhookPublisher');
  const onError =
    options.onError ??
    ((error: unknown, event: HotlineEvent) =>
      console.error(`[hotline] webhook enqueue for ${event.type} failed`, error));

  async function put(
    target: Storage,
    tenantId: string,
    payload: WebhookDeliveryPayload,
    key: string | undefined,
  ): Promise<OutboxEntry> {
    return target.outbox.enqueue({
      tenantId,
      id: newId('whd'),
      topic: WEBHOOK_TOPIC,
      payload,
      createdAt: isoNow(clock),
      availableAt: clock.now(),
      ...(key === undefined ? {} : { key }),
    });
  }

  async function publishEvent(event: HotlineEvent, opts: { storage?: Storage } = {}): Promise<OutboxEntry[]> {
    const wanted = (await subscriptions.list(event.tenantId)).filter((sub) =>
      subscriptionWants(sub, event.tenantId, event.type),
    );
    if (wanted.length === 0) return [];
    const data = eventData(event);
    return (opts.storage ?? storage).transaction(async (tx) => {
      const entries: OutboxEntry[] = [];
      for (const sub of wanted) {
        const payload: WebhookDeliveryPayload = {
          subscriptionId: sub.id,
          type: event.type,
          createdAt: event.at,
          data: data as WebhookDeliveryPayload['data'],
          eventId: event.id,
        };
        entries.push(await put(tx, event.tenantId, payload, webhookDeliveryKey(event, sub.id)));
      }
      return entries;
    });
  }

  async function enqueue(
    tenantId: string,
    subscriptionId: string,
    data: unknown,
    opts: WebhookEnqueueOptions = {},
  ): Promise<OutboxEntry> {
    const input = parseInput(
      enqueueInputSchema,
      { tenantId, subscriptionId, data, type: opts.type ?? 'webhook.custom', key: opts.key },
      'webhook enqueue',
    );
    const size = Buffer.byteLength(JSON.stringify(input.data), 'utf8');
    if (size > MAX_WEBHOOK_DATA_BYTES) {
      throw new HotlineError('PAYLOAD_TOO_LARGE', `webhook data is ${size} bytes; at most ${MAX_WEBHOOK_DATA_BYTES}`, {
        details: { size, limit: MAX_WEBHOOK_DATA_BYTES },
      });
    }
    const sub = await subscriptions.get(tenantId, subscriptionId);
    if (!sub) throw new NotFoundError('webhook subscription', subscriptionId);
    if (!sub.active) {
      throw new ValidationError(`webhook subscription ${subscriptionId} is inactive`, [
        { path: 'subscriptionId', message: 'inactive' },
      ]);
    }
    const payload: WebhookDeliveryPayload = {
      subscriptionId,
      type: input.type,
      createdAt: isoNow(clock),
      data: input.data,
    };
    return put(opts.storage ?? storage, tenantId, payload, input.key);
  }

  const unsubscribers = (options.bus ? (options.listen ?? ['ticket.*']) : []).map((pattern) =>
    options.bus?.subscribe(pattern, (event) => {
      publishEvent(event as HotlineEvent).catch((error: unknown) => onError(error, event as HotlineEvent));
    }),
  );

  return {
    publishEvent,
    enqueue,
    stop: () => {
      for (const off of unsubscribers) off?.();
    },
  };
}
