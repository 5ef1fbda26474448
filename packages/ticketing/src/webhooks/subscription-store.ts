import { NotFoundError, ValidationError } from '@hotline/core';
import { parseWebhookSubscription, type WebhookSubscription, type WebhookSubscriptionInput } from './subscription.js';

/**
 * Where webhook subscriptions live. The publisher lists a tenant's subscriptions per event;
 * the relay reads one at delivery time (so a rotated secret or a new URL applies to queued
 * retries) and disables one that answered `410 Gone`.
 *
 * Implementations MUST scope every call to the tenant and MUST return validated records.
 */
export interface WebhookSubscriptionStore {
  get(tenantId: string, id: string): Promise<WebhookSubscription | undefined>;
  list(tenantId: string): Promise<WebhookSubscription[]>;
  /** Turns a subscription on or off. MUST throw `NotFoundError` if it does not exist. */
  setActive(tenantId: string, id: string, active: boolean): Promise<void>;
}

/** The in-memory store, which can also add and remove subscriptions. */
export interface MemoryWebhookSubscriptionStore extends WebhookSubscriptionStore {
  /** Validates and stores (replacing one with the same tenant and id). */
  put(input: WebhookSubscriptionInput): WebhookSubscription;
  delete(tenantId: string, id: string): boolean;
}

const keyOf = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;

/**
 * An in-memory subscription store, for tests and hosts that load subscriptions from their
 * own configuration at start-up.
 *
 * @example
 * ```ts
 * const subscriptions = createMemoryWebhookSubscriptionStore([
 *   { id: 'whk_1', tenantId: 'ten_1', url: 'https://example.com/hooks', secret, events: ['ticket.*'] },
 * ]);
 * ```
 */
export function createMemoryWebhookSubscriptionStore(
  initial: readonly WebhookSubscriptionInput[] = [],
): MemoryWebhookSubscriptionStore {
  const byKey = new Map<string, WebhookSubscription>();
  const store: MemoryWebhookSubscriptionStore = {
    async get(tenantId, id) {
      return byKey.get(keyOf(tenantId, id));
    },
    async list(tenantId) {
      return [...byKey.values()].filter((sub) => sub.tenantId === tenantId);
    },
    async setActive(tenantId, id, active) {
      const current = byKey.get(keyOf(tenantId, id));
      if (!current) throw new NotFoundError('webhook subscription', id);
      byKey.set(keyOf(tenantId, id), { ...current, active });
    },
    put(input) {
      const subscription = parseWebhookSubscription(input);
      byKey.set(keyOf(subscription.tenantId, subscription.id), subscription);
      return subscription;
    },
    delete(tenantId, id) {
      return byKey.delete(keyOf(tenantId, id));
    },
  };
  // Validate all before storing any, so a bad list changes nothing.
  const parsed = initial.map((input) => parseWebhookSubscription(input));
  for (const subscription of parsed) byKey.set(keyOf(subscription.tenantId, subscription.id), subscription);
  return store;
}

/** Where the publisher and the relay find subscriptions: a store, or a fixed list. */
export interface WebhookSubscriptionSource {
  /**
   * A fixed list, validated and kept in a memory store. Give the publisher and the relay
   * the same `subscriptionStore` instead when a `410 Gone` (which disables a subscription)
   * must also stop new entries.
   */
  subscriptions?: readonly WebhookSubscriptionInput[];
  /** The store to read (and, on `410 Gone`, disable) subscriptions in. */
  subscriptionStore?: WebhookSubscriptionStore;
}

/**
 * The store given, or a memory store over the given list.
 *
 * @throws ValidationError when neither is given.
 */
export function resolveSubscriptionSource(source: WebhookSubscriptionSource, who: string): WebhookSubscriptionStore {
  if (source.subscriptionStore) return source.subscriptionStore;
  if (!source.subscriptions) {
    throw new ValidationError(`${who} needs subscriptions or a subscriptionStore`, [
      { path: 'subscriptionStore', message: 'required (or subscriptions)' },
    ]);
  }
  return createMemoryWebhookSubscriptionStore(source.subscriptions);
}
