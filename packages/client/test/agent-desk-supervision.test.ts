// AgentDesk's transfer, wrap-up, monitor and watch against the real gateway and dispatcher, in Node.
import { signAgentToken } from '@hotline/channels';
import type { Hotline } from '@hotline/core';
import { makeAgent } from '@hotline/core/testing';
import type { ConversationDispatcher } from '@hotline/routing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  AgentDesk,
  CustomerChat,
  type StatsSnapshot,
  type WebSocketConstructor,
  type WireConversation,
  type WireOffer,
} from '../src/index.js';
import { MemoryStorage, network, until } from './helpers.js';
import { type RealGateway, startRealGateway } from './real-gateway.js';

const TENANT = 'ten_desk';
const OTHER = 'ten_desk_other';
const SITE = 'site_desk';
const AGENT_SECRET = 'desk-supervision-agent-secret-0123456789';
const reconnect = { initialDelayMs: 20, maxDelayMs: 200, jitter: 0.5 };

let real: RealGateway;
let hotline: Hotline;
let dispatcher: ConversationDispatcher;
let url = '';
const clients: { close(): void }[] = [];

beforeAll(async () => {
  real = await startRealGateway({
    sites: [
      { siteId: SITE, tenantId: TENANT, tokenSecret: 'desk-supervision-token-secret-0123456789', queueId: 'support' },
      {
        siteId: 'site_desk_other',
        tenantId: OTHER,
        tokenSecret: 'desk-supervision-token-secret-other-01',
        queueId: 'support',
      },
    ],
    agentSecret: AGENT_SECRET,
    queues: [
      { id: 'support', name: 'Support' },
      { id: 'billing', name: 'Billing' },
    ],
  });
  ({ hotline, dispatcher, url } = real);
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  // Every agent of a test leaves routing before the next one starts.
  await new Promise((resolve) => setTimeout(resolve, 50));
  await dispatcher.idle();
});

afterAll(async () => {
  await real.close();
  expect(real.errors).toEqual([]);
});

let agents = 0;

/** A connected, available agent desk (a new agent record each time); `roles` go in its token. */
async function desk(name: string, options: { roles?: string[]; tenantId?: string; available?: boolean } = {}) {
  const tenantId = options.tenantId ?? TENANT;
  const agentId = `agt_${name.toLowerCase()}_${++agents}`;
  await hotline.storage.agents.create(makeAgent(tenantId, { id: agentId, name, skills: {} }));
  const agentToken = await signAgentToken(
    { agentId, tenantId, ...(options.roles ? { roles: options.roles } : {}) },
    AGENT_SECRET,
  );
  // Every socket the desk opens, so a test can cut the current one.
  const sockets: WebSocket[] = [];
  class TrackedSocket extends WebSocket {
    constructor(address: string) {
      super(address);
      sockets.push(this);
    }
  }
  const agentDesk = new AgentDesk({
    url,
    agentToken,
    WebSocket: TrackedSocket as unknown as WebSocketConstructor,
    reconnect,
  });
  clients.push(agentDesk);
  const offers: WireOffer[] = [];
  agentDesk.on('offer', (offer) => offers.push(offer));
  await agentDesk.connect();
  await agentDesk.setActivity(options.available === false ? 'break' : 'available');
  return { desk: agentDesk, agentId, offers, sockets };
}

function customer() {
  const chat = new CustomerChat({
    url,
    siteId: SITE,
    WebSocket: network().WebSocket,
    storage: new MemoryStorage(),
    reconnect,
  });
  clients.push(chat);
  return chat;
}

const texts = (messages: readonly { content: { type: string; text?: string } }[]) =>
  messages.map((m) => (m.content.type === 'text' ? m.content.text : m.content.type));

/** A customer chatting with a new agent, who accepted and answered. */
async function chatting() {
  const first = await desk('Ana');
  const chat = customer();
  await chat.connect();
  const { id } = await chat.start();
  await chat.send('my card was charged twice').acked;
  const offer = () => first.offers.find((o) => o.conversationId === id);
  await until(() => offer() !== undefined, 'the offer');
  await first.desk.accept(offer()?.reservationId as string);
  await until(() => first.desk.messages(id).length === 1, 'the history');
  await first.desk.send(id, 'let me pass you to a colleague');
  await first.desk.send(id, 'double charge, refund needed', { note: true });
  return { first, chat, id };
}

describe('AgentDesk: transfer and wrap-up', () => {
  it('transfers to a second agent, who is offered it and gets the whole history; the first sees it leave', async () => {
    const { first, chat, id } = await chatting();
    const second = await desk('Bo');
    const seen: WireConversation[] = [];
    first.desk.on('conversation', (c) => seen.push(c));
    await first.desk.transfer(id, { agentId: second.agentId });
    await until(() => seen.some((c) => c.id === id && c.status === 'offered'), 'the conversation frame at the first');
    expect(first.desk.conversations.map((c) => c.id)).not.toContain(id);
    await until(() => second.offers.length === 1, 'the offer to the second');
    expect(second.offers[0]).toMatchObject({ conversationId: id, queueId: 'support' });
    const taken = await second.desk.accept(second.offers[0]?.reservationId as string);
    expect(taken).toMatchObject({ id, status: 'active', agent: { name: 'Bo' } });
    await until(() => second.desk.messages(id).length === 3, 'the history at the second');
    expect(texts(second.desk.messages(id))).toEqual([
      'my card was charged twice',
      'let me pass you to a colleague',
      'double charge, refund needed',
    ]);
    await until(() => chat.conversation?.agent?.name === 'Bo', 'the new agent at the customer');
    chat.send('hello Bo');
    await until(() => second.desk.messages(id).length === 4, 'the customer’s next message');
    expect(first.desk.messages(id)).toEqual([]);

    await second.desk.end(id, { disposition: 'refund_issued', notes: 'refunded the second charge' });
    expect(second.desk.conversations.find((c) => c.id === id)).toMatchObject({
      status: 'wrap_up',
      attributes: { disposition: 'refund_issued', wrapUpNotes: 'refunded the second charge' },
    });
    await second.desk.resolve(id);
  });

  it('transfers to a queue, and reports a refused transfer as a ClientError with its reason', async () => {
    const { first, id } = await chatting();
    const away = await desk('Cy', { available: false });
    await expect(first.desk.transfer(id, { agentId: away.agentId })).rejects.toMatchObject({
      code: 'CONFLICT',
      reason: 'agent_unavailable',
    });
    await expect(first.desk.transfer(id, { queueId: 'nowhere' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(first.desk.transfer(id, {} as { queueId: string })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await first.desk.transfer(id, { queueId: 'billing' });
    expect(first.desk.conversations).toEqual([]);
    expect(await hotline.conversations.get(TENANT, id)).toMatchObject({ status: 'queued', queueId: 'billing' });
    await dispatcher.customerLeft(TENANT, id); // nobody is left to take it: out of the next tests' way
  });
});

describe('AgentDesk: supervisors', () => {
  it('monitors: a snapshot at once, then stats events after changes', async () => {
    const { first } = await chatting();
    const sam = await desk('Sam', { roles: ['supervisor'], available: false });
    const snapshot = await sam.desk.monitor();
    expect(snapshot.queues.map((q) => [q.queueId, q.name])).toEqual([
      ['support', 'Support'],
      ['billing', 'Billing'],
    ]);
    expect(snapshot.agents.find((a) => a.agentId === first.agentId)).toMatchObject({ presence: 'busy', active: 1 });
    const pushed: StatsSnapshot[] = [];
    sam.desk.on('stats', (stats) => pushed.push(stats));
    await first.desk.setActivity('break');
    await until(
      () => pushed.some((s) => s.agents.some((a) => a.agentId === first.agentId && a.activity === 'break')),
      'a stats event',
    );
    expect(pushed.every((s) => s.at >= snapshot.at)).toBe(true);
  });

  it('watches a conversation read-only: its history, then the customer’s next message', async () => {
    const { chat, id } = await chatting();
    const sam = await desk('Sam', { roles: ['supervisor'], available: false });
    const watched = await sam.desk.watch(id);
    expect(watched.conversation).toMatchObject({ id, status: 'active' });
    expect(texts(watched.messages)).toEqual([
      'my card was charged twice',
      'let me pass you to a colleague',
      'double charge, refund needed',
    ]);
    expect(sam.desk.watched.map((c) => c.id)).toEqual([id]);
    expect(sam.desk.conversations).toEqual([]);
    chat.send('still waiting');
    await until(() => texts(sam.desk.messages(id)).includes('still waiting'), 'the next message at the supervisor');
    await expect(sam.desk.send(id, 'hi')).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'read_only' });
    await sam.desk.watch(id, false);
    expect(sam.desk.watched).toEqual([]);
  });

  it('monitors and watches again by itself after a reconnection', async () => {
    const { first, chat, id } = await chatting();
    const sam = await desk('Sam', { roles: ['supervisor'], available: false });
    await sam.desk.monitor();
    await sam.desk.watch(id);
    const pushed: StatsSnapshot[] = [];
    sam.desk.on('stats', (stats) => pushed.push(stats));
    const states: string[] = [];
    sam.desk.on('state', (state) => states.push(state));
    sam.sockets.at(-1)?.terminate();
    await until(() => states.includes('reconnecting') && sam.desk.state === 'open', 'the reconnection');
    await until(() => sam.sockets.length === 2 && pushed.length > 0, 'the snapshot on the new connection');
    chat.send('are you there?');
    await until(() => texts(sam.desk.messages(id)).includes('are you there?'), 'the watched message');
    await first.desk.setActivity('break');
    await until(
      () => pushed.some((s) => s.agents.some((a) => a.agentId === first.agentId && a.activity === 'break')),
      'a stats event on the new connection',
    );
  });

  it('refuses monitor and watch without the role, and another tenant’s conversation', async () => {
    const { first, id } = await chatting();
    await expect(first.desk.monitor()).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'supervisor_required' });
    await expect(first.desk.watch(id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const outsider = await desk('Olga', { roles: ['admin'], tenantId: OTHER, available: false });
    await expect(outsider.desk.watch(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(outsider.desk.watched).toEqual([]);
    const theirs = await outsider.desk.monitor();
    expect(theirs.agents.map((a) => a.agentId)).toEqual([outsider.agentId]);
  });
});
