import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/hotline-error.js';
import { encodeBase64Url } from '../util/base64url.js';
import { createHmacHasher, GENESIS_HASH, sha256Hex } from './hash.js';

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 test vectors', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes UTF-8', async () => {
    expect(await sha256Hex('é')).toBe(await sha256Hex('\u00e9'));
    expect(await sha256Hex('é')).not.toBe(await sha256Hex('e\u0301'));
  });

  it('has a genesis hash of 64 zeros', () => {
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
  });
});

describe('createHmacHasher', () => {
  // RFC 4231 test case 2 uses a short key; case 6/7 keys are long. Case 7 (131 × 0xaa):
  const key = new Uint8Array(131).fill(0xaa);
  const message =
    'This is a test using a larger than block-size key and a larger than block-size data. ' +
    'The key needs to be hashed before being used by the HMAC algorithm.';

  it('matches RFC 4231 test case 7', async () => {
    const hmac = createHmacHasher(key);
    expect(await hmac(message)).toBe('9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2');
    expect(await createHmacHasher(encodeBase64Url(key))(message)).toBe(await hmac(message));
  });

  it('differs from plain SHA-256 and between keys', async () => {
    const a = createHmacHasher(new Uint8Array(32).fill(1));
    const b = createHmacHasher(new Uint8Array(32).fill(2));
    expect(await a('x')).not.toBe(await b('x'));
    expect(await a('x')).not.toBe(await sha256Hex('x'));
  });

  it('refuses short or malformed keys without echoing them', () => {
    expect(() => createHmacHasher(new Uint8Array(31))).toThrow(ValidationError);
    expect(() => createHmacHasher('short')).toThrow(ValidationError);
    expect(() => createHmacHasher('not base64!')).toThrow(ValidationError);
    expect(() => createHmacHasher(42 as unknown as string)).toThrow(ValidationError);
    try {
      createHmacHasher('c2VjcmV0');
    } catch (error) {
      expect((error as Error).message).not.toContain('c2VjcmV0');
    }
  });
});
