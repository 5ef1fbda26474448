import type { ServerFrame, WireError } from '@hotline/core';
import type { WebSocket } from 'ws';
import type { ConversationEntry } from './connection-index.js';
import type { ClientFrame, ConnectionRole } from './frame-codec.js';
import { TokenBucket } from './rate-limit.js';
import type { ResolvedSite } from './sites.js';

/** Sockets with more than this queued for sending are too slow to keep: they are dropped. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** A `message` frame held back while a resumed conversation's pages are sent. */
interface HeldFrame {
  seq: number;
  data: string;
}

/**
 * One client connection. Kept small on purpose (thousands per process): identity, a few
 * numbers for liveness and rate limits, and the conversations it listens to.
 */
export class Connection {
  /** Set when a `hello` arrives (the hello timeout stops); `authenticated` when it succeeded. */
  helloReceived = false;
  authenticated = false;
  closing = false;
  lastSeen: number;
  pinged = false;
  /** Refused frames in a row; past the burst the connection is flooding. */
  strikes = 0;
  readonly frames: TokenBucket;
  readonly messages: TokenBucket;
  tenantId = '';
  /** Customer: the contact (survivor after merges); agent: the agent id. */
  principalId = '';
  /** Customer: contacts merged into `principalId`, whose conversations are also theirs. */
  mergedFrom: readonly string[] = [];
  /** Customer: the site and visitor id. */
  site: ResolvedSite | undefined;
  visitorId = '';
  /** Customer: whether the contact is stored (new anonymous visitors are stored on their first chat). */
  contactStored = false;
  /** Customer: the locale the client said it shows (for transcripts). */
  locale: string | undefined;
  /** Display name on messages (agents). */
  name: string | undefined;
  /** Agent: the roles of its token (`supervisor`, `admin`…). */
  roles: readonly string[] = [];
  /** Conversations this connection receives pushes for. */
  readonly conversations: ConversationEntry[] = [];
  /** Agent (supervisor): conversations it watches read-only. */
  readonly watching: ConversationEntry[] = [];
  /** Whether a frame of this connection is being handled: later ones wait in `queued` (frames run in order). */
  busy = false;
  queued: ClientFrame[] | undefined;
  private held: Map<string, HeldFrame[]> | undefined;

  constructor(
    readonly socket: WebSocket,
    readonly role: ConnectionRole,
    readonly ip: string,
    readonly origin: string | undefined,
    readonly openedAt: number,
    limits: { framesPerSecond: number; frameBurst: number; messagesPerSecond: number; messageBurst: number },
  ) {
    this.lastSeen = openedAt;
    this.frames = new TokenBucket(limits.frameBurst, limits.framesPerSecond, openedAt);
    this.messages = new TokenBucket(limits.messageBurst, limits.messagesPerSecond, openedAt);
  }

  /** Sends a frame; returns whether it was handed to the socket. */
  send(frame: ServerFrame | WireError): boolean {
    return this.sendRaw(JSON.stringify(frame));
  }

  /** Sends an encoded frame (fan-out encodes once for every receiver). */
  sendRaw(data: string): boolean {
    const socket = this.socket;
    if (socket.readyState !== 1 || this.closing) return false;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      // A reader this far behind would only grow the heap; it will resume when it reconnects.
      this.closing = true;
      socket.terminate();
      return false;
    }
    socket.send(data);
    return true;
  }

  /** Sends a `message` frame, or holds it while the conversation's resume pages are going out. */
  sendMessage(key: string, seq: number, data: string): void {
    const held = this.held?.get(key);
    if (held) held.push({ seq, data });
    else this.sendRaw(data);
  }

  /** Starts holding live messages of a conversation. */
  hold(key: string): void {
    this.held ??= new Map();
    this.held.set(key, []);
  }

  /** Stops holding: sends what was held past `sentUpTo`, in seq order, once each. */
  release(key: string, sentUpTo: number): void {
    const held = this.held?.get(key);
    if (!held) return;
    this.held?.delete(key);
    if (this.held?.size === 0) this.held = undefined;
    held.sort((a, b) => a.seq - b.seq);
    let last = sentUpTo;
    for (const frame of held) {
      if (frame.seq <= last) continue;
      last = frame.seq;
      this.sendRaw(frame.data);
    }
  }

  /** Sends an error and, when it is fatal, closes with `closeCode`. */
  fail(error: WireError, closeCode?: number): void {
    this.send(error);
    if (error.fatal && closeCode !== undefined) this.close(closeCode, error.reason ?? error.code);
  }

  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    try {
      this.socket.close(code, reason.slice(0, 120));
    } catch {
      this.socket.terminate();
    }
  }
}
