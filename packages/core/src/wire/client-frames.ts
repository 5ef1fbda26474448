import { z } from 'zod';
import { activityNameSchema } from '../schemas/agent.js';
import { idSchema } from '../schemas/common.js';
import { dispositionSchema, wrapUpNotesSchema } from './agent-work.js';
import {
  clientKeySchema,
  requestIdSchema,
  seenSeqSchema,
  visitorAttributesSchema,
  wireSendContentSchema,
} from './wire-common.js';

/** Most conversations a client may resume in one `hello`. */
export const MAX_RESUME = 20;

const resumeSchema = z
  .array(z.object({ conversationId: idSchema, afterSeq: seenSeqSchema }))
  .max(MAX_RESUME)
  .optional();

/** Frames both customers and agents send. */
const pingFrame = z.object({ type: z.literal('ping'), id: requestIdSchema.optional(), t: z.number().optional() });
const sendFrame = z.object({
  type: z.literal('send'),
  id: requestIdSchema,
  conversationId: idSchema,
  /** The idempotency key: a resend with the same key is answered with the stored message. */
  clientMessageId: clientKeySchema,
  content: wireSendContentSchema,
});
const typingFrame = z.object({ type: z.literal('typing'), conversationId: idSchema, on: z.boolean() });
const readFrame = z.object({ type: z.literal('read'), conversationId: idSchema, seq: z.int().min(1) });
const historyFrame = z.object({
  type: z.literal('history'),
  id: requestIdSchema,
  conversationId: idSchema,
  afterSeq: seenSeqSchema.optional(),
  beforeSeq: z.int().min(1).optional(),
  limit: z.int().min(1).max(200).optional(),
});

/**
 * A customer's identity claim: the host's user id with `hash` = hex HMAC-SHA256 of the
 * user id under the site's secret (computed on the host's server), or a JWT signed by
 * the host (`sub` = user id, `exp` required, `jti` for replay protection).
 */
export const identityClaimSchema = z.union([
  z.object({
    userId: z.string().min(1).max(200),
    hash: z.string().regex(/^[0-9a-f]{64}$/, 'hex HMAC-SHA256'),
    name: z.string().max(200).optional(),
    email: z.string().max(320).optional(),
  }),
  z.object({ jwt: z.string().min(1).max(8192) }),
]);
/** A customer's identity claim. */
export type IdentityClaim = z.infer<typeof identityClaimSchema>;

/** Every frame a customer (the widget, `CustomerChat`) may send. The first must be `hello`. */
export const customerFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    id: requestIdSchema,
    v: z.int().min(1),
    /** The site (widget installation) the visitor is on; it names the tenant. */
    siteId: idSchema,
    /** The token a previous `hello` returned: the same visitor, the same history. */
    visitorToken: z.string().min(1).max(4096).optional(),
    identity: identityClaimSchema.optional(),
    locale: z.string().min(2).max(35).optional(),
    resume: resumeSchema,
  }),
  z.object({
    type: z.literal('start'),
    id: requestIdSchema,
    /** Idempotency key: starting twice with one key returns the same conversation. */
    key: clientKeySchema,
    queueId: idSchema.optional(),
    attributes: visitorAttributesSchema.optional(),
  }),
  sendFrame,
  typingFrame,
  readFrame,
  historyFrame,
  pingFrame,
  z.object({ type: z.literal('end'), id: requestIdSchema, conversationId: idSchema }),
  z.object({
    type: z.literal('csat'),
    id: requestIdSchema,
    conversationId: idSchema,
    score: z.int().min(1).max(5),
    comment: z.string().max(2000).optional(),
  }),
  z.object({
    type: z.literal('transcript'),
    id: requestIdSchema,
    conversationId: idSchema,
    email: z.email().max(320),
  }),
  z.object({
    type: z.literal('offline'),
    id: requestIdSchema,
    key: clientKeySchema,
    name: z.string().max(200).optional(),
    email: z.email().max(320),
    message: z.string().min(1).max(5000),
    attributes: visitorAttributesSchema.optional(),
  }),
]);
/** A frame a customer sends. */
export type CustomerFrame = z.infer<typeof customerFrameSchema>;

/** Every frame an agent client (`AgentDesk`) may send. The first must be `hello`. */
export const agentFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    id: requestIdSchema,
    v: z.int().min(1),
    /** A JWT the host signed for this agent (`sub` = agent id, `tid` = tenant id, `exp`). */
    agentToken: z.string().min(1).max(8192),
    resume: resumeSchema,
  }),
  z.object({ type: z.literal('activity'), id: requestIdSchema, activity: activityNameSchema }),
  z.object({ type: z.literal('accept'), id: requestIdSchema, reservationId: idSchema }),
  z.object({ type: z.literal('reject'), id: requestIdSchema, reservationId: idSchema }),
  sendFrame.extend({ note: z.boolean().optional() }),
  typingFrame,
  readFrame,
  historyFrame,
  pingFrame,
  /**
   * The interaction is over: the conversation goes to wrap-up, with the outcome and notes
   * when given (on a conversation already in wrap-up, only those are recorded).
   */
  z.object({
    type: z.literal('end'),
    id: requestIdSchema,
    conversationId: idSchema,
    disposition: dispositionSchema.optional(),
    notes: wrapUpNotesSchema.optional(),
  }),
  /** After-contact work is done: the conversation is resolved and the agent free again. */
  z.object({ type: z.literal('resolve'), id: requestIdSchema, conversationId: idSchema }),
  /** Hands a conversation (with its history) to a queue or to one agent: exactly one of the two. */
  z
    .object({
      type: z.literal('transfer'),
      id: requestIdSchema,
      conversationId: idSchema,
      queueId: idSchema.optional(),
      agentId: idSchema.optional(),
    })
    .refine((f) => (f.queueId === undefined) !== (f.agentId === undefined), {
      message: 'give exactly one of queueId and agentId',
      path: ['queueId'],
    }),
  /** Supervisors: live queue and agent figures (`stats` pushes) while `on`. */
  z.object({ type: z.literal('monitor'), id: requestIdSchema, on: z.boolean() }),
  /** Supervisors: follow a conversation of the tenant read-only while `on`. */
  z.object({ type: z.literal('watch'), id: requestIdSchema, conversationId: idSchema, on: z.boolean() }),
]);
/** A frame an agent sends. */
export type AgentFrame = z.infer<typeof agentFrameSchema>;
