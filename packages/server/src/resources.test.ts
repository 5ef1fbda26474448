import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, startTestServer, TENANT_A, type TestServer } from './test-kit.js';

let t: TestServer;
let admin: string;
let agent: string;
let supervisor: string;
beforeAll(async () => {
  t = await startTestServer();
  admin = await t.token(['admin']);
  agent = await t.token(['agent']);
  supervisor = await t.token(['supervisor'], { sub: 'agt_sue' });
});
afterAll(() => t.stop());

describe('tenants', () => {
  it('reads your own tenant', async () => {
    const res = await t.call('GET', `/api/v1/tenants/${TENANT_A}`, { auth: admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: TENANT_A, status: 'active' });
  });
});

describe('agents', () => {
  it('creates, reads, lists, updates, sets skills and deletes', async () => {
    const created = await t.call('POST', '/api/v1/agents', {
      auth: admin,
      body: { id: 'agt_dan', name: 'Dan', languages: ['en', 'zh-CN'], skills: { billing: 5 } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'agt_dan', tenantId: TENANT_A, version: 1, activity: 'offline' });
    expect((await t.call('GET', '/api/v1/agents/agt_dan', { auth: agent })).body.name).toBe('Dan');
    const listed = await t.call('GET', '/api/v1/agents?limit=1', { auth: agent });
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.nextCursor).toBeDefined();
    const skills = await t.call('PUT', '/api/v1/agents/agt_dan/skills', {
      auth: supervisor,
      body: { expectedVersion: 1, skills: { sales: 3 } },
    });
    expect(skills.status).toBe(200);
    expect(skills.body).toMatchObject({ skills: { sales: 3 }, version: 2 });
    expect((await t.call('DELETE', '/api/v1/agents/agt_dan?expectedVersion=2', { auth: admin })).status).toBe(204);
    expect((await t.call('GET', '/api/v1/agents/agt_dan', { auth: admin })).status).toBe(404);
  });
});

describe('queues', () => {
  it('creates (routing knows it at once), reads, updates and deletes', async () => {
    const created = await t.call('POST', '/api/v1/queues', { auth: admin, body: { id: 'que_sales', name: 'Sales' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'que_sales', channels: ['webchat'], serviceLevelSeconds: 20 });
    expect(t.server.dispatcher.engineOf(TENANT_A).queueStats('que_sales').waiting).toBe(0);
    const updated = await t.call('PATCH', '/api/v1/queues/que_sales', {
      auth: supervisor,
      body: { expectedVersion: 1, name: 'Sales EU' },
    });
    expect(updated.body).toMatchObject({ name: 'Sales EU', version: 2 });
    expect((await t.call('GET', '/api/v1/queues', { auth: agent })).body.items).toHaveLength(1);
    expect((await t.call('DELETE', '/api/v1/queues/que_sales?expectedVersion=2', { auth: admin })).status).toBe(204);
  });
});

describe('conversations and messages', () => {
  it('lists, reads, replies (assigned agent or supervisor), adds notes and lists messages', async () => {
    const { conversation } = await t.server.hotline.conversations.start({
      tenantId: TENANT_A,
      channel: 'webchat',
      contact: { identity: { channel: 'email', address: 'ada@example.com' } },
    });
    const list = await t.call('GET', '/api/v1/conversations?status=new&status=queued', { auth: agent });
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(conversation.id);
    expect((await t.call('GET', `/api/v1/conversations/${conversation.id}`, { auth: agent })).body.id).toBe(
      conversation.id,
    );
    const path = `/api/v1/conversations/${conversation.id}/messages`;
    const notMine = await t.call('POST', path, { auth: agent, body: { text: 'Hi' } });
    expect(notMine.status).toBe(403);
    const reply = await t.call('POST', path, { auth: supervisor, body: { text: 'Hello Ada', clientMessageId: 'c1' } });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ created: true, message: { seq: 1, direction: 'outbound' } });
    const again = await t.call('POST', path, { auth: supervisor, body: { text: 'Hello Ada', clientMessageId: 'c1' } });
    expect(again.body).toMatchObject({ created: false, message: { id: reply.body.message.id } });
    const note = await t.call('POST', `/api/v1/conversations/${conversation.id}/notes`, {
      auth: agent,
      body: { text: 'VIP customer' },
    });
    expect(note.status).toBe(201);
    expect(note.body.message.direction).toBe('note');
    const messages = await t.call('GET', `${path}?afterSeq=1`, { auth: agent });
    expect(messages.body.items.map((m: { seq: number }) => m.seq)).toEqual([2]);
    expect((await t.call('GET', '/api/v1/conversations/cnv_missing/messages', { auth: agent })).status).toBe(404);
    await t.server.hotline.conversations.apply(TENANT_A, conversation.id, { type: 'assign', agentId: 'agt_ann' });
    const mine = await t.call('POST', path, { auth: agent, body: { text: 'I can help' } });
    expect(mine.status).toBe(201);
    expect(mine.body.message.author).toMatchObject({ kind: 'agent', id: 'agt_ann' });
  });
});

describe('contacts', () => {
  it('finds by identity, reads, links an identity and merges', async () => {
    const { contact: ada } = await t.server.hotline.contacts.findOrCreate(TENANT_A, {
      channel: 'email',
      address: 'ada.l@example.com',
    });
    const { contact: other } = await t.server.hotline.contacts.findOrCreate(TENANT_A, {
      channel: 'phone',
      address: '+14155550100',
    });
    const found = await t.call('GET', '/api/v1/contacts?channel=email&address=Ada.L%40example.com', { auth: agent });
    expect(found.status).toBe(200);
    expect(found.body.id).toBe(ada.id);
    expect((await t.call('GET', `/api/v1/contacts/${ada.id}`, { auth: agent })).body.id).toBe(ada.id);
    const linked = await t.call('POST', `/api/v1/contacts/${ada.id}/identities`, {
      auth: agent,
      body: { channel: 'webchat', address: 'vis_123' },
    });
    expect(linked.status).toBe(200);
    expect(linked.body.identities).toHaveLength(2);
    const taken = await t.call('POST', `/api/v1/contacts/${ada.id}/identities`, {
      auth: agent,
      body: { channel: 'phone', address: '+14155550100' },
    });
    expect(taken.status).toBe(409);
    const body = { survivorId: ada.id, mergedId: other.id };
    expect((await t.call('POST', '/api/v1/contacts/merge', { auth: agent, body })).status).toBe(403);
    const merged = await t.call('POST', '/api/v1/contacts/merge', { auth: supervisor, body });
    expect(merged.status).toBe(200);
    expect(merged.body.identities).toHaveLength(3);
  });
});

describe('tickets', () => {
  it('creates, reads, lists, updates with expectedVersion and comments', async () => {
    const created = await t.call('POST', '/api/v1/tickets', {
      auth: { apiKey: API_KEY },
      body: { subject: 'Refund please', description: 'Order 42 arrived broken', requesterId: 'ctc_ada' },
    });
    expect(created.status).toBe(201);
    const ticket = created.body;
    expect(ticket).toMatchObject({ subject: 'Refund please', status: 'new', version: 1 });
    expect((await t.call('GET', `/api/v1/tickets/${ticket.id}`, { auth: agent })).body.id).toBe(ticket.id);
    expect((await t.call('GET', '/api/v1/tickets?status=new', { auth: agent })).body.items).toHaveLength(1);
    const notMine = await t.call('PATCH', `/api/v1/tickets/${ticket.id}`, {
      auth: agent,
      body: { expectedVersion: 1, changes: { priority: 'high' } },
    });
    expect(notMine.status).toBe(403);
    const updated = await t.call('PATCH', `/api/v1/tickets/${ticket.id}`, {
      auth: supervisor,
      body: { expectedVersion: 1, changes: { assigneeId: 'agt_ann', status: 'open' } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ assigneeId: 'agt_ann', status: 'open', version: 2 });
    const comment = await t.call('POST', `/api/v1/tickets/${ticket.id}/comments`, {
      auth: agent,
      body: { body: 'We are sending a new one.', public: true },
    });
    expect(comment.status).toBe(201);
    expect(comment.body).toMatchObject({ created: true, comment: { public: true } });
    const bad = await t.call('PATCH', `/api/v1/tickets/${ticket.id}`, {
      auth: supervisor,
      body: { changes: { priority: 'whenever' } },
    });
    expect(bad.status).toBe(400);
  });
});
