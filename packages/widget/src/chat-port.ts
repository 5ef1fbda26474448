import type {
  IdentityClaim,
  MessageContent,
  VisitorAttributes,
  WireConversation,
  WireLimits,
  WireMessage,
} from '@hotline/core';

/** A message as the widget shows it: stored (`sent`) or still on its way. */
export interface ChatMessageView {
  id?: string;
  conversationId?: string;
  seq?: number;
  clientMessageId?: string;
  direction: WireMessage['direction'];
  author: WireMessage['author'];
  content: MessageContent;
  createdAt: string;
  status: 'pending' | 'sent' | 'failed';
  /** The visitor's own message. */
  local?: boolean;
}

/** The events of the chat client the widget listens to. */
export interface ChatEvents {
  message: ChatMessageView;
  messages: readonly ChatMessageView[];
  conversation: WireConversation | undefined;
  typing: { on: boolean; author: WireMessage['author'] };
  state: string;
  queue: { open: boolean };
  error: unknown;
}

/**
 * The part of `CustomerChat` (`@hotline/client`) the widget uses. Written down so that the
 * widget's tests can drive every screen with a stand-in, and checked against the real
 * class at compile time (`client.ts`).
 */
export interface ChatPort {
  readonly state: string;
  readonly conversation: WireConversation | undefined;
  readonly messages: readonly ChatMessageView[];
  readonly queueOpen: boolean;
  readonly limits: WireLimits | undefined;
  connect(): Promise<unknown>;
  start(options?: { queueId?: string; attributes?: VisitorAttributes }): Promise<unknown>;
  send(text: string): unknown;
  sendFile(file: Blob, options?: { caption?: string }): Promise<unknown>;
  setTyping(on: boolean): void;
  markRead(): Promise<unknown>;
  end(): Promise<unknown>;
  rate(score: number, comment?: string): Promise<unknown>;
  requestTranscript(email: string): Promise<unknown>;
  leaveMessage(message: { name?: string; email: string; message: string }): Promise<unknown>;
  setIdentity(identity: IdentityClaim | undefined): void;
  setLocale(locale: string): void;
  reset(): void;
  close(): void;
  on<E extends keyof ChatEvents>(event: E, listener: (payload: ChatEvents[E]) => void): () => void;
}

/** What the widget hands the chat client when it first opens. */
export interface ChatSettings {
  url: string;
  siteId: string;
  locale: string;
  identity?: IdentityClaim;
  [setting: string]: unknown;
}

/** Creates the chat client; `init` uses `CustomerChat`, tests a stand-in. */
export type ChatFactory = (settings: ChatSettings) => ChatPort;
