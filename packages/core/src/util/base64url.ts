import { ValidationError } from '../errors/hotline-error.js';

/**
 * Base64url (RFC 4648 §5, no padding) for byte arrays, on `btoa`/`atob` only, so it runs
 * the same in Node, browsers and workers (no `Buffer`).
 */

// btoa/atob take "binary strings" (one char per byte); building them in chunks keeps
// String.fromCharCode's argument count well below engine limits for large inputs.
const CHUNK = 0x8000;

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Encodes bytes as unpadded base64url.
 *
 * @example
 * ```ts
 * encodeBase64Url(new Uint8Array([251, 255])); // '-_8'
 * ```
 */
export function encodeBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Decodes unpadded base64url. Only the canonical encoding is accepted (no padding, no
 * whitespace, no stray bits in the last character), so one byte string has exactly one
 * textual form: tokens that differ as text never decode to the same bytes.
 *
 * @param what Names the value in the error message (never echoes the value itself).
 * @throws ValidationError (`VALIDATION_FAILED`) when `text` is not canonical base64url.
 */
export function decodeBase64Url(text: string, what = 'base64url value'): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string' || !BASE64URL.test(text) || text.length % 4 === 1) {
    throw invalid(what);
  }
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch (cause) {
    throw invalid(what, cause);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  // atob ignores non-zero trailing bits; re-encoding catches them.
  if (encodeBase64Url(bytes) !== text) throw invalid(what);
  return bytes;
}

function invalid(what: string, cause?: unknown): ValidationError {
  return new ValidationError(
    `Invalid ${what}: not canonical base64url`,
    [{ path: '', message: 'not canonical base64url' }],
    {
      cause,
    },
  );
}
