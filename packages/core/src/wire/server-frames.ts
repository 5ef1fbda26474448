import { z } from 'zod';
import { attributesSchema, channelSchema, idSchema, timestampSchema } from '../schemas/common.js';
import { statsSnapshotSchema } from './agent-work.js';
import {
  readHorizonSchema,
  requestIdSchema,
  wireAuthorSchema,
  wireConversationSchema,
  wireErrorSchema,
  type wireLimitsSchema,
  wireMessageSchema,
} from './wire-common.js';

/** An offer of a conversation to an agent (a routing reservation), until it is answered or expires. */
export const wireOfferSchema = z.object({
  reservationId: idSchema,
  conversationId: idSchema,
  channel: channelSchema,
  queueId: idSchema.optional(),
  /** When the offer lapses if not accepted. */
  expiresAt: timestampSchema,
  contact: z.object({ id: idSchema, name: z.string().max(200).optional() }),
  attributes: attributesSchema,
});
/** An offer of a conversation to an agent. */
export type WireOffer = z.infer<typeof wireOfferSchema>;

/** Every frame a server sends. Replies carry `re`; pushes do not. */
export const serverFrameSchema = z.discriminatedUnion('type', [
  /** The answer to a request; `result` depends on the request (see the `*Result` types). */
  z.object({ type: z.literal('reply'), re: requestIdSchema, result: z.unknown() }),
  wireErrorSchema,
  z.object({ type: z.literal('pong'), t: z.number().optional() }),
  /** A new message (also the sender's own, from another tab or device). */
  z.object({ type: z.literal('message'), message: wireMessageSchema }),
  /** Messages after a resumed `afterSeq`, oldest first, in pages; `more` until the last page. */
  z.object({
    type: z.literal('messages'),
    conversationId: idSchema,
    messages: z.array(wireMessageSchema),
    more: z.boolean(),
  }),
  z.object({ type: z.literal('typing'), conversationId: idSchema, author: wireAuthorSchema, on: z.boolean() }),
  z.object({ type: z.literal('read'), conversationId: idSchema, read: readHorizonSchema }),
  /** The conversation changed (status, agent). */
  z.object({ type: z.literal('conversation'), conversation: wireConversationSchema }),
  z.object({ type: z.literal('offer'), offer: wireOfferSchema }),
  z.object({
    type: z.literal('offer_ended'),
    reservationId: idSchema,
    reason: z.enum(['accepted', 'rejected', 'timeout', 'withdrawn', 'canceled']),
  }),
  /** Supervisors who sent `monitor`: the tenant's live figures after a change (at most every 500 ms). */
  z.object({ type: z.literal('stats'), stats: statsSnapshotSchema }),
  /** The server is closing this connection on purpose (shutdown, replaced): reconnect after `retryAfterMs`. */
  z.object({ type: z.literal('bye'), reason: z.string().max(64), retryAfterMs: z.int().min(0).optional() }),
]);
/** A frame a server sends. */
export type ServerFrame = z.infer<typeof serverFrameSchema>;

/** The `hello` reply to a customer. */
export interface CustomerHelloResult {
  v: number;
  /** Keep it (the widget keeps it in localStorage once opened) and send it in the next `hello`. */
  visitorToken: string;
  visitorTokenExpiresAt: string;
  contactId: string;
  /** The visitor's open conversations, and the resumed ones. */
  conversations: z.infer<typeof wireConversationSchema>[];
  /** Send a `ping` at least this often; the server drops a connection silent for twice as long. */
  heartbeatMs: number;
  /** Whether an agent can be reached now; when false the widget shows the offline form. */
  queueOpen: boolean;
  limits: z.infer<typeof wireLimitsSchema>;
}

/** The `hello` reply to an agent. */
export interface AgentHelloResult {
  v: number;
  agent: { id: string; name?: string; activity: string };
  /** Conversations assigned to the agent and not yet resolved. */
  conversations: z.infer<typeof wireConversationSchema>[];
  /** Offers waiting for an answer. */
  offers: WireOffer[];
  heartbeatMs: number;
  limits: z.infer<typeof wireLimitsSchema>;
}

/** The reply to `start` (and to an `accept`, for the agent). */
export interface ConversationResult {
  conversation: z.infer<typeof wireConversationSchema>;
}

/** The reply to `send`: the stored message with its `seq` (the ack). `created: false` for a resend. */
export interface SendResult {
  message: z.infer<typeof wireMessageSchema>;
  created: boolean;
}

/** The reply to `history`. */
export interface HistoryResult {
  messages: z.infer<typeof wireMessageSchema>[];
  /** More messages exist in the direction asked. */
  more: boolean;
}
