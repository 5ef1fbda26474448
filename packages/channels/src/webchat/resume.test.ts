import { type ConversationResult, createHotline, createMemoryStorage, type ServerFrame } from '@hotline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayKit, overrideStorage, startGateway, TENANT, TestClient } from './test-kit.js';

const GENEROUS = { messagesPerSecond: 1000, messageBurst: 1000, framesPerSecond: 1000, frameBurst: 1000 };

let kit: GatewayKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

/** Seqs a client has received for a conversation, in arrival order, from `messages` pages and live `message` frames. */
function seqsOf(client: TestClient, conversationId: string): number[] {
  const seqs: number[] = [];
  for (const frame of client.frames as ServerFrame[]) {
    if (frame.type === 'messages' && frame.conversationId === conversationId)
      seqs.push(...frame.messages.map((m) => m.seq));
    if (frame.type === 'message' && frame.message.conversationId === conversationId) seqs.push(frame.message.seq);
  }
  return seqs;
}

async function chatWithAgent(k: GatewayKit) {
  await k.addAgent('agt_ana', 'Ana');
  const { client: agent } = await k.agent('agt_ana');
  await agent.call({ type: 'activity', activity: 'available' });
  const { client: customer, hello } = await k.customer();
  const { conversation } = await customer.call<ConversationResult>({ type: 'start', key: 'k' });
  const { offer } = await agent.nextOfType('offer');
  await agent.call({ type: 'accept', reservationId: offer.reservationId });
  return { agent, customer, hello, conversationId: conversation.id };
}

describe('web chat gateway: resume', () => {
  it('loses nothing and repeats nothing across a reconnect while the agent keeps writing', async () => {
    kit = await startGateway({ gateway: { limits: GENEROUS } });
    const { agent, customer, hello, conversationId } = await chatWithAgent(kit);
    const say = (id: string) =>
      agent.call({ type: 'send', conversationId, clientMessageId: id, content: { type: 'text', text: id } });
    await say('a1');
    await say('a2');
    await customer.next((f) => f.type === 'message' && f.message.seq === 2);
    customer.socket.terminate();
    await customer.closed;
    for (let i = 3; i <= 10; i++) await say(`a${i}`);

    // The agent keeps writing while the visitor reconnects and resumes.
    const burst = (async () => {
      for (let i = 11; i <= 60; i++) await say(`a${i}`);
    })();
    const { client: again, hello: rehello } = await kit.customer({
      visitorToken: hello.visitorToken,
      resume: [{ conversationId, afterSeq: 2 }],
    });
    expect(rehello.contactId).toBe(hello.contactId);
    expect(rehello.conversations.map((c) => c.id)).toEqual([conversationId]);
    await burst;
    await again.next((f) => f.type === 'message' && f.message.seq === 60).catch(() => undefined);
    const seqs = seqsOf(again, conversationId);
    expect(seqs).toEqual(Array.from({ length: 58 }, (_, i) => i + 3));
    // The resume pages came before any live message of that conversation.
    const firstLive = again.frames.findIndex((f) => f.type === 'message');
    const lastPage = again.frames.findLastIndex((f) => f.type === 'messages');
    expect(firstLive === -1 || firstLive > lastPage).toBe(true);
  });

  it.each([
    ['after', 'holds a live message that comes while the page is on its way, then sends it after the page'],
    ['before', 'drops a held live message that the page already carried'],
  ] as const)('gate %s the page read: %s', async (where, _title) => {
    let gate: Promise<void> | undefined;
    let openGate = () => {};
    const inner = createMemoryStorage();
    const storage = overrideStorage(inner, {
      messages: {
        list: async (...args) => {
          const waiting = gate;
          if (!waiting) return inner.messages.list(...args);
          gate = undefined;
          if (where === 'before') await waiting;
          const page = await inner.messages.list(...args);
          if (where === 'after') await waiting;
          return page;
        },
      },
    });
    kit = await startGateway({ hotline: createHotline({ storage }) });
    const { agent, customer, hello, conversationId } = await chatWithAgent(kit);
    const say = (id: string) =>
      agent.call({ type: 'send', conversationId, clientMessageId: id, content: { type: 'text', text: id } });
    customer.socket.terminate();
    await customer.closed;
    await say('a1');
    gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const { client } = await kit.customer({
      visitorToken: hello.visitorToken,
      resume: [{ conversationId, afterSeq: 0 }],
    });
    await say('a2');
    openGate();
    await client.next((f) => f.type === 'messages' && !f.more);
    await client.next((f) => f.type === 'message' && f.message.seq === 2, 300).catch(() => undefined);
    const page = client.ofType('messages')[0];
    expect(page?.messages.map((m) => m.seq)).toEqual(where === 'after' ? [1] : [1, 2]);
    expect(seqsOf(client, conversationId)).toEqual([1, 2]);
  });

  it('sends a long backlog in pages of 100, oldest first, `more` until the last', async () => {
    kit = await startGateway();
    const { customer, hello, conversationId } = await chatWithAgent(kit);
    customer.close();
    for (let i = 1; i <= 230; i++) {
      await kit.hotline.conversations.appendMessage({
        tenantId: TENANT,
        conversationId,
        direction: i % 10 === 0 ? 'note' : 'outbound',
        author: { kind: 'agent', id: 'agt_ana' },
        content: { type: 'text', text: `m${i}` },
      });
    }
    const { client } = await kit.customer({
      visitorToken: hello.visitorToken,
      resume: [{ conversationId, afterSeq: 0 }],
    });
    const pages: Extract<ServerFrame, { type: 'messages' }>[] = [];
    for (;;) {
      const page = await client.nextOfType('messages');
      pages.push(page);
      if (!page.more) break;
    }
    expect(pages.map((p) => p.more)).toEqual([true, true, false]);
    const seqs = pages.flatMap((p) => p.messages.map((m) => m.seq));
    // Notes (every tenth) never reach the customer.
    expect(seqs).toEqual(Array.from({ length: 230 }, (_, i) => i + 1).filter((s) => s % 10 !== 0));
    expect(pages[0]?.messages[0]?.seq).toBe(1);
  });

  it('resumes an agent too, and an empty resume still says it is done', async () => {
    kit = await startGateway();
    const { agent, conversationId } = await chatWithAgent(kit);
    agent.socket.terminate();
    await agent.closed;
    const { client, hello } = await kit.agent('agt_ana');
    expect(hello.conversations.map((c) => c.id)).toEqual([conversationId]);
    client.close();
    const token = await kit.agentToken('agt_ana');
    const resumed = await TestClient.open(kit.agentUrl);
    await resumed.call({ type: 'hello', v: 1, agentToken: token, resume: [{ conversationId, afterSeq: 0 }] });
    expect(await resumed.nextOfType('messages')).toEqual({
      type: 'messages',
      conversationId,
      messages: [],
      more: false,
    });
    resumed.close();
  });
});
