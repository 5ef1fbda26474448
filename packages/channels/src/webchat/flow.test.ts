import {
  type ConversationResult,
  createHotline,
  createMemoryStorage,
  type HistoryResult,
  type SendResult,
  type ServerFrame,
  serverFrameSchema,
  type WireMessage,
  type WireOffer,
} from '@hotline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayKit, overrideStorage, startGateway, TENANT, until } from './test-kit.js';

type Frame<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

let kit: GatewayKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

describe('web chat gateway: a customer and an agent', () => {
  it('tells a reconnecting agent the activity routing resumed, not offline', async () => {
    kit = await startGateway();
    await kit.addAgent('agt_ana', 'Ana');
    const first = await kit.agent('agt_ana');
    await first.client.call({ type: 'activity', activity: 'available' });
    first.client.close();
    await until(() => kit?.dispatcher.activityOf(TENANT, 'agt_ana') === 'offline', 'the agent offline');
    const again = await kit.agent('agt_ana');
    expect(again.hello.agent.activity).toBe('available');
  });

  it('routes a new chat to an agent and carries messages, notes, typing, reads and the lifecycle', async () => {
    kit = await startGateway();
    await kit.addAgent('agt_ana', 'Ana');
    const { client: agent, hello: agentHello } = await kit.agent('agt_ana');
    expect(agentHello).toMatchObject({ v: 1, agent: { id: 'agt_ana', name: 'Ana' }, conversations: [], offers: [] });
    await agent.call({ type: 'activity', activity: 'available' });

    const { client: customer, hello } = await kit.customer();
    expect(hello).toMatchObject({ v: 1, queueOpen: true, conversations: [], heartbeatMs: 25_000 });
    expect(hello.limits).toMatchObject({ maxFrameBytes: 65_536, maxUploadBytes: 10 * 1024 * 1024 });
    expect(hello.visitorToken).toMatch(/^ey/);

    const started = await customer.call<ConversationResult>({
      type: 'start',
      key: 'k1',
      attributes: { page: { url: 'https://acme.test/pricing' }, language: 'en', prechat: { topic: 'billing' } },
    });
    const conversationId = started.conversation.id;
    expect(['queued', 'offered']).toContain(started.conversation.status);

    const { offer } = await agent.nextOfType('offer');
    expect(offer).toMatchObject<Partial<WireOffer>>({
      conversationId,
      channel: 'webchat',
      queueId: 'support',
      contact: { id: hello.contactId },
    });
    expect(offer.attributes).toMatchObject({ site: 'site_acme', page: { url: 'https://acme.test/pricing' } });

    const accepted = await agent.call<ConversationResult>({ type: 'accept', reservationId: offer.reservationId });
    expect(accepted.conversation).toMatchObject({ id: conversationId, status: 'active', agent: { name: 'Ana' } });
    expect(accepted.conversation.contact).toEqual({ id: hello.contactId });
    await agent.next((f) => f.type === 'offer_ended' && f.reason === 'accepted');
    const active = await customer.next<Frame<'conversation'>>(
      (f) => f.type === 'conversation' && f.conversation.status === 'active',
    );
    expect(active.conversation).toMatchObject({ agent: { name: 'Ana' } });
    expect(active.conversation.contact).toBeUndefined();

    const sent = await customer.call<SendResult>({
      type: 'send',
      conversationId,
      clientMessageId: 'c1',
      content: { type: 'text', text: 'my order is late' },
    });
    expect(sent).toMatchObject({ created: true, message: { seq: 1, clientMessageId: 'c1', direction: 'inbound' } });
    const pushed = await agent.nextOfType('message');
    expect(pushed.message).toEqual(sent.message);
    // The ack and the push are built from one encoding of the message: both are still protocol frames.
    for (const frame of [...customer.frames.filter((f) => f.type === 'reply'), pushed]) {
      expect(serverFrameSchema.safeParse(frame).success).toBe(true);
    }

    await agent.call({
      type: 'send',
      conversationId,
      clientMessageId: 'n1',
      note: true,
      content: { type: 'text', text: 'vip' },
    });
    const reply = await agent.call<SendResult>({
      type: 'send',
      conversationId,
      clientMessageId: 'a1',
      content: { type: 'text', text: 'let me check' },
    });
    expect(reply.message).toMatchObject({ seq: 3, author: { kind: 'agent', name: 'Ana' }, direction: 'outbound' });
    const toCustomer = await customer.nextOfType('message');
    expect(toCustomer.message.seq).toBe(3);
    expect(customer.ofType('message').map((f) => f.message.direction)).not.toContain('note');

    customer.send({ type: 'typing', conversationId, on: true });
    expect(await agent.nextOfType('typing')).toEqual({
      type: 'typing',
      conversationId,
      author: { kind: 'contact' },
      on: true,
    });
    agent.send({ type: 'typing', conversationId, on: true });
    expect(await customer.nextOfType('typing')).toEqual({
      type: 'typing',
      conversationId,
      author: { kind: 'agent', name: 'Ana' },
      on: true,
    });

    agent.send({ type: 'read', conversationId, seq: 1 });
    expect(await customer.nextOfType('read')).toEqual({ type: 'read', conversationId, read: { contact: 0, agent: 1 } });
    customer.send({ type: 'read', conversationId, seq: 3 });
    expect((await agent.nextOfType('read')).read).toEqual({ contact: 3, agent: 1 });

    const history = await customer.call<HistoryResult>({ type: 'history', conversationId });
    expect(history.messages.map((m: WireMessage) => m.seq)).toEqual([1, 3]);
    expect(history.more).toBe(false);
    const agentHistory = await agent.call<HistoryResult>({ type: 'history', conversationId, afterSeq: 0 });
    expect(agentHistory.messages.map((m) => m.direction)).toEqual(['inbound', 'note', 'outbound']);

    const ended = await agent.call<ConversationResult>({ type: 'end', conversationId });
    expect(ended.conversation.status).toBe('wrap_up');
    await customer.next((f) => f.type === 'conversation' && f.conversation.status === 'wrap_up');
    const resolved = await agent.call<ConversationResult>({ type: 'resolve', conversationId });
    expect(resolved.conversation.status).toBe('resolved');
    await customer.next((f) => f.type === 'conversation' && f.conversation.status === 'resolved');
    expect(kit.errors).toEqual([]);
  });

  it('answers a resend with the stored message and pushes it once', async () => {
    kit = await startGateway();
    await kit.addAgent('agt_ana', 'Ana');
    const { client: agent } = await kit.agent('agt_ana');
    await agent.call({ type: 'activity', activity: 'available' });
    const { client: customer } = await kit.customer();
    const { conversation } = await customer.call<ConversationResult>({ type: 'start', key: 'k1' });
    const { offer } = await agent.nextOfType('offer');
    await agent.call({ type: 'accept', reservationId: offer.reservationId });

    const frame = {
      type: 'send',
      conversationId: conversation.id,
      clientMessageId: 'same',
      content: { type: 'text', text: 'hi' },
    };
    const first = await customer.call<SendResult>(frame);
    const again = await customer.call<SendResult>(frame);
    expect(again).toEqual({ message: first.message, created: false });
    await customer.call({
      type: 'send',
      conversationId: conversation.id,
      clientMessageId: 'next',
      content: { type: 'text', text: 'x' },
    });
    await agent.next((f) => f.type === 'message' && f.message.clientMessageId === 'next');
    expect(agent.ofType('message').map((f) => f.message.seq)).toEqual([1, 2]);
    const stored = await kit.hotline.storage.messages.list('ten_acme', conversation.id);
    expect(stored.map((m) => m.clientMessageId)).toEqual(['same', 'next']);
  });

  it('spares the sender when the bus copy of its message wins the race against its own push', async () => {
    const inner = createMemoryStorage();
    let slow = false;
    const storage = overrideStorage(inner, {
      // A customer's reply to a pending conversation reopens it, after the message event: make that write slow.
      transaction: async (fn) => {
        if (slow) await new Promise((resolve) => setTimeout(resolve, 50));
        return inner.transaction(fn);
      },
    });
    kit = await startGateway({ hotline: createHotline({ storage }) });
    await kit.addAgent('agt_ana', 'Ana');
    const { client: agent } = await kit.agent('agt_ana');
    await agent.call({ type: 'activity', activity: 'available' });
    const { client: tab1, hello } = await kit.customer();
    const { client: tab2 } = await kit.customer({ visitorToken: hello.visitorToken });
    const { conversation } = await tab1.call<ConversationResult>({ type: 'start', key: 'k' });
    const { offer } = await agent.nextOfType('offer');
    await agent.call({ type: 'accept', reservationId: offer.reservationId });
    await kit.hotline.conversations.apply('ten_acme', conversation.id, { type: 'await_customer' });
    slow = true;
    const sent = await tab1.call<SendResult>({
      type: 'send',
      conversationId: conversation.id,
      clientMessageId: 'c1',
      content: { type: 'text', text: 'back again' },
    });
    slow = false;
    expect((await agent.nextOfType('message')).message).toEqual(sent.message);
    expect((await tab2.nextOfType('message')).message).toEqual(sent.message);
    await tab1.call({ type: 'ping', id: 'sync' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(agent.ofType('message')).toHaveLength(1);
    expect(tab2.ofType('message')).toHaveLength(1);
    expect(tab1.ofType('message')).toEqual([]);
  });

  it('starts once per key, and a second tab of the visitor follows the conversation', async () => {
    kit = await startGateway();
    const { client: tab1, hello } = await kit.customer();
    const { client: tab2 } = await kit.customer({ visitorToken: hello.visitorToken });
    const a = await tab1.call<ConversationResult>({ type: 'start', key: 'once' });
    const b = await tab1.call<ConversationResult>({ type: 'start', key: 'once' });
    expect(b.conversation.id).toBe(a.conversation.id);
    const listed = await kit.hotline.storage.conversations.list('ten_acme', { contactIds: [hello.contactId] });
    expect(listed.items).toHaveLength(1);

    const sent = await tab1.call<SendResult>({
      type: 'send',
      conversationId: a.conversation.id,
      clientMessageId: 'm1',
      content: { type: 'text', text: 'from tab 1' },
    });
    const mirrored = await tab2.nextOfType('message');
    expect(mirrored.message).toEqual(sent.message);
    expect(tab1.ofType('message')).toEqual([]);
  });
});
