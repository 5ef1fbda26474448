import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../clock/simulated-clock.js';
import { createHotline } from '../services/create-hotline.js';
import { createMemoryStorage } from '../storage/memory/memory-storage.js';
import { SNOOZE_TIMER } from './conversation-service.js';

const T = 'ten_acme';
const HOUR = 3_600_000;

async function snoozedConversation() {
  const clock = new SimulatedClock(Date.UTC(2026, 5, 1, 8));
  const storage = createMemoryStorage({ clock });
  const hotline = createHotline({ storage, clock });
  await hotline.start();
  const { conversation, contact } = await hotline.conversations.start({
    tenantId: T,
    channel: 'email',
    contact: { identity: { channel: 'email', address: 'ana@example.com' } },
  });
  await hotline.conversations.apply(T, conversation.id, { type: 'assign', agentId: 'agt_1' });
  const until = new Date(clock.now() + 2 * HOUR).toISOString();
  await hotline.conversations.apply(T, conversation.id, { type: 'snooze', until });
  return { clock, storage, hotline, conversation, contact };
}

describe('snooze with durable timers', () => {
  it('wakes the conversation at the snooze time, not before', async () => {
    const { clock, hotline, conversation, storage } = await snoozedConversation();
    expect(await storage.timers.get(T, `snooze:${conversation.id}`)).toMatchObject({ kind: SNOOZE_TIMER });
    await clock.advance(2 * HOUR - 1);
    expect((await hotline.conversations.get(T, conversation.id)).status).toBe('snoozed');
    await clock.advance(1);
    expect((await hotline.conversations.get(T, conversation.id)).status).toBe('active');
    expect(await storage.timers.get(T, `snooze:${conversation.id}`)).toBeUndefined();
    await hotline.stop();
  });

  it('survives a restart: a new process re-arms the wake-up from storage', async () => {
    const { clock, hotline, conversation, storage } = await snoozedConversation();
    await hotline.stop();
    const restarted = createHotline({ storage, clock });
    await restarted.start();
    await clock.advance(2 * HOUR);
    expect((await restarted.conversations.get(T, conversation.id)).status).toBe('active');
    await restarted.stop();
  });

  it('a customer reply wakes it early and cancels the timer', async () => {
    const { clock, hotline, conversation, contact, storage } = await snoozedConversation();
    await hotline.conversations.appendMessage({
      tenantId: T,
      conversationId: conversation.id,
      direction: 'inbound',
      author: { kind: 'contact', id: contact.id },
      content: { type: 'text', text: 'any news?' },
    });
    expect((await hotline.conversations.get(T, conversation.id)).status).toBe('active');
    expect(await storage.timers.get(T, `snooze:${conversation.id}`)).toBeUndefined();
    await hotline.conversations.apply(T, conversation.id, { type: 'resolve' });
    await clock.advance(3 * HOUR);
    expect((await hotline.conversations.get(T, conversation.id)).status).toBe('resolved');
    await hotline.stop();
  });
});
