import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '@hotline/ticketing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TENANT_A, TENANT_B, type TestServer, until } from './test-kit.js';

const SECRET = 'webhook-signing-secret-0123456789abcdef';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

let receiver: Server;
const received: Received[] = [];
let failuresLeft = 1;
let t: TestServer;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answered = failuresLeft-- > 0 ? 500 : 200;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered });
      res.writeHead(answered).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const { port } = receiver.address() as AddressInfo;
  t = await startTestServer({
    webhooks: [
      {
        id: 'whk_crm',
        tenantId: TENANT_A,
        url: `http://127.0.0.1:${port}/hooks`,
        secret: SECRET,
        events: ['conversation.created', 'ticket.*'],
      },
    ],
    webhookDelivery: { backoff: { baseMs: 50, maxMs: 100 }, pollIntervalMs: 20 },
  });
});
afterAll(async () => {
  await t.stop();
  receiver.close();
});

describe('outbound webhooks', () => {
  it('delivers signed events from the outbox, retrying a 500 under the same delivery id, once', async () => {
    const { conversation } = await t.server.hotline.conversations.start({
      tenantId: TENANT_A,
      channel: 'webchat',
      contact: { identity: { channel: 'email', address: 'ada@example.com' } },
    });
    await t.server.hotline.conversations.start({
      tenantId: TENANT_B,
      channel: 'webchat',
      contact: { identity: { channel: 'email', address: 'bob@example.com' } },
    });
    await until(() => received.some((r) => r.answered === 200), 'a successful delivery');
    const [first, second] = received;
    expect(first?.answered).toBe(500);
    expect(second?.answered).toBe(200);
    const deliveryId = first?.headers['x-hotline-delivery'];
    expect(deliveryId).toEqual(expect.any(String));
    expect(second?.headers['x-hotline-delivery']).toBe(deliveryId);
    expect([first?.headers['x-hotline-attempt'], second?.headers['x-hotline-attempt']]).toEqual(['1', '2']);
    for (const delivery of [first, second] as Received[]) {
      const signature = delivery.headers['x-hotline-signature'] as string;
      expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature({ secret: SECRET, header: signature, body: delivery.body })).toMatchObject({
        valid: true,
      });
      expect(verifyWebhookSignature({ secret: `${SECRET}x`, header: signature, body: delivery.body }).valid).toBe(
        false,
      );
    }
    expect(JSON.parse(second?.body ?? '')).toMatchObject({
      id: deliveryId,
      type: 'conversation.created',
      tenantId: TENANT_A,
      data: { conversationId: conversation.id },
    });

    // A message event (not subscribed) and another tenant's conversation send nothing; a ticket does.
    await t.server.hotline.conversations.appendMessage({
      tenantId: TENANT_A,
      conversationId: conversation.id,
      direction: 'inbound',
      author: { kind: 'contact', id: conversation.contactId },
      content: { type: 'text', text: 'Hi' },
    });
    const ticket = await t.call('POST', '/api/v1/tickets', {
      auth: await t.token(['agent']),
      body: { conversationId: conversation.id },
    });
    expect(ticket.status).toBe(201);
    await until(() => received.some((r) => JSON.parse(r.body).type === 'ticket.created'), 'the ticket delivery');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const types = received.filter((r) => r.answered === 200).map((r) => JSON.parse(r.body).type);
    expect(types.filter((type) => type === 'conversation.created')).toHaveLength(1);
    expect(types).not.toContain('message.received');
    const ids = received.filter((r) => r.answered === 200).map((r) => r.headers['x-hotline-delivery']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(received.every((r) => JSON.parse(r.body).tenantId === TENANT_A)).toBe(true);
  });

  it('refuses webhooks given twice, and a subscription with a short secret', async () => {
    const subscription = {
      id: 'whk_x',
      tenantId: TENANT_A,
      url: 'https://example.com/h',
      secret: SECRET,
      events: ['*'],
    };
    await expect(
      startTestServer({ webhooks: [subscription], ticketing: { webhooks: { subscriptions: [subscription] } } }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(startTestServer({ webhooks: [{ ...subscription, secret: 'short' }] })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});
