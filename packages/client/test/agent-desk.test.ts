import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentDesk, CustomerChat, type WireMessage, type WireOffer } from '../src/index.js';
import { FakeGateway } from './fake-gateway.js';
import { MemoryStorage, network, until } from './helpers.js';

let gateway: FakeGateway;
const clients: { close(): void }[] = [];

beforeAll(async () => {
  gateway = await new FakeGateway().start();
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  gateway.dropAll();
  gateway.received.length = 0;
});
afterAll(async () => {
  await gateway.close();
});

const reconnect = { initialDelayMs: 20, maxDelayMs: 100, jitter: 0.5 };

function desk(agentId = 'agt_1') {
  const net = network();
  const agent = new AgentDesk({
    url: gateway.url,
    agentToken: `agent:${agentId}`,
    WebSocket: net.WebSocket,
    reconnect,
  });
  clients.push(agent);
  return { agent, net };
}

function customer() {
  const chat = new CustomerChat({
    url: gateway.url,
    siteId: 'site_test',
    WebSocket: network().WebSocket,
    storage: new MemoryStorage(),
    reconnect,
  });
  clients.push(chat);
  return chat;
}

/** An agent desk with one customer's conversation offered to it and accepted. */
async function assigned(agentId: string) {
  const { agent, net } = desk(agentId);
  await agent.connect();
  const chat = customer();
  await chat.connect();
  const { id } = await chat.start();
  gateway.offer(agentId, id);
  await until(() => agent.offers.length === 1, 'the offer');
  await agent.accept(agent.offers[0]?.reservationId as string);
  return { agent, net, chat, id };
}

const text = (m: { content: WireMessage['content'] }) => (m.content.type === 'text' ? m.content.text : m.content.type);

describe('AgentDesk', () => {
  it('takes an offer, gets the history, and talks with the customer both ways (notes stay internal)', async () => {
    const { agent } = desk();
    const offers: WireOffer[] = [];
    const ended: string[] = [];
    agent.on('offer', (offer) => offers.push(offer));
    agent.on('offer_ended', ({ reason }) => ended.push(reason));
    await agent.connect();
    expect(agent.agent).toMatchObject({ id: 'agt_1' });
    await agent.setActivity('available');
    expect(agent.agent?.activity).toBe('available');

    const chat = customer();
    await chat.connect();
    const { id } = await chat.start();
    await chat.send('I need help').acked;

    gateway.offer('agt_1', id);
    await until(() => offers.length === 1, 'the offer');
    expect(agent.offers).toHaveLength(1);
    const conversation = await agent.accept(offers[0]?.reservationId as string);
    expect(conversation).toMatchObject({ id, status: 'active' });
    expect(agent.offers).toEqual([]);
    await until(() => ended.includes('accepted'), 'offer_ended');
    await until(() => agent.messages(id).length === 1, 'the history');
    expect(text(agent.messages(id)[0] as WireMessage)).toBe('I need help');
    await until(() => chat.conversation?.status === 'active', 'the customer to see the agent');

    const reply = await agent.send(id, 'Hi, I am Ana');
    expect(reply.seq).toBe(2);
    await agent.send(id, 'VIP customer', { note: true });
    await until(() => chat.messages.length === 2, 'the reply at the customer');
    expect(chat.messages.map(text)).toEqual(['I need help', 'Hi, I am Ana']);

    const received: string[] = [];
    agent.on('message', (m) => received.push(text(m)));
    chat.send('thanks');
    await until(() => received.includes('thanks'), 'the customer message at the agent');
    expect(agent.messages(id).map(text)).toEqual(['I need help', 'Hi, I am Ana', 'VIP customer', 'thanks']);
  });

  it('relays typing and read receipts, and ends then resolves', async () => {
    const { agent, chat, id } = await assigned('agt_2');

    const agentTyping: boolean[] = [];
    agent.on('typing', ({ on, conversationId }) => conversationId === id && agentTyping.push(on));
    const customerTyping: boolean[] = [];
    chat.on('typing', ({ on }) => customerTyping.push(on));
    chat.setTyping(true);
    agent.setTyping(id, true);
    agent.setTyping(id, true);
    await until(() => agentTyping.length === 1 && customerTyping.length === 1, 'typing both ways');

    await chat.send('hello?').acked;
    const reads: number[] = [];
    chat.on('read', (read) => reads.push(read.agent));
    agent.markRead(id, 1);
    await until(() => reads.includes(1), 'the read receipt');

    await agent.end(id);
    expect(agent.conversations.find((c) => c.id === id)?.status).toBe('wrap_up');
    await agent.resolve(id);
    expect(agent.conversations.find((c) => c.id === id)).toBeUndefined();
  });

  it('resumes its conversations after a drop without losing or doubling messages', async () => {
    const { agent, net, chat, id } = await assigned('agt_3');
    await chat.send('one').acked;
    await until(() => agent.messages(id).length === 1, 'one');

    net.offline = true;
    gateway.dropAll();
    await until(() => agent.state === 'reconnecting', 'reconnecting');
    const sending = agent.send(id, 'written while offline');
    await chat.send('two').acked;
    net.offline = false;
    await sending;
    await until(() => agent.messages(id).length === 3, 'three messages');
    expect(agent.messages(id).map(text)).toEqual(['one', 'two', 'written while offline']);
    const hello = gateway
      .framesOf('hello')
      .filter((h) => h['agentToken'])
      .at(-1);
    expect(hello?.['resume']).toEqual([{ conversationId: id, afterSeq: 1 }]);
    await until(() => chat.messages.length === 3, 'the customer sees it');
  });

  it('rejects an offer and refuses bad input', async () => {
    expect(() => new AgentDesk({ url: 'ftp://x', agentToken: 't' })).toThrow();
    const { agent } = desk('agt_4');
    await agent.connect();
    const chat = customer();
    await chat.connect();
    const { id } = await chat.start();
    gateway.offer('agt_4', id);
    await until(() => agent.offers.length === 1, 'offer');
    await agent.reject(agent.offers[0]?.reservationId as string);
    expect(agent.offers).toEqual([]);
    await expect(agent.accept('res_nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(agent.send(id, ' ')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
