import { describe, expect, it } from 'vitest';
import { createHotline } from '../services/create-hotline.js';

const T = 'ten_acme';

async function chatWithMessages(n: number) {
  const hotline = createHotline();
  const events: unknown[] = [];
  hotline.bus.subscribe('conversation.read', (event) => {
    events.push({ reader: event.reader, seq: event.seq });
  });
  const { conversation, contact } = await hotline.conversations.start({
    tenantId: T,
    channel: 'webchat',
    contact: { identity: { channel: 'webchat', address: 'visitor-1' } },
  });
  for (let i = 1; i <= n; i++) {
    await hotline.conversations.appendMessage({
      tenantId: T,
      conversationId: conversation.id,
      direction: 'inbound',
      author: { kind: 'contact', id: contact.id },
      content: { type: 'text', text: `m${i}` },
    });
  }
  return { hotline, conversation, events };
}

describe('ConversationService.markRead', () => {
  it('moves each side forward only, with one event per move', async () => {
    const { hotline, conversation, events } = await chatWithMessages(5);
    await hotline.conversations.markRead(T, conversation.id, 'agent', 3);
    await hotline.conversations.markRead(T, conversation.id, 'agent', 2);
    await hotline.conversations.markRead(T, conversation.id, 'agent', 3);
    const after = await hotline.conversations.markRead(T, conversation.id, 'contact', 5);
    expect(after.readHorizon).toEqual({ contact: 5, agent: 3 });
    expect(events).toEqual([
      { reader: 'agent', seq: 3 },
      { reader: 'contact', seq: 5 },
    ]);
  });

  it('caps a horizon beyond the newest message to it, and writes nothing when it does not move', async () => {
    const { hotline, conversation } = await chatWithMessages(2);
    const moved = await hotline.conversations.markRead(T, conversation.id, 'agent', 1_000);
    expect(moved.readHorizon).toEqual({ contact: 0, agent: 2 });
    const same = await hotline.conversations.markRead(T, conversation.id, 'agent', 1_000);
    expect(same.version).toBe(moved.version);
  });

  it('rejects bad input with VALIDATION_FAILED and an unknown conversation with NOT_FOUND', async () => {
    const { hotline, conversation } = await chatWithMessages(1);
    await expect(hotline.conversations.markRead(T, conversation.id, 'agent', -1)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(hotline.conversations.markRead(T, conversation.id, 'robot' as 'agent', 1)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(hotline.conversations.markRead(T, 'cnv_missing', 'agent', 1)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(hotline.conversations.markRead('ten_other', conversation.id, 'agent', 1)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
