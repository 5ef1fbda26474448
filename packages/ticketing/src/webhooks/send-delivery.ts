import { type Clock, isHotlineError, type OutboxEntry } from '@hotline/core';
import { deliveryIdOf, type WebhookBody, type WebhookDeliveryPayload } from './delivery-payload.js';
import { boundedRequest, type FetchLike } from './http-request.js';
import { SIGNATURE_HEADER, signWebhookPayload } from './signature.js';
import type { WebhookSubscription } from './subscription.js';

/** The `User-Agent` of every webhook request. */
export const WEBHOOK_USER_AGENT = 'Hotline-Webhooks/1';
/** Most response bytes read from a receiver; the rest is discarded. */
export const MAX_WEBHOOK_RESPONSE_BYTES = 64 * 1024;
const ERROR_BODY_CHARS = 300;

/** What one delivery attempt came to. */
export type DeliveryOutcome =
  | { kind: 'delivered'; status: number }
  /** `410 Gone`: the receiver asks never to be called again. */
  | { kind: 'gone'; status: 410; error: string }
  /** A client error that retrying will not fix (only with `retryClientErrors: false`). */
  | { kind: 'rejected'; status: number; error: string }
  | { kind: 'retry'; status?: number; error: string; retryAfterMs?: number };

/** One attempt to deliver. */
export interface SendDeliveryInput {
  fetch: FetchLike;
  clock: Clock;
  timeoutMs: number;
  retryClientErrors: boolean;
  subscription: WebhookSubscription;
  entry: OutboxEntry;
  payload: WebhookDeliveryPayload;
  /** The delivery attempt number (1 for the first), sent as `X-Hotline-Attempt`. */
  attempt: number;
}

/** POSTs one signed delivery and classifies the answer; never throws for network trouble. */
export async function sendDelivery(input: SendDeliveryInput): Promise<DeliveryOutcome> {
  const { subscription, entry, payload, clock } = input;
  const deliveryId = deliveryIdOf(entry, payload);
  const body: WebhookBody = {
    id: deliveryId,
    type: payload.type,
    tenantId: entry.tenantId,
    createdAt: payload.createdAt,
    data: payload.data,
  };
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = {
    ...subscription.headers,
    'Content-Type': 'application/json',
    'User-Agent': WEBHOOK_USER_AGENT,
    'X-Hotline-Delivery': deliveryId,
    'X-Hotline-Event': payload.type,
    'X-Hotline-Attempt': String(input.attempt),
    [SIGNATURE_HEADER]: signWebhookPayload(subscription.secret, Math.floor(clock.now() / 1000), raw),
  };
  let response: Awaited<ReturnType<typeof boundedRequest>>;
  try {
    response = await boundedRequest(
      input.fetch,
      subscription.url,
      { method: 'POST', headers, body: raw },
      { clock, timeoutMs: input.timeoutMs, maxBodyBytes: MAX_WEBHOOK_RESPONSE_BYTES },
    );
  } catch (error) {
    return { kind: 'retry', error: isHotlineError(error) ? error.message : String(error) };
  }
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  const error = `HTTP ${status}${response.body ? `: ${response.body.slice(0, ERROR_BODY_CHARS)}` : ''}`;
  if (status === 410) return { kind: 'gone', status, error };
  if (status >= 400 && status < 500 && status !== 408 && status !== 429 && !input.retryClientErrors) {
    return { kind: 'rejected', status, error };
  }
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), clock.now());
  return retryAfterMs === undefined ? { kind: 'retry', status, error } : { kind: 'retry', status, error, retryAfterMs };
}

/** `Retry-After` as ms from now: delay-seconds or an HTTP date; `undefined` when absent or bad. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
