import type { IncomingMessage } from 'node:http';
import type { AgentFrame, CustomerFrame, WireError } from '@hotline/core';
import type { RawData, WebSocket } from 'ws';
import type { AgentSession } from './agent-session.js';
import { Connection } from './connection.js';
import type { GatewayContext } from './context.js';
import type { CustomerSession } from './customer-session.js';
import { EncodedResult } from './encoded-result.js';
import { type ClientFrame, type ConnectionRole, decodeFrame, requestIdOf } from './frame-codec.js';
import { TRY_AGAIN_LATER } from './session-hello.js';
import { CLOSE_CODES, toWireError, WireFault } from './wire-errors.js';

/**
 * Owns the open connections: reads frames (size, rate, JSON and schema checks), runs
 * each connection's frames in order through its session, answers every request exactly
 * once, and runs the one sweep that replaces per-connection timers (hello timeout,
 * heartbeats).
 */
export class ConnectionManager {
  readonly connections = new Set<Connection>();

  constructor(
    private readonly ctx: GatewayContext,
    private readonly customers: CustomerSession,
    private readonly agents: AgentSession,
    private readonly helloTimeoutMs: number,
  ) {}

  /** A socket just upgraded. */
  open(socket: WebSocket, req: IncomingMessage, role: ConnectionRole, ip: string): void {
    const { ctx } = this;
    const now = ctx.clock.now();
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const connection = new Connection(socket, role, ip, origin, now, ctx.limits);
    this.connections.add(connection);
    socket.on('message', (data, isBinary) => this.onFrame(connection, data, isBinary));
    socket.on('pong', () => {
      connection.lastSeen = ctx.clock.now();
      connection.pinged = false;
    });
    // A reset or a protocol error of the peer: `close` follows, where the connection is forgotten.
    socket.on('error', () => {});
    socket.on('close', () => this.onClose(connection));
    const address = ctx.ips.get(ip, now);
    const count = role === 'agent' ? ++address.agents : ++address.customers;
    const max = role === 'agent' ? ctx.limits.agentConnectionsPerIp : ctx.limits.connectionsPerIp;
    if (count > max) {
      connection.fail(
        {
          type: 'error',
          code: 'RATE_LIMITED',
          reason: 'too_many_connections',
          message: 'too many connections from this address',
          retryAfterMs: 10_000,
          fatal: true,
        },
        CLOSE_CODES.flood,
      );
    }
  }

  /** Sends `bye` to everyone and closes; resolves when the sockets are gone (or after `graceMs`). */
  async closeAll(retryAfterMs: number, graceMs: number): Promise<void> {
    const bye = JSON.stringify({ type: 'bye', reason: 'shutdown', retryAfterMs });
    const closed: Promise<void>[] = [];
    for (const connection of this.connections) {
      closed.push(new Promise((resolve) => connection.socket.once('close', () => resolve())));
      connection.sendRaw(bye);
      connection.close(CLOSE_CODES.goingAway, 'shutdown');
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(closed),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    for (const connection of this.connections) connection.socket.terminate();
  }

  /** The sweep: hello timeouts, pings to quiet connections, drops silent ones. */
  sweep(now: number): void {
    const heartbeat = this.ctx.heartbeatMs;
    for (const connection of this.connections) {
      if (connection.closing) continue;
      if (!connection.helloReceived) {
        if (now - connection.openedAt > this.helloTimeoutMs) {
          connection.fail(
            {
              type: 'error',
              code: 'UNAUTHENTICATED',
              reason: 'hello_timeout',
              message: 'no hello in time',
              fatal: true,
            },
            CLOSE_CODES.timeout,
          );
        }
        continue;
      }
      const silent = now - connection.lastSeen;
      // Dropped only after a ping went unanswered: a late sweep must not drop a live peer unasked.
      if (silent > 2 * heartbeat && connection.pinged) {
        connection.closing = true;
        connection.socket.terminate();
      } else if (silent > heartbeat && !connection.pinged) {
        connection.pinged = true;
        try {
          connection.socket.ping();
        } catch {
          // The socket is closing; its close event cleans up.
        }
      }
    }
  }

  private onFrame(connection: Connection, data: RawData, isBinary: boolean): void {
    try {
      this.readFrame(connection, data, isBinary);
    } catch (error) {
      // Whatever a frame does, it must not take the process down with it.
      this.answerError(connection, error, undefined);
    }
  }

  private readFrame(connection: Connection, data: RawData, isBinary: boolean): void {
    if (connection.closing) return;
    const { ctx } = this;
    const now = ctx.clock.now();
    connection.lastSeen = now;
    connection.pinged = false;
    const wait = connection.frames.take(now);
    if (wait > 0) {
      this.refuseFlood(connection, data, isBinary, wait);
      return;
    }
    connection.strikes = 0;
    if (isBinary) {
      connection.send({
        type: 'error',
        code: 'VALIDATION_FAILED',
        reason: 'binary_frame',
        message: 'frames are JSON text',
      });
      return;
    }
    const bytes = byteLength(data);
    if (bytes > ctx.limits.maxFrameBytes) {
      connection.fail(
        {
          type: 'error',
          code: 'PAYLOAD_TOO_LARGE',
          reason: 'frame_too_large',
          message: `frames are at most ${ctx.limits.maxFrameBytes} bytes`,
          fatal: true,
        },
        CLOSE_CODES.tooLarge,
      );
      return;
    }
    let frame: ClientFrame;
    try {
      frame = decodeFrame(textOf(data), connection.role, connection.authenticated || connection.helloReceived);
    } catch (error) {
      const re = (error as { re?: string }).re;
      this.answerError(connection, error, re);
      return;
    }
    if (frame.type === 'ping') {
      connection.send(frame.t === undefined ? { type: 'pong' } : { type: 'pong', t: frame.t });
      if (frame.id !== undefined) connection.send({ type: 'reply', re: frame.id, result: {} });
      return;
    }
    if (frame.type === 'hello') {
      if (connection.helloReceived) {
        connection.send({
          type: 'error',
          re: frame.id,
          code: 'VALIDATION_FAILED',
          reason: 'already_authenticated',
          message: 'hello was already sent on this connection',
        });
        return;
      }
      connection.helloReceived = true;
    }
    if (!connection.busy) void this.drain(connection, frame);
    else if (connection.queued) connection.queued.push(frame);
    else connection.queued = [frame];
  }

  /**
   * Handles a frame, then those that arrived meanwhile, one at a time, answering every
   * request once. One loop rather than a promise chain: a frame costs no closure and no
   * promise of its own.
   */
  private async drain(connection: Connection, first: ClientFrame): Promise<void> {
    connection.busy = true;
    let frame: ClientFrame | undefined = first;
    while (frame !== undefined && !connection.closing) {
      const id = 'id' in frame ? frame.id : undefined;
      try {
        const result =
          connection.role === 'customer'
            ? await this.customers.handle(connection, frame as CustomerFrame)
            : await this.agents.handle(connection, frame as AgentFrame);
        if (id !== undefined && result !== undefined) reply(connection, id, result);
      } catch (error) {
        this.answerFailure(connection, frame, error, id);
      }
      frame = connection.queued?.shift();
    }
    connection.queued = undefined;
    connection.busy = false;
  }

  private answerFailure(connection: Connection, frame: ClientFrame, error: unknown, id: string | undefined): void {
    try {
      if (frame.type === 'hello') this.failHello(connection, error, frame.id);
      else this.answerError(connection, error, id);
    } catch (failure) {
      // Not even an error frame could go out; the next frame must still run.
      this.ctx.report(failure, 'webchat answer');
    }
  }

  /** Any failed `hello` ends the connection: without an identity nothing else can follow. */
  private failHello(connection: Connection, error: unknown, re: string): void {
    const wire = toWireError(error, re, this.ctx.report);
    wire.fatal = true;
    const code =
      error instanceof WireFault && error.extra.closeCode !== undefined
        ? error.extra.closeCode
        : wire.code === 'UNAVAILABLE'
          ? TRY_AGAIN_LATER
          : wire.code === 'UNAUTHENTICATED'
            ? CLOSE_CODES.auth
            : CLOSE_CODES.protocol;
    connection.fail(wire, code);
  }

  private answerError(connection: Connection, error: unknown, re: string | undefined): void {
    const wire: WireError = toWireError(error, re, this.ctx.report);
    const closeCode = error instanceof WireFault ? error.extra.closeCode : undefined;
    connection.fail(wire, closeCode);
  }

  /**
   * Past its frame budget a connection gets `RATE_LIMITED` per frame (answering the
   * request when it has an id); one that keeps going for another whole burst is flooding
   * and is closed with 4429.
   */
  private refuseFlood(connection: Connection, data: RawData, isBinary: boolean, wait: number): void {
    connection.strikes += 1;
    if (connection.strikes > this.ctx.limits.frameBurst) {
      connection.fail(
        {
          type: 'error',
          code: 'RATE_LIMITED',
          reason: 'flood',
          message: 'too many frames',
          retryAfterMs: 10_000,
          fatal: true,
        },
        CLOSE_CODES.flood,
      );
      return;
    }
    const error: WireError = {
      type: 'error',
      code: 'RATE_LIMITED',
      reason: 'too_many_frames',
      message: 'too many frames, slow down',
      retryAfterMs: wait,
    };
    if (!isBinary && byteLength(data) <= this.ctx.limits.maxFrameBytes) {
      const re = requestIdOf(safeJson(textOf(data)));
      if (re !== undefined) error.re = re;
    }
    connection.send(error);
  }

  private onClose(connection: Connection): void {
    const { ctx } = this;
    connection.closing = true;
    this.connections.delete(connection);
    const address = ctx.ips.get(connection.ip, ctx.clock.now());
    if (connection.role === 'agent') address.agents -= 1;
    else address.customers -= 1;
    const remaining = ctx.index.remove(connection);
    if (connection.role === 'agent' && connection.authenticated && remaining === 0) {
      ctx.dispatcher
        .setConnected(connection.tenantId, connection.principalId, false)
        .catch((error: unknown) => ctx.report(error, 'agent disconnect'));
    }
  }
}

/** Sends a request's reply; an already encoded result goes out as it is. */
function reply(connection: Connection, id: string, result: unknown): void {
  if (result instanceof EncodedResult) {
    connection.sendRaw(`{"type":"reply","re":${JSON.stringify(id)},"result":${result.json}}`);
  } else connection.send({ type: 'reply', re: id, result });
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return data instanceof ArrayBuffer ? Buffer.from(data).toString('utf8') : data.toString('utf8');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
