import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../clock/simulated-clock.js';
import type { HotlineEvent } from '../events/event-map.js';
import { createHotline } from '../services/create-hotline.js';

const T = 'ten_acme';
const visitor = { identity: { channel: 'webchat' as const, address: 'visitor-1' } };
const text = (t: string) => ({ type: 'text' as const, text: t });

function setup() {
  const clock = new SimulatedClock(Date.UTC(2026, 3, 1, 9));
  const hotline = createHotline({ clock });
  const events: HotlineEvent[] = [];
  hotline.bus.subscribe('*', (event) => {
    events.push(event);
  });
  return { hotline, events, clock };
}

async function startChat(hotline: ReturnType<typeof setup>['hotline']) {
  const { conversation, contact } = await hotline.conversations.start({
    tenantId: T,
    channel: 'webchat',
    contact: visitor,
  });
  const say = (body: string, extra: Record<string, unknown> = {}) =>
    hotline.conversations.appendMessage({
      tenantId: T,
      conversationId: conversation.id,
      direction: 'inbound',
      author: { kind: 'contact', id: contact.id },
      content: text(body),
      ...extra,
    });
  const reply = (body: string) =>
    hotline.conversations.appendMessage({
      tenantId: T,
      conversationId: conversation.id,
      direction: 'outbound',
      author: { kind: 'agent', id: 'agt_1' },
      content: text(body),
    });
  return { conversation, contact, say, reply };
}

describe('ConversationService', () => {
  it('starts a conversation with a contact found or created by identity', async () => {
    const { hotline, events } = setup();
    const { conversation, contact, created } = await hotline.conversations.start({
      tenantId: T,
      channel: 'webchat',
      contact: { ...visitor, name: 'Ana' },
      attributes: { page: '/pricing' },
      tags: ['sales'],
    });
    expect(created).toBe(true);
    expect(contact.name).toBe('Ana');
    expect(conversation).toMatchObject({
      status: 'new',
      channel: 'webchat',
      contactId: contact.id,
      version: 1,
      legs: [{ channel: 'webchat', address: 'visitor-1' }],
      participants: [{ kind: 'contact', id: contact.id, role: 'primary' }],
      attributes: { page: '/pricing' },
      tags: ['sales'],
      createdAt: '2026-04-01T09:00:00.000Z',
    });
    expect(events.map((e) => e.type)).toEqual(['contact.created', 'conversation.created']);
    const second = await hotline.conversations.start({
      tenantId: T,
      channel: 'email',
      contact: { contactId: contact.id },
    });
    expect(second.contact.id).toBe(contact.id);
  });

  it('start with a caller id is idempotent', async () => {
    const { hotline } = setup();
    const input = { tenantId: T, id: 'cnv_client_1', channel: 'webchat' as const, contact: visitor };
    const results = await Promise.all([hotline.conversations.start(input), hotline.conversations.start(input)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results[0]?.conversation.id).toBe(results[1]?.conversation.id);
  });

  it('appends messages with gap-free seq, deduplicating retries by clientMessageId and providerMessageId', async () => {
    const { hotline, events } = setup();
    const { conversation, say, reply } = await startChat(hotline);
    const first = await say('hello', { clientMessageId: 'c-1' });
    const retry = await say('hello (retried)', { clientMessageId: 'c-1' });
    const second = await reply('hi, how can I help?');
    const wa = await say('from the provider', { providerMessageId: 'wamid.1', channel: 'whatsapp' });
    const waRetry = await say('from the provider', { providerMessageId: 'wamid.1', channel: 'whatsapp' });
    expect([first.message.seq, retry.message.seq, second.message.seq, wa.message.seq]).toEqual([1, 1, 2, 3]);
    expect([first.created, retry.created, waRetry.created]).toEqual([true, false, false]);
    expect(retry.message.content).toEqual(text('hello'));
    expect(first.message.status).toBe('delivered');
    expect(second.message.status).toBe('pending');
    expect(events.filter((e) => e.type.startsWith('message.')).map((e) => e.type)).toEqual([
      'message.received',
      'message.sent',
      'message.received',
    ]);
    const listed = await hotline.conversations.listMessages(T, conversation.id, { afterSeq: 1 });
    expect(listed.map((m) => m.seq)).toEqual([2, 3]);
  });

  it('concurrent appends through the service are gap-free', async () => {
    const { hotline } = setup();
    const { conversation, say } = await startChat(hotline);
    await Promise.all(Array.from({ length: 300 }, (_, i) => say(`m${i}`, { clientMessageId: `c-${i % 250}` })));
    const messages = await hotline.conversations.listMessages(T, conversation.id, { limit: 1000 });
    expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
  });

  it('moves through the lifecycle and emits status changes', async () => {
    const { hotline, events } = setup();
    const { conversation } = await startChat(hotline);
    const id = conversation.id;
    await hotline.conversations.apply(T, id, { type: 'enqueue', queueId: 'que_support' });
    await hotline.conversations.apply(T, id, { type: 'offer', agentId: 'agt_1' });
    const active = await hotline.conversations.apply(T, id, { type: 'accept', agentId: 'agt_1' });
    expect(active).toMatchObject({ status: 'active', assigneeId: 'agt_1', queueId: 'que_support', version: 4 });
    expect(active.offeredTo).toBeUndefined();
    expect(active.participants.map((p) => `${p.kind}:${p.id}`)).toEqual([
      `contact:${conversation.contactId}`,
      'agent:agt_1',
    ]);
    await hotline.conversations.apply(T, id, { type: 'end' });
    const resolved = await hotline.conversations.apply(T, id, { type: 'resolve' });
    expect(resolved.resolvedAt).toBe('2026-04-01T09:00:00.000Z');
    expect(
      events
        .filter((e) => e.type === 'conversation.status_changed')
        .map((e) => (e as HotlineEvent<'conversation.status_changed'>).to),
    ).toEqual(['queued', 'offered', 'active', 'wrap_up', 'resolved']);
  });

  it('a customer reply reopens resolved, resumes pending and wakes snoozed conversations', async () => {
    const { hotline } = setup();
    const { conversation, say } = await startChat(hotline);
    const id = conversation.id;
    await hotline.conversations.apply(T, id, { type: 'assign', agentId: 'agt_1' });
    await hotline.conversations.apply(T, id, { type: 'await_customer' });
    expect((await say('I am back')).conversation.status).toBe('active');
    await hotline.conversations.apply(T, id, { type: 'snooze', until: '2026-04-02T09:00:00.000Z' });
    const woken = (await say('any news?')).conversation;
    expect(woken.status).toBe('active');
    expect(woken.snoozeUntil).toBeUndefined();
    await hotline.conversations.apply(T, id, { type: 'resolve' });
    const reopened = (await say('it broke again')).conversation;
    expect(reopened).toMatchObject({ status: 'active', reopenCount: 1, assigneeId: 'agt_1' });
    expect(reopened.resolvedAt).toBeUndefined();
  });

  it('rejects illegal transitions and stale versions without changing anything', async () => {
    const { hotline } = setup();
    const { conversation } = await startChat(hotline);
    const id = conversation.id;
    await expect(hotline.conversations.apply(T, id, { type: 'accept', agentId: 'agt_1' })).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      details: { from: 'new', event: 'accept' },
    });
    await hotline.conversations.apply(T, id, { type: 'enqueue' });
    await expect(
      hotline.conversations.apply(T, id, { type: 'start_bot' }, { expectedVersion: 1 }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(hotline.conversations.apply(T, id, { type: 'nonsense' } as never)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      hotline.conversations.apply(T, id, { type: 'transfer', queueId: 'q', agentId: 'a' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await hotline.conversations.get(T, id)).toMatchObject({ status: 'queued', version: 2 });
    expect(await hotline.conversations.can(T, id, { type: 'offer', agentId: 'agt_2' })).toBe(true);
  });

  it('two agents accepting at once: one wins, the other gets a typed error', async () => {
    const { hotline } = setup();
    const { conversation } = await startChat(hotline);
    const id = conversation.id;
    await hotline.conversations.apply(T, id, { type: 'enqueue' });
    const queued = await hotline.conversations.apply(T, id, { type: 'offer', agentId: 'agt_1' });
    const results = await Promise.allSettled([
      hotline.conversations.apply(T, id, { type: 'accept', agentId: 'agt_1' }, { expectedVersion: queued.version }),
      hotline.conversations.apply(T, id, { type: 'reject' }, { expectedVersion: queued.version }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('a chat that becomes a call keeps one conversation and one history', async () => {
    const { hotline, events } = setup();
    const { conversation, say } = await startChat(hotline);
    await say('can you call me?');
    const withCall = await hotline.conversations.addLeg(T, conversation.id, {
      channel: 'voice',
      address: '+14155550100',
      externalRef: 'call-id-1',
    });
    expect(withCall.channel).toBe('voice');
    expect(withCall.legs.map((l) => l.channel)).toEqual(['webchat', 'voice']);
    const voiceLeg = withCall.legs[1] as (typeof withCall.legs)[number];
    const event = await hotline.conversations.appendMessage({
      tenantId: T,
      conversationId: conversation.id,
      direction: 'system',
      author: { kind: 'system' },
      content: { type: 'event', name: 'call.answered', data: { agentId: 'agt_1' } },
    });
    expect(event.message).toMatchObject({ seq: 2, channel: 'voice', legId: voiceLeg.id, status: 'sent' });
    const ended = await hotline.conversations.endLeg(T, conversation.id, voiceLeg.id);
    expect(ended.legs[1]?.endedAt).toBeDefined();
    expect((await hotline.conversations.endLeg(T, conversation.id, voiceLeg.id)).version).toBe(ended.version);
    expect(events.map((e) => e.type)).toContain('conversation.leg_ended');
    await expect(
      hotline.conversations.appendMessage({
        tenantId: T,
        conversationId: conversation.id,
        direction: 'inbound',
        author: { kind: 'contact' },
        content: text('x'),
        legId: 'leg_of_someone_else',
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('closed conversations take no new messages but still answer retries', async () => {
    const { hotline } = setup();
    const { conversation, say } = await startChat(hotline);
    await say('bye', { clientMessageId: 'last' });
    await hotline.conversations.apply(T, conversation.id, { type: 'abandon' });
    await hotline.conversations.apply(T, conversation.id, { type: 'close' });
    expect((await say('bye', { clientMessageId: 'last' })).created).toBe(false);
    await expect(say('hello again')).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
  });

  it('message status only moves forward and emits once per change', async () => {
    const { hotline, events } = setup();
    const { reply } = await startChat(hotline);
    const { message } = await reply('hi');
    await hotline.conversations.updateMessageStatus(T, message.id, 'read');
    const late = await hotline.conversations.updateMessageStatus(T, message.id, 'delivered');
    expect(late.status).toBe('read');
    expect(events.filter((e) => e.type === 'message.status_changed')).toHaveLength(1);
    await expect(hotline.conversations.updateMessageStatus(T, message.id, 'seen' as never)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('hostile input gets typed errors and never crosses tenants', async () => {
    const { hotline } = setup();
    const { conversation, contact } = await startChat(hotline);
    const base = {
      tenantId: T,
      conversationId: conversation.id,
      direction: 'inbound' as const,
      author: { kind: 'contact' as const, id: contact.id },
    };
    const bad = [
      { ...base, content: text('x'.repeat(40_000)) },
      { ...base, content: { type: 'text', text: '' } },
      { ...base, content: { type: 'script', code: 'alert(1)' } },
      { ...base, direction: 'sideways' },
      { ...base, clientMessageId: 'x'.repeat(500), content: text('hi') },
      { ...base, tenantId: '../../etc/passwd', content: text('hi') },
      { ...base, metadata: { ['__proto__']: 1, big: 'x'.repeat(20_000) }, content: text('hi') },
      null,
      'hello',
    ];
    for (const input of bad) {
      await expect(hotline.conversations.appendMessage(input as never)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    }
    await expect(
      hotline.conversations.appendMessage({ ...base, tenantId: 'ten_other', content: text('hi') }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(hotline.conversations.apply('ten_other', conversation.id, { type: 'enqueue' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      hotline.conversations.start({ tenantId: 'ten_other', channel: 'webchat', contact: { contactId: contact.id } }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await hotline.conversations.listMessages(T, conversation.id)).toEqual([]);
    expect((await hotline.conversations.get(T, conversation.id)).version).toBe(1);
  });

  it('builds a customer timeline across channels and merged contacts', async () => {
    const { hotline, clock } = setup();
    const chat = await startChat(hotline);
    await chat.say('where is my order?');
    clock.set(clock.now() + 60_000);
    const call = await hotline.conversations.start({
      tenantId: T,
      channel: 'voice',
      contact: { identity: { channel: 'phone', address: '+14155550100' } },
    });
    await hotline.conversations.appendMessage({
      tenantId: T,
      conversationId: call.conversation.id,
      direction: 'system',
      author: { kind: 'system' },
      content: { type: 'event', name: 'call.ended', data: { seconds: 42 } },
    });
    await hotline.contacts.merge(T, { survivorId: chat.contact.id, mergedId: call.contact.id });
    const timeline = await hotline.contacts.timeline(T, call.contact.id);
    expect(timeline.contact.id).toBe(chat.contact.id);
    expect(timeline.contactIds).toEqual([chat.contact.id, call.contact.id]);
    expect(timeline.items.map((i) => `${i.kind}:${i.channel}`)).toEqual([
      'conversation:webchat',
      'message:webchat',
      'conversation:voice',
      'message:voice',
    ]);
  });
});
