import type { ConversationResult, SendResult, WireError } from '@hotline/core';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type GatewayKit,
  IDENTITY_SECRET,
  OTHER_SITE,
  SITE,
  shiftableClock,
  startGateway,
  TENANT,
  TestClient,
  until,
} from './test-kit.js';
import { CLOSE_CODES } from './wire-errors.js';

let kit: GatewayKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

const isError = (f: { type: string }): f is WireError => f.type === 'error';

/** The gateway still serves a fresh visitor end to end. */
async function stillServes(k: GatewayKit) {
  const { client } = await k.customer();
  const { conversation } = await client.call<ConversationResult>({ type: 'start', key: 'alive' });
  const sent = await client.call<SendResult>({
    type: 'send',
    conversationId: conversation.id,
    clientMessageId: 'ok',
    content: { type: 'text', text: 'still here' },
  });
  expect(sent.created).toBe(true);
}

describe('web chat gateway: hostile frames', () => {
  it('answers malformed JSON, binary frames, unknown types and deep nesting with typed errors and keeps the connection', async () => {
    kit = await startGateway();
    const { client } = await kit.customer();
    client.send('{"type":"send",');
    expect(await client.next(isError)).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'malformed_json' });
    client.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.next(isError)).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'binary_frame' });
    const unknown = await client.request({ type: 'explode', now: true });
    expect(unknown.error).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'invalid_frame' });
    client.send('[1,2,3]');
    expect(await client.next(isError)).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'invalid_frame' });
    const bad = await client.request({
      type: 'send',
      conversationId: '../../etc',
      clientMessageId: 'x',
      content: { type: 'text', text: 'x' },
    });
    expect(bad.error).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'invalid_frame' });
    const deep = `{"type":"start","id":"d","key":"k","attributes":{"custom":{"a":${'['.repeat(30_000)}${']'.repeat(30_000)}}}}`;
    client.send(deep);
    expect(await client.next(isError)).toMatchObject({ re: 'd', code: 'VALIDATION_FAILED', reason: 'invalid_frame' });
    const again = await client.request({ type: 'hello', v: 1, siteId: SITE });
    expect(again.error).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'already_authenticated' });
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    await client.call({ type: 'ping', t: 1 });
    await stillServes(kit);
    expect(kit.errors).toEqual([]);
  });

  it('closes with 4413 on a 1 MB frame and serves everyone else', async () => {
    kit = await startGateway();
    const { client } = await kit.customer();
    client.send({ type: 'typing', conversationId: 'cnv_x', on: true, pad: 'x'.repeat(1024 * 1024) });
    expect(await client.next(isError)).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      reason: 'frame_too_large',
      fatal: true,
    });
    expect((await client.closed).code).toBe(CLOSE_CODES.tooLarge);
    await stillServes(kit);
  });

  it('refuses any frame before hello (4400), a wrong version (4400), and silence (4408)', async () => {
    kit = await startGateway({ gateway: { helloTimeoutMs: 200 } });
    const early = await kit.openCustomer();
    early.send({ type: 'start', id: '1', key: 'k' });
    expect(await early.next(isError)).toMatchObject({
      code: 'VALIDATION_FAILED',
      reason: 'hello_required',
      fatal: true,
    });
    expect((await early.closed).code).toBe(CLOSE_CODES.protocol);

    const future = await kit.openCustomer();
    const answer = await future.request({ type: 'hello', v: 2, siteId: SITE });
    expect(answer.error).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'unsupported_version', fatal: true });
    expect((await future.closed).code).toBe(CLOSE_CODES.protocol);

    const silent = await kit.openCustomer();
    expect(await silent.next(isError, 3000)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'hello_timeout' });
    expect((await silent.closed).code).toBe(CLOSE_CODES.timeout);
    await stillServes(kit);
  });

  it('answers a flood with RATE_LIMITED, then closes it with 4429; other visitors are not slowed', async () => {
    kit = await startGateway({ gateway: { limits: { framesPerSecond: 10, frameBurst: 20 } } });
    const { client } = await kit.customer();
    for (let i = 0; i < 200; i++) client.send({ type: 'ping', id: `p${i}` });
    const limited = await client.next((f) => isError(f) && f.reason === 'too_many_frames');
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
    expect((limited as WireError).re).toMatch(/^p\d+$/);
    expect(await client.next((f) => isError(f) && f.reason === 'flood')).toMatchObject({ fatal: true });
    expect((await client.closed).code).toBe(CLOSE_CODES.flood);
    await stillServes(kit);
  });

  it('limits messages per connection, and per address across connections', async () => {
    kit = await startGateway({
      gateway: { limits: { messagesPerSecond: 1, messageBurst: 3, ipMessagesPerSecond: 1, ipMessageBurst: 5 } },
    });
    const { client: one } = await kit.customer();
    const { conversation } = await one.call<ConversationResult>({ type: 'start', key: 'k' }); // 1 message token
    const send = (client: TestClient, id: string, conversationId = conversation.id) =>
      client.request({ type: 'send', conversationId, clientMessageId: id, content: { type: 'text', text: id } });
    expect((await send(one, 'a')).error).toBeUndefined();
    expect((await send(one, 'b')).error).toBeUndefined();
    const third = await send(one, 'c');
    expect(third.error).toMatchObject({ code: 'RATE_LIMITED', reason: 'too_many_messages' });
    expect(third.error?.retryAfterMs).toBeGreaterThan(0);

    // A second connection from the same address has its own budget but shares the address's.
    const { client: two } = await kit.customer();
    const started = await two.call<ConversationResult>({ type: 'start', key: 'k2' });
    expect((await send(two, 'd', started.conversation.id)).error).toBeUndefined();
    const shared = await send(two, 'e', started.conversation.id);
    expect(shared.error).toMatchObject({ code: 'RATE_LIMITED', reason: 'ip_rate_limited' });
    const stored = await kit.hotline.storage.messages.list(TENANT, conversation.id);
    expect(stored.map((m) => m.clientMessageId)).toEqual(['a', 'b']);
  });

  it('refuses connections past the per-address limit with 4429', async () => {
    kit = await startGateway({ gateway: { limits: { connectionsPerIp: 2 } } });
    await kit.customer();
    await kit.customer();
    const third = await kit.openCustomer();
    expect(await third.next(isError)).toMatchObject({
      code: 'RATE_LIMITED',
      reason: 'too_many_connections',
      fatal: true,
    });
    expect((await third.closed).code).toBe(CLOSE_CODES.flood);
  });
});

describe('web chat gateway: clients that vanish', () => {
  it('leaves nothing behind of a client gone in the middle of its hello', async () => {
    kit = await startGateway();
    await kit.addAgent('agt_ana', 'Ana');
    const { client, hello } = await kit.customer();
    await client.call({ type: 'start', key: 'k' });
    client.socket.terminate();
    await client.closed;
    const agentToken = await kit.agentToken('agt_ana');
    for (let i = 0; i < 5; i++) {
      const customer = await kit.openCustomer();
      customer.send({ type: 'hello', id: 'h', v: 1, siteId: SITE, visitorToken: hello.visitorToken });
      customer.socket.terminate();
      const agent = await TestClient.open(kit.agentUrl);
      agent.send({ type: 'hello', id: 'h', v: 1, agentToken });
      agent.socket.terminate();
    }
    await until(() => kit?.gateway.stats().connections === 0, 'every socket closed');
    // Hellos still running when their socket closed must not register anything afterwards.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(kit.gateway.stats()).toMatchObject({ connections: 0, customers: 0, agents: 0, conversations: 0 });
    expect(kit.dispatcher.activityOf(TENANT, 'agt_ana') ?? 'offline').toBe('offline');
  });
});

describe('web chat gateway: other people’s things', () => {
  it('treats another visitor’s conversation as missing and changes nothing of it', async () => {
    kit = await startGateway();
    const { client: victim, hello: victimHello } = await kit.customer();
    const { conversation } = await victim.call<ConversationResult>({ type: 'start', key: 'mine' });
    await victim.call({
      type: 'send',
      conversationId: conversation.id,
      clientMessageId: 'v1',
      content: { type: 'text', text: 'private' },
    });
    const before = await kit.hotline.storage.conversations.get(TENANT, conversation.id);

    const { client: attacker } = await kit.customer();
    const id = conversation.id;
    const attempts = [
      { type: 'send', conversationId: id, clientMessageId: 'x', content: { type: 'text', text: 'pwned' } },
      { type: 'history', conversationId: id, afterSeq: 0 },
      { type: 'end', conversationId: id },
      { type: 'csat', conversationId: id, score: 1 },
      { type: 'transcript', conversationId: id, email: 'evil@example.com' },
    ];
    for (const attempt of attempts) {
      const { error } = await attacker.request(attempt);
      expect(error, attempt.type).toMatchObject({ code: 'NOT_FOUND', message: `conversation ${id} not found` });
    }
    const missing = await attacker.request({ type: 'history', conversationId: 'cnv_does_not_exist' });
    expect(missing.error?.message).toBe('conversation cnv_does_not_exist not found');
    attacker.send({ type: 'typing', conversationId: id, on: true });
    attacker.send({ type: 'read', conversationId: id, seq: 1 });
    expect(await attacker.next(isError)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await attacker.next(isError)).toMatchObject({ code: 'NOT_FOUND' });

    // Resuming it is ignored without a word; a visitor token of the victim's is not an id to guess.
    const { client: resumer, hello } = await kit.customer({ resume: [{ conversationId: id, afterSeq: 0 }] });
    expect(hello.conversations).toEqual([]);
    expect(hello.contactId).not.toBe(victimHello.contactId);
    await resumer.call({ type: 'ping', id: 'p' });
    expect(resumer.ofType('messages')).toEqual([]);

    const after = await kit.hotline.storage.conversations.get(TENANT, conversation.id);
    expect(after).toEqual(before);
    const messages = await kit.hotline.storage.messages.list(TENANT, id);
    expect(messages.map((m) => m.clientMessageId)).toEqual(['v1']);
    expect(victim.ofType('typing')).toEqual([]);
    expect(victim.ofType('read')).toEqual([]);
  });

  it('keeps agents to their own assignments', async () => {
    kit = await startGateway();
    await kit.addAgent('agt_ana', 'Ana');
    await kit.addAgent('agt_bob', 'Bob');
    const { client: ana } = await kit.agent('agt_ana');
    await ana.call({ type: 'activity', activity: 'available' });
    const { client: customer } = await kit.customer();
    const { conversation } = await customer.call<ConversationResult>({ type: 'start', key: 'k' });
    const { offer } = await ana.nextOfType('offer');
    const { client: bob } = await kit.agent('agt_bob');
    expect((await bob.request({ type: 'accept', reservationId: offer.reservationId })).error?.code).toBe('NOT_FOUND');
    await ana.call({ type: 'accept', reservationId: offer.reservationId });
    for (const attempt of [
      { type: 'send', conversationId: conversation.id, clientMessageId: 'b', content: { type: 'text', text: 'hi' } },
      { type: 'history', conversationId: conversation.id },
      { type: 'resolve', conversationId: conversation.id },
    ]) {
      expect((await bob.request(attempt)).error?.code, attempt.type).toBe('NOT_FOUND');
    }
    expect(await kit.hotline.storage.messages.list(TENANT, conversation.id)).toEqual([]);
  });
});

describe('web chat gateway: tokens', () => {
  it('refuses a token of another site (another tenant), a forged one and an expired one', async () => {
    const clock = shiftableClock();
    kit = await startGateway({ gateway: { clock } });
    const { hello: other } = await kit.customer({ siteId: OTHER_SITE });
    const cases: [string, string][] = [
      [other.visitorToken, 'token_invalid'],
      [`${other.visitorToken.slice(0, -4)}AAAA`, 'token_invalid'],
      ['not.a.jwt', 'token_invalid'],
    ];
    const { hello: mine } = await kit.customer();
    const [head, body] = mine.visitorToken.split('.');
    cases.push([`${head}.${body}.${'A'.repeat(43)}`, 'token_invalid']);
    for (const [visitorToken, reason] of cases) {
      const client = await kit.openCustomer();
      const { error } = await client.request({ type: 'hello', v: 1, siteId: SITE, visitorToken });
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED', reason, fatal: true });
      expect((await client.closed).code).toBe(CLOSE_CODES.auth);
    }
    clock.shift(31 * 24 * 3600 * 1000);
    const late = await kit.openCustomer();
    const { error } = await late.request({ type: 'hello', v: 1, siteId: SITE, visitorToken: mine.visitorToken });
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'token_expired' });
    expect((await late.closed).code).toBe(CLOSE_CODES.auth);
    clock.shift(-31 * 24 * 3600 * 1000);
    await stillServes(kit);
  });

  it('refuses an unknown site, a replayed identity JWT, a forged identity hash, and a foreign origin', async () => {
    kit = await startGateway({
      sites: [
        {
          siteId: SITE,
          tenantId: TENANT,
          tokenSecret: 'x'.repeat(32),
          identitySecret: IDENTITY_SECRET,
          allowedOrigins: ['https://acme.test', 'https://*.acme.test'],
        },
      ],
    });
    const refuse = async (hello: Record<string, unknown>, reason: string, headers?: Record<string, string>) => {
      const client = await kit?.openCustomer(headers);
      const { error } = (await client?.request({ type: 'hello', v: 1, siteId: SITE, ...hello })) ?? {};
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED', reason, fatal: true });
      expect((await client?.closed)?.code).toBe(CLOSE_CODES.auth);
    };
    await refuse({ siteId: 'site_nope' }, 'unknown_site');
    await refuse({}, 'origin_not_allowed', { Origin: 'https://evil.test' });
    await refuse({}, 'origin_not_allowed', { Origin: 'https://acme.test.evil.test' });
    await kit.customer({}, { Origin: 'https://shop.acme.test' });
    await kit.customer({}, { Origin: 'https://acme.test' });
    await refuse({ identity: { userId: 'u1', hash: 'a'.repeat(64) } }, 'identity_invalid');

    const secret = new TextEncoder().encode(IDENTITY_SECRET);
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setJti('once')
      .setExpirationTime('10m')
      .sign(secret);
    await kit.customer({ identity: { jwt } });
    await refuse({ identity: { jwt } }, 'token_replayed');
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setJti('j2')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('z'.repeat(40)));
    await refuse({ identity: { jwt: forged } }, 'identity_invalid');
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setJti('j3')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(secret);
    await refuse({ identity: { jwt: expired } }, 'identity_expired');
    const noJti = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setExpirationTime('10m')
      .sign(secret);
    await refuse({ identity: { jwt: noJti } }, 'identity_invalid');
  });

  it('refuses forged, expired and unknown agents', async () => {
    kit = await startGateway();
    await kit.addAgent('agt_ana');
    const refuse = async (agentToken: string, reason: string) => {
      const client = await TestClient.open(kit?.agentUrl ?? '');
      const { error } = await client.request({ type: 'hello', v: 1, agentToken });
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED', reason });
      expect((await client.closed).code).toBe(CLOSE_CODES.auth);
    };
    await refuse(await kit.agentToken('agt_nobody'), 'unknown_agent');
    await refuse(await kit.agentToken('agt_ana', 'ten_other'), 'unknown_agent');
    await refuse(
      await kit.agentToken('agt_ana', TENANT, { now: Date.now() - 3 * 86_400_000, ttlMs: 1000 }),
      'token_expired',
    );
    const { hello } = await kit.customer();
    await refuse(hello.visitorToken, 'token_invalid');
    const forged = await new SignJWT({ tid: TENANT })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('agt_ana')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('q'.repeat(40)));
    await refuse(forged, 'token_invalid');
    const { client } = await kit.agent('agt_ana');
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });
});
