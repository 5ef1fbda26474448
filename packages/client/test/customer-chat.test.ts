import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type ChatMessage,
  ClientError,
  type ConnectionState,
  CustomerChat,
  type CustomerChatOptions,
} from '../src/index.js';
import { FakeGateway } from './fake-gateway.js';
import { ManualTimers, MemoryStorage, network, until } from './helpers.js';

let gateway: FakeGateway;
const open: CustomerChat[] = [];

beforeAll(async () => {
  gateway = await new FakeGateway().start();
});
afterEach(() => {
  for (const chat of open.splice(0)) chat.close();
  gateway.dropAll();
  gateway.loseAcks = false;
  gateway.ackDelayMs = 0;
  gateway.heartbeatMs = 25_000;
  gateway.ignore.clear();
  gateway.received.length = 0;
  vi.unstubAllGlobals();
});
afterAll(async () => {
  await gateway.close();
});

function chatWith(options: Partial<CustomerChatOptions> = {}) {
  const net = network();
  const storage = new MemoryStorage();
  const chat = new CustomerChat({
    url: gateway.url,
    siteId: 'site_test',
    WebSocket: net.WebSocket,
    storage,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100, jitter: 0.5 },
    ...options,
  });
  open.push(chat);
  return { chat, net, storage: (options.storage as MemoryStorage | undefined) ?? storage };
}

const texts = (messages: readonly ChatMessage[]) =>
  messages.map((m) => (m.content.type === 'text' ? m.content.text : m.content.type));
const allSent = (chat: CustomerChat) => chat.messages.every((m) => m.status === 'sent');

/** Every message once: no id and no clientMessageId twice. */
function expectEachOnce(messages: readonly ChatMessage[]) {
  const keys = messages.map((m) => m.id);
  expect(new Set(keys).size).toBe(keys.length);
  const cids = messages.flatMap((m) => (m.clientMessageId ? [m.clientMessageId] : []));
  expect(new Set(cids).size).toBe(cids.length);
}

describe('CustomerChat', () => {
  it('connects, starts one conversation however often asked, and shows a sent message once', async () => {
    const { chat } = chatWith();
    const states: ConnectionState[] = [];
    chat.on('state', (state) => states.push(state));
    await chat.connect();
    expect(chat.state).toBe('open');
    expect(chat.queueOpen).toBe(true);
    expect(chat.limits?.maxTextLength).toBe(4000);
    expect(chat.visitorId).toMatch(/^v_ct_/);
    const [a, b] = await Promise.all([chat.start(), chat.start()]);
    expect(a.id).toBe(b.id);
    expect(await chat.start()).toBe(chat.conversation);
    const sent = chat.send('Hello');
    expect(sent.status).toBe('pending');
    expect(chat.messages).toHaveLength(1);
    const stored = await sent.acked;
    expect(stored).toMatchObject({ seq: 1, clientMessageId: sent.clientMessageId });
    expect(chat.messages).toEqual([expect.objectContaining({ id: stored.id, status: 'sent', local: true })]);
    expect(gateway.sendsOf(sent.clientMessageId as string)).toBe(1);
    expect(states).toEqual(['connecting', 'open']);
  });

  it('writes nothing to storage before connect(), not even to the default localStorage', async () => {
    const local = new MemoryStorage();
    vi.stubGlobal('localStorage', local);
    const net = network();
    const chat = new CustomerChat({ url: gateway.url, siteId: 'site_test', WebSocket: net.WebSocket });
    open.push(chat);
    chat.on('message', () => {});
    chat.send('typed before opening');
    chat.setTyping(true);
    void chat.markRead();
    expect(chat.messages).toHaveLength(1);
    expect(local.reads + local.writes).toBe(0);
    await chat.connect();
    await until(() => allSent(chat), 'the early message to be sent');
    expect(local.writes).toBeGreaterThan(0);
    expect(local.saved().token).toMatch(/^h\./);
  });

  it('resumes after a dropped connection: messages sent meanwhile on both sides, none lost, none doubled', async () => {
    const { chat, net } = chatWith();
    await chat.connect();
    const conversation = await chat.start();
    await chat.send('one').acked;
    net.offline = true;
    gateway.dropAll();
    await until(() => chat.state === 'reconnecting', 'reconnecting');
    const two = chat.send('two');
    const three = chat.send('three');
    gateway.agentSay(conversation.id, 'agent 1');
    gateway.agentSay(conversation.id, 'agent 2');
    expect(texts(chat.messages)).toEqual(['one', 'two', 'three']);
    net.offline = false;
    await Promise.all([two.acked, three.acked]);
    await until(() => chat.messages.length === 5 && allSent(chat), 'five stored messages');
    expect(texts(chat.messages)).toEqual(['one', 'agent 1', 'agent 2', 'two', 'three']);
    expect(chat.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expectEachOnce(chat.messages);
    expect(gateway.conversations.get(conversation.id)?.messages).toHaveLength(5);
    expect(gateway.sendsOf(two.clientMessageId as string)).toBe(1);
    // The resume asked from the last seq held.
    const hellos = gateway.framesOf('hello');
    expect(hellos.at(-1)?.['resume']).toEqual([{ conversationId: conversation.id, afterSeq: 1 }]);
  });

  it('keeps unsent messages across a reload while offline and resends them with the same clientMessageId', async () => {
    const first = chatWith();
    await first.chat.connect();
    const conversation = await first.chat.start();
    await first.chat.send('before').acked;
    first.net.offline = true;
    gateway.dropAll();
    const unsent = first.chat.send('written offline');
    const cid = unsent.clientMessageId as string;
    expect(first.storage.saved().outbox).toEqual([expect.objectContaining({ clientMessageId: cid })]);
    first.chat.close(); // the page goes away

    // The reloaded page: a new instance on the same storage, still offline.
    const second = chatWith({ storage: first.storage });
    second.net.offline = true;
    const connected = second.chat.connect();
    expect(second.chat.messages).toEqual([
      expect.objectContaining({ clientMessageId: cid, status: 'pending', local: true }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(second.chat.state).toBe('connecting');
    second.net.offline = false;
    await connected;
    await until(() => allSent(second.chat) && second.chat.messages.length === 2, 'the outbox to drain');
    expect(texts(second.chat.messages)).toEqual(['before', 'written offline']);
    expect(second.chat.conversation?.id).toBe(conversation.id);
    expect(second.chat.messages[1]?.clientMessageId).toBe(cid);
    expect(gateway.sendsOf(cid)).toBe(1);
    expect(first.storage.saved().outbox).toEqual([]);
    expect(first.storage.saved().conversation).toEqual({ id: conversation.id, lastSeq: 2 });
    expectEachOnce(second.chat.messages);
  });

  it('does not start a second conversation when a reloaded page calls start() before the resume is answered', async () => {
    const first = chatWith();
    await expect(first.chat.start()).rejects.toMatchObject({ reason: 'not_connected' });
    await first.chat.connect();
    const { id } = await first.chat.start();
    gateway.agentSay(id, 'welcome');
    await until(() => first.chat.messages.length === 1, 'welcome');
    first.chat.close();
    const reloaded = chatWith({ storage: first.storage });
    void reloaded.chat.connect();
    const again = await reloaded.chat.start();
    expect(again.id).toBe(id);
    expect(gateway.framesOf('start')).toHaveLength(1);
    await until(() => reloaded.chat.messages.length === 1, 'the history after the reload');
    expect(texts(reloaded.chat.messages)).toEqual(['welcome']);
  });

  it('shows a message once when an ack is lost and the server sees its clientMessageId twice', async () => {
    const { chat } = chatWith();
    await chat.connect();
    await chat.start();
    gateway.loseAcks = true;
    const sent = chat.send('ack lost');
    const cid = sent.clientMessageId as string;
    await until(() => gateway.sendsOf(cid) === 1, 'the first send');
    gateway.loseAcks = false;
    gateway.dropAll();
    await sent.acked;
    await until(() => gateway.sendsOf(cid) === 2, 'the resend');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(texts(chat.messages)).toEqual(['ack lost']);
    expect(chat.messages[0]?.status).toBe('sent');
    expectEachOnce(chat.messages);
  });

  it('resends on the same connection after a request timeout, and still shows one message', async () => {
    const { chat } = chatWith({ requestTimeoutMs: 150 });
    await chat.connect();
    await chat.start();
    gateway.ackDelayMs = 400;
    const sent = chat.send('slow network');
    await until(() => gateway.sendsOf(sent.clientMessageId as string) >= 2, 'a retry');
    gateway.ackDelayMs = 0;
    await sent.acked;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(texts(chat.messages)).toEqual(['slow network']);
    expectEachOnce(chat.messages);
    expect(chat.state).toBe('open');
  });

  it('detects one-way network loss with heartbeats and recovers what was said meanwhile', async () => {
    gateway.heartbeatMs = 40;
    const { chat } = chatWith({ heartbeatTimeoutMs: 80 });
    const states: ConnectionState[] = [];
    chat.on('state', (state) => states.push(state));
    await chat.connect();
    const conversation = await chat.start();
    gateway.blackhole();
    const during = chat.send('into the void');
    gateway.agentSay(conversation.id, 'agent while silent');
    await during.acked;
    await until(() => chat.messages.length === 2 && allSent(chat), 'both messages');
    expect(states).toContain('reconnecting');
    expect(chat.state).toBe('open');
    expect(texts(chat.messages).sort()).toEqual(['agent while silent', 'into the void']);
    expectEachOnce(chat.messages);
  });

  it('fills a gap with history { afterSeq } and is not fooled by notes it never sees', async () => {
    const { chat } = chatWith();
    const events: string[] = [];
    chat.on('message', (m) => events.push(`message:${m.seq}`));
    chat.on('messages', (list) => events.push(`messages:${list.length}`));
    await chat.connect();
    const { id } = await chat.start();
    gateway.agentSay(id, 'first');
    await until(() => chat.messages.length === 1, 'first');
    gateway.agentSay(id, 'missed', { push: false });
    gateway.agentSay(id, 'third');
    await until(() => chat.messages.length === 3, 'the gap filled');
    expect(texts(chat.messages)).toEqual(['first', 'missed', 'third']);
    expect(gateway.framesOf('history').at(-1)).toMatchObject({ conversationId: id, afterSeq: 1 });
    const histories = gateway.framesOf('history').length;
    gateway.agentSay(id, 'internal', { note: true });
    gateway.agentSay(id, 'after the note');
    await until(() => chat.messages.length === 4, 'the message after the note');
    gateway.agentSay(id, 'and another');
    await until(() => chat.messages.length === 5, 'the next one');
    await new Promise((resolve) => setTimeout(resolve, 30));
    // One history request covered the note's seq; the next message did not ask again.
    expect(gateway.framesOf('history').length).toBe(histories + 1);
    expect(texts(chat.messages)).toEqual(['first', 'missed', 'third', 'after the note', 'and another']);
    expect(events).toContain('message:1');
  });

  it('emits typed events: queue, conversation, typing, read, error; off() stops them', async () => {
    const { chat } = chatWith();
    const seen: string[] = [];
    chat.on('queue', ({ open }) => seen.push(`queue:${open}`));
    const offConversation = chat.on('conversation', (c) => seen.push(`conversation:${c?.status}`));
    chat.on('typing', ({ on, author }) => seen.push(`typing:${on}:${author.kind}`));
    chat.on('read', (read) => seen.push(`read:${read.agent}`));
    chat.on('error', (error) => seen.push(`error:${error.reason}`));
    await chat.connect();
    const { id } = await chat.start();
    await chat.send('hi').acked;
    gateway.setStatus(id, 'active');
    await until(() => chat.conversation?.status === 'active', 'active');
    offConversation();
    gateway.setStatus(id, 'pending');
    gateway.pushRaw({ type: 'typing', conversationId: id, author: { kind: 'agent', name: 'Ana' }, on: true });
    gateway.pushRaw({ type: 'read', conversationId: id, read: { contact: 1, agent: 1 } });
    gateway.pushRaw('{"type":"message","message":{"id":"x"}}');
    await until(() => seen.includes('error:invalid_frame'), 'the error event');
    expect(chat.conversation?.read.agent).toBe(1);
    expect(seen).toEqual([
      'queue:true',
      'conversation:queued',
      'conversation:active',
      'typing:true:agent',
      'read:1',
      'error:invalid_frame',
    ]);
    // An agent message ends the typing indicator at once.
    gateway.agentSay(id, 'answer');
    await until(() => seen.includes('typing:false:agent'), 'typing off');
    expect(chat.state).toBe('open');
  });

  it('clears a typing indicator that was not refreshed for 6 s', async () => {
    const timers = new ManualTimers();
    const { chat } = chatWith({ timers });
    const typing: boolean[] = [];
    chat.on('typing', ({ on }) => typing.push(on));
    await chat.connect();
    const { id } = await chat.start();
    const frame = { type: 'typing', conversationId: id, author: { kind: 'agent' }, on: true };
    gateway.pushRaw(frame);
    await until(() => typing.length === 1, 'typing on');
    timers.advance(5000);
    gateway.pushRaw(frame);
    await until(() => typing.length === 2, 'refreshed');
    timers.advance(5999);
    expect(typing).toEqual([true, true]);
    timers.advance(1);
    expect(typing).toEqual([true, true, false]);
  });

  it('times out requests that get no reply', async () => {
    const { chat } = chatWith({ requestTimeoutMs: 100 });
    await chat.connect();
    await chat.start();
    gateway.ignore.add('csat');
    const error = await chat.rate(5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ code: 'TIMEOUT', reason: 'request_timeout' });
    expect(chat.state).toBe('open');
  });

  it('reset() forgets the visitor, the conversation and the outbox, and comes back as a new visitor', async () => {
    const { chat, net, storage } = chatWith();
    await chat.connect();
    const { id } = await chat.start();
    await chat.send('old life').acked;
    const oldToken = storage.saved().token;
    net.offline = true;
    gateway.dropAll();
    const unsent = chat.send('never sent');
    const conversations: unknown[] = [];
    chat.on('conversation', (c) => conversations.push(c));
    chat.reset();
    await expect(unsent.acked).rejects.toMatchObject({ reason: 'reset' });
    expect(chat.messages).toEqual([]);
    expect(chat.conversation).toBeUndefined();
    expect(conversations).toEqual([undefined]);
    expect(storage.saved().outbox ?? []).toEqual([]);
    expect(storage.saved().conversation).toBeUndefined();
    expect(storage.saved().token).toBeUndefined();
    net.offline = false;
    await until(() => chat.state === 'open', 'reconnected');
    expect(gateway.framesOf('hello').at(-1)?.['visitorToken']).toBeUndefined();
    expect(storage.saved().token).not.toBe(oldToken);
    expect(gateway.sendsOf(unsent.clientMessageId as string)).toBe(0);
    expect((await chat.start()).id).not.toBe(id);
  });

  it('uploads a file over HTTP with the visitor token, then sends it as attachments', async () => {
    const { chat, storage } = chatWith();
    await chat.connect();
    await chat.start();
    const file = new File(['png bytes'], 'photo of receipt.png', { type: 'image/png' });
    const sent = await chat.sendFile(file, { caption: 'my receipt' });
    expect(sent.content).toMatchObject({ type: 'attachments', text: 'my receipt' });
    const stored = await sent.acked;
    expect(stored.content).toMatchObject({ type: 'attachments', text: 'my receipt' });
    expect(gateway.uploads.at(-1)).toEqual({
      name: 'photo of receipt.png',
      type: 'image/png',
      size: 9,
      auth: `Bearer ${storage.saved().token}`,
    });
    const frame = gateway.framesOf('send').at(-1);
    expect(frame?.['content']).toEqual({
      type: 'attachments',
      attachmentIds: [expect.stringMatching(/^att_/)],
      text: 'my receipt',
    });
    const refused = await chat.sendFile(new Blob(['x'], { type: 'application/x-msdownload' })).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'type_not_allowed', details: { status: 415 } });
    const tooBig = await chat.sendFile(new Blob([new Uint8Array(1_000_001)])).catch((e: unknown) => e);
    expect(tooBig).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('refuses bad input with a typed error and changes nothing', async () => {
    expect(() => new CustomerChat({ url: 'http://x', siteId: 's' })).toThrow(ClientError);
    const { chat, storage } = chatWith();
    await chat.connect();
    const writes = storage.writes;
    expect(() => chat.send('   ')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', reason: 'empty_text' }),
    );
    expect(() => chat.send('x'.repeat(4001))).toThrow(expect.objectContaining({ reason: 'text_too_long' }));
    await expect(chat.end()).rejects.toMatchObject({ code: 'NOT_FOUND', reason: 'no_conversation' });
    expect(chat.messages).toEqual([]);
    expect(storage.writes).toBe(writes);
  });

  it('gets a new visitor when the stored token has expired, and closes on a site the server refuses', async () => {
    const { chat, storage } = chatWith();
    await chat.connect();
    const token = storage.saved().token as string;
    chat.close();
    gateway.revoke(token);
    const again = chatWith({ storage });
    await again.chat.connect();
    expect(storage.saved().token).not.toBe(token);

    const wrong = chatWith({ siteId: 'site_unknown' });
    await expect(wrong.chat.connect()).rejects.toMatchObject({ code: 'UNAUTHENTICATED', reason: 'site_unknown' });
    expect(wrong.chat.state).toBe('closed');
  });

  it('never lets a different user inherit the stored visitor', async () => {
    const hash = 'a'.repeat(64);
    const { chat, storage } = chatWith({ identity: { userId: 'u1', hash } });
    await chat.connect();
    const { id } = await chat.start();
    await chat.send('from u1').acked;
    expect(storage.saved().user).toBe('u1');
    chat.setIdentity({ userId: 'u2', hash });
    expect(chat.messages).toEqual([]);
    await until(() => chat.state === 'open' && storage.saved().user === 'u2', 'u2 connected');
    expect(gateway.framesOf('hello').at(-1)).toMatchObject({ identity: { userId: 'u2' } });
    expect(gateway.framesOf('hello').at(-1)?.['visitorToken']).toBeUndefined();
    expect(chat.conversation?.id).not.toBe(id);
  });

  it('sends a one-time identity JWT once, and relies on the visitor token after it', async () => {
    const jwt = `x.${Buffer.from(JSON.stringify({ sub: 'u9', jti: 'j1' })).toString('base64url')}.sig`;
    const { chat, storage } = chatWith({ identity: { jwt } });
    await chat.connect();
    gateway.dropAll();
    await until(() => gateway.framesOf('hello').length >= 2 && chat.state === 'open', 'reconnect');
    expect(gateway.framesOf('hello').at(-1)?.['identity']).toBeUndefined();
    // A reload with the same (already used) JWT: the server says replayed, the stored token carries on.
    chat.close();
    const reloaded = chatWith({ storage, identity: { jwt } });
    await reloaded.chat.connect();
    expect(reloaded.chat.state).toBe('open');
    expect(reloaded.chat.visitorId).toBe('v_ct_user_u9');
  });

  it('sends typing at most every 2 s, and read receipts up to the newest message', async () => {
    const { chat, net } = chatWith();
    await chat.connect();
    const { id } = await chat.start();
    chat.setTyping(true);
    chat.setTyping(true);
    chat.setTyping(false);
    chat.setTyping(false);
    gateway.agentSay(id, 'hello there');
    await until(() => chat.messages.length === 1, 'agent message');
    await chat.markRead();
    await chat.markRead();
    await until(() => gateway.framesOf('read').length === 1, 'read');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(gateway.framesOf('typing').map((f) => f['on'])).toEqual([true, false]);
    expect(gateway.framesOf('read').at(-1)).toMatchObject({ conversationId: id, seq: 1 });
    expect(chat.conversation?.read.contact).toBe(1);

    // A receipt given while offline goes out after the reconnect.
    gateway.agentSay(id, 'anything else?');
    await until(() => chat.messages.length === 2, 'second agent message');
    net.offline = true;
    gateway.dropAll();
    await until(() => chat.state === 'reconnecting', 'offline');
    await chat.markRead();
    net.offline = false;
    await until(() => gateway.framesOf('read').length === 2, 'the receipt after reconnecting');
    expect(gateway.framesOf('read').at(-1)).toMatchObject({ conversationId: id, seq: 2 });
  });
});
