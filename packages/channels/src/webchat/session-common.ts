import type {
  Attachment,
  Conversation,
  HistoryResult,
  MessageAuthor,
  MessageContent,
  MessageDirection,
  SendResult,
  WireSendContent,
} from '@hotline/core';
import type { Connection } from './connection.js';
import { type ConversationEntry, indexKey } from './connection-index.js';
import type { GatewayContext } from './context.js';
import { EncodedResult } from './encoded-result.js';
import type { PushHub } from './push-hub.js';
import { conversationNotFound, rateLimited, textTooLong, WireFault } from './wire-errors.js';

/** Messages in one `messages` frame of a resume. */
export const RESUME_PAGE_SIZE = 100;
/** Messages a `history` reply holds when the request names no limit. */
export const DEFAULT_HISTORY_LIMIT = 50;

/** The reply of requests that return nothing else (`reject`, `csat`, `transcript`). */
export interface OkResult {
  ok: true;
}

/** Whether a conversation is the connection's: the visitor's contact (or one merged into it), or the agent's assignment. */
export function owns(connection: Connection, conversation: Conversation): boolean {
  if (conversation.tenantId !== connection.tenantId) return false;
  if (connection.role === 'agent') return conversation.assigneeId === connection.principalId;
  return conversation.contactId === connection.principalId || connection.mergedFrom.includes(conversation.contactId);
}

/**
 * Checks that a conversation is the connection's and makes the connection listen to it.
 * A connection already listening was checked before: no storage read on the hot path.
 * Someone else's conversation is `NOT_FOUND`, exactly like a missing one.
 */
export async function authorize(
  ctx: GatewayContext,
  connection: Connection,
  conversationId: string,
): Promise<ConversationEntry> {
  return ctx.index.attachedEntry(connection, conversationId) ?? authorizeFromStorage(ctx, connection, conversationId);
}

async function authorizeFromStorage(
  ctx: GatewayContext,
  connection: Connection,
  conversationId: string,
): Promise<ConversationEntry> {
  const { index } = ctx;
  const conversation = await ctx.hotline.storage.conversations.get(connection.tenantId, conversationId);
  if (!conversation || !owns(connection, conversation)) {
    // A supervisor knows the conversations it watches exist: telling it "read only" hides nothing.
    if (conversation && index.watchedEntry(connection, conversationId)) throw readOnly(conversationId);
    throw conversationNotFound(conversationId);
  }
  return index.attach(connection, conversationId, conversation.readHorizon);
}

/** `FORBIDDEN` for acting on a conversation the connection only watches. */
export function readOnly(conversationId: string): WireFault {
  return new WireFault('FORBIDDEN', 'read_only', `conversation ${conversationId} is watched read-only`);
}

/** Takes a message token from the connection (and, for customers, from their IP address). */
export function takeMessageToken(ctx: GatewayContext, connection: Connection): void {
  const now = ctx.clock.now();
  const wait = connection.messages.take(now);
  if (wait > 0) throw rateLimited('too_many_messages', wait);
  if (connection.role !== 'customer') return;
  const ipWait = ctx.ips.get(connection.ip, now).messages.take(now);
  if (ipWait > 0) {
    connection.messages.refund();
    throw rateLimited('ip_rate_limited', ipWait);
  }
}

/**
 * Appends a message from a connection and pushes it to the conversation's other connections.
 * The stored message is encoded once: the ack and every push carry the same JSON.
 */
export async function appendFromConnection(
  ctx: GatewayContext,
  hub: PushHub,
  connection: Connection,
  frame: { conversationId: string; clientMessageId: string; content: WireSendContent },
  message: { direction: MessageDirection; author: MessageAuthor },
): Promise<EncodedResult<SendResult>> {
  takeMessageToken(ctx, connection);
  const text = frame.content.text;
  if (text !== undefined && text.length > ctx.limits.maxTextLength) {
    throw textTooLong(ctx.limits.maxTextLength);
  }
  // The hot path (a listening connection sending text) awaits nothing but the append.
  const entry =
    ctx.index.attachedEntry(connection, frame.conversationId) ??
    (await authorizeFromStorage(ctx, connection, frame.conversationId));
  const content =
    frame.content.type === 'text'
      ? frame.content
      : await toMessageContent(ctx, connection, frame.conversationId, frame.content);
  ctx.index.beginAppend(entry, frame.clientMessageId, connection);
  let result: Awaited<ReturnType<typeof ctx.hotline.conversations.appendMessage>>;
  try {
    result = await ctx.hotline.conversations.appendMessage({
      tenantId: connection.tenantId,
      conversationId: frame.conversationId,
      direction: message.direction,
      author: message.author,
      content,
      channel: 'webchat',
      clientMessageId: frame.clientMessageId,
      // The gateway is the web chat's delivery: an agent's message is sent once it is stored.
      ...(message.direction === 'outbound' ? { status: 'sent' as const } : {}),
    });
  } finally {
    ctx.index.endAppend(entry, frame.clientMessageId, connection);
  }
  const wire = JSON.stringify(ctx.views.message(result.message));
  if (result.created) hub.deliverLocal(entry, result.message, connection, wire);
  return new EncodedResult(`{"message":${wire},"created":${result.created}}`);
}

/** Turns uploaded attachment ids into attachments, refusing any not uploaded to this conversation. */
async function toMessageContent(
  ctx: GatewayContext,
  connection: Connection,
  conversationId: string,
  content: Extract<WireSendContent, { type: 'attachments' }>,
): Promise<MessageContent> {
  const attachments: Attachment[] = [];
  for (const id of new Set(content.attachmentIds)) {
    const meta = await ctx.blobStore.head(id).catch(() => undefined);
    if (!meta || meta.tags['tenantId'] !== connection.tenantId || meta.tags['conversationId'] !== conversationId) {
      throw new WireFault('NOT_FOUND', 'attachment_not_found', `attachment ${id} not found`);
    }
    attachments.push({ id, name: meta.name, mimeType: meta.contentType, size: meta.size });
  }
  const result: MessageContent = { type: 'attachments', attachments };
  if (content.text !== undefined && content.text.length > 0) result.text = content.text;
  return result;
}

/**
 * A page of history: after `afterSeq` ascending when given, else the newest messages
 * before `beforeSeq` (or the end). Customers never see notes. A watching supervisor may
 * read the conversations it watches.
 */
export async function readHistory(
  ctx: GatewayContext,
  connection: Connection,
  frame: { conversationId: string; afterSeq?: number | undefined; beforeSeq?: number | undefined; limit?: number },
): Promise<HistoryResult> {
  if (!ctx.index.watchedEntry(connection, frame.conversationId)) await authorize(ctx, connection, frame.conversationId);
  const limit = frame.limit ?? DEFAULT_HISTORY_LIMIT;
  const { storage } = ctx.hotline;
  const options: { afterSeq?: number; beforeSeq?: number } = {};
  if (frame.afterSeq !== undefined) options.afterSeq = frame.afterSeq;
  if (frame.beforeSeq !== undefined) options.beforeSeq = frame.beforeSeq;
  const ascending = frame.afterSeq !== undefined;
  const page = await storage.messages.list(connection.tenantId, frame.conversationId, {
    ...options,
    limit: limit + 1,
    order: ascending ? 'asc' : 'desc',
  });
  const more = page.length > limit;
  const items = more ? page.slice(0, limit) : page;
  if (!ascending) items.reverse();
  const visible = connection.role === 'customer' ? items.filter((m) => m.direction !== 'note') : items;
  return { messages: visible.map((m) => ctx.views.message(m)), more };
}

/** A `read` frame: moves the reader's horizon and tells the conversation's other connections. */
export async function markRead(
  ctx: GatewayContext,
  hub: PushHub,
  connection: Connection,
  frame: { conversationId: string; seq: number },
): Promise<void> {
  const entry = await authorize(ctx, connection, frame.conversationId);
  const reader = connection.role === 'agent' ? 'agent' : 'contact';
  if (frame.seq <= entry.read[reader]) return;
  const after = await ctx.hotline.conversations.markRead(connection.tenantId, frame.conversationId, reader, frame.seq);
  hub.pushRead(entry, after.readHorizon, connection);
}

/** A `typing` frame: relayed to the other side. */
export async function relayTyping(
  ctx: GatewayContext,
  hub: PushHub,
  connection: Connection,
  frame: { conversationId: string; on: boolean },
): Promise<void> {
  const entry = await authorize(ctx, connection, frame.conversationId);
  hub.relayTyping(entry, connection.role === 'agent' ? 'agent' : 'contact', connection.name, frame.on);
}

/**
 * Sends the messages after each resumed `afterSeq` in pages, then the live messages that
 * were held meanwhile (those the pages did not already carry), so nothing is lost and
 * nothing comes twice.
 */
export async function sendResumePages(
  ctx: GatewayContext,
  connection: Connection,
  resumes: readonly { conversationId: string; afterSeq: number }[],
): Promise<void> {
  for (const { conversationId, afterSeq } of resumes) {
    const key = indexKey(connection.tenantId, conversationId);
    let after = afterSeq;
    try {
      for (;;) {
        const page = await ctx.hotline.storage.messages.list(connection.tenantId, conversationId, {
          afterSeq: after,
          limit: RESUME_PAGE_SIZE + 1,
        });
        const more = page.length > RESUME_PAGE_SIZE;
        const items = more ? page.slice(0, RESUME_PAGE_SIZE) : page;
        const visible = connection.role === 'customer' ? items.filter((m) => m.direction !== 'note') : items;
        connection.send({
          type: 'messages',
          conversationId,
          messages: visible.map((m) => ctx.views.message(m)),
          more,
        });
        const last = items[items.length - 1];
        if (last) after = last.seq;
        if (!more || connection.closing) break;
      }
    } finally {
      connection.release(key, after);
    }
  }
}
