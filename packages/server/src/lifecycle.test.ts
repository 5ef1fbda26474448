import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestServer, TENANT_A, type TestServer } from './test-kit.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('health and metrics', () => {
  it('answers /healthz and /readyz, and /readyz fails once storage is gone', async () => {
    t = await startTestServer({ closeStorage: false });
    expect(await t.call('GET', '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await t.call('GET', '/readyz')).toEqual({ status: 200, body: { status: 'ready' } });
    await t.storage.close();
    const down = await t.call('GET', '/readyz');
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('UNAVAILABLE');
  });

  it('exports request durations by route template, connections and queue depth', async () => {
    t = await startTestServer();
    const admin = await t.token(['admin']);
    await t.call('POST', '/api/v1/queues', { auth: admin, body: { id: 'que_support', name: 'Support' } });
    await t.call('GET', '/api/v1/agents/agt_ann', { auth: admin });
    const res = await fetch(`${t.base}/metrics`);
    const text = await res.text();
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(text).toMatch(
      /hotline_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/agents\/\{agentId\}",status="200"\} 1/,
    );
    expect(text).toContain('hotline_websocket_connections 0');
    expect(text).toContain(`hotline_queue_waiting{tenant="${TENANT_A}",queue="que_support"} 0`);
  });

  it('exports storage and routing latencies and counts logged errors', async () => {
    const errors: string[] = [];
    t = await startTestServer({
      closeStorage: false,
      logger: { info: () => undefined, error: (line) => errors.push(line) },
    });
    const admin = await t.token(['admin']);
    await t.call('POST', '/api/v1/queues', { auth: admin, body: { id: 'que_support', name: 'Support' } });
    const { conversation } = await t.server.hotline.conversations.start({
      tenantId: TENANT_A,
      channel: 'webchat',
      contact: { identity: { channel: 'email', address: 'ada@example.com' } },
    });
    await t.server.dispatcher.enqueue({
      tenantId: TENANT_A,
      conversationId: conversation.id,
      channel: 'webchat',
      queueId: 'que_support',
      attributes: {},
    });
    const text = await (await fetch(`${t.base}/metrics`)).text();
    expect(text).toMatch(/hotline_storage_operation_seconds_count\{repository="queues",method="create"\} 1/);
    expect(text).toMatch(/hotline_storage_operation_seconds_count\{repository="conversations",method="create"\} [1-9]/);
    expect(text).toMatch(/hotline_routing_operation_seconds_count\{operation="enqueue"\} 1/);
    expect(text).not.toMatch(/operation="(subscribe|offersFor|stats)"/);
    expect(text).not.toMatch(/hotline_errors_total\{/);
    // Storage gone: the request fails with 503, is logged as an error and counted.
    await t.storage.close();
    expect((await t.call('GET', '/api/v1/agents/agt_ann', { auth: admin })).status).toBe(503);
    expect(errors.some((line) => JSON.parse(line).msg === 'request failed')).toBe(true);
    const after = await (await fetch(`${t.base}/metrics`)).text();
    expect(after).toContain('hotline_errors_total{kind="request failed"} 1');
  });
});

describe('graceful close', () => {
  it('says bye to WebSocket clients, refuses new connections and closes storage', async () => {
    t = await startTestServer();
    const ws = new WebSocket(`${t.base.replace('http', 'ws')}/hotline/webchat`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const frames: string[] = [];
    ws.on('message', (data) => frames.push(String(data)));
    const closedSocket = new Promise<number>((resolve) => ws.once('close', resolve));
    const server = t.server;
    await server.close();
    expect(await closedSocket).toBeGreaterThan(0);
    expect(frames.some((frame) => JSON.parse(frame).type === 'bye')).toBe(true);
    await expect(fetch(`${t.base}/healthz`)).rejects.toThrow();
    await expect(t.storage.tenants.get(TENANT_A)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(server.close()).resolves.toBeUndefined();
  });

  it('lets a request in flight finish before closing', async () => {
    t = await startTestServer();
    const admin = await t.token(['admin']);
    const storage = t.storage;
    const list = storage.agents.list.bind(storage.agents);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    storage.agents.list = async (...args) => {
      await gate;
      return list(...args);
    };
    const pending = t.call('GET', '/api/v1/agents', { auth: admin });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = t.server.close();
    setTimeout(release, 50);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    await closing;
  });
});
