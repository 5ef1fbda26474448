// The client against the real web chat gateway (@hotline/channels) with the real
// conversation dispatcher (@hotline/routing) on core's memory storage, on loopback.
import { signAgentToken } from '@hotline/channels';
import type { Hotline } from '@hotline/core';
import { makeAgent } from '@hotline/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentDesk, type ChatMessage, CustomerChat, type StorageLike, type WireOffer } from '../src/index.js';
import { MemoryStorage, network, until } from './helpers.js';
import { type RealGateway, startRealGateway } from './real-gateway.js';

const TENANT = 'ten_client';
const SITE = 'site_client';
const AGENT_SECRET = 'client-integration-agent-secret-0123456789';

let real: RealGateway;
let hotline: Hotline;
let url = '';
const clients: { close(): void }[] = [];
const reconnect = { initialDelayMs: 20, maxDelayMs: 200, jitter: 0.5 };

beforeAll(async () => {
  real = await startRealGateway({
    sites: [
      { siteId: SITE, tenantId: TENANT, tokenSecret: 'client-integration-token-secret-0123456789', queueId: 'support' },
    ],
    agentSecret: AGENT_SECRET,
    queues: [{ id: 'support' }],
  });
  ({ hotline, url } = real);
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

afterAll(async () => {
  await real.close();
  expect(real.errors).toEqual([]);
});

function customer(storage: StorageLike = new MemoryStorage()) {
  const net = network();
  const chat = new CustomerChat({ url, siteId: SITE, WebSocket: net.WebSocket, storage, reconnect });
  clients.push(chat);
  return { chat, net, storage };
}

async function agentDesk(agentId: string) {
  await hotline.storage.agents.create(makeAgent(TENANT, { id: agentId, name: 'Ana', skills: {} }));
  const agentToken = await signAgentToken({ agentId, tenantId: TENANT }, AGENT_SECRET);
  const net = network();
  const desk = new AgentDesk({ url, agentToken, WebSocket: net.WebSocket, reconnect });
  clients.push(desk);
  await desk.connect();
  await desk.setActivity('available');
  return { desk, net };
}

const texts = (messages: readonly { content: ChatMessage['content'] }[]) =>
  messages.map((m) => (m.content.type === 'text' ? m.content.text : m.content.type));

async function storedTexts(conversationId: string): Promise<string[]> {
  return texts(await hotline.conversations.listMessages(TENANT, conversationId));
}

describe('CustomerChat and AgentDesk against the real gateway and dispatcher', () => {
  it('routes a chat to the agent desk and carries messages both ways, notes staying internal', async () => {
    const { desk } = await agentDesk('agt_int_1');
    const offers: WireOffer[] = [];
    desk.on('offer', (offer) => offers.push(offer));
    const { chat } = customer();
    await chat.connect();
    expect(chat.queueOpen).toBe(true);
    const { id } = await chat.start({ attributes: { page: { url: 'https://shop.test/cart' } } });
    await chat.send('where is my order?').acked;
    await until(() => offers.length === 1, 'the offer');
    await desk.accept(offers[0]?.reservationId as string);
    await until(() => chat.conversation?.status === 'active', 'active at the customer');
    expect(chat.conversation?.agent?.name).toBe('Ana');
    await until(() => desk.messages(id).length === 1, 'the history at the agent');
    await desk.send(id, 'on its way');
    await desk.send(id, 'customer is VIP', { note: true });
    await until(() => chat.messages.length === 2, 'the reply');
    chat.send('thanks!');
    await until(() => desk.messages(id).length === 4, 'the thanks');
    expect(texts(chat.messages)).toEqual(['where is my order?', 'on its way', 'thanks!']);
    expect(texts(desk.messages(id))).toEqual(['where is my order?', 'on its way', 'customer is VIP', 'thanks!']);
  });

  it('resumes after a dropped connection with messages from both sides, none lost, none doubled', async () => {
    const { desk } = await agentDesk('agt_int_2');
    const { chat, net } = customer();
    desk.on('offer', (offer) => void desk.accept(offer.reservationId));
    await chat.connect();
    const { id } = await chat.start();
    await until(() => chat.conversation?.status === 'active', 'accepted');
    await chat.send('one').acked;
    net.offline = true;
    // The gateway notices the socket go when the client gives it up; make it go now.
    chat.setLocale('en');
    await until(() => chat.state === 'reconnecting', 'reconnecting');
    const offline = [chat.send('two'), chat.send('three')];
    await desk.send(id, 'agent while you were away');
    net.offline = false;
    await Promise.all(offline.map((m) => m.acked));
    await until(() => chat.messages.length === 4 && chat.messages.every((m) => m.status === 'sent'), 'all four');
    expect(texts(chat.messages)).toEqual(['one', 'agent while you were away', 'two', 'three']);
    expect(await storedTexts(id)).toEqual(['one', 'agent while you were away', 'two', 'three']);
  });

  it('keeps an unsent message across a reload while offline; two tabs flushing it store it once', async () => {
    const storage = new MemoryStorage();
    const first = customer(storage);
    await first.chat.connect();
    const { id } = await first.chat.start();
    first.net.offline = true;
    first.chat.setLocale('en');
    await until(() => first.chat.state === 'reconnecting', 'offline');
    const unsent = first.chat.send('typed in a tunnel');
    const cid = unsent.clientMessageId;

    // Two reloaded tabs on the same storage both find the message in the outbox.
    const tabA = customer(storage);
    const tabB = customer(storage);
    first.chat.close();
    await Promise.all([tabA.chat.connect(), tabB.chat.connect()]);
    for (const tab of [tabA.chat, tabB.chat]) {
      await until(() => tab.messages.length === 1 && tab.messages[0]?.status === 'sent', 'the message sent');
      expect(tab.messages[0]).toMatchObject({ clientMessageId: cid, local: true });
      expect(tab.conversation?.id).toBe(id);
    }
    expect(await storedTexts(id)).toEqual(['typed in a tunnel']);
    expect(storage.saved(SITE).outbox).toEqual([]);
  });

  it('uploads a file through the gateway and sends it as an attachment', async () => {
    const { chat } = customer();
    await chat.connect();
    await chat.start();
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
      'base64',
    );
    const sent = await chat.sendFile(new File([png], 'dot.png', { type: 'image/png' }), { caption: 'a dot' });
    const stored = await sent.acked;
    expect(stored.content).toMatchObject({
      type: 'attachments',
      text: 'a dot',
      attachments: [expect.objectContaining({ name: 'dot.png', mimeType: 'image/png', size: png.byteLength })],
    });
    const refused = await chat
      .sendFile(new File(['MZ\x90\x00'], 'setup.exe', { type: 'application/x-msdownload' }))
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
