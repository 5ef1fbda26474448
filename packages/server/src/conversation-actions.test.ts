import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGENT_A,
  API_KEY,
  enqueueChat,
  startTestServer,
  TENANT_A,
  TENANT_B,
  type TestServer,
  until,
} from './test-kit.js';

let t: TestServer;
let ann: string;
let supervisor: string;
let n = 0;

/** A web chat conversation enqueued on que_a and accepted by agt_ann. */
async function assignedToAnn(): Promise<string> {
  const chat = await enqueueChat(t.server, 'que_a', `customer${++n}@example.com`);
  await until(() => chat.offer(AGENT_A) !== undefined, 'the offer');
  await t.server.dispatcher.accept(TENANT_A, AGENT_A, chat.offer(AGENT_A)?.reservationId as string);
  return chat.conversationId;
}

beforeAll(async () => {
  t = await startTestServer();
  const admin = await t.token(['admin']);
  ann = await t.token(['agent']);
  supervisor = await t.token(['supervisor'], { sub: 'agt_sue' });
  for (const id of ['que_a', 'que_b']) {
    expect((await t.call('POST', '/api/v1/queues', { auth: admin, body: { id, name: id } })).status).toBe(201);
  }
  expect((await t.call('POST', '/api/v1/agents', { auth: admin, body: { id: 'agt_cat', name: 'Cat' } })).status).toBe(
    201,
  );
  await t.server.dispatcher.setConnected(TENANT_A, AGENT_A, true);
  await t.server.dispatcher.setActivity(TENANT_A, AGENT_A, 'available');
});
afterAll(() => t.stop());

describe('conversation actions', () => {
  it('transfers to a queue as the holding agent, history kept', async () => {
    const id = await assignedToAnn();
    await t.server.hotline.conversations.appendMessage({
      tenantId: TENANT_A,
      conversationId: id,
      direction: 'inbound',
      author: { kind: 'contact', id: 'ctc_x' },
      content: { type: 'text', text: 'Hello' },
    });
    const cat = await t.token(['agent'], { sub: 'agt_cat' });
    const notMine = await t.call('POST', `/api/v1/conversations/${id}/transfer`, {
      auth: cat,
      body: { queueId: 'que_b' },
    });
    expect(notMine.status).toBe(403);
    const both = await t.call('POST', `/api/v1/conversations/${id}/transfer`, {
      auth: ann,
      body: { queueId: 'que_b', agentId: 'agt_cat' },
    });
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('VALIDATION_FAILED');
    expect((await t.call('GET', `/api/v1/conversations/${id}`, { auth: ann })).body.assigneeId).toBe(AGENT_A);
    const unknown = await t.call('POST', `/api/v1/conversations/${id}/transfer`, {
      auth: ann,
      body: { queueId: 'que_zz' },
    });
    expect(unknown.status).toBe(404);
    const offline = await t.call('POST', `/api/v1/conversations/${id}/transfer`, {
      auth: ann,
      body: { agentId: 'agt_cat' },
    });
    expect(offline.status).toBe(409);
    const res = await t.call('POST', `/api/v1/conversations/${id}/transfer`, { auth: ann, body: { queueId: 'que_b' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, queueId: 'que_b' });
    expect(res.body.assigneeId).toBeUndefined();
    const history = await t.call('GET', `/api/v1/conversations/${id}/messages`, { auth: ann });
    expect(history.body.items.map((m: { content: { text?: string } }) => m.content.text)).toContain('Hello');
  });

  it('ends with a disposition and notes, then resolves', async () => {
    const id = await assignedToAnn();
    const tooLong = await t.call('POST', `/api/v1/conversations/${id}/end`, {
      auth: ann,
      body: { disposition: 'x'.repeat(65) },
    });
    expect(tooLong.status).toBe(400);
    const ended = await t.call('POST', `/api/v1/conversations/${id}/end`, {
      auth: ann,
      body: { disposition: 'refund_issued', notes: 'Refunded order 42' },
    });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({
      status: 'wrap_up',
      attributes: { disposition: 'refund_issued', wrapUpNotes: 'Refunded order 42' },
    });
    const resolved = await t.call('POST', `/api/v1/conversations/${id}/resolve`, { auth: ann });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');
  });

  it("lets supervisors act on an agent's conversation, not integrations or other tenants", async () => {
    const id = await assignedToAnn();
    expect((await t.call('POST', `/api/v1/conversations/${id}/end`, { auth: { apiKey: API_KEY } })).status).toBe(403);
    const adminB = await t.token(['admin'], { tenantId: TENANT_B });
    expect((await t.call('POST', `/api/v1/conversations/${id}/resolve`, { auth: adminB })).status).toBe(404);
    expect((await t.call('POST', `/api/v1/conversations/${id}/resolve`)).status).toBe(401);
    const res = await t.call('POST', `/api/v1/conversations/${id}/end`, { auth: supervisor });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'wrap_up', assigneeId: AGENT_A });
  });

  it('answers 409 for a conversation no agent holds', async () => {
    const { conversation } = await t.server.hotline.conversations.start({
      tenantId: TENANT_A,
      channel: 'webchat',
      contact: { identity: { channel: 'email', address: 'waiting@example.com' } },
    });
    const res = await t.call('POST', `/api/v1/conversations/${conversation.id}/transfer`, {
      auth: supervisor,
      body: { queueId: 'que_b' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.details.reason).toBe('not_assigned');
  });
});
