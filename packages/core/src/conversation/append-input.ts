import type { z } from 'zod';
import { CHANNELS, ID_PATTERN, MAX_ID_LENGTH } from '../schemas/common.js';
import {
  appendMessageInputSchema,
  MAX_AUTHOR_NAME_LENGTH,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_MESSAGE_TEXT,
  type MessageAuthor,
  messageAuthorSchema,
  messageDirectionSchema,
  messageStatusSchema,
} from '../schemas/message.js';
import { parseInput } from '../validation/parse.js';

/** `appendMessage` input after parsing (defaults applied, unknown keys dropped). */
export type ParsedAppendMessageInput = z.output<typeof appendMessageInputSchema>;

const DIRECTIONS: ReadonlySet<unknown> = new Set(messageDirectionSchema.options);
const STATUSES: ReadonlySet<unknown> = new Set(messageStatusSchema.options);
const AUTHOR_KINDS: ReadonlySet<unknown> = new Set(messageAuthorSchema.shape.kind.options);
const CHANNEL_NAMES: ReadonlySet<unknown> = new Set(CHANNELS);

/**
 * Parses `appendMessage` input: every message a channel appends comes through here. The
 * common shape (text from a contact, an agent or a bot, with the usual optional fields
 * and no metadata) is checked field by field against exactly the schema's rules, which
 * is several times cheaper than running the schema; anything else, valid or not, goes
 * through `appendMessageInputSchema`, which also words the errors. Either way the result
 * is the schema's: a new object with the schema's keys in the schema's order.
 */
export function parseAppendMessageInput(input: unknown): ParsedAppendMessageInput {
  return parseCommonAppendInput(input) ?? parseInput(appendMessageInputSchema, input, 'message');
}

/** The parsed input when it has the common shape and is valid; `undefined` leaves the decision to the schema. */
export function parseCommonAppendInput(input: unknown): ParsedAppendMessageInput | undefined {
  if (!isPlainRecord(input)) return undefined;
  const { tenantId, conversationId, direction, channel, legId, providerMessageId, clientMessageId, status } = input;
  if (!isId(tenantId) || !isId(conversationId) || !DIRECTIONS.has(direction)) return undefined;
  const author = commonAuthor(input['author']);
  const content = textContent(input['content']);
  if (author === undefined || content === undefined) return undefined;
  if (channel !== undefined && !CHANNEL_NAMES.has(channel)) return undefined;
  if (legId !== undefined && !isId(legId)) return undefined;
  if (providerMessageId !== undefined && !isIdempotencyKey(providerMessageId)) return undefined;
  if (clientMessageId !== undefined && !isIdempotencyKey(clientMessageId)) return undefined;
  if (status !== undefined && !STATUSES.has(status)) return undefined;
  // Attributes have rules of their own (keys, depth, size): the schema checks them.
  if (input['metadata'] !== undefined) return undefined;
  const parsed = {
    tenantId,
    conversationId,
    direction,
    author,
    content,
  } as ParsedAppendMessageInput;
  // Optional keys present with `undefined` stay, as the schema keeps them.
  if ('channel' in input) parsed.channel = channel as ParsedAppendMessageInput['channel'];
  if ('legId' in input) parsed.legId = legId as string | undefined;
  if ('providerMessageId' in input) parsed.providerMessageId = providerMessageId as string | undefined;
  if ('clientMessageId' in input) parsed.clientMessageId = clientMessageId as string | undefined;
  if ('status' in input) parsed.status = status as ParsedAppendMessageInput['status'];
  parsed.metadata = {};
  return parsed;
}

function commonAuthor(value: unknown): MessageAuthor | undefined {
  if (!isPlainRecord(value) || !AUTHOR_KINDS.has(value['kind'])) return undefined;
  const { id, name } = value;
  if (id !== undefined && !isId(id)) return undefined;
  if (name !== undefined && (typeof name !== 'string' || name.length > MAX_AUTHOR_NAME_LENGTH)) return undefined;
  const author = { kind: value['kind'] } as MessageAuthor;
  if ('id' in value) author.id = id as string | undefined;
  if ('name' in value) author.name = name as string | undefined;
  return author;
}

function textContent(value: unknown): { type: 'text'; text: string } | undefined {
  if (!isPlainRecord(value) || value['type'] !== 'text') return undefined;
  const text = value['text'];
  if (typeof text !== 'string' || text.length < 1 || text.length > MAX_MESSAGE_TEXT) return undefined;
  return { type: 'text', text };
}

/** A plain object (what JSON and object literals make); anything exotic is left to the schema. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_ID_LENGTH && ID_PATTERN.test(value);
}

function isIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= MAX_IDEMPOTENCY_KEY_LENGTH;
}
