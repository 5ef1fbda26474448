import type { ConversationResult, HotlineEvent } from '@hotline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayKit, startGateway, TENANT } from './test-kit.js';

let kit: GatewayKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

function recordEvents(k: GatewayKit): HotlineEvent[] {
  const events: HotlineEvent[] = [];
  k.hotline.bus.subscribe('webchat.*', (event) => {
    events.push(event);
  });
  return events;
}

describe('web chat gateway: what else a visitor can do', () => {
  it('takes an offline message: a conversation holding it, not queued, and an event for the host', async () => {
    kit = await startGateway();
    const events = recordEvents(kit);
    const { client, hello } = await kit.customer();
    const frame = {
      type: 'offline',
      key: 'form-1',
      name: 'Bo',
      email: 'bo@example.com',
      message: 'please call me back',
    };
    const { conversation } = await client.call<ConversationResult>(frame);
    const again = await client.call<ConversationResult>(frame);
    expect(again.conversation.id).toBe(conversation.id);
    expect(conversation).toMatchObject({ status: 'new', lastSeq: 1 });
    const stored = await kit.hotline.storage.conversations.get(TENANT, conversation.id);
    expect(stored?.attributes).toMatchObject({ site: 'site_acme', offline: { email: 'bo@example.com', name: 'Bo' } });
    const messages = await kit.hotline.storage.messages.list(TENANT, conversation.id);
    expect(messages.map((m) => m.content)).toEqual([{ type: 'text', text: 'please call me back' }]);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'webchat.offline_message',
        conversationId: conversation.id,
        contactId: hello.contactId,
        email: 'bo@example.com',
        name: 'Bo',
        messageId: messages[0]?.id,
      }),
    ]);
    expect(kit.engine.openTasks()).toEqual([]);
  });

  it('stores a rating on the conversation, asks for a transcript, and leaves the queue when ending', async () => {
    kit = await startGateway();
    const events = recordEvents(kit);
    const { client } = await kit.customer();
    const { conversation } = await client.call<ConversationResult>({ type: 'start', key: 'k' });
    expect(conversation.status).toBe('queued');
    expect(await client.call({ type: 'csat', conversationId: conversation.id, score: 4, comment: 'quick' })).toEqual({
      ok: true,
    });
    expect(await client.call({ type: 'transcript', conversationId: conversation.id, email: 'me@example.com' })).toEqual(
      {
        ok: true,
      },
    );
    const stored = await kit.hotline.storage.conversations.get(TENANT, conversation.id);
    expect(stored?.attributes['csat']).toMatchObject({ score: 4, comment: 'quick' });
    expect(events.map((e) => e.type)).toEqual(['webchat.csat_submitted', 'webchat.transcript_requested']);
    expect(events[1]).toMatchObject({ email: 'me@example.com', siteId: 'site_acme' });

    const ended = await client.call<ConversationResult>({ type: 'end', conversationId: conversation.id });
    expect(ended.conversation.status).toBe('abandoned');
    expect(kit.engine.openTasks()).toEqual([]);
    const refused = await client.request({
      type: 'send',
      conversationId: conversation.id,
      clientMessageId: 'late',
      content: { type: 'text', text: 'hello?' },
    });
    expect(refused.error).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
  });

  it('ends a chat with an agent into wrap-up, and tells the agent', async () => {
    kit = await startGateway();
    await kit.addAgent('agt_ana', 'Ana');
    const { client: agent } = await kit.agent('agt_ana');
    await agent.call({ type: 'activity', activity: 'available' });
    const { client } = await kit.customer();
    const { conversation } = await client.call<ConversationResult>({ type: 'start', key: 'k' });
    const { offer } = await agent.nextOfType('offer');
    await agent.call({ type: 'accept', reservationId: offer.reservationId });
    const ended = await client.call<ConversationResult>({ type: 'end', conversationId: conversation.id });
    expect(ended.conversation.status).toBe('wrap_up');
    await agent.next((f) => f.type === 'conversation' && f.conversation.status === 'wrap_up');
  });

  it('lets a visitor pick only the queues the site allows', async () => {
    kit = await startGateway({
      sites: [{ siteId: 'site_acme', tenantId: TENANT, tokenSecret: 's'.repeat(32), allowedQueueIds: ['support'] }],
    });
    const { client, hello } = await kit.customer();
    expect(hello.queueOpen).toBe(false);
    const { error } = await client.request({ type: 'start', key: 'k', queueId: 'vip' });
    expect(error).toMatchObject({ code: 'NOT_FOUND' });
    const { reply } = await client.request<ConversationResult>({ type: 'start', key: 'k2', queueId: 'support' });
    expect(reply?.conversation.status).toBe('queued');
  });
});
