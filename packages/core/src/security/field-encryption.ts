import { z } from 'zod';
import { HotlineError, IntegrityError, ValidationError } from '../errors/hotline-error.js';
import { decodeBase64Url, encodeBase64Url } from '../util/base64url.js';
import { parseInput } from '../validation/parse.js';

/*
 * Field-level encryption: AES-256-GCM on WebCrypto, one compact string per value.
 *
 *   hl1.<kid>.<iv>.<ciphertext+tag>      (iv and ciphertext in unpadded base64url)
 *
 * `hl1` versions the format. `kid` names the key, so several keys can be live at once
 * and old values stay readable while they are re-encrypted under a new primary key
 * (rotation). The IV is 96 random bits per encryption: with random IVs a single key is
 * good for about 2^32 encryptions (NIST SP 800-38D), far beyond one field's lifetime;
 * rotate keys long before that.
 *
 * The GCM additional data is `hl1.<kid>` + NUL + the caller's AAD. Binding the header
 * means a token edited to name another key fails to authenticate instead of being tried
 * under it.
 */

const FORMAT = 'hl1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

// With the `u` flag a surrogate *pair* is one code point outside this range, so only
// lone surrogates match. TextEncoder would turn them into U+FFFD and the value would not
// round-trip, so they are refused up front.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** A key id: letters, digits, `_` and `-` (it appears inside tokens, so no dots). */
export const fieldKeyIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'key ids are 1-64 letters, digits, _ or -');

const wellFormedString = z.string().refine((value) => !LONE_SURROGATE.test(value), {
  message: 'must be well-formed UTF-16 (no lone surrogates)',
});

const keyringSchema = z
  .object({
    primaryKeyId: fieldKeyIdSchema,
    keys: z.record(fieldKeyIdSchema, z.union([z.string(), z.instanceof(Uint8Array)])),
  })
  .refine((ring) => Object.hasOwn(ring.keys, ring.primaryKeyId), {
    message: 'primaryKeyId must name one of the keys',
    path: ['primaryKeyId'],
  });

/** Raw key material: 32 bytes, or their base64url (or standard base64) encoding. */
export type FieldKeyMaterial = string | Uint8Array;

/**
 * The keys a {@link FieldCipher} may use. New values are encrypted under
 * `primaryKeyId`; any key listed can decrypt. To rotate: add a new key, make it primary,
 * re-encrypt stored values with {@link FieldCipher.rotate}, then drop the old key.
 */
export interface FieldKeyring {
  primaryKeyId: string;
  keys: Readonly<Record<string, FieldKeyMaterial>>;
}

/**
 * Encrypts and decrypts single field values (a phone number, an ID number, a note).
 * All methods are safe to call concurrently.
 */
export interface FieldCipher {
  /** The key id new tokens are made with. */
  readonly primaryKeyId: string;
  /**
   * Encrypts `plaintext` under the primary key with a fresh random IV.
   *
   * @param aad Additional authenticated data: not stored in the token, but the same
   *   value MUST be given to {@link FieldCipher.decrypt}. Bind it to where the value
   *   lives (see {@link fieldAad}) so a ciphertext copied into another record or field
   *   does not decrypt there. An absent AAD and `''` are the same.
   * @throws ValidationError when `plaintext` or `aad` is not a well-formed string.
   */
  encrypt(plaintext: string, aad?: string): Promise<string>;
  /**
   * Decrypts a token made by {@link FieldCipher.encrypt} with the key its `kid` names.
   *
   * @throws ValidationError (`VALIDATION_FAILED`) when `token` is not an `hl1` token.
   * @throws IntegrityError (`INTEGRITY_FAILED`) when the key id is unknown
   *   (`details.reason = 'unknown_key'`) or authentication fails: wrong key, wrong AAD,
   *   or a modified token (`details.reason = 'authentication_failed'`).
   */
  decrypt(token: string, aad?: string): Promise<string>;
  /** Whether `token` was made under a key other than the primary one. */
  needsRotation(token: string): boolean;
  /**
   * Re-encrypts `token` under the primary key. A token already under the primary key is
   * returned unchanged (and not decrypted), so a rotation job can write back only what
   * changed: `if (next !== token) save(next)`.
   *
   * @throws the errors of {@link FieldCipher.decrypt}.
   */
  rotate(token: string, aad?: string): Promise<string>;
  /** The key id a token names, without decrypting it. */
  keyIdOf(token: string): string;
}

interface ParsedToken {
  keyId: string;
  iv: Uint8Array<ArrayBuffer>;
  data: Uint8Array<ArrayBuffer>;
}

/**
 * Creates a field cipher from a keyring. Keys are checked now (each exactly 32 bytes)
 * and imported into WebCrypto, non-extractable, on first use. The cipher keeps its own
 * copy of the keyring: changing the object afterwards has no effect.
 *
 * @throws ValidationError when the keyring is malformed: a bad key id, a primary key id
 *   that is not in `keys`, or key material that does not decode to 32 bytes. Messages
 *   name the key id, never the key.
 * @example
 * ```ts
 * const cipher = createFieldCipher({
 *   primaryKeyId: '2026-01',
 *   keys: { '2026-01': secrets.fieldKey202601, '2025-07': secrets.fieldKey202507 }, // from a secret manager
 * });
 * const aad = fieldAad({ tenantId, recordType: 'contact', recordId: contact.id, field: 'phone' });
 * const token = await cipher.encrypt('+86 138 1234 5678', aad); // 'hl1.2026-01.….…'
 * const phone = await cipher.decrypt(token, aad);
 * if (cipher.needsRotation(old)) await save(await cipher.rotate(old, aad));
 * ```
 */
export function createFieldCipher(keyring: FieldKeyring): FieldCipher {
  const ring = parseInput(keyringSchema, keyring, 'field keyring');
  const raw = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const [keyId, material] of Object.entries(ring.keys)) raw.set(keyId, toKeyBytes(keyId, material));
  const imported = new Map<string, Promise<CryptoKey>>();
  const primaryKeyId = ring.primaryKeyId;

  function keyFor(keyId: string): Promise<CryptoKey> {
    let key = imported.get(keyId);
    if (!key) {
      const bytes = raw.get(keyId);
      if (!bytes) {
        throw new IntegrityError('Encrypted field names an unknown key id', {
          details: { keyId, reason: 'unknown_key' },
        });
      }
      key = subtle()
        .importKey('raw', bytes, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'])
        .then((cryptoKey) => {
          // WebCrypto copied the bytes; ours are no longer needed.
          bytes.fill(0);
          raw.delete(keyId);
          return cryptoKey;
        });
      imported.set(keyId, key);
      // A failed import (no WebCrypto) must not poison the cache with a rejected promise
      // while the raw bytes are still there to retry with.
      key.catch(() => {
        if (imported.get(keyId) === key) imported.delete(keyId);
      });
    }
    return key;
  }

  async function encryptWith(keyId: string, plaintext: string, aad: string): Promise<string> {
    const key = await keyFor(keyId);
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const sealed = await subtle().encrypt(
      { name: 'AES-GCM', iv, additionalData: additionalData(keyId, aad), tagLength: TAG_BYTES * 8 },
      key,
      encoder.encode(plaintext),
    );
    return `${FORMAT}.${keyId}.${encodeBase64Url(iv)}.${encodeBase64Url(new Uint8Array(sealed))}`;
  }

  async function decryptParsed(parsed: ParsedToken, aad: string): Promise<string> {
    const key = await keyFor(parsed.keyId);
    let opened: ArrayBuffer;
    try {
      opened = await subtle().decrypt(
        { name: 'AES-GCM', iv: parsed.iv, additionalData: additionalData(parsed.keyId, aad), tagLength: TAG_BYTES * 8 },
        key,
        parsed.data,
      );
    } catch (cause) {
      throw new IntegrityError('Encrypted field failed to authenticate (wrong key, wrong AAD or modified token)', {
        details: { keyId: parsed.keyId, reason: 'authentication_failed' },
        cause,
      });
    }
    try {
      return decoder.decode(opened);
    } catch (cause) {
      // Unreachable for tokens made here: what authenticates was valid UTF-8 when sealed.
      throw new IntegrityError('Encrypted field is not valid UTF-8', { details: { keyId: parsed.keyId }, cause });
    }
  }

  return {
    primaryKeyId,
    async encrypt(plaintext, aad) {
      const text = parseInput(wellFormedString, plaintext, 'plaintext');
      return encryptWith(primaryKeyId, text, parseAad(aad));
    },
    async decrypt(token, aad) {
      const parsed = parseToken(token);
      return decryptParsed(parsed, parseAad(aad));
    },
    needsRotation(token) {
      return parseToken(token).keyId !== primaryKeyId;
    },
    async rotate(token, aad) {
      const parsed = parseToken(token);
      const context = parseAad(aad);
      if (parsed.keyId === primaryKeyId) return token;
      return encryptWith(primaryKeyId, await decryptParsed(parsed, context), context);
    },
    keyIdOf(token) {
      return parseToken(token).keyId;
    },
  };
}

/**
 * A new random 256-bit field key, base64url-encoded (43 characters), for a
 * {@link FieldKeyring}. Store it in a secret manager, never next to the data.
 *
 * @example
 * ```ts
 * const keyring = { primaryKeyId: '2026-01', keys: { '2026-01': generateFieldKey() } };
 * ```
 */
export function generateFieldKey(): string {
  return encodeBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(KEY_BYTES)));
}

/** Where an encrypted value lives; see {@link fieldAad}. */
export interface FieldLocation {
  tenantId: string;
  /** The record type, e.g. `contact`. */
  recordType: string;
  recordId: string;
  /** The field (or JSON path) inside the record, e.g. `identities.0.address`. */
  field: string;
}

const fieldLocationSchema = z.object({
  tenantId: wellFormedString.pipe(z.string().min(1)),
  recordType: wellFormedString.pipe(z.string().min(1)),
  recordId: wellFormedString.pipe(z.string().min(1)),
  field: wellFormedString.pipe(z.string().min(1)),
});

/**
 * The AAD for a value stored at a location: it binds tenant, record and field, so that
 * someone with write access to the database cannot move a ciphertext to another tenant,
 * record or field (say, a VIP's phone into their own contact) and have it decrypt there.
 * The parts are JSON-encoded as an array, so no two locations give the same AAD
 * (`a/b` + `c` vs `a` + `b/c`).
 *
 * @example
 * ```ts
 * fieldAad({ tenantId: 'ten_1', recordType: 'contact', recordId: 'ctc_9', field: 'phone' });
 * // 'hotline.field:["ten_1","contact","ctc_9","phone"]'
 * ```
 */
export function fieldAad(location: FieldLocation): string {
  const { tenantId, recordType, recordId, field } = parseInput(fieldLocationSchema, location, 'field location');
  return `hotline.field:${JSON.stringify([tenantId, recordType, recordId, field])}`;
}

/**
 * Whether a value looks like a field token (`hl1.<kid>.<iv>.<ciphertext>`). Checks the
 * shape only, not that it decrypts. Handy when migrating a column from plaintext.
 */
export function isFieldToken(value: unknown): boolean {
  try {
    parseToken(value);
    return true;
  } catch {
    return false;
  }
}

function subtle(): SubtleCrypto {
  const api = globalThis.crypto?.subtle;
  if (!api) throw new HotlineError('INTERNAL', 'WebCrypto (globalThis.crypto.subtle) is not available');
  return api;
}

function toKeyBytes(keyId: string, material: FieldKeyMaterial): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array<ArrayBuffer>;
  if (typeof material === 'string') {
    // Accept standard base64 too (`openssl rand -base64 32`).
    const normalised = material.trim().replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    try {
      bytes = decodeBase64Url(normalised, `field key ${keyId}`);
    } catch {
      throw keyError(keyId, 'must be base64url (or base64) of 32 bytes');
    }
  } else {
    // Our own copy: the caller may reuse or wipe their buffer.
    bytes = new Uint8Array(material);
  }
  if (bytes.length !== KEY_BYTES) throw keyError(keyId, `must be exactly ${KEY_BYTES} bytes (AES-256)`);
  return bytes;
}

function keyError(keyId: string, message: string): ValidationError {
  return new ValidationError(`Invalid field keyring: key ${keyId} ${message}`, [
    { path: `keys.${keyId}`, message, code: 'invalid_key' },
  ]);
}

function parseAad(aad: unknown): string {
  return aad === undefined ? '' : parseInput(wellFormedString, aad, 'AAD');
}

function additionalData(keyId: string, aad: string): Uint8Array<ArrayBuffer> {
  const header = encoder.encode(`${FORMAT}.${keyId}`);
  const context = encoder.encode(aad);
  const out = new Uint8Array(header.length + 1 + context.length);
  out.set(header, 0);
  out[header.length] = 0;
  out.set(context, header.length + 1);
  return out;
}

function parseToken(token: unknown): ParsedToken {
  if (typeof token !== 'string') throw malformed('not a string');
  const parts = token.split('.', 5);
  if (parts.length !== 4 || parts[0] !== FORMAT) throw malformed(`expected ${FORMAT}.<kid>.<iv>.<ciphertext>`);
  const [, keyId, ivText, dataText] = parts as [string, string, string, string];
  if (!fieldKeyIdSchema.safeParse(keyId).success) throw malformed('bad key id');
  const iv = decodeBase64Url(ivText, 'encrypted field IV');
  if (iv.length !== IV_BYTES) throw malformed(`IV must be ${IV_BYTES} bytes`);
  const data = decodeBase64Url(dataText, 'encrypted field ciphertext');
  if (data.length < TAG_BYTES) throw malformed('ciphertext is shorter than the authentication tag');
  return { keyId, iv, data };
}

function malformed(reason: string): ValidationError {
  return new ValidationError(`Invalid encrypted field: ${reason}`, [
    { path: '', message: reason, code: 'invalid_token' },
  ]);
}
