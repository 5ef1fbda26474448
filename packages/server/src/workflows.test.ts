import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestServer, TENANT_A, TENANT_B, type TestServer } from './test-kit.js';

const SITE = {
  siteId: 'site_shop',
  tenantId: TENANT_A,
  tokenSecret: 'site-token-secret-0123456789abcdef-0123',
  queueId: 'que_en',
};

let t: TestServer;
let admin: string;
let supervisor: string;
let agent: string;
beforeAll(async () => {
  t = await startTestServer({ webchat: { sites: [SITE] } });
  admin = await t.token(['admin']);
  supervisor = await t.token(['supervisor'], { sub: 'agt_sue' });
  agent = await t.token(['agent']);
  for (const [id, language] of [
    ['que_en', 'en'],
    ['que_zh', 'zh'],
    ['que_vip', undefined],
  ] as const) {
    const res = await t.call('POST', '/api/v1/queues', {
      auth: admin,
      body: { id, name: id, ...(language ? { language } : {}) },
    });
    expect(res.status).toBe(201);
  }
});
afterAll(() => t.stop());

/** Starts a web chat as a new visitor of the site and returns the conversation id. */
async function startChat(attributes: Record<string, unknown>): Promise<string> {
  const ws = new WebSocket(`${t.base.replace('http', 'ws')}/hotline/webchat`);
  const replies = new Map<string, (frame: { result?: { conversation: { id: string } }; code?: string }) => void>();
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data));
    const re = frame.re ?? frame.id;
    replies.get(re)?.(frame);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const request = (frame: Record<string, unknown>) =>
    new Promise<{ result?: { conversation: { id: string } }; code?: string }>((resolve) => {
      replies.set(frame.id as string, resolve);
      ws.send(JSON.stringify(frame));
    });
  try {
    const hello = await request({ type: 'hello', id: 'h1', v: 1, siteId: SITE.siteId });
    expect(hello.code).toBeUndefined();
    const started = await request({ type: 'start', id: 's1', key: 'k1', attributes });
    expect(started.result?.conversation.id).toBeTypeOf('string');
    return started.result?.conversation.id as string;
  } finally {
    ws.close();
  }
}

describe('workflows', () => {
  it('starts empty, is replaced whole, and is versioned', async () => {
    expect((await t.call('GET', '/api/v1/workflows', { auth: supervisor })).body).toEqual({ filters: [], version: 0 });
    const filters = [
      { name: 'Chinese', expression: "task.language == 'zh'", queueId: 'que_zh' },
      { name: 'VIP', expression: 'task.custom.vip == true', queueId: 'que_vip', priority: 10 },
    ];
    const put = await t.call('PUT', '/api/v1/workflows', { auth: admin, body: { filters, expectedVersion: 0 } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ filters, version: 1 });
    expect((await t.call('GET', '/api/v1/workflows', { auth: admin })).body).toMatchObject({ filters, version: 1 });
    const stale = await t.call('PUT', '/api/v1/workflows', { auth: admin, body: { filters: [], expectedVersion: 0 } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('CONFLICT');
  });

  it('refuses a bad expression with its line and column, an unknown queue and agent.* filters, changing nothing', async () => {
    const bad = await t.call('PUT', '/api/v1/workflows', {
      auth: admin,
      body: { filters: [{ name: 'Broken', expression: "task.language ==\n  == 'zh'", queueId: 'que_zh' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details).toMatchObject({ filter: 0, line: 2, column: 3 });
    expect(bad.body.error.details.issues[0].path).toBe('filters.0.expression');
    const unknown = await t.call('PUT', '/api/v1/workflows', {
      auth: admin,
      body: { filters: [{ name: 'Gone', expression: 'task.x', queueId: 'que_nowhere' }] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.issues[0].path).toBe('filters.0.queueId');
    const agentRoot = await t.call('PUT', '/api/v1/workflows', {
      auth: admin,
      body: { filters: [{ name: 'Agents', expression: "'en' IN agent.languages", queueId: 'que_en' }] },
    });
    expect(agentRoot.status).toBe(400);
    expect((await t.call('GET', '/api/v1/workflows', { auth: admin })).body.version).toBe(1);
  });

  it('checks roles and tenants', async () => {
    expect((await t.call('GET', '/api/v1/workflows')).status).toBe(401);
    expect((await t.call('GET', '/api/v1/workflows', { auth: agent })).status).toBe(403);
    const body = { filters: [] };
    expect((await t.call('PUT', '/api/v1/workflows', { auth: supervisor, body })).status).toBe(403);
    const other = await t.call('PUT', '/api/v1/workflows', { auth: admin, body: { ...body, tenantId: TENANT_B } });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('TENANT_MISMATCH');
    const theirs = await t.call('GET', '/api/v1/workflows', { auth: await t.token(['admin'], { tenantId: TENANT_B }) });
    expect(theirs.body).toEqual({ filters: [], version: 0 });
  });

  it('routes new web chats: the first matching filter picks the queue, else the site queue', async () => {
    const zh = await startChat({ language: 'zh' });
    const routed = await t.call('GET', `/api/v1/conversations/${zh}`, { auth: agent });
    expect(routed.body).toMatchObject({ status: 'queued', queueId: 'que_zh' });
    const vip = await startChat({ language: 'en', custom: { vip: true } });
    const task = t.server.dispatcher
      .engineOf(TENANT_A)
      .openTasks()
      .find((open) => open.conversationId === vip);
    expect(task).toMatchObject({ queueId: 'que_vip', priority: 10 });
    const plain = await startChat({ language: 'en' });
    expect((await t.call('GET', `/api/v1/conversations/${plain}`, { auth: agent })).body.queueId).toBe('que_en');
  });
});

describe('queue routing settings', () => {
  it('gives skills, languages and strategy to routing, so only matching agents are members', async () => {
    const created = await t.call('POST', '/api/v1/queues', {
      auth: admin,
      body: {
        id: 'que_sales_zh',
        name: 'Sales (Chinese)',
        settings: { skills: { sales: 3 }, language: 'zh', strategy: 'round_robin', wrapUpSeconds: 30, color: 'red' },
      },
    });
    expect(created.status).toBe(201);
    const engine = t.server.dispatcher.engineOf(TENANT_A);
    engine.addAgent({ id: 'agt_li', skills: { sales: 5 }, languages: ['zh'], capacity: { webchat: 2 } });
    engine.addAgent({ id: 'agt_jo', skills: { sales: 5 }, languages: ['en'], capacity: { webchat: 2 } });
    engine.addAgent({ id: 'agt_wu', skills: { sales: 1 }, languages: ['zh'], capacity: { webchat: 2 } });
    expect(engine.queueStats('que_sales_zh').agents.offline).toBe(1);
    expect(engine.queueStats('que_en').agents.offline).toBe(1);
  });

  it('gives a calendar to routing: a queue closed all week is reported closed', async () => {
    const created = await t.call('POST', '/api/v1/queues', {
      auth: admin,
      body: { id: 'que_never', name: 'Never open', settings: { calendar: { timeZone: 'Asia/Shanghai', weekly: {} } } },
    });
    expect(created.status).toBe(201);
    expect(t.server.dispatcher.engineOf(TENANT_A).queueStats('que_never').open).toBe(false);
  });

  it('refuses settings routing would refuse, with the path, and stores nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ strategy: 'fastest' }, 'settings.strategy'],
      [{ skills: { Sales: 3 } }, 'settings.skills.Sales'],
      [{ expression: 'agent.skills.sales >=' }, 'settings.expression'],
      [{ maxWaitSeconds: 60 }, 'settings.overflowTo'],
      [{ maxWaitSeconds: 60, overflowTo: { queueId: 'que_nowhere' } }, 'settings.overflowTo.queueId'],
    ];
    for (const [settings, path] of cases) {
      const res = await t.call('POST', '/api/v1/queues', {
        auth: admin,
        body: { id: 'que_bad', name: 'Bad', settings },
      });
      expect(res.status, JSON.stringify(settings)).toBe(400);
      expect(res.body.error.details.issues.map((issue: { path: string }) => issue.path)).toContain(path);
    }
    expect(await t.storage.queues.get(TENANT_A, 'que_bad')).toBeUndefined();
    const patch = await t.call('PATCH', '/api/v1/queues/que_en', {
      auth: admin,
      body: { expectedVersion: 1, settings: { strategy: 'fastest' } },
    });
    expect(patch.status).toBe(400);
    expect((await t.storage.queues.get(TENANT_A, 'que_en'))?.version).toBe(1);
  });

  it('overflows to the overflowTo queue past maxLength', async () => {
    const res = await t.call('POST', '/api/v1/queues', {
      auth: admin,
      body: { id: 'que_first', name: 'First', settings: { maxLength: 1, overflowTo: { queueId: 'que_vip' } } },
    });
    expect(res.status).toBe(201);
    const engine = t.server.dispatcher.engineOf(TENANT_A);
    const before = engine.queueStats('que_vip').waiting;
    engine.submit({ channel: 'webchat', queueId: 'que_first' });
    engine.submit({ channel: 'webchat', queueId: 'que_first' });
    expect(engine.queueStats('que_first').waiting).toBe(1);
    expect(engine.queueStats('que_vip').waiting).toBe(before + 1);
  });
});
