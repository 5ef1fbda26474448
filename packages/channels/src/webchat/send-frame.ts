import {
  type AgentFrame,
  type CustomerFrame,
  clientKeySchema,
  idSchema,
  MAX_MESSAGE_TEXT,
  requestIdSchema,
} from '@hotline/core';
import type { ConnectionRole } from './frame-codec.js';

/** A `send` frame as the side's schema outputs it. */
export type SendFrame = Extract<CustomerFrame, { type: 'send' }> | Extract<AgentFrame, { type: 'send' }>;

/** Core's id pattern (`idSchema`); the frame tests hold this copy to the schema. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
// Lengths come from the schemas; one that stops declaring them turns this path off (0).
const MAX_REQUEST_ID = requestIdSchema.maxLength ?? 0;
const MAX_CLIENT_KEY = clientKeySchema.maxLength ?? 0;
const MAX_ID = idSchema.maxLength ?? 0;

/**
 * Checks the frame that comes most often, a text `send`, field by field against exactly
 * the rules of `customerFrameSchema` / `agentFrameSchema`, several times cheaper than the
 * schema. Returns what the schema would (a new object, its keys in the schema's order,
 * unknown keys dropped), or `undefined` for anything else, valid or not: the schema then
 * decides and words the error.
 */
export function parseTextSend(raw: Record<string, unknown>, role: ConnectionRole): SendFrame | undefined {
  if (Object.getPrototypeOf(raw) !== Object.prototype) return undefined;
  const { id, conversationId, clientMessageId, content } = raw;
  if (raw['type'] !== 'send' || !isKey(id, MAX_REQUEST_ID) || !isKey(clientMessageId, MAX_CLIENT_KEY)) return undefined;
  if (typeof conversationId !== 'string' || conversationId.length > MAX_ID || !ID_PATTERN.test(conversationId)) {
    return undefined;
  }
  if (typeof content !== 'object' || content === null || Object.getPrototypeOf(content) !== Object.prototype) {
    return undefined;
  }
  const { type, text } = content as Record<string, unknown>;
  if (type !== 'text' || typeof text !== 'string' || text.length < 1 || text.length > MAX_MESSAGE_TEXT)
    return undefined;
  const frame: SendFrame = { type: 'send', id, conversationId, clientMessageId, content: { type: 'text', text } };
  // Only agents send notes; for a customer `note` is an unknown key, dropped like any other.
  if (role === 'agent' && 'note' in raw) {
    const note = raw['note'];
    if (note !== undefined && typeof note !== 'boolean') return undefined;
    (frame as Extract<AgentFrame, { type: 'send' }>).note = note;
  }
  return frame;
}

function isKey(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= max;
}
