import type { IdentityClaim, VisitorAttributes, WireConversation, WireLimits } from '@hotline/core';
import type { ChatEvents, ChatFactory, ChatMessageView, ChatPort, ChatSettings } from '../src/chat-port.js';

/** A deferred promise, to hold `connect()` or a form action open in a test. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export const LIMITS: WireLimits = {
  maxFrameBytes: 65_536,
  maxTextLength: 4000,
  maxUploadBytes: 1024 * 1024,
  allowedMimeTypes: ['image/png', 'image/jpeg', 'application/pdf'],
  messagesPerSecond: 5,
};

let counter = 0;

/**
 * A stand-in for `CustomerChat` that keeps everything in memory and lets a test play the
 * server: `agentSays`, `setStatus`, `ack`, `failSend`. It records every call.
 */
export class FakeChat implements ChatPort {
  state = 'idle';
  conversation: WireConversation | undefined;
  messages: ChatMessageView[] = [];
  queueOpen = true;
  limits: WireLimits | undefined;
  readonly calls: { method: string; args: unknown[] }[] = [];
  /** Resolves `connect()`; a test may swap it for a deferred one before opening. */
  connectGate: Promise<void> = Promise.resolve();
  /** What `connect()` learns from the server. */
  serverLimits: WireLimits = LIMITS;
  /** Set to make the next action of that name reject. */
  failNext: Record<string, unknown> = {};
  private readonly listeners = new Map<string, Set<(payload: never) => void>>();

  constructor(readonly settings: ChatSettings) {}

  private record(method: string, args: unknown[]): void {
    this.calls.push({ method, args });
    const error = this.failNext[method];
    if (error !== undefined) {
      delete this.failNext[method];
      throw error;
    }
  }

  called(method: string): unknown[][] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args);
  }

  emit<E extends keyof ChatEvents>(event: E, payload: ChatEvents[E]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (p: ChatEvents[E]) => void)(payload);
  }

  on<E extends keyof ChatEvents>(event: E, listener: (payload: ChatEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  listenerCount(): number {
    return [...this.listeners.values()].reduce((n, set) => n + set.size, 0);
  }

  async connect(): Promise<void> {
    this.record('connect', []);
    this.state = 'connecting';
    await this.connectGate;
    this.state = 'open';
    this.limits = this.serverLimits;
    this.emit('state', 'open');
  }

  async start(options?: { queueId?: string; attributes?: VisitorAttributes }): Promise<WireConversation> {
    this.record('start', [options]);
    if (!this.conversation || ['closed', 'abandoned'].includes(this.conversation.status)) {
      this.conversation = conversation(`conv_${++counter}`, 'queued');
      this.messages = [];
      this.emit('messages', this.messages);
      this.emit('conversation', this.conversation);
    }
    return this.conversation;
  }

  send(text: string): ChatMessageView {
    this.record('send', [text]);
    const message: ChatMessageView = {
      clientMessageId: `cm_${++counter}`,
      conversationId: this.conversation?.id,
      direction: 'inbound',
      author: { kind: 'contact' },
      content: { type: 'text', text },
      createdAt: new Date().toISOString(),
      status: 'pending',
      local: true,
    };
    this.messages = [...this.messages, message];
    this.emit('message', message);
    return message;
  }

  async sendFile(file: Blob, options?: { caption?: string }): Promise<void> {
    this.record('sendFile', [file, options]);
    // As the client: a file over the server's limit is refused before any upload.
    if (this.limits && file.size > this.limits.maxUploadBytes) {
      throw Object.assign(new Error('too large'), { code: 'PAYLOAD_TOO_LARGE' });
    }
  }

  /** The server stored the visitor's message `clientMessageId`. */
  ack(clientMessageId: string): void {
    this.update(clientMessageId, (m) => ({ ...m, status: 'sent', id: `msg_${++counter}`, seq: this.nextSeq() }));
  }

  /** Sending `clientMessageId` failed for good. */
  failSend(clientMessageId: string): void {
    this.update(clientMessageId, (m) => ({ ...m, status: 'failed' }));
  }

  private update(clientMessageId: string, change: (m: ChatMessageView) => ChatMessageView): void {
    const index = this.messages.findIndex((m) => m.clientMessageId === clientMessageId);
    const updated = change(this.messages[index] as ChatMessageView);
    this.messages = this.messages.map((m, i) => (i === index ? updated : m));
    this.emit('message', updated);
  }

  private nextSeq(): number {
    const seq = (this.conversation?.lastSeq ?? 0) + 1;
    if (this.conversation) this.conversation = { ...this.conversation, lastSeq: seq };
    return seq;
  }

  /** A message from the other side arrives (an agent's text by default). */
  serverSays(
    content: ChatMessageView['content'],
    author: ChatMessageView['author'] = { kind: 'agent' },
  ): ChatMessageView {
    return this.push({
      id: `msg_${++counter}`,
      conversationId: this.conversation?.id,
      seq: this.nextSeq(),
      direction: 'outbound',
      author,
      content,
      createdAt: new Date().toISOString(),
      status: 'sent',
    });
  }

  /** An agent's text arrives. */
  agentSays(text: string, name = 'Anna'): ChatMessageView {
    return this.serverSays({ type: 'text', text }, { kind: 'agent', name });
  }

  push(message: ChatMessageView): ChatMessageView {
    this.messages = [...this.messages, message];
    this.emit('message', message);
    return message;
  }

  /** The conversation moves to `status` (an agent ended or resolved it…). */
  setStatus(status: WireConversation['status'], agent?: string): void {
    const base = this.conversation ?? conversation(`conv_${++counter}`, status);
    this.conversation = { ...base, status, ...(agent ? { agent: { name: agent } } : {}) };
    this.emit('conversation', this.conversation);
  }

  setTyping(on: boolean): void {
    this.record('setTyping', [on]);
  }
  async markRead(): Promise<void> {
    this.record('markRead', []);
  }
  async end(): Promise<void> {
    this.record('end', []);
    this.setStatus('wrap_up');
  }
  async rate(score: number, comment?: string): Promise<void> {
    this.record('rate', [score, comment]);
  }
  async requestTranscript(email: string): Promise<void> {
    this.record('requestTranscript', [email]);
  }
  async leaveMessage(message: { name?: string; email: string; message: string }): Promise<void> {
    this.record('leaveMessage', [message]);
  }
  setIdentity(identity: IdentityClaim | undefined): void {
    this.record('setIdentity', [identity]);
  }
  setLocale(locale: string): void {
    this.record('setLocale', [locale]);
  }
  reset(): void {
    this.record('reset', []);
  }
  close(): void {
    this.record('close', []);
    this.state = 'closed';
  }
}

/** A conversation as the server would send it. */
export function conversation(id: string, status: WireConversation['status']): WireConversation {
  return { id, status, lastSeq: 0, read: { contact: 0, agent: 0 }, createdAt: new Date().toISOString() };
}

/** A factory of stand-ins that remembers them; `prepare` runs on each before the widget uses it. */
export function fakeFactory(prepare?: (chat: FakeChat) => void): { factory: ChatFactory; chats: FakeChat[] } {
  const chats: FakeChat[] = [];
  return {
    chats,
    factory: (settings) => {
      const chat = new FakeChat(settings);
      prepare?.(chat);
      chats.push(chat);
      return chat;
    },
  };
}
