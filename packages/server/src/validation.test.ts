import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-kit.js';

let t: TestServer;
let admin: string;
beforeAll(async () => {
  t = await startTestServer({ bodyLimitBytes: 4096 });
  admin = await t.token(['admin']);
});
afterAll(() => t.stop());

describe('validation', () => {
  it('answers 400 VALIDATION_FAILED with the issues for a bad body, and writes nothing', async () => {
    const res = await t.call('POST', '/api/v1/queues', { auth: admin, body: { name: '', serviceLevelSeconds: -1 } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const paths = res.body.error.details.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'serviceLevelSeconds']));
    expect((await t.storage.queues.list('ten_a')).items).toHaveLength(0);
  });

  it('rejects unknown body fields, bad queries and bad path ids', async () => {
    const extra = await t.call('POST', '/api/v1/agents', { auth: admin, body: { name: 'Ann', isRoot: true } });
    expect(extra.status).toBe(400);
    const limit = await t.call('GET', '/api/v1/agents?limit=0', { auth: admin });
    expect(limit.status).toBe(400);
    expect(limit.body.error.details.issues[0].path).toBe('limit');
    const id = await t.call('GET', '/api/v1/agents/bad%20id', { auth: admin });
    expect(id.status).toBe(400);
  });

  it('answers 400 for malformed JSON and a missing body', async () => {
    const malformed = await t.call('POST', '/api/v1/agents', { auth: admin, rawBody: '{"name":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.issues[0].code).toBe('malformed_json');
    const missing = await t.call('POST', '/api/v1/agents', { auth: admin });
    expect(missing.status).toBe(400);
  });

  it('answers 413 PAYLOAD_TOO_LARGE over the body limit', async () => {
    const res = await t.call('POST', '/api/v1/agents', { auth: admin, body: { name: 'x'.repeat(5000) } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 404 for unknown routes and 405 for a wrong method', async () => {
    expect((await t.call('GET', '/api/v1/nothing', { auth: admin })).status).toBe(404);
    expect((await t.call('DELETE', '/api/v1/agents', { auth: admin })).status).toBe(405);
  });

  it('answers 409 CONFLICT for a stale expectedVersion', async () => {
    const first = await t.call('PATCH', '/api/v1/agents/agt_ann', {
      auth: admin,
      body: { expectedVersion: 1, name: 'A' },
    });
    expect(first.status).toBe(200);
    const stale = await t.call('PATCH', '/api/v1/agents/agt_ann', {
      auth: admin,
      body: { expectedVersion: 1, name: 'B' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('CONFLICT');
  });
});
