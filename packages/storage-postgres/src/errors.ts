import {
  AlreadyExistsError,
  ConflictError,
  HotlineError,
  isHotlineError,
  NotFoundError,
  UnavailableError,
} from '@hotline/core';

interface DbError {
  code?: string;
  constraint?: string;
  message?: string;
  table?: string;
}

/** SQLSTATE classes and codes that mean "the connection or server failed; try again". */
const UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08003', '08006', '08001', '08004', '53100']);
/** Node socket error codes: the server is down or the network failed. */
const SOCKET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
]);
const NETWORK =
  /Query read timeout|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection terminated|connection timeout|Client has encountered a connection error|not queryable|closed/i;

/**
 * Turns a driver error into a `HotlineError`: lost connections and server shutdowns become
 * `UnavailableError` (retry-safe: every write is idempotent or version-guarded),
 * serialization failures and deadlocks `ConflictError`, unique violations
 * `AlreadyExistsError` / `ConflictError`, foreign-key violations `NotFoundError`.
 * Anything else stays as it was (a bug, not an expected failure).
 */
export function mapDbError(error: unknown): unknown {
  if (isHotlineError(error)) return error;
  const db = (error ?? {}) as DbError;
  const code = db.code ?? '';
  if (
    UNAVAILABLE.has(code) ||
    SOCKET.has(code) ||
    code.startsWith('08') ||
    (code === '' && NETWORK.test(db.message ?? String(error)))
  ) {
    return new UnavailableError(`database unavailable: ${db.message ?? String(error)}`, { cause: error });
  }
  if (code === '40001' || code === '40P01') {
    return new ConflictError('concurrent transaction won; retry', { cause: error, details: { reason: 'version' } });
  }
  if (code === '23505') {
    return new AlreadyExistsError(db.table ?? 'record', db.constraint ?? 'unique', {
      cause: error,
      details: { constraint: db.constraint },
    });
  }
  if (code === '23503') return new NotFoundError(db.table ?? 'record', db.constraint ?? 'reference', { cause: error });
  return error;
}

/** Whether an error is a unique violation of a given constraint (after mapping). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return (
    error instanceof HotlineError &&
    error.code === 'ALREADY_EXISTS' &&
    (constraint === undefined || error.details['constraint'] === constraint)
  );
}
