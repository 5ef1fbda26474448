import {
  type ConversationResult,
  type HistoryResult,
  type SendResult,
  type StatsSnapshot,
  serverFrameSchema,
  type WatchResult,
} from '@hotline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { signAgentToken } from './agent-tokens.js';
import {
  AGENT_SECRET,
  type Frame,
  type GatewayKit,
  OTHER_SITE,
  OTHER_TENANT,
  startGateway,
  TestClient,
} from './test-kit.js';

let kit: GatewayKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

/** A gateway with ana and bo available and sam, a supervisor; a customer chatting with ana. */
async function chatWithAna() {
  kit = await startGateway();
  await kit.addAgent('agt_ana', 'Ana');
  await kit.addAgent('agt_bo', 'Bo');
  await kit.addAgent('agt_sam', 'Sam');
  const { client: ana } = await kit.agent('agt_ana');
  await ana.call({ type: 'activity', activity: 'available' });
  const { client: customer } = await kit.customer();
  const { conversation } = await customer.call<ConversationResult>({ type: 'start', key: 'k1' });
  const { offer } = await ana.nextOfType('offer');
  await ana.call({ type: 'accept', reservationId: offer.reservationId });
  await customer.call({
    type: 'send',
    conversationId: conversation.id,
    clientMessageId: 'c1',
    content: { type: 'text', text: 'my parcel is lost' },
  });
  await ana.nextOfType('message');
  const { client: bo } = await kit.agent('agt_bo');
  await bo.call({ type: 'activity', activity: 'available' });
  return { kit, ana, bo, customer, conversationId: conversation.id };
}

describe('agent frames: transfer and wrap-up', () => {
  it('transfers to another agent, who gets the offer and the history; the sender gets the new status', async () => {
    const { ana, bo, customer, conversationId } = await chatWithAna();
    expect(await ana.call({ type: 'transfer', conversationId, agentId: 'agt_bo' })).toEqual({});
    const away = await ana.next<Frame<'conversation'>>(
      (f) => f.type === 'conversation' && f.conversation.id === conversationId && f.conversation.status !== 'active',
    );
    expect(away.conversation).toMatchObject({ status: 'offered', lastSeq: 1 });
    const { offer } = await bo.nextOfType('offer');
    expect(offer).toMatchObject({ conversationId, queueId: 'support' });
    const { conversation } = await bo.call<ConversationResult>({ type: 'accept', reservationId: offer.reservationId });
    expect(conversation).toMatchObject({ status: 'active', agent: { name: 'Bo' }, lastSeq: 1 });
    const history = await bo.call<HistoryResult>({ type: 'history', conversationId });
    expect(history.messages.map((m) => m.content)).toEqual([{ type: 'text', text: 'my parcel is lost' }]);
    await customer.next(
      (f) => f.type === 'conversation' && f.conversation.status === 'active' && f.conversation.agent?.name === 'Bo',
    );
    // ana no longer follows it: a customer message reaches bo only, and ana may not act on it.
    await customer.call({
      type: 'send',
      conversationId,
      clientMessageId: 'c2',
      content: { type: 'text', text: 'hello Bo' },
    });
    expect((await bo.nextOfType('message')).message.seq).toBe(2);
    const refused = await ana.request({
      type: 'send',
      conversationId,
      clientMessageId: 'a9',
      content: { type: 'text', text: 'x' },
    });
    expect(refused.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(ana.ofType('message').map((f) => f.message.seq)).toEqual([1]);
  });

  it('answers wrong transfers with the dispatcher’s error and a malformed one with invalid_frame', async () => {
    const { ana, bo, conversationId } = await chatWithAna();
    const errors = async (frame: Record<string, unknown>) => (await ana.request(frame)).error;
    expect(await errors({ type: 'transfer', conversationId, queueId: 'support', agentId: 'agt_bo' })).toMatchObject({
      code: 'VALIDATION_FAILED',
      reason: 'invalid_frame',
    });
    expect(await errors({ type: 'transfer', conversationId })).toMatchObject({ reason: 'invalid_frame' });
    await bo.call({ type: 'activity', activity: 'break' });
    expect(await errors({ type: 'transfer', conversationId, agentId: 'agt_bo' })).toMatchObject({
      code: 'CONFLICT',
      reason: 'agent_unavailable',
    });
    expect(await errors({ type: 'transfer', conversationId, queueId: 'nowhere' })).toMatchObject({ code: 'NOT_FOUND' });
    expect((await bo.request({ type: 'transfer', conversationId, queueId: 'support' })).error).toMatchObject({
      code: 'NOT_FOUND',
    });
    const conversation = await kit?.hotline.conversations.get('ten_acme', conversationId);
    expect(conversation).toMatchObject({ status: 'active', assigneeId: 'agt_ana' });
  });

  it('ends with a disposition and notes, stored on the conversation', async () => {
    const { ana, conversationId } = await chatWithAna();
    const long = await ana.request({ type: 'end', conversationId, disposition: 'x'.repeat(65) });
    expect(long.error).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'invalid_frame' });
    const { conversation } = await ana.call<ConversationResult>({
      type: 'end',
      conversationId,
      disposition: 'resolved_first_contact',
      notes: 'sent a new parcel',
    });
    expect(conversation).toMatchObject({
      status: 'wrap_up',
      attributes: { disposition: 'resolved_first_contact', wrapUpNotes: 'sent a new parcel' },
    });
  });
});

describe('agent frames: supervisor monitoring', () => {
  it('gives a supervisor the figures, then a stats push after a change, until monitoring stops', async () => {
    const { kit } = await chatWithAna();
    const { client: sam } = await kit.agent('agt_sam', 'ten_acme', ['supervisor']);
    const snapshot = await sam.call<StatsSnapshot>({ type: 'monitor', on: true });
    expect(snapshot.queues).toEqual([expect.objectContaining({ queueId: 'support', waiting: 0 })]);
    expect(snapshot.agents.map((a) => [a.agentId, a.presence, a.active])).toEqual([
      ['agt_ana', 'busy', 1],
      ['agt_bo', 'available', 0],
      ['agt_sam', 'available', 0],
    ]);
    const { client: other } = await kit.customer();
    await other.call({ type: 'start', key: 'k2' });
    const push = await sam.next<Frame<'stats'>>(
      (f) => f.type === 'stats' && f.stats.agents.some((a) => a.agentId === 'agt_bo' && a.presence === 'busy'),
    );
    expect(serverFrameSchema.safeParse(push).success).toBe(true);
    expect(push.stats.queues[0]?.total.entered).toBe(2);
    await sam.call({ type: 'monitor', on: false });
    const count = sam.ofType('stats').length;
    await kit.dispatcher.setActivity('ten_acme', 'agt_ana', 'break');
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(sam.ofType('stats')).toHaveLength(count);
  });

  it('refuses monitor and watch to an agent without the supervisor or admin role', async () => {
    const { kit, ana, conversationId } = await chatWithAna();
    for (const frame of [
      { type: 'monitor', on: true },
      { type: 'watch', conversationId, on: true },
    ]) {
      expect((await ana.request(frame)).error).toMatchObject({ code: 'FORBIDDEN', reason: 'supervisor_required' });
    }
    const { client: lead } = await kit.agent('agt_sam', 'ten_acme', ['team-lead']);
    expect((await lead.request({ type: 'monitor', on: true })).error).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lets a supervisor watch a conversation read-only: history, then its messages, notes and typing', async () => {
    const { kit, ana, customer, conversationId } = await chatWithAna();
    const { client: sam } = await kit.agent('agt_sam', 'ten_acme', ['admin']);
    const watched = await sam.call<WatchResult>({ type: 'watch', conversationId, on: true });
    expect(watched.conversation).toMatchObject({ id: conversationId, status: 'active', agent: { name: 'Ana' } });
    expect(watched.messages.map((m) => m.seq)).toEqual([1]);

    await customer.call({
      type: 'send',
      conversationId,
      clientMessageId: 'c2',
      content: { type: 'text', text: 'any news?' },
    });
    expect((await sam.nextOfType('message')).message).toMatchObject({ seq: 2, content: { text: 'any news?' } });
    await ana.call({
      type: 'send',
      conversationId,
      clientMessageId: 'n1',
      note: true,
      content: { type: 'text', text: 'carrier says tomorrow' },
    });
    expect((await sam.nextOfType('message')).message.direction).toBe('note');
    customer.send({ type: 'typing', conversationId, on: true });
    expect(await sam.nextOfType('typing')).toMatchObject({ conversationId, author: { kind: 'contact' } });

    // Read-only: no sending, typing, reading or ending; history is fine.
    for (const frame of [
      { type: 'send', conversationId, clientMessageId: 's1', content: { type: 'text', text: 'hi' } },
      { type: 'end', conversationId },
      { type: 'transfer', conversationId, queueId: 'support' },
    ]) {
      expect((await sam.request(frame)).error, frame.type).toMatchObject({ code: 'FORBIDDEN', reason: 'read_only' });
    }
    sam.send({ type: 'typing', id: 't1', conversationId, on: true });
    expect((await sam.nextOfType('error')).reason).toBe('read_only');
    expect((await sam.call<HistoryResult>({ type: 'history', conversationId })).messages).toHaveLength(3);
    expect(customer.ofType('typing')).toEqual([]);

    // The status changes reach the watcher too, and unwatching stops everything.
    await ana.call({ type: 'end', conversationId });
    await sam.next((f) => f.type === 'conversation' && f.conversation.status === 'wrap_up');
    expect(await sam.call({ type: 'watch', conversationId, on: false })).toEqual({});
    await customer.call<SendResult>({
      type: 'send',
      conversationId,
      clientMessageId: 'c3',
      content: { type: 'text', text: 'thanks' },
    });
    await ana.next((f) => f.type === 'message' && f.message.seq === 4);
    expect(sam.ofType('message').map((f) => f.message.seq)).toEqual([2, 3]);
  });

  it('keeps another tenant’s conversations out of a supervisor’s reach', async () => {
    const { kit, conversationId } = await chatWithAna();
    await kit.addAgent('agt_ola', 'Ola', OTHER_TENANT);
    const { client: ola } = await kit.agent('agt_ola', OTHER_TENANT, ['supervisor']);
    expect((await ola.request({ type: 'watch', conversationId, on: true })).error).toMatchObject({
      code: 'NOT_FOUND',
    });
    const theirs = await ola.call<StatsSnapshot>({ type: 'monitor', on: true });
    expect(theirs.agents.map((a) => a.agentId)).toEqual(['agt_ola']);
    const { client: visitor } = await kit.customer({ siteId: OTHER_SITE });
    await visitor.call({ type: 'start', key: 'o1' });
    await ola.nextOfType('stats');
    await kit.dispatcher.idle();
    await new Promise((resolve) => setTimeout(resolve, 700));
    // The first tenant's activity does not reach the second tenant's supervisor.
    const seen = ola.ofType('stats').length;
    await kit.dispatcher.setActivity('ten_acme', 'agt_bo', 'break');
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(ola.ofType('stats')).toHaveLength(seen);
    for (const push of ola.ofType('stats')) expect(push.stats.agents.map((a) => a.agentId)).toEqual(['agt_ola']);
  });

  it('refuses agent tokens with malformed roles', async () => {
    kit = await startGateway();
    await kit.addAgent('agt_ana', 'Ana');
    await expect(
      signAgentToken({ agentId: 'agt_ana', tenantId: 'ten_acme', roles: ['Supervisor'] }, AGENT_SECRET),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const { SignJWT } = await import('jose');
    const forged = await new SignJWT({ tid: 'ten_acme', roles: 'supervisor' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('agt_ana')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(AGENT_SECRET));
    const client = await TestClient.open(kit.agentUrl);
    const { error } = await client.request({ type: 'hello', v: 1, agentToken: forged });
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'token_invalid' });
    client.close();
  });
});
