import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, startTestServer, TENANT_A, TENANT_B, type TestServer } from './test-kit.js';

const BASE = '/api/v1/canned-responses';

let t: TestServer;
let admin: string;
let agent: string;
beforeAll(async () => {
  t = await startTestServer();
  admin = await t.token(['admin']);
  agent = await t.token(['agent']);
});
afterAll(() => t.stop());

describe('canned responses', () => {
  it('are created by admins, searched by agents, updated with expectedVersion and deleted', async () => {
    const refund = await t.call('POST', BASE, {
      auth: admin,
      body: { shortcut: 'refund', title: 'Refund policy', text: 'Refunds take 5 business days.', language: 'en' },
    });
    expect(refund.status).toBe(201);
    expect(refund.body).toMatchObject({ id: expect.stringMatching(/^cnr_/), tenantId: TENANT_A, version: 1 });
    const zh = await t.call('POST', BASE, {
      auth: admin,
      body: {
        shortcut: 'refund',
        title: '退款',
        text: '退款需要五个工作日。',
        language: 'zh-CN',
        queueIds: ['que_zh'],
      },
    });
    expect(zh.status).toBe(201);
    await t.call('POST', BASE, {
      auth: admin,
      body: { shortcut: 'hello', title: 'Greeting', text: 'Hi! How can I help?' },
    });

    const all = await t.call('GET', BASE, { auth: agent });
    expect(all.status).toBe(200);
    expect(all.body.items.map((r: { shortcut: string }) => r.shortcut)).toEqual(['hello', 'refund', 'refund']);
    const search = await t.call('GET', `${BASE}?q=${encodeURIComponent('business DAYS')}`, { auth: agent });
    expect(search.body.items.map((r: { id: string }) => r.id)).toEqual([refund.body.id]);
    const chinese = await t.call('GET', `${BASE}?language=zh&queueId=que_zh`, { auth: agent });
    expect(chinese.body.items.map((r: { title: string }) => r.title).sort()).toEqual(['Greeting', '退款']);
    const otherQueue = await t.call('GET', `${BASE}?language=zh&queueId=que_en`, { auth: agent });
    expect(otherQueue.body.items.map((r: { title: string }) => r.title)).toEqual(['Greeting']);

    const path = `${BASE}/${refund.body.id}`;
    const updated = await t.call('PATCH', path, {
      auth: admin,
      body: { expectedVersion: 1, text: 'Refunds take 3 business days.', language: null },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ version: 2, text: 'Refunds take 3 business days.' });
    expect(updated.body.language).toBeUndefined();
    const stale = await t.call('PATCH', path, { auth: admin, body: { expectedVersion: 1, title: 'Old' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'version', actualVersion: 2 } });
    expect((await t.call('DELETE', `${path}?expectedVersion=1`, { auth: admin })).status).toBe(409);
    expect((await t.call('DELETE', `${path}?expectedVersion=2`, { auth: admin })).status).toBe(204);
    expect((await t.call('PATCH', path, { auth: admin, body: { expectedVersion: 2, title: 'X' } })).status).toBe(404);
    expect((await t.call('GET', BASE, { auth: agent })).body.items).toHaveLength(2);
  });

  it('refuses bad input and duplicate shortcuts with a 4xx code, storing nothing', async () => {
    const before = (await t.call('GET', BASE, { auth: agent })).body.items.length;
    const bad = await t.call('POST', BASE, {
      auth: admin,
      body: { shortcut: 'Not OK!', title: '', text: 'x'.repeat(4001), extra: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const paths = bad.body.error.details.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['shortcut', 'title', 'text']));
    const duplicate = await t.call('POST', BASE, {
      auth: admin,
      body: { shortcut: 'hello', title: 'Again', text: 'Hi' },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('ALREADY_EXISTS');
    expect((await t.call('GET', `${BASE}?language=bad_tag`, { auth: agent })).status).toBe(400);
    expect((await t.call('GET', BASE, { auth: agent })).body.items).toHaveLength(before);
  });

  it('checks credentials, roles and tenants', async () => {
    expect((await t.call('GET', BASE)).status).toBe(401);
    const body = { shortcut: 'bye', title: 'Bye', text: 'Goodbye' };
    expect((await t.call('POST', BASE, { auth: agent, body })).status).toBe(403);
    const supervisor = await t.token(['supervisor'], { sub: 'agt_sue' });
    expect((await t.call('GET', BASE, { auth: supervisor })).status).toBe(200);
    expect((await t.call('POST', BASE, { auth: supervisor, body })).status).toBe(403);
    expect((await t.call('GET', BASE, { auth: { apiKey: API_KEY } })).status).toBe(403);
    const mismatch = await t.call('POST', BASE, { auth: admin, body: { ...body, tenantId: TENANT_B } });
    expect(mismatch.status).toBe(403);
    expect(mismatch.body.error.code).toBe('TENANT_MISMATCH');
    const adminB = await t.token(['admin'], { tenantId: TENANT_B });
    expect((await t.call('GET', BASE, { auth: adminB })).body.items).toEqual([]);
    const mine = (await t.call('GET', BASE, { auth: agent })).body.items[0];
    const theirs = await t.call('PATCH', `${BASE}/${mine.id}`, {
      auth: adminB,
      body: { expectedVersion: 1, title: 'X' },
    });
    expect(theirs.status).toBe(404);
  });
});
