import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, startTestServer, TENANT_B, type TestServer } from './test-kit.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

describe('authentication', () => {
  it('answers 401 UNAUTHENTICATED without credentials', async () => {
    const res = await t.call('GET', '/api/v1/agents');
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'credentials_missing' } });
  });

  it('refuses forged, expired and malformed tokens and unknown API keys', async () => {
    const good = await t.token(['admin']);
    const forged = `${good.slice(0, -4)}AAAA`;
    expect((await t.call('GET', '/api/v1/agents', { auth: forged })).body.error.details.reason).toBe('token_invalid');
    const expired = await t.token(['admin'], { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const res = await t.call('GET', '/api/v1/agents', { auth: expired });
    expect(res.status).toBe(401);
    expect(res.body.error.details.reason).toBe('token_expired');
    expect((await t.call('GET', '/api/v1/agents', { auth: 'not-a-jwt' })).status).toBe(401);
    const key = await t.call('GET', '/api/v1/agents', { auth: { apiKey: `${API_KEY}x` } });
    expect(key.status).toBe(401);
    expect(key.body.error.details.reason).toBe('api_key_invalid');
  });

  it('accepts a valid token and a valid API key', async () => {
    expect((await t.call('GET', '/api/v1/agents', { auth: await t.token(['agent']) })).status).toBe(200);
    expect((await t.call('GET', '/api/v1/queues', { auth: { apiKey: API_KEY } })).status).toBe(200);
  });

  it('refuses a createHotlineServer with a short JWT secret', async () => {
    await expect(startTestServer({ jwtSecret: 'short' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('authorization (RBAC)', () => {
  it('answers 403 FORBIDDEN for an action the role lacks', async () => {
    const agent = await t.token(['agent']);
    const res = await t.call('POST', '/api/v1/queues', { auth: agent, body: { name: 'Sales' } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    const integration = await t.call('POST', '/api/v1/agents', { auth: { apiKey: API_KEY }, body: { name: 'Eve' } });
    expect(integration.status).toBe(403);
  });

  it('lets agents update themselves but not colleagues', async () => {
    const admin = await t.token(['admin']);
    const other = await t.call('POST', '/api/v1/agents', { auth: admin, body: { id: 'agt_cat', name: 'Cat' } });
    expect(other.status).toBe(201);
    const self = await t.token(['agent']);
    const mine = await t.call('PATCH', '/api/v1/agents/agt_ann', {
      auth: self,
      body: { expectedVersion: 1, activity: 'available' },
    });
    expect(mine.status).toBe(200);
    expect(mine.body.activity).toBe('available');
    const theirs = await t.call('PATCH', '/api/v1/agents/agt_cat', {
      auth: self,
      body: { expectedVersion: 1, name: 'X' },
    });
    expect(theirs.status).toBe(403);
  });

  it('creates tenants only with the operator role, not as a tenant admin', async () => {
    const body = { id: 'ten_new', name: 'New' };
    const admin = await t.call('POST', '/api/v1/tenants', { auth: await t.token(['admin']), body });
    expect(admin.status).toBe(403);
    const operator = await t.call('POST', '/api/v1/tenants', { auth: await t.token(['operator']), body });
    expect(operator.status).toBe(201);
    expect(operator.body).toMatchObject({ id: 'ten_new', status: 'active' });
  });
});

describe('tenant isolation', () => {
  it('answers 403 TENANT_MISMATCH when the path, query or body names another tenant', async () => {
    const admin = await t.token(['admin']);
    const path = await t.call('GET', `/api/v1/tenants/${TENANT_B}`, { auth: admin });
    expect(path.status).toBe(403);
    expect(path.body.error.code).toBe('TENANT_MISMATCH');
    const query = await t.call('GET', `/api/v1/agents?tenantId=${TENANT_B}`, { auth: admin });
    expect(query.status).toBe(403);
    const body = await t.call('POST', '/api/v1/queues', { auth: admin, body: { tenantId: TENANT_B, name: 'Sneaky' } });
    expect(body.status).toBe(403);
    expect(body.body.error.code).toBe('TENANT_MISMATCH');
    expect((await t.server.hotline.storage.queues.list(TENANT_B)).items).toHaveLength(0);
  });

  it("answers 404 for another tenant's records, as for missing ones", async () => {
    const admin = await t.token(['admin']);
    const res = await t.call('GET', '/api/v1/agents/agt_bob', { auth: admin });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    const own = await t.call('GET', '/api/v1/agents/agt_bob', {
      auth: await t.token(['admin'], { tenantId: TENANT_B }),
    });
    expect(own.status).toBe(200);
  });

  it("lists only the caller's tenant", async () => {
    const res = await t.call('GET', '/api/v1/agents', { auth: await t.token(['admin'], { tenantId: TENANT_B }) });
    expect(res.body.items.map((agent: { id: string }) => agent.id)).toEqual(['agt_bob']);
  });
});
