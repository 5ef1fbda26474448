import { idSchema, type OutboxEntry, timestampSchema } from '@hotline/core';
import { z } from 'zod';

/** The outbox topic webhook deliveries are queued under. */
export const WEBHOOK_TOPIC = 'webhook';

/**
 * What a webhook outbox entry holds: which subscription, and the event. Never the URL or
 * the secret: the relay reads the subscription when it delivers, so a rotated secret or a
 * disabled subscription applies to queued retries, and no secret sits in the outbox.
 */
export const webhookDeliveryPayloadSchema = z.strictObject({
  subscriptionId: idSchema,
  type: z.string().min(1).max(100),
  /** When the event happened (the body's `createdAt`). */
  createdAt: timestampSchema,
  data: z.json(),
  /** The bus event it came from, when it came from one. */
  eventId: z.string().max(200).optional(),
  /** On a hand redelivery: the delivery id of the dead entry, kept so receivers can dedupe. */
  deliveryId: idSchema.optional(),
  /** On a hand redelivery: the dead entry it retries. */
  redeliveryOf: idSchema.optional(),
});
/** What a webhook outbox entry holds. */
export type WebhookDeliveryPayload = z.infer<typeof webhookDeliveryPayloadSchema>;

/** The JSON body every webhook request carries. */
export interface WebhookBody {
  /** The delivery id, the same on every retry (and in `X-Hotline-Delivery`). */
  id: string;
  type: string;
  tenantId: string;
  createdAt: string;
  data: unknown;
}

/** The delivery id of an entry: its own id, or the original's for a hand redelivery. */
export function deliveryIdOf(entry: OutboxEntry, payload: WebhookDeliveryPayload): string {
  return payload.deliveryId ?? entry.id;
}
