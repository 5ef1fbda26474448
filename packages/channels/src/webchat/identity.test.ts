import type { ConversationResult, HistoryResult, SendResult } from '@hotline/core';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { computeIdentityHash } from './identity.js';
import { type GatewayKit, IDENTITY_SECRET, startGateway, TENANT } from './test-kit.js';

let kit: GatewayKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

const hmacIdentity = (userId: string) => ({ userId, hash: computeIdentityHash(userId, IDENTITY_SECRET) });

async function jwtIdentity(userId: string, jti: string) {
  const jwt = await new SignJWT({ name: 'Ana Lima' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setJti(jti)
    .setExpirationTime('15m')
    .sign(new TextEncoder().encode(IDENTITY_SECRET));
  return { jwt };
}

/** An anonymous visitor who chatted: their token, contact and conversation. */
async function anonymousChat(k: GatewayKit) {
  const { client, hello } = await k.customer();
  const { conversation } = await client.call<ConversationResult>({ type: 'start', key: 'k' });
  await client.call<SendResult>({
    type: 'send',
    conversationId: conversation.id,
    clientMessageId: 'anon-1',
    content: { type: 'text', text: 'asked before logging in' },
  });
  client.close();
  return { hello, conversationId: conversation.id };
}

describe('web chat gateway: identity', () => {
  it.each([
    ['an HMAC of the user id', async () => hmacIdentity('user-42')],
    ['a JWT', async () => jwtIdentity('user-42', 'jti-1')],
  ])('merges the anonymous history into the user’s contact when the visitor proves %s', async (_name, identity) => {
    kit = await startGateway();
    const anonymous = await anonymousChat(kit);
    const claim = await identity();
    const { client, hello } = await kit.customer({ visitorToken: anonymous.hello.visitorToken, identity: claim });
    expect(hello.contactId).not.toBe(anonymous.hello.contactId);
    const user = await kit.hotline.contacts.findByIdentity(TENANT, { channel: 'external', address: 'user-42' });
    expect(user?.id).toBe(hello.contactId);
    expect(user?.mergedFrom).toEqual([anonymous.hello.contactId]);
    expect(user?.identities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: 'external', address: 'user-42', verified: true }),
        expect.objectContaining({ channel: 'webchat' }),
      ]),
    );
    const merged = await kit.hotline.storage.contacts.get(TENANT, anonymous.hello.contactId);
    expect(merged?.mergedInto).toBe(hello.contactId);
    expect(hello.conversations.map((c) => c.id)).toEqual([anonymous.conversationId]);
    const history = await client.call<HistoryResult>({ type: 'history', conversationId: anonymous.conversationId });
    expect(history.messages.map((m) => m.clientMessageId)).toEqual(['anon-1']);

    // Another device of the same user: the history follows the customer.
    const other = await kit.customer({ identity: 'jwt' in claim ? await jwtIdentity('user-42', 'jti-2') : claim });
    expect(other.hello.contactId).toBe(hello.contactId);
    expect(other.hello.conversations.map((c) => c.id)).toEqual([anonymous.conversationId]);

    // The old anonymous token alone no longer opens that history.
    const stale = await kit.customer({ visitorToken: anonymous.hello.visitorToken });
    expect(stale.hello.contactId).not.toBe(hello.contactId);
    expect(stale.hello.conversations).toEqual([]);
    const peek = await stale.client.request({ type: 'history', conversationId: anonymous.conversationId });
    expect(peek.error?.code).toBe('NOT_FOUND');

    // Nor does the user's token without the proof (a shared computer after logout).
    const loggedOut = await kit.customer({ visitorToken: hello.visitorToken });
    expect(loggedOut.hello.contactId).not.toBe(hello.contactId);
    expect(loggedOut.hello.conversations).toEqual([]);
  });

  it('lets the client that presented a JWT reconnect with it, and nobody else', async () => {
    kit = await startGateway();
    const identity = await jwtIdentity('user-7', 'jti-reconnect');
    const first = await kit.customer({ identity });
    expect((await kit.hotline.storage.contacts.get(TENANT, first.hello.contactId))?.name).toBe('Ana Lima');
    first.client.socket.terminate();
    const again = await kit.customer({ identity, visitorToken: first.hello.visitorToken });
    expect(again.hello.contactId).toBe(first.hello.contactId);
    const thief = await kit.openCustomer();
    const { error } = await thief.request({ type: 'hello', v: 1, siteId: 'site_acme', identity });
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'token_replayed' });
  });

  it('never merges one identified user into another', async () => {
    kit = await startGateway();
    const alice = await kit.customer({ identity: hmacIdentity('alice') });
    await alice.client.call({ type: 'start', key: 'a' });
    const bob = await kit.customer({ visitorToken: alice.hello.visitorToken, identity: hmacIdentity('bob') });
    expect(bob.hello.contactId).not.toBe(alice.hello.contactId);
    expect(bob.hello.conversations).toEqual([]);
    const aliceContact = await kit.hotline.storage.contacts.get(TENANT, alice.hello.contactId);
    expect(aliceContact?.mergedInto).toBeUndefined();
  });

  it('stores an anonymous visitor only once they chat', async () => {
    kit = await startGateway();
    const { client, hello } = await kit.customer();
    expect(await kit.hotline.storage.contacts.get(TENANT, hello.contactId)).toBeUndefined();
    const again = await kit.customer({ visitorToken: hello.visitorToken });
    expect(again.hello.contactId).toBe(hello.contactId);
    await client.call({ type: 'start', key: 'k' });
    const contact = await kit.hotline.storage.contacts.get(TENANT, hello.contactId);
    expect(contact?.identities).toEqual([expect.objectContaining({ channel: 'webchat', verified: false })]);
  });
});
