import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ConversationResult,
  type CustomerHelloResult,
  createHotline,
  createMemoryStorage,
  type EventBus,
  type EventHandler,
  type EventInput,
  type EventPattern,
  type EventsMatching,
  type HotlineEvent,
  InMemoryEventBus,
  isoNow,
  newId,
  type SendResult,
  systemClock,
} from '@hotline/core';
import { createConversationDispatcher, RoutingEngine } from '@hotline/routing';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryBlobStore } from '../blob/blob-store.js';
import { signAgentToken } from './agent-tokens.js';
import { createWebchatGateway, type WebchatGateway } from './gateway.js';
import { AGENT_SECRET, agentRecord, SITE, TENANT, TestClient, TOKEN_SECRET } from './test-kit.js';

/**
 * A bus shared by "processes" the way LISTEN/NOTIFY is: every event reaches every bus,
 * the publisher's own included, a moment later and never during `publish`.
 */
class LinkedBus implements EventBus {
  private readonly local = new InMemoryEventBus();
  constructor(private readonly peers: LinkedBus[]) {
    peers.push(this);
  }
  async publish<E extends EventInput>(input: E): Promise<HotlineEvent> {
    const event = { ...input, id: input.id ?? newId('event'), at: input.at ?? isoNow(systemClock) } as HotlineEvent;
    for (const peer of this.peers) setTimeout(() => peer.local.deliver(event), 2);
    return event;
  }
  subscribe<P extends EventPattern>(pattern: P, handler: EventHandler<EventsMatching<P>>) {
    return this.local.subscribe(pattern, handler);
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function listen(gatewayOf: (server: Server) => WebchatGateway) {
  const server = createServer((_req, res) => res.writeHead(404).end());
  const gateway = gatewayOf(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  cleanups.push(async () => {
    await gateway.close({ graceMs: 100 });
    server.closeAllConnections();
    server.close();
  });
  return `ws://127.0.0.1:${port}${gateway.path}`;
}

describe('web chat gateway: two processes on one database', () => {
  it('carries messages, typing, reads and status between gateways through the bus, each once', async () => {
    const storage = createMemoryStorage();
    const peers: LinkedBus[] = [];
    const a = createHotline({ storage, bus: new LinkedBus(peers) });
    const b = createHotline({ storage, bus: new LinkedBus(peers) });
    const engine = new RoutingEngine({ tenantId: TENANT });
    engine.defineQueue({ id: 'support' });
    // Routing runs in process B; both gateways talk to it (as to a routing leader).
    const dispatcher = createConversationDispatcher({ hotline: b, engines: [engine] });
    cleanups.push(() => dispatcher.close());
    const errors: unknown[] = [];
    const common = {
      dispatcher,
      sites: [{ siteId: SITE, tenantId: TENANT, tokenSecret: TOKEN_SECRET, queueId: 'support' }],
      agentSecret: AGENT_SECRET,
      blobStore: createMemoryBlobStore(),
      onError: (error: unknown) => errors.push(error),
    };
    const urlA = await listen((server) => createWebchatGateway({ ...common, hotline: a, server }));
    const urlB = await listen((server) => createWebchatGateway({ ...common, hotline: b, server }));

    await storage.agents.create(agentRecord('agt_ana', 'Ana', TENANT, Date.now()));
    const agent = await TestClient.open(`${urlB}/agent`);
    await agent.call({
      type: 'hello',
      v: 1,
      agentToken: await signAgentToken({ agentId: 'agt_ana', tenantId: TENANT }, AGENT_SECRET),
    });
    await agent.call({ type: 'activity', activity: 'available' });

    const tabA = await TestClient.open(urlA);
    const hello = await tabA.call<CustomerHelloResult>({ type: 'hello', v: 1, siteId: SITE });
    const tabB = await TestClient.open(urlB);
    await tabB.call({ type: 'hello', v: 1, siteId: SITE, visitorToken: hello.visitorToken });
    const { conversation } = await tabA.call<ConversationResult>({ type: 'start', key: 'k' });
    const conversationId = conversation.id;

    const { offer } = await agent.nextOfType('offer');
    await agent.call({ type: 'accept', reservationId: offer.reservationId });
    await tabA.next((f) => f.type === 'conversation' && f.conversation.status === 'active');
    await tabB.next((f) => f.type === 'conversation' && f.conversation.status === 'active');

    const sent = await tabA.call<SendResult>({
      type: 'send',
      conversationId,
      clientMessageId: 'c1',
      content: { type: 'text', text: 'from process A' },
    });
    expect((await agent.nextOfType('message')).message).toEqual(sent.message);
    expect((await tabB.nextOfType('message')).message).toEqual(sent.message);
    const reply = await agent.call<SendResult>({
      type: 'send',
      conversationId,
      clientMessageId: 'r1',
      content: { type: 'text', text: 'from process B' },
    });
    expect((await tabA.nextOfType('message')).message).toEqual(reply.message);
    expect((await tabB.nextOfType('message')).message).toEqual(reply.message);

    tabA.send({ type: 'typing', conversationId, on: true });
    expect(await agent.nextOfType('typing')).toMatchObject({ author: { kind: 'contact' }, on: true });
    agent.send({ type: 'read', conversationId, seq: 1 });
    expect((await tabA.nextOfType('read')).read).toEqual({ contact: 0, agent: 1 });

    // Let late bus deliveries land, then count: every frame once.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(agent.ofType('message').map((f) => f.message.seq)).toEqual([1]);
    expect(tabA.ofType('message').map((f) => f.message.seq)).toEqual([2]);
    expect(tabB.ofType('message').map((f) => f.message.seq)).toEqual([1, 2]);
    expect(agent.ofType('typing')).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
