import { SimulatedClock } from '@hotline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_A, startTestServer, TENANT_A, type TestServer } from './test-kit.js';

let t: TestServer;
let clock: SimulatedClock;
let supervisor: string;
let conversationId: string;

/** Starts a web chat conversation of a new contact and puts it in line on `queueId`. */
async function queued(queueId: string, email: string): Promise<string> {
  const { conversation } = await t.server.hotline.conversations.start({
    tenantId: TENANT_A,
    channel: 'webchat',
    contact: { identity: { channel: 'email', address: email } },
  });
  await t.server.dispatcher.enqueue({
    tenantId: TENANT_A,
    conversationId: conversation.id,
    channel: 'webchat',
    queueId,
    attributes: {},
  });
  return conversation.id;
}

beforeAll(async () => {
  clock = new SimulatedClock(Math.floor(Date.now() / 60_000) * 60_000 + 5_000);
  t = await startTestServer({ clock });
  supervisor = await t.token(['supervisor'], { sub: 'agt_sue' });
  const admin = await t.token(['admin']);
  expect(
    (await t.call('POST', '/api/v1/queues', { auth: admin, body: { id: 'que_sales', name: 'Sales' } })).status,
  ).toBe(201);
  conversationId = await queued('que_sales', 'ada@example.com');
});
afterAll(() => t.stop());

describe('live reports', () => {
  it('shows queues with waiting work, agents and service figures', async () => {
    const res = await t.call('GET', '/api/v1/reports/queues', { auth: supervisor });
    expect(res.status).toBe(200);
    expect(res.body.at).toBe(clock.now());
    expect(res.body.queues).toEqual([
      {
        queueId: 'que_sales',
        name: 'Sales',
        waiting: 1,
        reserved: 0,
        oldestWaitSeconds: 0,
        serviceLevel: 1,
        asaSeconds: 0,
        abandoned: 0,
        answered: 0,
        open: true,
        agents: { available: 0, busy: 0, away: 0, offline: 0 },
      },
    ]);
  });

  it('shows every agent, and what routing knows of connected ones', async () => {
    const before = await t.call('GET', '/api/v1/reports/agents', { auth: supervisor });
    expect(before.body.agents).toEqual([
      {
        agentId: AGENT_A,
        name: AGENT_A,
        activity: 'offline',
        active: 0,
        capacity: 3,
        handled: 0,
        missed: 0,
        occupancy: 0,
      },
    ]);
    const { dispatcher } = t.server;
    await dispatcher.setConnected(TENANT_A, AGENT_A, true);
    await dispatcher.setActivity(TENANT_A, AGENT_A, 'available');
    await clock.advance(2_000);
    const offer = dispatcher.offersFor(TENANT_A, AGENT_A)[0];
    expect(offer?.conversationId).toBe(conversationId);
    await dispatcher.accept(TENANT_A, AGENT_A, offer?.reservationId as string);
    const after = await t.call('GET', '/api/v1/reports/agents', { auth: supervisor });
    expect(after.body.agents[0]).toMatchObject({ agentId: AGENT_A, activity: 'available', active: 1, capacity: 3 });
    const queues = await t.call('GET', '/api/v1/reports/queues', { auth: supervisor });
    expect(queues.body.queues[0]).toMatchObject({ waiting: 0, answered: 1, asaSeconds: 2, agents: { busy: 1 } });
  });

  it('keeps one point per queue and minute, the current minute last', async () => {
    await t.server.dispatcher.setActivity(TENANT_A, AGENT_A, 'break');
    await queued('que_sales', 'bo@example.com');
    await clock.advance(60_000);
    const res = await t.call('GET', '/api/v1/reports/history?minutes=60', { auth: supervisor });
    expect(res.status).toBe(200);
    const [sales] = res.body.queues;
    expect(sales.queueId).toBe('que_sales');
    const minute = Math.floor(clock.now() / 60_000) * 60_000;
    expect(sales.points).toEqual([
      { minute: minute - 60_000, waiting: 1, answered: 1, abandoned: 0, serviceLevel: 1, asaSeconds: 2 },
      { minute, waiting: 1, answered: 0, abandoned: 0, serviceLevel: 1, asaSeconds: 0 },
    ]);
    const one = await t.call('GET', '/api/v1/reports/history?minutes=1&queueId=que_sales', { auth: supervisor });
    expect(one.body.queues[0].points).toHaveLength(1);
    expect((await t.call('GET', '/api/v1/reports/history?minutes=61', { auth: supervisor })).status).toBe(400);
  });
});

describe('summary', () => {
  it('counts conversations by status and channel, tickets and the first response time', async () => {
    const { conversations } = t.server.hotline;
    await conversations.appendMessage({
      tenantId: TENANT_A,
      conversationId,
      direction: 'inbound',
      author: { kind: 'contact', id: 'ctc_ada' },
      content: { type: 'text', text: 'Where is my order?' },
    });
    await clock.advance(30_000);
    await conversations.appendMessage({
      tenantId: TENANT_A,
      conversationId,
      direction: 'outbound',
      author: { kind: 'agent', id: AGENT_A },
      content: { type: 'text', text: 'Let me check.' },
    });
    const ticket = await t.call('POST', '/api/v1/tickets', { auth: supervisor, body: { conversationId } });
    expect(ticket.status).toBe(201);
    const res = await t.call('GET', '/api/v1/reports/summary', { auth: supervisor });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      conversations: { total: 2, byStatus: { active: 1, queued: 1 }, byChannel: { webchat: 2 } },
      tickets: { created: 1, resolved: 0 },
      firstResponse: { averageSeconds: 30, measured: 1 },
      truncated: false,
    });
    const past = new Date(clock.now() - 7 * 86_400_000).toISOString();
    const earlier = new Date(clock.now() - 6 * 86_400_000).toISOString();
    const empty = await t.call('GET', `/api/v1/reports/summary?from=${past}&to=${earlier}`, { auth: supervisor });
    expect(empty.body).toMatchObject({ from: past, to: earlier, conversations: { total: 0 }, tickets: { created: 0 } });
    expect(empty.body.firstResponse).toEqual({ averageSeconds: null, measured: 0 });
    const reversed = await t.call('GET', `/api/v1/reports/summary?from=${earlier}&to=${past}`, { auth: supervisor });
    expect(reversed.status).toBe(400);
    expect((await t.call('GET', '/api/v1/reports/summary?from=yesterday', { auth: supervisor })).status).toBe(400);
  });
});

describe('report access', () => {
  it('needs report:read (supervisors and admins), in the caller’s tenant', async () => {
    const agent = await t.token(['agent']);
    for (const path of ['queues', 'agents', 'history', 'summary']) {
      expect((await t.call('GET', `/api/v1/reports/${path}`)).status).toBe(401);
      expect((await t.call('GET', `/api/v1/reports/${path}`, { auth: agent })).status).toBe(403);
      expect((await t.call('GET', `/api/v1/reports/${path}`, { auth: await t.token(['admin']) })).status).toBe(200);
    }
    const other = await t.call('GET', '/api/v1/reports/queues', {
      auth: await t.token(['supervisor'], { tenantId: 'ten_b' }),
    });
    expect(other.body.queues).toEqual([]);
    expect((await t.call('GET', '/api/v1/reports/queues?tenantId=ten_b', { auth: supervisor })).status).toBe(403);
  });
});
