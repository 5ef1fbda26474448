import { idSchema, parseInput, tenantIdSchema } from '@hotline/core';
import { z } from 'zod';

/** The shortest signing secret, in UTF-8 bytes: as long as the SHA-256 output (RFC 2104). */
export const MIN_WEBHOOK_SECRET_BYTES = 32;

const encoder = new TextEncoder();
const EVENT_PATTERN = /^(\*|[a-z][a-z0-9_]*\.(\*|[a-z][a-z0-9_.]*))$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
// Headers the relay owns: a subscription may not forge the signature, the event type or
// the framing of the request.
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'user-agent',
  'host',
  'connection',
  'transfer-encoding',
]);

/** A webhook target: an absolute http(s) URL without credentials (they would leak into logs). */
export const webhookUrlSchema = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'an absolute URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'http or https only' });
    }
    if (url.username !== '' || url.password !== '') {
      ctx.addIssue({ code: 'custom', message: 'credentials in the URL are refused; use headers' });
    }
  });

/** An event pattern: an exact type (`ticket.created`), a prefix (`ticket.*`) or `*`. */
export const webhookEventPatternSchema = z
  .string()
  .regex(EVENT_PATTERN, "a type such as 'ticket.created', or 'ticket.*'");

/** A signing secret of at least {@link MIN_WEBHOOK_SECRET_BYTES} UTF-8 bytes. */
export const webhookSecretSchema = z
  .string()
  .max(512)
  .refine((value) => encoder.encode(value).length >= MIN_WEBHOOK_SECRET_BYTES, {
    message: `at least ${MIN_WEBHOOK_SECRET_BYTES} bytes`,
  });

const headerValueSchema = z
  .string()
  .max(1024)
  .refine((value) => !/[\r\n\0]/.test(value), { message: 'no CR, LF or NUL (header injection)' });

const headersSchema = z
  .record(z.string().regex(HEADER_NAME, 'an HTTP header name'), headerValueSchema)
  .refine((headers) => Object.keys(headers).length <= 20, { message: 'at most 20 headers' })
  .superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      const lower = name.toLowerCase();
      if (RESERVED_HEADERS.has(lower) || lower.startsWith('x-hotline-')) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'reserved for the relay' });
      }
    }
  });

/**
 * A webhook subscription: where a tenant's events go and the secret they are signed with.
 * `events` lists exact types or prefixes; `headers` are added to every request (a bearer
 * token for the receiver, say), never overriding the relay's own.
 */
export const webhookSubscriptionSchema = z.strictObject({
  id: idSchema,
  tenantId: tenantIdSchema,
  url: webhookUrlSchema,
  secret: webhookSecretSchema,
  events: z.array(webhookEventPatternSchema).min(1).max(100),
  /** Inactive subscriptions get no new entries; queued ones are dead-lettered. @default true */
  active: z.boolean().default(true),
  headers: headersSchema.optional(),
  description: z.string().max(500).optional(),
});
/** A webhook subscription. */
export type WebhookSubscription = z.output<typeof webhookSubscriptionSchema>;
/** A webhook subscription as callers write it (`active` may be left out). */
export type WebhookSubscriptionInput = z.input<typeof webhookSubscriptionSchema>;

/**
 * Validates a subscription.
 *
 * @throws ValidationError listing every problem (the message never echoes the secret).
 * @example
 * ```ts
 * const sub = parseWebhookSubscription({
 *   id: 'whk_1', tenantId: 'ten_1', url: 'https://example.com/hooks',
 *   secret: process.env.HOOK_SECRET, events: ['ticket.*'],
 * });
 * ```
 */
export function parseWebhookSubscription(input: unknown): WebhookSubscription {
  return parseInput(webhookSubscriptionSchema, input, 'webhook subscription');
}

/** Whether an event type matches one pattern (`*`, `ticket.*` or an exact type). */
export function eventMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** Whether a subscription wants an event: same tenant, active, and one pattern matches. */
export function subscriptionWants(subscription: WebhookSubscription, tenantId: string, type: string): boolean {
  return (
    subscription.active &&
    subscription.tenantId === tenantId &&
    subscription.events.some((pattern) => eventMatches(pattern, type))
  );
}
