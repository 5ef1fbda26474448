import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntegrityError, ValidationError } from '../errors/hotline-error.js';
import { decodeBase64Url, encodeBase64Url } from '../util/base64url.js';
import { createFieldCipher, fieldAad, generateFieldKey, isFieldToken } from './field-encryption.js';

const KEY_A = generateFieldKey();
const KEY_B = generateFieldKey();
const TOKEN = /^hl1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/;

function cipherAB() {
  return createFieldCipher({ primaryKeyId: 'b', keys: { a: KEY_A, b: KEY_B } });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Flips one bit of the decoded segment `index` of a token and re-encodes it. */
function flipBit(token: string, index: 2 | 3, byte = 0): string {
  const parts = token.split('.');
  const bytes = decodeBase64Url(parts[index] as string);
  bytes[byte] = (bytes[byte] as number) ^ 1;
  parts[index] = encodeBase64Url(bytes);
  return parts.join('.');
}

describe('base64url', () => {
  it('round-trips bytes and rejects non-canonical text', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    expect(encodeBase64Url(bytes)).toBe('AAEC-vv8_f7_');
    expect(decodeBase64Url('AAEC-vv8_f7_')).toEqual(bytes);
    expect(encodeBase64Url(new Uint8Array())).toBe('');
    expect(decodeBase64Url('')).toEqual(new Uint8Array());
    expect(() => decodeBase64Url('AAE=')).toThrow(ValidationError);
    expect(() => decodeBase64Url('AA+/')).toThrow(ValidationError);
    expect(() => decodeBase64Url('A')).toThrow(ValidationError);
    // 'AB' has stray low bits: the canonical form of byte 0x00 is 'AA'.
    expect(() => decodeBase64Url('AB')).toThrow(ValidationError);
  });

  it('round-trips large arrays', () => {
    const big = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 131) % 256);
    expect(decodeBase64Url(encodeBase64Url(big))).toEqual(big);
  });

  it('property: decode(encode(x)) = x', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(decodeBase64Url(encodeBase64Url(bytes))).toEqual(bytes);
      }),
    );
  });
});

describe('generateFieldKey', () => {
  it('returns 32 random bytes as base64url', () => {
    expect(KEY_A).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(decodeBase64Url(KEY_A)).toHaveLength(32);
    expect(KEY_A).not.toBe(KEY_B);
  });
});

describe('createFieldCipher', () => {
  it('encrypts to an hl1 token under the primary key and decrypts it', async () => {
    const cipher = cipherAB();
    const token = await cipher.encrypt('+86 138 1234 5678');
    expect(token).toMatch(TOKEN);
    expect(token.startsWith('hl1.b.')).toBe(true);
    expect(cipher.keyIdOf(token)).toBe('b');
    expect(await cipher.decrypt(token)).toBe('+86 138 1234 5678');
  });

  it('uses a fresh IV every time', async () => {
    const cipher = cipherAB();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => cipher.encrypt('same')));
    expect(new Set(tokens).size).toBe(50);
    expect(new Set(tokens.map((t) => t.split('.')[2])).size).toBe(50);
  });

  it('binds the AAD: a token moved to another record does not decrypt', async () => {
    const cipher = cipherAB();
    const here = fieldAad({ tenantId: 'ten_1', recordType: 'contact', recordId: 'ctc_1', field: 'phone' });
    const there = fieldAad({ tenantId: 'ten_1', recordType: 'contact', recordId: 'ctc_2', field: 'phone' });
    const token = await cipher.encrypt('secret', here);
    expect(await cipher.decrypt(token, here)).toBe('secret');
    const error = await rejection(cipher.decrypt(token, there));
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as IntegrityError).code).toBe('INTEGRITY_FAILED');
    expect((error as IntegrityError).details).toEqual({ keyId: 'b', reason: 'authentication_failed' });
    await expect(cipher.decrypt(token)).rejects.toBeInstanceOf(IntegrityError);
  });

  it('treats an absent AAD and an empty one alike', async () => {
    const cipher = cipherAB();
    expect(await cipher.decrypt(await cipher.encrypt('x'), '')).toBe('x');
    expect(await cipher.decrypt(await cipher.encrypt('x', ''))).toBe('x');
  });

  it('fails with IntegrityError under the wrong key material', async () => {
    const token = await cipherAB().encrypt('secret');
    const impostor = createFieldCipher({ primaryKeyId: 'b', keys: { b: generateFieldKey() } });
    await expect(impostor.decrypt(token)).rejects.toBeInstanceOf(IntegrityError);
  });

  it('fails with IntegrityError on a modified ciphertext, tag or IV', async () => {
    const cipher = cipherAB();
    const token = await cipher.encrypt('a longer secret value');
    const dataLength = decodeBase64Url(token.split('.')[3] as string).length;
    await expect(cipher.decrypt(flipBit(token, 3, 0))).rejects.toBeInstanceOf(IntegrityError);
    await expect(cipher.decrypt(flipBit(token, 3, dataLength - 1))).rejects.toBeInstanceOf(IntegrityError);
    await expect(cipher.decrypt(flipBit(token, 2, 5))).rejects.toBeInstanceOf(IntegrityError);
  });

  it('fails with IntegrityError when the kid is swapped to another known key', async () => {
    const cipher = cipherAB();
    const token = await cipher.encrypt('secret');
    await expect(cipher.decrypt(token.replace(/^hl1\.b\./, 'hl1.a.'))).rejects.toBeInstanceOf(IntegrityError);
  });

  it('reports an unknown key id as IntegrityError with details', async () => {
    const token = await createFieldCipher({ primaryKeyId: 'gone', keys: { gone: KEY_A } }).encrypt('secret');
    const error = await rejection(cipherAB().decrypt(token));
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as IntegrityError).details).toEqual({ keyId: 'gone', reason: 'unknown_key' });
  });

  it('rejects malformed tokens with ValidationError', async () => {
    const cipher = cipherAB();
    const good = await cipher.encrypt('secret');
    const [, , iv, data] = good.split('.') as [string, string, string, string];
    const bad: unknown[] = [
      '',
      'secret',
      `hl2.b.${iv}.${data}`,
      `hl1.b.${iv}`,
      `hl1.b.${iv}.${data}.extra`,
      `hl1.b c.${iv}.${data}`,
      `hl1..${iv}.${data}`,
      `hl1.b.${iv.slice(0, 12)}.${data}`,
      `hl1.b.${iv}.${data.slice(0, 20)}`,
      `hl1.b.${iv}.${data}=`,
      `hl1.b.${iv}.${data.replace(/./, '+')}`,
      42,
      null,
    ];
    for (const token of bad) {
      await expect(cipher.decrypt(token as string)).rejects.toBeInstanceOf(ValidationError);
      expect(isFieldToken(token)).toBe(false);
    }
    expect(isFieldToken(good)).toBe(true);
  });

  it('refuses plaintexts and AADs that cannot round-trip', async () => {
    const cipher = cipherAB();
    await expect(cipher.encrypt('\uD800 lone')).rejects.toBeInstanceOf(ValidationError);
    await expect(cipher.encrypt('ok', '\uDC00')).rejects.toBeInstanceOf(ValidationError);
    await expect(cipher.encrypt(123 as unknown as string)).rejects.toBeInstanceOf(ValidationError);
    await expect(cipher.encrypt('ok', 7 as unknown as string)).rejects.toBeInstanceOf(ValidationError);
    expect(await cipher.decrypt(await cipher.encrypt('pair 😀 ok'))).toBe('pair 😀 ok');
  });

  it('rotates tokens made under an old key', async () => {
    const old = createFieldCipher({ primaryKeyId: 'a', keys: { a: KEY_A } });
    const aad = 'ten_1/contact/ctc_1/email';
    const legacy = await old.encrypt('alice@example.com', aad);
    const cipher = cipherAB();
    expect(cipher.needsRotation(legacy)).toBe(true);
    const rotated = await cipher.rotate(legacy, aad);
    expect(rotated).not.toBe(legacy);
    expect(cipher.keyIdOf(rotated)).toBe('b');
    expect(cipher.needsRotation(rotated)).toBe(false);
    expect(await cipher.decrypt(rotated, aad)).toBe('alice@example.com');
    // Already under the primary key: returned as is.
    expect(await cipher.rotate(rotated, aad)).toBe(rotated);
    // Rotation authenticates what it re-encrypts.
    await expect(cipher.rotate(legacy, 'another place')).rejects.toBeInstanceOf(IntegrityError);
    expect(() => cipher.needsRotation('nope')).toThrow(ValidationError);
  });

  it('validates the keyring without echoing key material', () => {
    const short = encodeBase64Url(new Uint8Array(31).fill(7));
    const cases: unknown[] = [
      { primaryKeyId: 'x', keys: { a: KEY_A } },
      { primaryKeyId: 'a', keys: { a: short } },
      { primaryKeyId: 'a', keys: { a: new Uint8Array(33) } },
      { primaryKeyId: 'a', keys: { a: 'not base64 !' } },
      { primaryKeyId: 'a.b', keys: { 'a.b': KEY_A } },
      { primaryKeyId: 'a', keys: { a: 42 } },
      { primaryKeyId: 'a' },
      undefined,
    ];
    for (const keyring of cases) {
      let error: unknown;
      try {
        createFieldCipher(keyring as never);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect(JSON.stringify((error as ValidationError).toJSON())).not.toContain(short);
      expect((error as ValidationError).message).not.toContain(KEY_A);
    }
  });

  it('accepts raw bytes and standard base64, and copies the keyring', async () => {
    const bytes = decodeBase64Url(KEY_A);
    const standard = btoa(String.fromCharCode(...bytes));
    const keys: Record<string, string | Uint8Array> = { raw: new Uint8Array(bytes), std: standard };
    const fromRaw = createFieldCipher({ primaryKeyId: 'raw', keys });
    const fromStandard = createFieldCipher({ primaryKeyId: 'std', keys: { std: standard } });
    (keys.raw as Uint8Array).fill(0);
    keys.raw = generateFieldKey();
    const token = await fromRaw.encrypt('same key');
    const moved = token.replace(/^hl1\.raw\./, 'hl1.std.');
    // Same key bytes, but the header is authenticated: a renamed token does not open.
    await expect(fromStandard.decrypt(moved)).rejects.toBeInstanceOf(IntegrityError);
    expect(await fromRaw.decrypt(token)).toBe('same key');
    const again = await createFieldCipher({ primaryKeyId: 'std', keys: { std: KEY_A } }).encrypt('x');
    expect(await fromStandard.decrypt(again)).toBe('x');
  });

  it('property: decrypt(encrypt(x, aad), aad) = x for any Unicode text', async () => {
    const cipher = cipherAB();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary' }),
        fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
        async (text, aad) => {
          const token = await cipher.encrypt(text, aad);
          expect(token).toMatch(TOKEN);
          expect(await cipher.decrypt(token, aad)).toBe(text);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: a different AAD never decrypts', async () => {
    const cipher = cipherAB();
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), fc.string(), async (text, aad, other) => {
        fc.pre(aad !== other);
        const token = await cipher.encrypt(text, aad);
        await expect(cipher.decrypt(token, other)).rejects.toBeInstanceOf(IntegrityError);
      }),
      { numRuns: 100 },
    );
  });
});

describe('fieldAad', () => {
  it('encodes the location unambiguously', () => {
    expect(fieldAad({ tenantId: 'ten_1', recordType: 'contact', recordId: 'ctc_9', field: 'phone' })).toBe(
      'hotline.field:["ten_1","contact","ctc_9","phone"]',
    );
    const a = fieldAad({ tenantId: 't', recordType: 'a/b', recordId: 'c', field: 'f' });
    const b = fieldAad({ tenantId: 't', recordType: 'a', recordId: 'b/c', field: 'f' });
    expect(a).not.toBe(b);
  });

  it('rejects missing parts', () => {
    expect(() => fieldAad({ tenantId: '', recordType: 'contact', recordId: 'x', field: 'f' })).toThrow(ValidationError);
    expect(() => fieldAad({ tenantId: 't' } as never)).toThrow(ValidationError);
  });
});
