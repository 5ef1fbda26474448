import type { CustomerHelloResult, WireConversation, WireLimits, WireMessage } from '@hotline/core';

/**
 * An in-memory web chat gateway speaking the customer side of the wire protocol (hello,
 * resume, start, send, history, read, typing, end, csat, transcript, offline), reached
 * through its `Socket` class, a `WebSocket` stand-in handed to the real `CustomerChat`.
 * State outlives sockets, so a test can "reload the page": a new widget, same storage.
 */
export class FakeGateway {
  readonly conversations = new Map<string, WireConversation>();
  readonly messages = new Map<string, WireMessage[]>();
  readonly frames: Record<string, unknown>[] = [];
  readonly sockets = new Set<{ push(frame: object): void }>();
  queueOpen = true;
  limits: WireLimits = {
    maxFrameBytes: 65_536,
    maxTextLength: 4000,
    maxUploadBytes: 1_048_576,
    allowedMimeTypes: ['image/png'],
    messagesPerSecond: 5,
  };
  private next = 0;

  readonly Socket: new (
    url: string,
  ) => object;

  constructor() {
    const gateway = this;
    this.Socket = class FakeSocket {
      readyState = 0;
      onopen: (() => void) | null = null;
      onmessage: ((event: { data: string }) => void) | null = null;
      onclose: ((event: { code: number }) => void) | null = null;
      onerror: (() => void) | null = null;
      constructor(readonly url: string) {
        const socket = { push: (frame: object) => this.onmessage?.({ data: JSON.stringify(frame) }) };
        gateway.sockets.add(socket);
        setTimeout(() => {
          this.readyState = 1;
          this.onopen?.();
        });
        this.close = () => {
          gateway.sockets.delete(socket);
          this.readyState = 3;
        };
        this.send = (data: string) => {
          const frame = JSON.parse(data) as Record<string, unknown>;
          gateway.frames.push(frame);
          setTimeout(() => {
            for (const reply of gateway.handle(frame)) socket.push(reply);
          });
        };
      }
      send(_data: string): void {}
      close(): void {}
    };
  }

  /** An agent writes into a conversation: pushed to every socket. */
  agentSays(conversationId: string, text: string): WireMessage {
    const message = this.append(conversationId, 'outbound', { kind: 'agent', name: 'Anna' }, text);
    for (const socket of this.sockets) socket.push({ type: 'message', message });
    return message;
  }

  private append(
    conversationId: string,
    direction: WireMessage['direction'],
    author: WireMessage['author'],
    text: string,
    clientMessageId?: string,
  ): WireMessage {
    const list = this.messages.get(conversationId) ?? [];
    const message: WireMessage = {
      id: `msg_${++this.next}`,
      conversationId,
      seq: list.length + 1,
      direction,
      author,
      content: { type: 'text', text },
      ...(clientMessageId ? { clientMessageId } : {}),
      createdAt: new Date().toISOString(),
    };
    list.push(message);
    this.messages.set(conversationId, list);
    const conversation = this.conversations.get(conversationId) as WireConversation;
    this.conversations.set(conversationId, { ...conversation, lastSeq: message.seq });
    return message;
  }

  private handle(frame: Record<string, unknown>): object[] {
    const reply = (result: unknown) => ({ type: 'reply', re: frame.id, result });
    switch (frame.type) {
      case 'hello': {
        const result: CustomerHelloResult = {
          v: 1,
          visitorToken: 'token-visitor-1',
          visitorTokenExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
          contactId: 'contact_1',
          conversations: [...this.conversations.values()],
          heartbeatMs: 25_000,
          queueOpen: this.queueOpen,
          limits: this.limits,
        };
        const resumed = ((frame.resume as { conversationId: string; afterSeq: number }[] | undefined) ?? []).map(
          ({ conversationId, afterSeq }) => ({
            type: 'messages',
            conversationId,
            messages: (this.messages.get(conversationId) ?? []).filter((m) => m.seq > afterSeq),
            more: false,
          }),
        );
        return [reply(result), ...resumed];
      }
      case 'start': {
        const existing = [...this.conversations.values()].find((c) => c.attributes?.key === frame.key);
        const conversation: WireConversation = existing ?? {
          id: `conv_${++this.next}`,
          status: 'queued',
          lastSeq: 0,
          read: { contact: 0, agent: 0 },
          attributes: { key: frame.key as string },
          createdAt: new Date().toISOString(),
        };
        this.conversations.set(conversation.id, conversation);
        return [reply({ conversation })];
      }
      case 'send': {
        const id = frame.conversationId as string;
        const cid = frame.clientMessageId as string;
        const stored = this.messages.get(id)?.find((m) => m.clientMessageId === cid);
        const text = (frame.content as { text: string }).text;
        const message = stored ?? this.append(id, 'inbound', { kind: 'contact' }, text, cid);
        return [reply({ message, created: !stored })];
      }
      case 'history': {
        const after = (frame.afterSeq as number | undefined) ?? 0;
        return [
          reply({
            messages: (this.messages.get(frame.conversationId as string) ?? []).filter((m) => m.seq > after),
            more: false,
          }),
        ];
      }
      case 'ping':
        return [{ type: 'pong' }];
      case 'typing':
      case 'read':
        return [];
      default:
        return [reply({})];
    }
  }
}

/** A `Storage`-shaped map. */
export function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (key) => map.get(key) ?? null,
    key: (index) => [...map.keys()][index] ?? null,
    removeItem: (key) => void map.delete(key),
    setItem: (key, value) => void map.set(key, String(value)),
  };
}
