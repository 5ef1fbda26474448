import { type ErrorCode, httpStatusForCode, isRetryableCode } from './error-codes.js';

/** Structured, JSON-safe facts about an error (field paths, ids, versions). */
export type ErrorDetails = Record<string, unknown>;

/** Options shared by every {@link HotlineError} constructor. */
export interface HotlineErrorOptions {
  /** Structured facts for the caller; must be JSON-serialisable and free of secrets. */
  details?: ErrorDetails;
  /** The underlying error, kept for logs; never sent to untrusted clients. */
  cause?: unknown;
}

/** The JSON shape of an error on the wire (HTTP bodies, WebSocket error frames). */
export interface HotlineErrorJSON {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

/**
 * The one base class of every error Hotline throws on purpose. Branch on `code`, or use
 * the subclasses with `instanceof`.
 *
 * @example
 * ```ts
 * try {
 *   await conversations.apply(tenantId, id, { type: 'accept' });
 * } catch (err) {
 *   if (isHotlineError(err, 'ILLEGAL_TRANSITION')) console.warn(err.details);
 * }
 * ```
 */
export class HotlineError extends Error {
  override readonly name: string = 'HotlineError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, options: HotlineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  /** The HTTP status a transport should use for this error. */
  get status(): number {
    return httpStatusForCode(this.code);
  }

  /** Whether simply retrying the same call may succeed. */
  get retryable(): boolean {
    return isRetryableCode(this.code);
  }

  /** The wire shape; leaves out `cause` and the stack. */
  toJSON(): HotlineErrorJSON {
    const json: HotlineErrorJSON = { code: this.code, message: this.message };
    if (Object.keys(this.details).length > 0) json.details = this.details;
    return json;
  }
}

/** One problem found while validating input. */
export interface ValidationIssue {
  /** Dotted path to the offending field, `''` for the whole input. */
  path: string;
  message: string;
  /** The validator's own issue code (for example zod's `too_big`). */
  code?: string;
}

/** Input failed validation; `details.issues` lists every problem. Nothing was changed. */
export class ValidationError extends HotlineError {
  override readonly name = 'ValidationError';
  readonly issues: ValidationIssue[];
  constructor(message: string, issues: ValidationIssue[], options: HotlineErrorOptions = {}) {
    super('VALIDATION_FAILED', message, { ...options, details: { ...options.details, issues } });
    this.issues = issues;
  }
}

/** The record does not exist in the caller's tenant. */
export class NotFoundError extends HotlineError {
  override readonly name = 'NotFoundError';
  constructor(entity: string, id: string, options: HotlineErrorOptions = {}) {
    super('NOT_FOUND', `${entity} ${id} not found`, {
      ...options,
      details: { entity, id, ...options.details },
    });
  }
}

/**
 * A write lost a race: the stored version differs from `expectedVersion`, or a unique key
 * is taken. Re-read, re-apply and retry.
 */
export class ConflictError extends HotlineError {
  override readonly name = 'ConflictError';
  constructor(message: string, options: HotlineErrorOptions = {}) {
    super('CONFLICT', message, options);
  }
}

/** A record with this id already exists. */
export class AlreadyExistsError extends HotlineError {
  override readonly name = 'AlreadyExistsError';
  constructor(entity: string, id: string, options: HotlineErrorOptions = {}) {
    super('ALREADY_EXISTS', `${entity} ${id} already exists`, {
      ...options,
      details: { entity, id, ...options.details },
    });
  }
}

/** The principal is not allowed to do this. */
export class ForbiddenError extends HotlineError {
  override readonly name = 'ForbiddenError';
  constructor(message: string, options: HotlineErrorOptions = {}) {
    super('FORBIDDEN', message, options);
  }
}

/** A lifecycle event that the current state does not accept. */
export class IllegalTransitionError extends HotlineError {
  override readonly name = 'IllegalTransitionError';
  constructor(entity: string, from: string, event: string, options: HotlineErrorOptions = {}) {
    super('ILLEGAL_TRANSITION', `${entity} cannot take '${event}' in state '${from}'`, {
      ...options,
      details: { entity, from, event, ...options.details },
    });
  }
}

/** A safe-to-retry failure of a dependency (database connection lost, provider down). */
export class UnavailableError extends HotlineError {
  override readonly name = 'UnavailableError';
  constructor(message: string, options: HotlineErrorOptions = {}) {
    super('UNAVAILABLE', message, options);
  }
}

/** Verification of a hash chain, signature or ciphertext failed. */
export class IntegrityError extends HotlineError {
  override readonly name = 'IntegrityError';
  constructor(message: string, options: HotlineErrorOptions = {}) {
    super('INTEGRITY_FAILED', message, options);
  }
}

/**
 * Type guard for Hotline errors, optionally of one code. Works across bundle copies
 * (it checks the shape, not only the prototype), so an error thrown by a second copy of
 * `@hotline/core` is still recognised.
 *
 * @example
 * ```ts
 * if (isHotlineError(err, 'CONFLICT')) retry();
 * ```
 */
export function isHotlineError(err: unknown, code?: ErrorCode): err is HotlineError {
  if (err instanceof HotlineError) return code === undefined || err.code === code;
  if (typeof err !== 'object' || err === null) return false;
  const candidate = err as { code?: unknown; details?: unknown; toJSON?: unknown };
  const shaped =
    typeof candidate.code === 'string' &&
    typeof candidate.toJSON === 'function' &&
    typeof candidate.details === 'object';
  return shaped && (code === undefined || candidate.code === code);
}
