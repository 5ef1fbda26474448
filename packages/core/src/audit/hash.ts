import { HotlineError, ValidationError } from '../errors/hotline-error.js';
import { decodeBase64Url } from '../util/base64url.js';

/** The `prevHash` of a chain's first entry: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** The shortest HMAC key accepted: as long as the SHA-256 output, as RFC 2104 advises. */
export const MIN_HMAC_KEY_BYTES = 32;

const encoder = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Turns text into a 64-character lowercase hex digest. */
export type TextHasher = (text: string) => Promise<string>;

/**
 * SHA-256 of the UTF-8 bytes of `text`, as lowercase hex.
 *
 * @example
 * ```ts
 * await sha256Hex('abc'); // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 * ```
 */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(await subtle().digest('SHA-256', encoder.encode(text)));
}

/**
 * A hasher computing HMAC-SHA256 under `key` (raw bytes, or their base64url encoding;
 * at least {@link MIN_HMAC_KEY_BYTES} bytes). The key is imported once, non-extractable.
 *
 * @throws ValidationError when the key is not base64url or too short (the message never
 *   contains the key).
 * @example
 * ```ts
 * const hmac = createHmacHasher(secrets.auditKey);
 * await hmac('text'); // 64 hex characters
 * ```
 */
export function createHmacHasher(key: string | Uint8Array): TextHasher {
  let bytes: Uint8Array<ArrayBuffer>;
  if (typeof key === 'string') {
    try {
      bytes = decodeBase64Url(key, 'HMAC key');
    } catch {
      throw keyError('must be base64url');
    }
  } else if (key instanceof Uint8Array) {
    bytes = new Uint8Array(key);
  } else {
    throw keyError('must be a base64url string or a Uint8Array');
  }
  if (bytes.length < MIN_HMAC_KEY_BYTES) throw keyError(`must be at least ${MIN_HMAC_KEY_BYTES} bytes`);
  let imported: Promise<CryptoKey> | undefined;
  return async (text) => {
    if (!imported) {
      imported = subtle().importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      imported.catch(() => {
        imported = undefined;
      });
    }
    return toHex(await subtle().sign('HMAC', await imported, encoder.encode(text)));
  };
}

function toHex(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let out = '';
  for (const byte of bytes) out += HEX[byte] as string;
  return out;
}

function subtle(): SubtleCrypto {
  const api = globalThis.crypto?.subtle;
  if (!api) throw new HotlineError('INTERNAL', 'WebCrypto (globalThis.crypto.subtle) is not available');
  return api;
}

function keyError(message: string): ValidationError {
  return new ValidationError(`Invalid audit HMAC key: ${message}`, [{ path: 'hmacKey', message }]);
}
