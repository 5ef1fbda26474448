import { describe, expect, it } from 'vitest';
import { createHttpCrmClient } from './http-crm-client.js';
import { useFakeCrm } from './test-kit.js';

const env = useFakeCrm();

const client = (token = env.crm.token) =>
  createHttpCrmClient({ baseUrl: env.crm.baseUrl, token, clock: env.clock, timeoutMs: 2000 });

describe('HTTP CRM client', () => {
  it('creates, upserts by id and key, reads and finds', async () => {
    const c = client();
    const created = await c.upsert('Case', { fields: { Subject: 'a' } });
    expect(created).toMatchObject({ id: 'crm_1', fields: { Subject: 'a' }, updatedAt: '2026-03-01T09:00:00.000Z' });
    await c.upsert('Case', { id: 'crm_1', fields: { Priority: 'High' } });
    await c.upsert('Case', { key: { field: 'Ext__c', value: 'x/1' }, fields: { Subject: 'b' } });
    expect((await c.get('Case', 'crm_1'))?.fields).toEqual({ Subject: 'a', Priority: 'High' });
    expect((await c.findBy('Case', 'Ext__c', 'x/1'))?.fields).toEqual({ Subject: 'b', Ext__c: 'x/1' });
    expect(await c.get('Case', 'nope')).toBeUndefined();
    expect(await c.findBy('Case', 'Ext__c', 'nope')).toBeUndefined();
  });

  it('pages through the change feed with its cursor', async () => {
    const c = client();
    for (const subject of ['a', 'b', 'c']) await c.upsert('Case', { fields: { Subject: subject } });
    const first = await c.listChangedSince('Case', undefined, 2);
    expect(first.records.map((r) => r.fields['Subject'])).toEqual(['a', 'b']);
    expect(first.hasMore).toBe(true);
    const second = await c.listChangedSince('Case', first.cursor, 2);
    expect(second.records.map((r) => r.fields['Subject'])).toEqual(['c']);
    expect(second.hasMore).toBe(false);
  });

  it('maps failures to typed errors', async () => {
    await expect(client('wrong').get('Case', 'x')).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: { status: 401 },
    });
    const c = client();
    env.crm.failNext(1, 500);
    await expect(c.get('Case', 'x')).rejects.toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    env.crm.failNext(1, 429);
    await expect(c.get('Case', 'x')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    env.crm.failNext(1, 422);
    await expect(c.upsert('Case', { fields: {} })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      retryable: false,
    });
    env.crm.failNext(1, 409);
    await expect(c.upsert('Case', { fields: {} })).rejects.toMatchObject({ code: 'CONFLICT' });
    env.crm.failNext(1, 404);
    await expect(c.upsert('Case', { id: 'gone', fields: {} })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('aborts a CRM that hangs with TIMEOUT', async () => {
    env.crm.failNext(1, 'hang');
    const pending = client().get('Case', 'x');
    const settled = pending.catch((error: unknown) => error);
    while (env.crm.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await env.clock.advance(2000);
    expect(await settled).toMatchObject({ code: 'TIMEOUT', retryable: true });
  });

  it('refuses a malformed answer and bad options', async () => {
    const c = createHttpCrmClient({
      baseUrl: 'https://crm.example.com/api',
      token: 't',
      clock: env.clock,
      fetch: async () => new Response('{"id": 1}', { status: 200 }),
    });
    await expect(c.get('Case', 'x')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      details: { reason: 'malformed_response' },
    });
    expect(() => createHttpCrmClient({ baseUrl: 'ftp://crm.example.com', token: 't' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => createHttpCrmClient({ baseUrl: 'not a url', token: 't' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => createHttpCrmClient({ baseUrl: 'https://crm.example.com', token: 'a\nb' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});
