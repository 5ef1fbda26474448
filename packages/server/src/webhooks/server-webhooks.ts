import { type EventPattern, ValidationError } from '@hotline/core';
import type { TicketingWebhooksOptions, WebhookSubscriptionInput } from '@hotline/ticketing';

/**
 * The bus events the server's webhooks carry: conversations (created, status changes,
 * transfers, legs, reads), messages (received, sent, notes, status) and tickets.
 */
export const SERVER_WEBHOOK_EVENTS: readonly EventPattern[] = ['conversation.*', 'message.*', 'ticket.*'];

/** A webhook subscription of the server: where a tenant's events go, signed with `secret`. */
export type ServerWebhook = WebhookSubscriptionInput;

/** How the webhook worker delivers (see ticketing's `WebhookRelayOptions`). */
export type ServerWebhookDelivery = NonNullable<TicketingWebhooksOptions['relay']>;

/**
 * Ticketing's webhook options for the server's `webhooks`: one publisher that writes a
 * delivery to core's outbox for each matching event (keyed by event, so a replay is sent
 * once) and one relay that signs (`X-Hotline-Signature`) and delivers them with retries
 * and backoff, started with the server. Nothing here signs or sends on its own:
 * `@hotline/ticketing`'s webhook module does, for tickets and conversations alike.
 *
 * Relay errors go to `onError` unless `webhookDelivery` names its own.
 *
 * @throws ValidationError when ticketing webhooks are configured too (two relays would
 *   race for the same outbox).
 */
export function serverWebhookOptions(
  options: {
    webhooks?: readonly ServerWebhook[] | undefined;
    webhookDelivery?: ServerWebhookDelivery | undefined;
    ticketing?: { webhooks?: TicketingWebhooksOptions | undefined } | undefined;
  },
  onError: (error: unknown) => void,
): TicketingWebhooksOptions | undefined {
  const { webhooks, webhookDelivery } = options;
  const ticketingWebhooks = options.ticketing?.webhooks;
  if (!webhooks || webhooks.length === 0) return ticketingWebhooks;
  if (ticketingWebhooks) {
    throw new ValidationError('give webhooks or ticketing.webhooks, not both', [
      { path: 'webhooks', message: 'ticketing.webhooks is set too' },
    ]);
  }
  return { subscriptions: webhooks, listen: SERVER_WEBHOOK_EVENTS, relay: { onError, ...webhookDelivery } };
}
