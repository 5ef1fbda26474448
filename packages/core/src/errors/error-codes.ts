/**
 * The catalog of stable error codes. Codes never change meaning once published; a new
 * failure mode gets a new code. Transports map them to statuses (HTTP, WebSocket close
 * codes) with {@link httpStatusForCode}.
 */
export const ERROR_CODES = {
  /** Input failed schema validation. Nothing was changed. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** The record does not exist in this tenant (records of other tenants are invisible). */
  NOT_FOUND: 'NOT_FOUND',
  /** Optimistic-concurrency or uniqueness conflict: re-read and retry. */
  CONFLICT: 'CONFLICT',
  /** The record already exists (duplicate id). */
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  /** The principal may not perform this action on this resource. */
  FORBIDDEN: 'FORBIDDEN',
  /** The caller is not authenticated. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Too many requests; retry after `details.retryAfterMs`. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The lifecycle event is not allowed in the current state. */
  ILLEGAL_TRANSITION: 'ILLEGAL_TRANSITION',
  /** The operation crossed a tenant boundary. */
  TENANT_MISMATCH: 'TENANT_MISMATCH',
  /** A hash-chain, signature or ciphertext did not verify. */
  INTEGRITY_FAILED: 'INTEGRITY_FAILED',
  /** A dependency (database, provider) failed in a way that is safe to retry. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** The operation did not finish in time. */
  TIMEOUT: 'TIMEOUT',
  /** A payload exceeded a configured size limit. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** A bug or an unexpected state; never expected in normal operation. */
  INTERNAL: 'INTERNAL',
} as const;

/** One of the stable codes in {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  RATE_LIMITED: 429,
  ILLEGAL_TRANSITION: 409,
  TENANT_MISMATCH: 403,
  INTEGRITY_FAILED: 422,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
};

/**
 * The HTTP status a transport should answer for an error code.
 *
 * @example
 * ```ts
 * httpStatusForCode('NOT_FOUND'); // 404
 * ```
 */
export function httpStatusForCode(code: ErrorCode): number {
  return HTTP_STATUS[code];
}

/** Whether a failure with this code may succeed if the same call is simply retried. */
export function isRetryableCode(code: ErrorCode): boolean {
  return code === 'UNAVAILABLE' || code === 'TIMEOUT' || code === 'RATE_LIMITED' || code === 'CONFLICT';
}
