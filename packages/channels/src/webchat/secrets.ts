import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '@hotline/core';

/** Shortest secret accepted for signing (HS256 wants at least the hash's size). */
export const MIN_SECRET_BYTES = 32;

const encoder = new TextEncoder();

/** A secret as bytes, refusing short ones: a guessable secret lets anyone mint tokens. */
export function secretBytes(secret: string | Uint8Array, what: string): Uint8Array<ArrayBuffer> {
  const bytes = typeof secret === 'string' ? encoder.encode(secret) : new Uint8Array(secret);
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new ValidationError(`${what} must be at least ${MIN_SECRET_BYTES} bytes`, [
      { path: what, message: `at least ${MIN_SECRET_BYTES} bytes` },
    ]);
  }
  return bytes;
}

/** Imports a secret once as an HMAC key, so signing and verifying do not re-import it per call. */
export function importHmacKey(bytes: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** Hex HMAC-SHA256 of a text. */
export function hmacHex(key: Uint8Array, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

/** Base64url HMAC-SHA256 of a text. */
export function hmacBase64Url(key: Uint8Array, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('base64url');
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
