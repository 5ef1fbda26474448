import { type ErrorCode, HotlineError, isHotlineError, type WireError } from '@hotline/core';

/** WebSocket close codes the gateway uses after a fatal error (4xxx: application codes). */
export const CLOSE_CODES = {
  /** Protocol violation: a frame before `hello`, an unsupported version. */
  protocol: 4400,
  /** Authentication failed: unknown site, bad or expired token, origin not allowed. */
  auth: 4401,
  /** No `hello` in time, or the connection went silent. */
  timeout: 4408,
  /** A frame larger than `limits.maxFrameBytes`. */
  tooLarge: 4413,
  /** Flooding, or too many connections from one address. */
  flood: 4429,
  /** The server is shutting down (after a `bye` frame). */
  goingAway: 1001,
} as const;

/**
 * An error that ends up on the wire with a stable `reason`. Handlers throw it for the
 * gateway's own checks; core's errors pass through {@link toWireError} as they are.
 */
export class WireFault extends HotlineError {
  override readonly name = 'WireFault';
  constructor(
    code: ErrorCode,
    readonly reason: string,
    message: string,
    readonly extra: { fatal?: boolean; retryAfterMs?: number; closeCode?: number } = {},
  ) {
    super(code, message, { details: { reason } });
  }
}

/** `UNAUTHENTICATED`, fatal, closing with 4401. */
export function authFault(reason: string, message: string): WireFault {
  return new WireFault('UNAUTHENTICATED', reason, message, { fatal: true, closeCode: CLOSE_CODES.auth });
}

/** `NOT_FOUND` for a conversation that is missing or not the caller's: the two look the same. */
export function conversationNotFound(conversationId: string): WireFault {
  return notFound('conversation', conversationId);
}

/** `NOT_FOUND` for a record the caller named. */
export function notFound(entity: string, id: string): WireFault {
  return new WireFault('NOT_FOUND', 'not_found', `${entity} ${id} not found`);
}

/** `VALIDATION_FAILED` for a text over the configured length. */
export function textTooLong(max: number): WireFault {
  return new WireFault('VALIDATION_FAILED', 'text_too_long', `text is longer than ${max}`);
}

/** `RATE_LIMITED` with the wait before a retry can succeed. */
export function rateLimited(reason: string, retryAfterMs: number): WireFault {
  return new WireFault('RATE_LIMITED', reason, 'too many requests, slow down', { retryAfterMs });
}

/** Reports an unexpected error; the client only learns that something failed. */
export type InternalErrorReporter = (error: unknown, context: string) => void;

/**
 * The wire form of any error thrown by a handler. Hotline errors keep their code and
 * message (they never carry secrets or other tenants' data); anything else becomes
 * `INTERNAL` with a generic message and is reported.
 */
export function toWireError(error: unknown, re: string | undefined, report: InternalErrorReporter): WireError {
  const wire: WireError = { type: 'error', code: 'INTERNAL', message: 'internal error' };
  if (re !== undefined) wire.re = re;
  if (!isHotlineError(error) || error.code === 'INTERNAL') {
    report(error, 'webchat handler');
    return wire;
  }
  wire.code = error.code;
  wire.message = error.message.length > 500 ? `${error.message.slice(0, 497)}...` : error.message;
  const reason = error instanceof WireFault ? error.reason : error.details['reason'];
  if (typeof reason === 'string' && reason.length <= 64) wire.reason = reason;
  if (error instanceof WireFault) {
    if (error.extra.fatal) wire.fatal = true;
    if (error.extra.retryAfterMs !== undefined) wire.retryAfterMs = error.extra.retryAfterMs;
  } else if (error.code === 'UNAVAILABLE') {
    wire.retryAfterMs = 1000;
  } else if (error.code === 'RATE_LIMITED' && typeof error.details['retryAfterMs'] === 'number') {
    wire.retryAfterMs = Math.max(0, Math.ceil(error.details['retryAfterMs']));
  }
  return wire;
}
