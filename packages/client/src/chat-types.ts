import type { IdentityClaim, ReadHorizon, VisitorAttributes, WireConversation, WireMessage } from '@hotline/core';
import type { ClientError } from './errors.js';
import type { StorageLike } from './storage.js';
import type { ConnectionState, TransportOptions } from './transport/types.js';

/** Where a message of the chat is: on its way (`pending`), stored (`sent`), or refused (`failed`). */
export type MessageStatus = 'pending' | 'sent' | 'failed';

/**
 * A message as the chat shows it: a stored `WireMessage` (`status: 'sent'`, with `seq`),
 * or one of the visitor's own still on its way (`pending`, no `seq`, `id` equal to its
 * `clientMessageId`) or refused by the server (`failed`). Key rendered rows by
 * `clientMessageId ?? id`: a pending message keeps its `clientMessageId` when it becomes
 * the stored one.
 */
export interface ChatMessage extends Omit<WireMessage, 'seq'> {
  seq?: number;
  status: MessageStatus;
  /** The visitor's own message (from this tab or another of their tabs and devices). */
  local?: true;
}

/** What `send` returns: the pending message, and the promise of its stored version. */
export interface SentMessage extends ChatMessage {
  /** Resolves with the stored message once the server acknowledged it. */
  acked: Promise<WireMessage>;
}

/** Options of `CustomerChat`. */
export interface CustomerChatOptions extends TransportOptions {
  /** The site (widget installation) configured on the gateway. */
  siteId: string;
  /** Used for uploads. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /**
   * Where the visitor token, the conversation and the outbox are kept. Nothing is written
   * before `connect()`. @default localStorage when the page may use it, else memory
   */
  storage?: StorageLike | undefined;
  /** Prefix of the stored key (`{storageKey}:{siteId}`). @default 'hotline' */
  storageKey?: string | undefined;
  /** A verified identity (HMAC of the user id, or a host-signed JWT). @default anonymous */
  identity?: IdentityClaim | undefined;
  /** The visitor's language (BCP 47), sent in `hello`. @default the server's default */
  locale?: string | undefined;
}

/** How a conversation is started. */
export interface StartOptions {
  /** @default the site's default queue (or the workflows' choice) */
  queueId?: string | undefined;
  /** Page, language, pre-chat answers and custom attributes, for routing. @default none */
  attributes?: VisitorAttributes | undefined;
}

/** The offline form's content. */
export interface OfflineMessage {
  name?: string | undefined;
  email: string;
  message: string;
  attributes?: VisitorAttributes | undefined;
}

/** Events of `CustomerChat`. */
export interface CustomerChatEvents {
  /** A message was added at the end, or changed in place (pending → sent, pending → failed). */
  message: ChatMessage;
  /** The list changed otherwise (history pages, a late message put in its place, a reset). */
  messages: readonly ChatMessage[];
  /** The conversation changed (status, agent), or there is none any more (`undefined`). */
  conversation: WireConversation | undefined;
  /** Someone on the other side is typing; `on: false` also comes 6 s after the last refresh. */
  typing: { on: boolean; author: WireMessage['author'] };
  /** How far each side has read. */
  read: ReadHorizon;
  state: ConnectionState;
  /** Whether an agent can be reached now (else show the offline form). */
  queue: { open: boolean };
  error: ClientError;
}
