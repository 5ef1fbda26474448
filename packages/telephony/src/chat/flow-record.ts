import type { Attributes, Channel, Conversation, DispatchRequest } from '@hotline/core';
import { z } from 'zod';
import { serializedFlowStateSchema } from '../flows/flow-state.js';

/** The conversation attribute that holds a chat flow's stored state. */
export const CHAT_FLOW_ATTRIBUTE = 'chatFlow';

const primitiveSchema = z.union([z.string(), z.number(), z.boolean()]);

/** What the bot said in the latest turn, kept so a restart between storing and sending re-sends it. */
const sentSchema = z.strictObject({
  text: z.string(),
  nodeId: z.string(),
  expects: z.enum(['choice', 'digits', 'text']).optional(),
  choices: z.array(z.strictObject({ digit: z.string().optional(), label: z.string().optional() })).optional(),
});

/** The route or callback the flow ended with, kept until it has been carried out. */
const finalSchema = z.strictObject({
  type: z.enum(['route', 'callback']),
  queue: z.string(),
  priority: z.number().optional(),
  phone: z.string().optional(),
  locale: z.string(),
  attributes: z.record(z.string(), primitiveSchema),
});

/**
 * A chat flow as stored on its conversation: the engine's state plus what the host needs
 * to carry on after a restart (the request it came with, the last customer message fed,
 * the latest turn's messages and when its prompt was asked).
 */
export const chatFlowRecordSchema = z.strictObject({
  state: serializedFlowStateSchema,
  /** Inputs fed so far (0 at the start); names the bot's messages so re-sending them is idempotent. */
  turn: z.int().min(0),
  /** The `seq` of the last customer message fed (or the last message before the flow started). */
  inputSeq: z.int().min(0),
  /** Epoch ms when the pending prompt was asked, to re-arm its timer with what is left. */
  promptedAt: z.number().optional(),
  sent: z.array(sentSchema),
  final: finalSchema.optional(),
  request: z.strictObject({
    channel: z.string(),
    queueId: z.string().optional(),
    priority: z.number().optional(),
    attributes: z.record(z.string(), z.unknown()),
  }),
});

/** A chat flow as stored on its conversation. */
export type ChatFlowRecord = z.output<typeof chatFlowRecordSchema>;
/** One bot message of a turn. */
export type SentMessage = ChatFlowRecord['sent'][number];
/** How a flow ended, when it ended by routing or a callback request. */
export type FlowFinal = NonNullable<ChatFlowRecord['final']>;

/** The stored record of a conversation, or `undefined` when it has none (or an unreadable one). */
export function readRecord(conversation: Conversation): ChatFlowRecord | undefined {
  const parsed = chatFlowRecordSchema.safeParse(conversation.attributes[CHAT_FLOW_ATTRIBUTE]);
  return parsed.success ? parsed.data : undefined;
}

/** The record's copy of a dispatch request (ids come from the conversation). */
export function storedRequest(request: DispatchRequest): ChatFlowRecord['request'] {
  const stored: ChatFlowRecord['request'] = { channel: request.channel, attributes: { ...request.attributes } };
  if (request.queueId !== undefined) stored.queueId = request.queueId;
  if (request.priority !== undefined) stored.priority = request.priority;
  return stored;
}

/** The dispatch request a stored record was started with. */
export function requestOf(tenantId: string, conversationId: string, record: ChatFlowRecord): DispatchRequest {
  const { request } = record;
  return {
    tenantId,
    conversationId,
    channel: request.channel as Channel,
    attributes: request.attributes as Attributes,
    ...(request.queueId === undefined ? {} : { queueId: request.queueId }),
    ...(request.priority === undefined ? {} : { priority: request.priority }),
  };
}

/** The request's attributes a flow can read: text, numbers and flags. */
export function flowAttributesOf(attributes: Attributes): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value))
    )
      out[key] = value;
  }
  return out;
}

/** The locale a chat flow starts in: the request's `language` attribute, else the conversation's. */
export function localeOf(request: DispatchRequest, conversation: Conversation): string | undefined {
  const language = request.attributes['language'];
  const tag = typeof language === 'string' && language.length > 0 ? language : conversation.language;
  return tag !== undefined && tag.length <= 100 ? tag : undefined;
}
