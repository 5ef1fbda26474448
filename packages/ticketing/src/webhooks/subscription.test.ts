import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jitteredBackoffMs } from './backoff.js';
import { eventMatches, parseWebhookSubscription } from './subscription.js';
import { createMemoryWebhookSubscriptionStore } from './subscription-store.js';

const valid = {
  id: 'whk_1',
  tenantId: 'ten_1',
  url: 'https://example.com/hooks?x=1',
  secret: 's'.repeat(32),
  events: ['ticket.*', 'ticket.created'],
};

function issuesOf(input: unknown): string[] {
  try {
    parseWebhookSubscription(input);
  } catch (error) {
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    return (error as { issues: { path: string; message: string }[] }).issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

describe('webhook subscriptions', () => {
  it('accepts a valid subscription, active by default', () => {
    expect(parseWebhookSubscription(valid).active).toBe(true);
    expect(
      parseWebhookSubscription({ ...valid, url: 'http://127.0.0.1:8080/x', headers: { Authorization: 'Bearer t' } }),
    ).toMatchObject({ headers: { Authorization: 'Bearer t' } });
  });

  it('refuses other schemes, credentials in the URL and relative URLs', () => {
    expect(issuesOf({ ...valid, url: 'ftp://example.com/x' })).toEqual(['url: http or https only']);
    expect(issuesOf({ ...valid, url: 'javascript:alert(1)' })).toEqual(['url: http or https only']);
    expect(issuesOf({ ...valid, url: 'https://user:pw@example.com/x' })).toEqual([
      'url: credentials in the URL are refused; use headers',
    ]);
    expect(issuesOf({ ...valid, url: '/hooks' })).toEqual(['url: an absolute URL']);
  });

  it('refuses a secret shorter than 32 bytes, and never echoes it', () => {
    const issues = issuesOf({ ...valid, secret: 'short-secret' });
    expect(issues).toEqual(['secret: at least 32 bytes']);
    expect(issues.join()).not.toContain('short-secret');
    // 11 three-byte characters are 33 bytes.
    expect(issuesOf({ ...valid, secret: '€'.repeat(11) })).toEqual([]);
  });

  it('refuses bad patterns, reserved headers and header injection', () => {
    expect(issuesOf({ ...valid, events: [] })).toHaveLength(1);
    expect(issuesOf({ ...valid, events: ['*.created'] })).toHaveLength(1);
    expect(issuesOf({ ...valid, headers: { 'X-Hotline-Signature': 'forged' } })).toEqual([
      'headers.X-Hotline-Signature: reserved for the relay',
    ]);
    expect(issuesOf({ ...valid, headers: { 'content-type': 'text/plain' } })).toHaveLength(1);
    expect(issuesOf({ ...valid, headers: { 'X-Ok': 'a\r\nX-Evil: 1' } })).toHaveLength(1);
    expect(issuesOf({ ...valid, extra: 1 })).toHaveLength(1);
  });

  it('matches exact types, prefixes and *', () => {
    expect(eventMatches('ticket.*', 'ticket.created')).toBe(true);
    expect(eventMatches('ticket.*', 'tickets.created')).toBe(false);
    expect(eventMatches('ticket.created', 'ticket.created')).toBe(true);
    expect(eventMatches('ticket.created', 'ticket.updated')).toBe(false);
    expect(eventMatches('*', 'contact.created')).toBe(true);
  });

  it('a memory store validates all before storing any, and scopes by tenant', async () => {
    expect(() => createMemoryWebhookSubscriptionStore([valid, { ...valid, id: 'whk_2', url: 'ftp://x' }])).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    const store = createMemoryWebhookSubscriptionStore([valid]);
    expect(await store.list('ten_2')).toEqual([]);
    expect(await store.get('ten_2', 'whk_1')).toBeUndefined();
    await store.setActive('ten_1', 'whk_1', false);
    expect((await store.get('ten_1', 'whk_1'))?.active).toBe(false);
    await expect(store.setActive('ten_2', 'whk_1', false)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('jittered backoff', () => {
  it('stays between half and all of the exponential delay, capped', () => {
    const backoff = { baseMs: 1000, maxMs: 3_600_000 };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (n - 1));
          const delay = jitteredBackoffMs(n, backoff, () => r);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
          expect(delay).toBeLessThanOrEqual(ceiling);
        },
      ),
    );
    expect(jitteredBackoffMs(1, backoff, () => 0)).toBe(500);
    expect(jitteredBackoffMs(3, backoff, () => 0.5)).toBe(3000);
  });
});
