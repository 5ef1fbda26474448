import { z } from 'zod';
import { attributesSchema, channelSchema, idSchema, tenantIdSchema, timestampSchema } from './common.js';

/** Longest text body of one message, in UTF-16 code units. */
export const MAX_MESSAGE_TEXT = 32_000;

/** A file attached to a message; the bytes live in a blob store, the message holds a reference. */
export const attachmentSchema = z.object({
  id: idSchema,
  name: z.string().min(1).max(255),
  mimeType: z
    .string()
    .min(3)
    .max(127)
    .regex(/^[\w.+-]+\/[\w.+-]+$/, 'a MIME type such as image/png'),
  size: z
    .int()
    .min(0)
    .max(1024 ** 3),
  url: z.string().max(2048).optional(),
  /** Result of a malware or content scan, when the host runs one. */
  scanStatus: z.enum(['pending', 'clean', 'infected', 'skipped']).optional(),
});
/** A file attached to a message. */
export type Attachment = z.infer<typeof attachmentSchema>;

const cardActionSchema = z.object({
  label: z.string().min(1).max(80),
  /** What the action sends back (a postback value) or opens (a URL). */
  value: z.string().min(1).max(1024),
  kind: z.enum(['postback', 'url']).default('postback'),
});

/** What a message carries: text, attachments (with an optional caption), a card, or a system event. */
export const messageContentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1).max(MAX_MESSAGE_TEXT) }),
  z.object({
    type: z.literal('attachments'),
    attachments: z.array(attachmentSchema).min(1).max(10),
    text: z.string().max(MAX_MESSAGE_TEXT).optional(),
  }),
  z.object({
    type: z.literal('card'),
    title: z.string().min(1).max(200),
    body: z.string().max(2000).optional(),
    imageUrl: z.string().max(2048).optional(),
    actions: z.array(cardActionSchema).max(10).default([]),
  }),
  z.object({
    type: z.literal('event'),
    /** Dotted event name, e.g. `call.answered`, `conversation.transferred`. */
    name: z.string().min(1).max(64),
    data: attributesSchema.default({}),
  }),
]);
/** What a message carries. */
export type MessageContent = z.infer<typeof messageContentSchema>;

/** Longest author display name on a message. */
export const MAX_AUTHOR_NAME_LENGTH = 200;

/** Who wrote a message. */
export const messageAuthorSchema = z.object({
  kind: z.enum(['contact', 'agent', 'bot', 'system']),
  id: idSchema.optional(),
  name: z.string().max(MAX_AUTHOR_NAME_LENGTH).optional(),
});
/** Who wrote a message. */
export type MessageAuthor = z.infer<typeof messageAuthorSchema>;

/**
 * `inbound` from the customer, `outbound` to the customer, `note` internal between agents,
 * `system` for timeline events (call answered, transferred…), never shown as a chat bubble.
 */
export const messageDirectionSchema = z.enum(['inbound', 'outbound', 'note', 'system']);
/** Message direction. */
export type MessageDirection = z.infer<typeof messageDirectionSchema>;

/** Delivery status, only ever moving forward (a late `delivered` never undoes `read`). */
export const messageStatusSchema = z.enum(['pending', 'sent', 'delivered', 'read', 'failed']);
/** Delivery status. */
export type MessageStatus = z.infer<typeof messageStatusSchema>;

/** Longest idempotency key (`clientMessageId`, `providerMessageId`). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/** Idempotency keys are short opaque strings chosen by clients and providers. */
const idempotencyKeySchema = z.string().min(1).max(MAX_IDEMPOTENCY_KEY_LENGTH);

/**
 * One message of a conversation. `seq` is gap-free and monotonic per conversation: the
 * first message is 1, and no two messages share a number.
 */
export const messageSchema = z.object({
  id: idSchema,
  tenantId: tenantIdSchema,
  conversationId: idSchema,
  seq: z.int().min(1),
  direction: messageDirectionSchema,
  author: messageAuthorSchema,
  content: messageContentSchema,
  channel: channelSchema,
  legId: idSchema.optional(),
  /** The provider's id (WhatsApp wamid, email Message-ID…); unique per tenant and channel. */
  providerMessageId: idempotencyKeySchema.optional(),
  /** The sender's idempotency key; unique per conversation. */
  clientMessageId: idempotencyKeySchema.optional(),
  status: messageStatusSchema,
  metadata: attributesSchema,
  createdAt: timestampSchema,
});
/** One message of a conversation. */
export type Message = z.infer<typeof messageSchema>;

/** Input to append a message. */
export const appendMessageInputSchema = z.object({
  tenantId: tenantIdSchema,
  conversationId: idSchema,
  direction: messageDirectionSchema,
  author: messageAuthorSchema,
  content: messageContentSchema,
  /** Defaults to the conversation's current channel. */
  channel: channelSchema.optional(),
  legId: idSchema.optional(),
  providerMessageId: idempotencyKeySchema.optional(),
  clientMessageId: idempotencyKeySchema.optional(),
  status: messageStatusSchema.optional(),
  metadata: attributesSchema.default({}),
});
/** Input to append a message. */
export type AppendMessageInput = z.input<typeof appendMessageInputSchema>;
