import { ClientError, fromWireError } from '../errors.js';
import type { Timers } from './types.js';

/** A frame the client sends, before the request manager gives it an `id`. */
export type OutFrame = { type: string } & Record<string, unknown>;

/** How a request behaves when the connection drops under it. */
export interface RequestOptions {
  /**
   * Send it again on the next connection if it went out and no reply came. Only for
   * requests the server treats idempotently (a `send` with its `clientMessageId`, a
   * `start` with its key, `history`). @default false
   */
  retry?: boolean;
}

/** The request manager of a connection. */
export interface Requests {
  /** Sends `frame` with a fresh id and resolves with the reply's `result`. */
  request<T>(frame: OutFrame, options?: RequestOptions): Promise<T>;
  /** Whether frames may go out (the current connection's `hello` was answered). */
  readonly live: boolean;
  /** The connection is ready: sends what waited, oldest first. */
  ready(): void;
  /**
   * The connection dropped. A request that went out and may have taken effect fails with
   * `connection_lost` unless it is safe to repeat; the others wait for the next connection.
   */
  dropped(): void;
  /** Settles the request a `reply` or `error` frame answers; false if none is pending. */
  settle(frame: { type: string; re?: string | undefined; result?: unknown }): boolean;
  /** Fails every pending request (the client was closed). */
  failAll(error: ClientError): void;
}

interface Pending extends RequestOptions {
  frame: OutFrame;
  sent?: boolean;
  timer: unknown;
  resolve(result: unknown): void;
  reject(error: ClientError): void;
}

/**
 * Request ids, one pending promise per id, timeouts, and what happens to pending requests
 * when the connection drops. Requests made while the connection is not ready wait for it
 * (in order); every promise settles within the timeout, counted from the call.
 */
export function createRequests(transmit: (frame: OutFrame) => boolean, timers: Timers, timeoutMs: number): Requests {
  const pending = new Map<string, Pending>();
  let counter = 0;
  let live = false;

  const finish = (id: string, error?: ClientError, result?: unknown): boolean => {
    const entry = pending.get(id);
    if (!entry) return false;
    pending.delete(id);
    timers.clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve(result);
    return true;
  };

  return {
    get live() {
      return live;
    },
    request<T>(frame: OutFrame, options: RequestOptions = {}) {
      const id = `${++counter}`;
      return new Promise<T>((resolve, reject) => {
        const entry: Pending = {
          ...options,
          frame: { ...frame, id },
          resolve: resolve as (result: unknown) => void,
          reject,
          timer: timers.setTimeout(
            () =>
              finish(
                id,
                new ClientError('TIMEOUT', `no reply to ${frame.type} in ${timeoutMs} ms`, {
                  reason: 'request_timeout',
                }),
              ),
            timeoutMs,
          ),
        };
        pending.set(id, entry);
        if (live) entry.sent = transmit(entry.frame);
      });
    },
    ready() {
      live = true;
      for (const entry of pending.values()) if (!entry.sent) entry.sent = transmit(entry.frame);
    },
    dropped() {
      live = false;
      for (const [id, entry] of pending) {
        if (entry.sent && !entry.retry) {
          finish(id, new ClientError('UNAVAILABLE', 'connection lost', { reason: 'connection_lost' }));
        } else entry.sent = false;
      }
    },
    settle(frame) {
      const id = frame.re ?? '';
      return frame.type === 'reply'
        ? finish(id, undefined, frame.result)
        : finish(id, fromWireError(frame as Parameters<typeof fromWireError>[0]));
    },
    failAll(error) {
      for (const id of pending.keys()) finish(id, error);
    },
  };
}
