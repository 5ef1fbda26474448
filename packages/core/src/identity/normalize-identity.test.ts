import { describe, expect, it } from 'vitest';
import { normalizeIdentity } from './normalize-identity.js';

describe('normalizeIdentity', () => {
  it.each([
    [{ channel: 'phone', address: '+1 (415) 555-0100' }, '+14155550100'],
    [{ channel: 'phone', address: '0086 138-1234-5678' }, '+8613812345678'],
    [{ channel: 'email', address: '  Ana.Lima@Example.COM ' }, 'ana.lima@example.com'],
    [{ channel: 'whatsapp', address: '+86 138 1234 5678' }, '8613812345678'],
    [{ channel: 'telegram', address: '@Ana_Lima' }, '@ana_lima'],
    [{ channel: 'telegram', address: '-100123456' }, '-100123456'],
    [{ channel: 'wechat', address: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' }, 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'],
    [{ channel: 'webchat', address: 'visitor-42' }, 'visitor-42'],
  ] as const)('canonicalises %j', (input, address) => {
    expect(normalizeIdentity(input).address).toBe(address);
  });

  it('keeps verified and defaults it to false', () => {
    expect(normalizeIdentity({ channel: 'email', address: 'a@b.co', verified: true }).verified).toBe(true);
    expect(normalizeIdentity({ channel: 'email', address: 'a@b.co' }).verified).toBe(false);
  });

  it.each([
    { channel: 'phone', address: '4155550100' },
    { channel: 'phone', address: '+0123' },
    { channel: 'email', address: 'not-an-email' },
    { channel: 'email', address: 'a@b' },
    { channel: 'whatsapp', address: 'abc' },
    { channel: 'telegram', address: '@x' },
    { channel: 'wechat', address: 'has space' },
    { channel: 'webchat', address: '   ' },
    { channel: 'webchat', address: 'line\nbreak' },
    { channel: 'fax', address: '123' },
    { channel: 'email', address: 'x'.repeat(400) },
    null,
    'ana@example.com',
  ])('rejects %j with VALIDATION_FAILED', (input) => {
    expect(() => normalizeIdentity(input as never)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
