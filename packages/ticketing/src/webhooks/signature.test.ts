import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signWebhookPayload, verifyWebhookSignature } from './signature.js';

const secret = 'whsec_0123456789abcdef0123456789abcdef';
const now = Date.UTC(2026, 0, 1, 12);
const t = Math.floor(now / 1000);
const body = '{"id":"whd_1","type":"ticket.created"}';

describe('webhook signatures', () => {
  it('verifies what it signed, with the signed time', () => {
    const header = signWebhookPayload(secret, t, body);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ secret, header, body, now })).toEqual({ valid: true, timestamp: t });
    expect(verifyWebhookSignature({ secret, header, body: new TextEncoder().encode(body), now }).valid).toBe(true);
  });

  it('refuses a wrong secret, a changed body and a changed timestamp', () => {
    const header = signWebhookPayload(secret, t, body);
    const wrong = { valid: false, reason: 'signature_mismatch' };
    expect(verifyWebhookSignature({ secret: `${secret}x`, header, body, now })).toEqual(wrong);
    expect(verifyWebhookSignature({ secret, header, body: body.replace('created', 'updated'), now })).toEqual(wrong);
    expect(verifyWebhookSignature({ secret, header: header.replace(`t=${t}`, `t=${t - 1}`), body, now })).toEqual(
      wrong,
    );
  });

  it('refuses a timestamp outside the tolerance, either way', () => {
    const old = signWebhookPayload(secret, t - 301, body);
    const future = signWebhookPayload(secret, t + 301, body);
    const outside = { valid: false, reason: 'timestamp_out_of_range' };
    expect(verifyWebhookSignature({ secret, header: old, body, now })).toEqual(outside);
    expect(verifyWebhookSignature({ secret, header: future, body, now })).toEqual(outside);
    expect(verifyWebhookSignature({ secret, header: old, body, now, toleranceSec: 600 }).valid).toBe(true);
    expect(verifyWebhookSignature({ secret, header: signWebhookPayload(secret, t - 300, body), body, now }).valid).toBe(
      true,
    );
  });

  it('reports malformed headers', () => {
    for (const header of [
      undefined,
      null,
      '',
      't=1',
      'v1=abc',
      `t=x,v1=${'a'.repeat(64)}`,
      `t=${t},v1=${'A'.repeat(64)}`,
    ]) {
      expect(verifyWebhookSignature({ secret, header, body, now })).toEqual({ valid: false, reason: 'malformed' });
    }
  });

  it('accepts any of several secrets while rotating', () => {
    const next = 'whsec_next_0123456789abcdef0123456789ab';
    const header = signWebhookPayload(next, t, body);
    expect(verifyWebhookSignature({ secret: [secret, next], header, body, now }).valid).toBe(true);
    expect(verifyWebhookSignature({ secret: [secret], header, body, now }).valid).toBe(false);
  });

  it('fails for every single-byte change of the body (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 1, max: 0xff }),
        (text, at, flip) => {
          const bytes = new TextEncoder().encode(text);
          const header = signWebhookPayload(secret, t, bytes);
          expect(verifyWebhookSignature({ secret, header, body: bytes, now }).valid).toBe(true);
          const changed = bytes.slice();
          const i = at % changed.length;
          changed[i] = (changed[i] ?? 0) ^ flip;
          expect(verifyWebhookSignature({ secret, header, body: changed, now }).valid).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});
