// A small protocol-speaking web chat gateway for the client's tests (the real one lives in
// @hotline/channels). It keeps conversations in memory, follows the contract's semantics
// (ack after store, dedupe by clientMessageId, resume pages, pushes to the other side) and
// has knobs to misbehave: lose acks, skip pushes, go silent one way, drop every socket.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WireConversation, WireMessage, WireOffer } from '@hotline/core';
import { type WebSocket, WebSocketServer } from 'ws';

export const PATH = '/hotline/webchat';

interface Conversation {
  id: string;
  contactId: string;
  status: WireConversation['status'];
  key?: string;
  agentId?: string;
  messages: WireMessage[];
  read: { contact: number; agent: number };
  createdAt: string;
}

export interface Connection {
  ws: WebSocket;
  kind: 'customer' | 'agent';
  contactId?: string;
  agentId?: string;
  /** Nothing reaches the client and nothing from it is read (one-way loss, both ways). */
  silent: boolean;
}

type Frame = Record<string, unknown> & { type: string; id?: string };

const LIMITS = {
  maxFrameBytes: 65_536,
  maxTextLength: 4000,
  maxUploadBytes: 1_000_000,
  allowedMimeTypes: ['image/png', 'text/plain'],
  messagesPerSecond: 50,
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export class FakeGateway {
  url = '';
  httpUrl = '';
  /** Every frame received, in order. */
  readonly received: { kind: string; frame: Frame }[] = [];
  readonly connections = new Set<Connection>();
  readonly conversations = new Map<string, Conversation>();
  readonly offers = new Map<string, WireOffer & { agentId: string }>();
  readonly uploads: { name: string; type: string; size: number; auth: string }[] = [];
  heartbeatMs = 25_000;
  queueOpen = true;
  /** Store `send`s but never answer them. */
  loseAcks = false;
  /** Store `send`s, but only answer after this many ms. */
  ackDelayMs = 0;
  /** Do not answer requests of these types at all. */
  readonly ignore = new Set<string>();
  /** Resume page size. */
  pageSize = 100;
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private counter = 0;
  private readonly usedJti = new Set<string>();
  private readonly revoked = new Set<string>();

  async start(): Promise<this> {
    const server = createServer((req, res) => this.http(req, res));
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws, req) => this.accept(ws, req));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    this.url = `ws://127.0.0.1:${port}${PATH}`;
    this.httpUrl = `http://127.0.0.1:${port}${PATH}`;
    this.server = server;
    this.wss = wss;
    return this;
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.wss?.close(() => resolve()));
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Cuts every connection (like a network loss the client notices). */
  dropAll(): void {
    for (const connection of this.connections) connection.ws.terminate();
    this.connections.clear();
  }

  /** Open connections go silent both ways without closing: only heartbeats can tell. */
  blackhole(): void {
    for (const connection of this.connections) connection.silent = true;
  }

  /** Makes a visitor token unusable (as if expired). */
  revoke(token: string): void {
    this.revoked.add(token);
  }

  /** How many `send` frames carried this clientMessageId. */
  sendsOf(clientMessageId: string): number {
    return this.received.filter((r) => r.frame.type === 'send' && r.frame['clientMessageId'] === clientMessageId)
      .length;
  }

  framesOf(type: string): Frame[] {
    return this.received.filter((r) => r.frame.type === type).map((r) => r.frame);
  }

  /** An agent (or a note) writes into a conversation; `push: false` stores without telling anyone. */
  agentSay(conversationId: string, text: string, options: { push?: boolean; note?: boolean } = {}): WireMessage {
    const conversation = this.must(conversationId);
    const message = this.append(conversation, {
      direction: options.note ? 'note' : 'outbound',
      author: { kind: 'agent', name: 'Ana' },
      content: { type: 'text', text },
    });
    if (options.push !== false) this.pushMessage(conversation, message);
    return message;
  }

  /** Routing offers a conversation to an agent. */
  offer(agentId: string, conversationId: string): WireOffer {
    const offer = {
      reservationId: `res_${++this.counter}`,
      conversationId,
      channel: 'webchat',
      expiresAt: new Date(Date.now() + 30_000).toISOString(),
      contact: { id: this.must(conversationId).contactId },
      attributes: {},
      agentId,
    } as WireOffer & { agentId: string };
    this.offers.set(offer.reservationId, offer);
    for (const c of this.agentsOf(agentId)) this.write(c, { type: 'offer', offer: this.publicOffer(offer) });
    return offer;
  }

  setStatus(conversationId: string, status: Conversation['status']): void {
    const conversation = this.must(conversationId);
    conversation.status = status;
    this.pushConversation(conversation);
  }

  /** Writes a raw frame (or any text) to every open connection of one kind. */
  pushRaw(frame: object | string, kind: Connection['kind'] = 'customer'): void {
    for (const c of this.connections) {
      if (c.kind === kind && c.ws.readyState === 1)
        c.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    }
  }

  /** Sends `bye` to everyone and closes. */
  bye(retryAfterMs: number): void {
    for (const c of this.connections) {
      this.write(c, { type: 'bye', reason: 'shutdown', retryAfterMs });
      c.ws.close(1001);
    }
    this.connections.clear();
  }

  tokenFor(contactId: string): string {
    return `h.${b64({ sub: contactId, vid: `v_${contactId}` })}.sig`;
  }

  wire(conversation: Conversation): WireConversation {
    const wire: WireConversation = {
      id: conversation.id,
      status: conversation.status,
      lastSeq: conversation.messages.length,
      read: { ...conversation.read },
      createdAt: conversation.createdAt,
    };
    if (conversation.agentId) wire.agent = { name: 'Ana' };
    return wire;
  }

  private must(id: string): Conversation {
    const conversation = this.conversations.get(id);
    if (!conversation) throw new Error(`no conversation ${id}`);
    return conversation;
  }

  private publicOffer(offer: WireOffer & { agentId: string }): WireOffer {
    const { agentId: _agent, ...rest } = offer;
    return rest;
  }

  private agentsOf(agentId: string): Connection[] {
    return [...this.connections].filter((c) => c.kind === 'agent' && c.agentId === agentId);
  }

  private append(
    conversation: Conversation,
    fields: Pick<WireMessage, 'direction' | 'author' | 'content'> & { clientMessageId?: string },
  ): WireMessage {
    const message: WireMessage = {
      id: `msg_${++this.counter}`,
      conversationId: conversation.id,
      seq: conversation.messages.length + 1,
      createdAt: new Date().toISOString(),
      ...fields,
    };
    conversation.messages.push(message);
    return message;
  }

  private pushMessage(conversation: Conversation, message: WireMessage, except?: Connection): void {
    for (const c of this.connections) {
      if (c === except) continue;
      const customer = c.kind === 'customer' && c.contactId === conversation.contactId && message.direction !== 'note';
      const agent = c.kind === 'agent' && c.agentId !== undefined && c.agentId === conversation.agentId;
      if (customer || agent) this.write(c, { type: 'message', message });
    }
  }

  private pushConversation(conversation: Conversation): void {
    for (const c of this.connections) {
      if (
        (c.kind === 'customer' && c.contactId === conversation.contactId) ||
        (c.kind === 'agent' && c.agentId === conversation.agentId)
      ) {
        this.write(c, { type: 'conversation', conversation: this.wire(conversation) });
      }
    }
  }

  private write(c: Connection, frame: object): void {
    if (!c.silent && c.ws.readyState === 1) c.ws.send(JSON.stringify(frame));
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const connection: Connection = { ws, kind: req.url?.endsWith('/agent') ? 'agent' : 'customer', silent: false };
    this.connections.add(connection);
    ws.on('close', () => this.connections.delete(connection));
    ws.on('message', (data) => {
      if (connection.silent) return;
      let frame: Frame;
      try {
        frame = JSON.parse(String(data));
      } catch {
        return;
      }
      this.received.push({ kind: connection.kind, frame });
      this.handle(connection, frame);
    });
  }

  private reply(c: Connection, frame: Frame, result: unknown): void {
    this.write(c, { type: 'reply', re: frame.id, result });
  }

  private fail(c: Connection, frame: Frame, code: string, reason: string, fatal = false): void {
    this.write(c, { type: 'error', re: frame.id, code, reason, message: reason, fatal: fatal || undefined });
    if (fatal) c.ws.close(code === 'UNAUTHENTICATED' ? 4401 : 4400);
  }

  private handle(c: Connection, frame: Frame) {
    if (this.ignore.has(frame.type)) return;
    const ready = c.kind === 'customer' ? c.contactId !== undefined : c.agentId !== undefined;
    if (!ready && frame.type !== 'hello') return this.fail(c, frame, 'VALIDATION_FAILED', 'hello_required', true);
    if (frame.type === 'hello') return c.kind === 'customer' ? this.customerHello(c, frame) : this.agentHello(c, frame);
    if (frame.type === 'ping') return this.write(c, { type: 'pong' });
    const conversationId = String(frame['conversationId'] ?? '');
    const conversation = this.conversations.get(conversationId);
    const mine =
      conversation &&
      (c.kind === 'customer' ? conversation.contactId === c.contactId : conversation.agentId === c.agentId);
    switch (frame.type) {
      case 'start': {
        const key = String(frame['key']);
        let found = [...this.conversations.values()].find((x) => x.key === key && x.contactId === c.contactId);
        if (!found) {
          found = {
            id: `cnv_${++this.counter}`,
            contactId: c.contactId as string,
            status: 'queued',
            key,
            messages: [],
            read: { contact: 0, agent: 0 },
            createdAt: new Date().toISOString(),
          };
          this.conversations.set(found.id, found);
        }
        return this.reply(c, frame, { conversation: this.wire(found) });
      }
      case 'accept': {
        const offer = this.offers.get(String(frame['reservationId']));
        if (!offer || offer.agentId !== c.agentId) return this.fail(c, frame, 'NOT_FOUND', 'not_found');
        this.offers.delete(offer.reservationId);
        const accepted = this.must(offer.conversationId);
        accepted.agentId = c.agentId;
        accepted.status = 'active';
        this.reply(c, frame, { conversation: this.wire(accepted) });
        this.write(c, { type: 'offer_ended', reservationId: offer.reservationId, reason: 'accepted' });
        return this.pushConversation(accepted);
      }
      case 'reject': {
        const offer = this.offers.get(String(frame['reservationId']));
        if (!offer) return this.fail(c, frame, 'NOT_FOUND', 'not_found');
        this.offers.delete(offer.reservationId);
        this.reply(c, frame, {});
        return this.write(c, { type: 'offer_ended', reservationId: offer.reservationId, reason: 'rejected' });
      }
      case 'activity':
        return this.reply(c, frame, { activity: frame['activity'] });
      case 'offline':
        return this.reply(c, frame, {});
    }
    if (!conversation || !mine) return this.fail(c, frame, 'NOT_FOUND', 'not_found');
    switch (frame.type) {
      case 'send': {
        const clientMessageId = String(frame['clientMessageId']);
        const existing = conversation.messages.find((m) => m.clientMessageId === clientMessageId);
        const customer = c.kind === 'customer';
        const content = frame['content'] as { type: string; text?: string; attachmentIds?: string[] };
        const message =
          existing ??
          this.append(conversation, {
            direction: customer ? 'inbound' : frame['note'] ? 'note' : 'outbound',
            author: customer ? { kind: 'contact' } : { kind: 'agent', name: 'Ana' },
            content:
              content.type === 'attachments'
                ? {
                    type: 'attachments',
                    text: content.text,
                    attachments: (content.attachmentIds ?? []).map((id) => ({
                      id,
                      name: 'file',
                      mimeType: 'image/png',
                      size: 1,
                    })),
                  }
                : (content as WireMessage['content']),
            clientMessageId,
          });
        if (!existing) this.pushMessage(conversation, message, c);
        if (this.loseAcks) return;
        const ack = () => this.reply(c, frame, { message, created: !existing });
        if (this.ackDelayMs) setTimeout(ack, this.ackDelayMs);
        else ack();
        return;
      }
      case 'history': {
        const after = Number(frame['afterSeq'] ?? 0);
        const limit = Number(frame['limit'] ?? 100);
        const visible = conversation.messages.filter(
          (m) => m.seq > after && (c.kind === 'agent' || m.direction !== 'note'),
        );
        return this.reply(c, frame, { messages: visible.slice(0, limit), more: visible.length > limit });
      }
      case 'typing':
        for (const other of this.connections) {
          const otherSide =
            c.kind === 'customer'
              ? other.kind === 'agent' && other.agentId === conversation.agentId
              : other.kind === 'customer' && other.contactId === conversation.contactId;
          if (otherSide) {
            this.write(other, {
              type: 'typing',
              conversationId,
              author: c.kind === 'customer' ? { kind: 'contact' } : { kind: 'agent', name: 'Ana' },
              on: frame['on'],
            });
          }
        }
        return;
      case 'read': {
        const side = c.kind === 'customer' ? 'contact' : 'agent';
        conversation.read[side] = Math.max(conversation.read[side], Number(frame['seq']));
        for (const other of this.connections) {
          if (other !== c) this.write(other, { type: 'read', conversationId, read: { ...conversation.read } });
        }
        return;
      }
      case 'end':
      case 'resolve':
        conversation.status = frame.type === 'end' ? (c.kind === 'agent' ? 'wrap_up' : 'resolved') : 'resolved';
        this.reply(c, frame, { conversation: this.wire(conversation) });
        return this.pushConversation(conversation);
      case 'csat':
      case 'transcript':
        return this.reply(c, frame, {});
      default:
        return this.fail(c, frame, 'VALIDATION_FAILED', 'invalid_frame');
    }
  }

  private customerHello(c: Connection, frame: Frame) {
    if (frame['v'] !== 1) return this.fail(c, frame, 'VALIDATION_FAILED', 'unsupported_version', true);
    if (frame['siteId'] !== 'site_test') return this.fail(c, frame, 'UNAUTHENTICATED', 'site_unknown', true);
    const token = frame['visitorToken'] as string | undefined;
    let contactId: string | undefined;
    if (token) {
      if (this.revoked.has(token)) return this.fail(c, frame, 'UNAUTHENTICATED', 'token_expired', true);
      try {
        contactId = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).sub;
      } catch {
        return this.fail(c, frame, 'UNAUTHENTICATED', 'token_invalid', true);
      }
    }
    const identity = frame['identity'] as { userId?: string; jwt?: string } | undefined;
    if (identity?.jwt) {
      const claims = JSON.parse(Buffer.from(identity.jwt.split('.')[1] ?? '', 'base64url').toString());
      if (this.usedJti.has(claims.jti)) return this.fail(c, frame, 'UNAUTHENTICATED', 'token_replayed', true);
      this.usedJti.add(claims.jti);
      contactId = `ct_user_${claims.sub}`;
    } else if (identity?.userId) contactId = `ct_user_${identity.userId}`;
    contactId ??= `ct_${++this.counter}`;
    c.contactId = contactId;
    const resume = (frame['resume'] as { conversationId: string; afterSeq: number }[] | undefined) ?? [];
    const resumed = resume.filter((r) => this.conversations.get(r.conversationId)?.contactId === contactId);
    const conversations = [...this.conversations.values()].filter(
      (x) =>
        x.contactId === contactId &&
        (!['resolved', 'closed'].includes(x.status) || resumed.some((r) => r.conversationId === x.id)),
    );
    this.reply(c, frame, {
      v: 1,
      visitorToken: this.tokenFor(contactId),
      visitorTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      contactId,
      conversations: conversations.map((x) => this.wire(x)),
      heartbeatMs: this.heartbeatMs,
      queueOpen: this.queueOpen,
      limits: LIMITS,
    });
    this.sendPages(c, resumed, (m) => m.direction !== 'note');
  }

  private agentHello(c: Connection, frame: Frame) {
    const token = String(frame['agentToken'] ?? '');
    if (!token.startsWith('agent:')) return this.fail(c, frame, 'UNAUTHENTICATED', 'token_invalid', true);
    const agentId = token.slice('agent:'.length);
    c.agentId = agentId;
    const resume = (frame['resume'] as { conversationId: string; afterSeq: number }[] | undefined) ?? [];
    const resumed = resume.filter((r) => this.conversations.get(r.conversationId)?.agentId === agentId);
    this.reply(c, frame, {
      v: 1,
      agent: { id: agentId, name: 'Ana', activity: 'available' },
      conversations: [...this.conversations.values()]
        .filter((x) => x.agentId === agentId && x.status !== 'resolved')
        .map((x) => this.wire(x)),
      offers: [...this.offers.values()].filter((o) => o.agentId === agentId).map((o) => this.publicOffer(o)),
      heartbeatMs: this.heartbeatMs,
      limits: LIMITS,
    });
    this.sendPages(c, resumed, () => true);
  }

  private sendPages(
    c: Connection,
    resumed: { conversationId: string; afterSeq: number }[],
    visible: (m: WireMessage) => boolean,
  ): void {
    for (const { conversationId, afterSeq } of resumed) {
      const messages = this.must(conversationId).messages.filter((m) => m.seq > afterSeq && visible(m));
      for (let at = 0; at === 0 || at < messages.length; at += this.pageSize) {
        const page = messages.slice(at, at + this.pageSize);
        this.write(c, { type: 'messages', conversationId, messages: page, more: at + this.pageSize < messages.length });
      }
    }
  }

  private http(req: IncomingMessage, res: import('node:http').ServerResponse) {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || !req.url?.startsWith(`${PATH}/upload`)) return answer(404, {});
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const auth = String(req.headers.authorization ?? '');
      if (!auth.startsWith('Bearer h.')) {
        return answer(401, { error: { code: 'UNAUTHENTICATED', reason: 'token_invalid', message: 'no token' } });
      }
      const type = String(req.headers['content-type'] ?? '');
      if (!LIMITS.allowedMimeTypes.includes(type)) {
        return answer(415, { error: { code: 'VALIDATION_FAILED', reason: 'type_not_allowed', message: type } });
      }
      const size = Buffer.concat(chunks).byteLength;
      const name = decodeURIComponent(String(req.headers['x-filename'] ?? 'file'));
      this.uploads.push({ name, type, size, auth });
      const id = `att_${++this.counter}`;
      answer(201, { attachment: { id, name, mimeType: type, size, url: `${this.httpUrl}/files/${id}?sig=x` } });
    });
  }
}
