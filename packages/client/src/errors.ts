import type { ErrorCode, WireError } from '@hotline/core';

const RETRYABLE: readonly string[] = ['UNAVAILABLE', 'TIMEOUT', 'RATE_LIMITED', 'CONFLICT'];

/** What a {@link ClientError} may carry besides its code and message. */
export interface ClientErrorOptions {
  /** The specific case (`token_expired`, `request_timeout`, `connection_lost`…). */
  reason?: string | undefined;
  /** When the server asked to wait before retrying. */
  retryAfterMs?: number | undefined;
  /** The server closes the connection after this error. */
  fatal?: boolean | undefined;
  /** Structured facts (an HTTP status…). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The error every `@hotline/client` call rejects with and every `error` event carries:
 * a stable `code` from core's `ERROR_CODES`, a `reason` for the specific case, and the
 * server's `retryAfterMs` / `fatal` when it came from an `error` frame. It has the shape
 * of core's `HotlineError` (`code`, `details`, `toJSON`), so `isHotlineError` from
 * `@hotline/core` recognises it without the client shipping core's runtime.
 *
 * @example
 * ```ts
 * try {
 *   await chat.rate(5);
 * } catch (err) {
 *   if (err instanceof ClientError && err.code === 'TIMEOUT') showRetry();
 * }
 * ```
 */
export class ClientError extends Error {
  override readonly name = 'ClientError';
  readonly code: ErrorCode;
  readonly reason: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly fatal: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: ClientErrorOptions = {}) {
    super(message);
    this.code = code;
    this.reason = options.reason;
    this.retryAfterMs = options.retryAfterMs;
    this.fatal = options.fatal === true;
    this.details = { ...options.details };
    if (options.reason !== undefined) this.details['reason'] = options.reason;
    if (options.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }

  /** Whether the same call may succeed if simply retried. */
  get retryable(): boolean {
    return RETRYABLE.includes(this.code);
  }

  /** The wire shape, as core's `HotlineError` has it. */
  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** An `error` frame as a {@link ClientError}. */
export function fromWireError(frame: WireError): ClientError {
  return new ClientError(frame.code as ErrorCode, frame.message, {
    reason: frame.reason,
    retryAfterMs: frame.retryAfterMs,
    fatal: frame.fatal,
  });
}
