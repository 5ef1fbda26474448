import { z } from 'zod';
import { attributesSchema, idSchema, languageSchema, timestampSchema } from '../schemas/common.js';
import { conversationStatusSchema } from '../schemas/conversation.js';
import { MAX_MESSAGE_TEXT, messageContentSchema, messageDirectionSchema } from '../schemas/message.js';

/**
 * The web chat wire protocol's version. A client says which it speaks in `hello`; a server
 * that does not speak it answers `VALIDATION_FAILED` with `reason: 'unsupported_version'`
 * and closes. Adding optional fields or frame types keeps the version; changing or removing
 * anything bumps it.
 */
export const WIRE_PROTOCOL_VERSION = 1;

/** A request id chosen by the client; the reply carries it back as `re`. */
export const requestIdSchema = z.string().min(1).max(64);

/** An idempotency key chosen by the client (a `clientMessageId`, a conversation `key`). */
export const clientKeySchema = z.string().min(1).max(200);

/** A seq a client has seen (0: none yet). */
export const seenSeqSchema = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Who wrote a message, as a customer may see it: no internal ids except the contact's own. */
export const wireAuthorSchema = z.object({
  kind: z.enum(['contact', 'agent', 'bot', 'system']),
  name: z.string().max(200).optional(),
});

/**
 * A message on the wire. Agents also receive `note` messages (internal); customers never do.
 */
export const wireMessageSchema = z.object({
  id: idSchema,
  conversationId: idSchema,
  seq: z.int().min(1),
  direction: messageDirectionSchema,
  author: wireAuthorSchema,
  content: messageContentSchema,
  clientMessageId: clientKeySchema.optional(),
  createdAt: timestampSchema,
});
/** A message on the wire. */
export type WireMessage = z.infer<typeof wireMessageSchema>;

/** How far each side has read a conversation (the highest seq read). */
export const readHorizonSchema = z.object({ contact: seenSeqSchema, agent: seenSeqSchema });
/** Read horizons of a conversation. */
export type ReadHorizon = z.infer<typeof readHorizonSchema>;

/** A conversation as a web chat client sees it. */
export const wireConversationSchema = z.object({
  id: idSchema,
  status: conversationStatusSchema,
  /** The seq of the newest message (0: none). */
  lastSeq: seenSeqSchema,
  read: readHorizonSchema,
  /** The agent handling it, by display name only. */
  agent: z.object({ name: z.string().max(200) }).optional(),
  /** The agent side also sees who the customer is and what the widget sent. */
  contact: z.object({ id: idSchema, name: z.string().max(200).optional() }).optional(),
  attributes: attributesSchema.optional(),
  createdAt: timestampSchema,
});
/** A conversation as a web chat client sees it. */
export type WireConversation = z.infer<typeof wireConversationSchema>;

/** The limits a server enforces, told to the client in the `hello` reply. */
export const wireLimitsSchema = z.object({
  maxFrameBytes: z.int().min(1),
  maxTextLength: z.int().min(1).max(MAX_MESSAGE_TEXT),
  maxUploadBytes: z.int().min(0),
  allowedMimeTypes: z.array(z.string().max(127)).max(100),
  /** Messages a connection may send per second, sustained. */
  messagesPerSecond: z.number().positive(),
});
/** The limits a server enforces. */
export type WireLimits = z.infer<typeof wireLimitsSchema>;

/**
 * An error on the wire: a core error code (see `ERROR_CODES`), a stable `reason` for the
 * specific case (`malformed_json`, `token_expired`, `unsupported_version`…), and whether the
 * server closes the connection after it (`fatal`).
 */
export const wireErrorSchema = z.object({
  type: z.literal('error'),
  /** The request this answers, when it answers one. */
  re: requestIdSchema.optional(),
  code: z.string().max(64),
  reason: z.string().max(64).optional(),
  message: z.string().max(2000),
  retryAfterMs: z.int().min(0).optional(),
  fatal: z.boolean().optional(),
});
/** An error on the wire. */
export type WireError = z.infer<typeof wireErrorSchema>;

/** What a customer sends to be routed: where they are and what they said before chatting. */
export const visitorAttributesSchema = z.object({
  page: z
    .object({
      url: z.string().max(2048).optional(),
      title: z.string().max(500).optional(),
      referrer: z.string().max(2048).optional(),
    })
    .optional(),
  language: languageSchema.optional(),
  /** Answers of the pre-chat form, by field name. */
  prechat: z.record(z.string().min(1).max(64), z.union([z.string().max(2000), z.number(), z.boolean()])).optional(),
  /** Anything the host set with `setAttributes`. */
  custom: attributesSchema.optional(),
});
/** What a customer sends to be routed. */
export type VisitorAttributes = z.infer<typeof visitorAttributesSchema>;

/** Text, or uploaded attachments (by the ids the upload returned) with an optional caption. */
export const wireSendContentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1).max(MAX_MESSAGE_TEXT) }),
  z.object({
    type: z.literal('attachments'),
    attachmentIds: z.array(idSchema).min(1).max(10),
    text: z.string().max(MAX_MESSAGE_TEXT).optional(),
  }),
]);
/** What a client may send as message content. */
export type WireSendContent = z.infer<typeof wireSendContentSchema>;
