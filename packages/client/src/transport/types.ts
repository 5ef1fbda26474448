/**
 * The part of a WebSocket the client uses: the browser's `WebSocket`, Node 22's, or the
 * `ws` package's. Event parameters are `never` so that every implementation's own event
 * types fit.
 */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor (`globalThis.WebSocket`, or `WebSocket` from `ws` in Node). */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Timer functions; tests and simulations inject their own. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** How long to wait between reconnect attempts. */
export interface ReconnectOptions {
  /** The ceiling of the first wait; it doubles on every failed attempt. @default 500 */
  initialDelayMs?: number;
  /** The most a wait's ceiling grows to. @default 30000 */
  maxDelayMs?: number;
  /**
   * The random share of each wait, 0…1: a wait is drawn uniformly from
   * `[ceiling × (1 − jitter), ceiling]`. `1` is "full jitter" (anywhere from 0 to the
   * ceiling); `0` is no jitter. @default 0.5
   */
  jitter?: number;
}

/**
 * Where a client is: `idle` before `connect()`, `connecting` until the first `hello` is
 * answered, `open`, `reconnecting` after losing an open connection, `closed` after
 * `close()` or an error that retrying cannot fix (a refused token, a wrong site).
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Options of the connection shared by `CustomerChat` and `AgentDesk`. */
export interface TransportOptions {
  /** The gateway's WebSocket URL (`wss://host/hotline/webchat`). */
  url: string;
  /** The WebSocket constructor; in Node 20 pass `WebSocket` from `ws`. @default globalThis.WebSocket */
  WebSocket?: WebSocketConstructor | undefined;
  /** Backoff between reconnect attempts. @default { initialDelayMs: 500, maxDelayMs: 30000, jitter: 0.5 } */
  reconnect?: ReconnectOptions | undefined;
  /** How long a request waits for its reply, counted from the call (offline time included). @default 15000 */
  requestTimeoutMs?: number | undefined;
  /**
   * How long a `ping` may go unanswered (no frame at all from the server) before the
   * connection is taken as dead and replaced: this is what detects one-way network loss.
   * The ping interval is the server's `heartbeatMs`. @default 10000
   */
  heartbeatTimeoutMs?: number | undefined;
  /** Timer functions, for tests and simulations. @default globalThis.setTimeout / clearTimeout */
  timers?: Timers | undefined;
  /** A source of randomness in [0, 1) for the jitter, for tests. @default Math.random */
  random?: (() => number) | undefined;
}
