import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TENANT_A, TENANT_B, type TestServer } from './test-kit.js';

let t: TestServer;
let agent: string;
let ada: { contactId: string; chat: string; mail: string; merged: string };

beforeAll(async () => {
  t = await startTestServer();
  agent = await t.token(['agent']);
  const { conversations, contacts } = t.server.hotline;
  const start = async (channel: 'webchat' | 'email', address: string) => {
    const identity = channel === 'email' ? { channel, address } : { channel: 'webchat' as const, address };
    const { conversation } = await conversations.start({ tenantId: TENANT_A, channel, contact: { identity } });
    return conversation;
  };
  const mail = await start('email', 'ada@example.com');
  await new Promise((resolve) => setTimeout(resolve, 5));
  const chat = await start('webchat', 'vis_ada');
  await conversations.appendMessage({
    tenantId: TENANT_A,
    conversationId: chat.id,
    direction: 'inbound',
    author: { kind: 'contact', id: chat.contactId },
    content: { type: 'text', text: '  My   parcel arrived\nbroken, can I get a new one?  ' },
  });
  await new Promise((resolve) => setTimeout(resolve, 5));
  const other = await start('email', 'ada.work@example.com');
  await contacts.merge(TENANT_A, { survivorId: mail.contactId, mergedId: chat.contactId });
  await contacts.merge(TENANT_A, { survivorId: mail.contactId, mergedId: other.contactId });
  ada = { contactId: mail.contactId, chat: chat.id, mail: mail.id, merged: other.id };
});
afterAll(() => t.stop());

describe('tickets from conversations', () => {
  it('links the conversation, copies the contact and takes the subject from the first customer message', async () => {
    const res = await t.call('POST', '/api/v1/tickets', {
      auth: agent,
      body: { conversationId: ada.chat, priority: 'high' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      subject: 'My parcel arrived broken, can I get a new one?',
      priority: 'high',
      source: { kind: 'conversation', conversationId: ada.chat },
      conversationIds: [ada.chat],
    });
    const chat = await t.call('GET', `/api/v1/conversations/${ada.chat}`, { auth: agent });
    expect(res.body.requesterId).toBe(chat.body.contactId);
    const named = await t.call('POST', '/api/v1/tickets', {
      auth: agent,
      body: { conversationId: ada.mail, subject: 'Invoice copy' },
    });
    expect(named.status).toBe(201);
    expect(named.body).toMatchObject({ subject: 'Invoice copy', requesterId: ada.contactId });
  });

  it('refuses incomplete or contradictory input and unknown conversations', async () => {
    const before = (await t.call('GET', '/api/v1/tickets', { auth: agent })).body.items.length;
    const nothing = await t.call('POST', '/api/v1/tickets', { auth: agent, body: { description: 'Help' } });
    expect(nothing.status).toBe(400);
    expect(nothing.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['subject', 'requesterId']);
    const both = await t.call('POST', '/api/v1/tickets', {
      auth: agent,
      body: { conversationId: ada.chat, source: { kind: 'email' } },
    });
    expect(both.status).toBe(400);
    const missing = await t.call('POST', '/api/v1/tickets', { auth: agent, body: { conversationId: 'cnv_missing' } });
    expect(missing.status).toBe(404);
    const adminB = await t.token(['admin'], { tenantId: TENANT_B });
    expect((await t.call('POST', '/api/v1/tickets', { auth: adminB, body: { conversationId: ada.chat } })).status).toBe(
      404,
    );
    expect((await t.call('GET', '/api/v1/tickets', { auth: agent })).body.items).toHaveLength(before);
  });
});

describe('customer 360', () => {
  it('shows every conversation and ticket of the contact and the contacts merged into it, newest first', async () => {
    const res = await t.call('GET', `/api/v1/contacts/${ada.contactId}/overview`, { auth: agent });
    expect(res.status).toBe(200);
    expect(res.body.contact.id).toBe(ada.contactId);
    expect(res.body.contactIds).toHaveLength(3);
    expect(res.body.conversations.map((c: { id: string }) => c.id)).toEqual([ada.merged, ada.chat, ada.mail]);
    expect(res.body.conversations.map((c: { channel: string }) => c.channel)).toEqual(['email', 'webchat', 'email']);
    expect(res.body.tickets.map((ticket: { subject: string }) => ticket.subject)).toEqual([
      'Invoice copy',
      'My parcel arrived broken, can I get a new one?',
    ]);
    expect(res.body.truncated).toBe(false);
    const merged = (await t.call('GET', `/api/v1/conversations/${ada.merged}`, { auth: agent })).body.contactId;
    const viaMerged = await t.call('GET', `/api/v1/contacts/${merged}/overview?limit=1`, { auth: agent });
    expect(viaMerged.body).toMatchObject({ contact: { id: ada.contactId }, truncated: true });
    expect(viaMerged.body.conversations).toHaveLength(1);
  });

  it('checks credentials, tenants and input', async () => {
    const path = `/api/v1/contacts/${ada.contactId}/overview`;
    expect((await t.call('GET', path)).status).toBe(401);
    expect((await t.call('GET', path, { auth: await t.token(['admin'], { tenantId: TENANT_B }) })).status).toBe(404);
    expect((await t.call('GET', `${path}?limit=0`, { auth: agent })).status).toBe(400);
    expect((await t.call('GET', `${path}?tenantId=${TENANT_B}`, { auth: agent })).status).toBe(403);
  });
});
