import type { ServerFrame } from '@hotline/core';
import { ClientError, fromWireError } from '../errors.js';
import { backoffDelay } from './backoff.js';
import { decode, encode } from './codec.js';
import { watchLifecycle } from './lifecycle.js';
import { createRequests, type OutFrame, type Requests } from './requests.js';
import type { ConnectionState, Timers, TransportOptions, WebSocketLike } from './types.js';

/** What a client (customer or agent) plugs into the transport. */
export interface TransportHooks {
  /** The `hello` frame for a new connection (without `id`). */
  hello(): OutFrame;
  /** The `hello` reply; requests made here go out at once. */
  opened(result: unknown): void;
  /** A pushed frame (not a reply, pong or bye). */
  push(frame: ServerFrame): void;
  state(state: ConnectionState): void;
  error(error: ClientError): void;
  /**
   * A fatal `hello` error (a refused token…). Return true after changing what the next
   * `hello` says (forgetting a stale token) to reconnect at once instead of closing.
   */
  recover?(error: ClientError): boolean;
}

/** The connection shared by `CustomerChat` and `AgentDesk`. */
export interface Transport {
  readonly state: ConnectionState;
  readonly requests: Requests;
  readonly timers: Timers;
  /** Opens the connection; resolves once `hello` is answered, rejects on a fatal error or `close()`. */
  connect(): Promise<void>;
  /** Replaces the connection at once with a new `hello` (identity, locale or visitor changed). */
  restart(): void;
  /** Sends a frame that expects no answer; false when there is no open connection. */
  notify(frame: OutFrame): boolean;
  /** Closes for good (until `connect()` again); pending requests fail with `closed`. */
  close(error?: ClientError): void;
}

/** The id of `hello` (its reply is handled by the transport itself). */
const HELLO = 'hello';

const defaultTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Errors after which reconnecting with the same `hello` cannot help. */
const terminal = ({ fatal, code, reason }: ClientError): boolean =>
  fatal && (code === 'VALIDATION_FAILED' || (code === 'UNAUTHENTICATED' && reason !== 'hello_timeout'));

/**
 * The connection: opens the socket, says `hello`, keeps it alive with `ping`s and a pong
 * deadline (one-way network loss), reconnects with backoff and jitter (at once when the
 * page comes back online or visible), and routes frames to the request manager or the
 * client.
 */
export function createTransport(options: TransportOptions, hooks: TransportHooks): Transport {
  const { url, reconnect, random, timers = defaultTimers } = options;
  const timeoutMs = options.requestTimeoutMs ?? 15_000;
  let state: ConnectionState = 'idle';
  let socket: WebSocketLike | undefined;
  let attempt = 0;
  let everOpen = false;
  /** A wait the server asked for (`bye`), added to the next reconnect's backoff. */
  let serverDelay = 0;
  let fatal: ClientError | undefined;
  let reconnectTimer: unknown;
  /** The open deadline before `hello` is answered, then the pong deadline. */
  let deadline: unknown;
  let beatTimer: unknown;
  let heartbeatMs = 25_000;
  let unwatch: (() => void) | undefined;
  let waiters: [() => void, (error: ClientError) => void][] = [];

  const transmit = (frame: OutFrame): boolean => {
    // 1: OPEN.
    if (socket?.readyState !== 1) return false;
    try {
      socket.send(encode(frame));
      return true;
    } catch {
      return false;
    }
  };
  const requests = createRequests(transmit, timers, timeoutMs);

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    hooks.state(next);
  };

  const clearDeadline = () => {
    timers.clearTimeout(deadline);
    deadline = undefined;
  };

  const beat = () => {
    timers.clearTimeout(beatTimer);
    beatTimer = timers.setTimeout(ping, heartbeatMs);
  };

  /** Sends a `ping` and, unless one is armed, a deadline for the server to say anything. */
  function ping() {
    transmit({ type: 'ping' });
    deadline ??= timers.setTimeout(drop, options.heartbeatTimeoutMs ?? 10_000);
    beat();
  }

  const detach = (code?: number) => {
    const ws = socket;
    socket = undefined;
    clearDeadline();
    timers.clearTimeout(beatTimer);
    if (ws) {
      // `onerror` keeps its no-op: `ws` throws an `error` nobody listens to.
      ws.onopen = ws.onmessage = ws.onclose = null;
      try {
        // A socket that went silent may never finish a closing handshake: `ws` can cut it.
        const cut = (ws as { terminate?: () => void }).terminate;
        if (code === undefined && cut) cut.call(ws);
        else ws.close(code ?? 1000);
      } catch {
        // Already closed.
      }
    }
    requests.dropped();
  };

  function drop(code?: number) {
    detach();
    if (state === 'closed') return;
    let error = fatal;
    fatal = undefined;
    if (!error && (code === 4400 || code === 4401)) {
      error = new ClientError(code === 4401 ? 'UNAUTHENTICATED' : 'VALIDATION_FAILED', `closed (${code})`, {
        fatal: true,
      });
    }
    let wait = 0;
    if (error && terminal(error)) {
      if (!hooks.recover?.(error)) return close(error);
    } else {
      // What the server asked for (`bye`, `RATE_LIMITED`) plus the usual jittered backoff.
      wait = (error?.retryAfterMs ?? serverDelay) + backoffDelay(attempt++, reconnect, random);
    }
    serverDelay = 0;
    setState(everOpen ? 'reconnecting' : 'connecting');
    reconnectTimer = timers.setTimeout(open, wait);
  }

  function close(error?: ClientError) {
    if (state === 'closed') return;
    detach(1000);
    timers.clearTimeout(reconnectTimer);
    unwatch?.();
    setState('closed');
    const failure = error ?? new ClientError('UNAVAILABLE', 'closed', { reason: 'closed' });
    requests.failAll(failure);
    for (const [, reject] of waiters) reject(failure);
    waiters = [];
    if (error) hooks.error(error);
  }

  const up = (result: { heartbeatMs?: number } | undefined) => {
    attempt = 0;
    everOpen = true;
    heartbeatMs = result?.heartbeatMs || 25_000;
    clearDeadline();
    beat();
    requests.ready();
    hooks.opened(result);
    setState('open');
    for (const [resolve] of waiters) resolve();
    waiters = [];
  };

  const receive = (data: unknown) => {
    // Any frame proves the server still hears us and we still hear it.
    if (state === 'open') clearDeadline();
    const frame = decode(data);
    if (!frame) {
      hooks.error(new ClientError('VALIDATION_FAILED', 'unreadable frame dropped', { reason: 'invalid_frame' }));
    } else if (frame.type === 'reply' || frame.type === 'error') {
      if (frame.re === HELLO && !requests.live) {
        if (frame.type === 'reply') return up(frame.result as { heartbeatMs?: number } | undefined);
        const error = fromWireError(frame);
        if (error.fatal) fatal = error;
        else serverDelay = error.retryAfterMs ?? 0;
        return drop();
      }
      if (frame.re !== undefined && requests.settle(frame)) return;
      if (frame.type === 'error') {
        const error = fromWireError(frame);
        // A fatal error is followed by the server closing; `drop` reports or recovers it.
        if (error.fatal) fatal = error;
        else hooks.error(error);
      }
    } else if (frame.type === 'bye') serverDelay = frame.retryAfterMs ?? 0;
    else if (frame.type !== 'pong') hooks.push(frame);
  };

  function open() {
    timers.clearTimeout(reconnectTimer);
    let ws: WebSocketLike;
    try {
      const Socket = options.WebSocket ?? (globalThis as { WebSocket?: TransportOptions['WebSocket'] }).WebSocket;
      ws = new (Socket as NonNullable<typeof Socket>)(url);
    } catch (cause) {
      // No WebSocket constructor (Node 20: pass `ws`), or a URL the constructor refuses.
      return close(new ClientError('VALIDATION_FAILED', `cannot open ${url}`, { reason: 'no_socket', cause }));
    }
    socket = ws;
    // A socket that neither opens nor fails (a black-holed SYN) is given up like a silent one.
    deadline = timers.setTimeout(drop, timeoutMs);
    // `hello` bypasses the request manager: its reply must be applied before the frames
    // that follow it in the same read (resume pages, offers) are handled.
    ws.onopen = () => transmit({ ...hooks.hello(), id: HELLO });
    ws.onmessage = (event: { data: unknown }) => socket === ws && receive(event.data);
    ws.onclose = (event: { code?: number }) => socket === ws && drop(event.code);
    // `close` follows every `error`; that is where the reconnect happens.
    ws.onerror = () => {};
  }

  /** The page came back: check an open connection now, or stop waiting to reconnect. */
  const wake = () => {
    if (state === 'open') ping();
    else if (state !== 'closed' && !socket) {
      attempt = 0;
      open();
    }
  };

  return {
    get state() {
      return state;
    },
    requests,
    timers,
    connect() {
      if (state === 'open') return Promise.resolve();
      const done = new Promise<void>((resolve, reject) => waiters.push([resolve, reject]));
      if (state === 'idle' || state === 'closed') {
        unwatch = watchLifecycle(wake);
        setState('connecting');
        open();
      }
      return done;
    },
    restart() {
      if (state === 'idle' || state === 'closed') return;
      detach();
      setState(everOpen ? 'reconnecting' : 'connecting');
      open();
    },
    // `live` rather than `open`: the client's `opened` hook may notify (a pending read receipt).
    notify: (frame) => requests.live && transmit(frame),
    close,
  };
}
