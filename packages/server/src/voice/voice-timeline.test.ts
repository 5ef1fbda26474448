import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TENANT_A, TENANT_B } from '../test-kit.js';
import { startReadyVoiceServer, VIC, VIC_AOR, type VoiceTestServer, WEN, WEN_AOR } from './voice-test-kit.js';

// Calls in conversation timelines: `call.*` system messages and voice legs, a web chat
// escalating to a call in the same conversation, and the softphone's REST call events.

let v: VoiceTestServer;

beforeAll(async () => {
  v = await startReadyVoiceServer();
});
afterAll(() => v.t.stop());

const conversations = () => v.t.server.hotline.conversations;

async function callEvents(conversationId: string) {
  const messages = await conversations().listMessages(TENANT_A, conversationId);
  return messages
    .filter((message) => message.direction === 'system')
    .map((message) => (message.content.type === 'event' ? message.content : undefined));
}

/** A web chat of tenant A held by one of the agents (whoever routing picks). */
async function heldChat(): Promise<{ conversationId: string; holder: string; other: string }> {
  const { dispatcher, hotline } = v.t.server;
  const { conversation } = await hotline.conversations.start({
    tenantId: TENANT_A,
    channel: 'webchat',
    contact: { identity: { channel: 'external', address: `visitor-${v.newCall()}` } },
  });
  await dispatcher.enqueue({
    tenantId: TENANT_A,
    conversationId: conversation.id,
    channel: 'webchat',
    queueId: 'que_chat',
    attributes: {},
  });
  const offer = await vi.waitFor(() => {
    const found = [...dispatcher.offersFor(TENANT_A, VIC), ...dispatcher.offersFor(TENANT_A, WEN)].find(
      (candidate) => candidate.conversationId === conversation.id,
    );
    if (!found) throw new Error('no offer yet');
    return found;
  });
  await dispatcher.accept(TENANT_A, offer.agentId, offer.reservationId);
  return { conversationId: conversation.id, holder: offer.agentId, other: offer.agentId === VIC ? WEN : VIC };
}

describe('calls in the timeline', () => {
  it('records answer, hold, resume, transfer and hang-up of a routed call, once each', async () => {
    const callId = v.newCall();
    const routed = (await v.voice('route', { callId, caller: '+14155550199', dialled: 'support' })).body;
    expect(routed.action).toBe('route');
    const { conversationId } = routed;
    // Nothing to hold before the answer, a transfer needs its target, an unknown call is 404.
    expect((await v.voice('events', { callId, event: 'held' })).status).toBe(409);
    expect((await v.voice('events', { callId, event: 'transferred' })).status).toBe(400);
    expect((await v.voice('events', { callId: v.newCall(), event: 'held' })).status).toBe(404);
    expect(await callEvents(conversationId)).toEqual([]);

    expect((await v.voice('events', { callId, event: 'answered' })).body.recorded).toBe(true);
    expect((await v.voice('events', { callId, event: 'answered' })).body.recorded).toBe(false);
    const held = { callId, event: 'held', by: 'agent', eventId: 'INVITE-2-tag' };
    expect((await v.voice('events', held)).body.recorded).toBe(true);
    expect((await v.voice('events', held)).body.recorded).toBe(false);
    expect((await v.voice('events', { ...held, eventId: 'INVITE-3-tag' })).body.recorded).toBe(false);
    expect((await v.voice('events', { callId, event: 'resumed', by: 'agent' })).body.recorded).toBe(true);
    const transferred = { callId, event: 'transferred', target: 'sip:agt_wen@hotline.test', eventId: 'REFER-5' };
    expect((await v.voice('events', transferred)).body.recorded).toBe(true);
    expect((await v.voice('events', transferred)).body.recorded).toBe(false);
    v.clock.skip(42_000);
    const ended = await v.voice('events', { callId, event: 'ended', by: 'caller' });
    expect(ended.body).toMatchObject({ conversationId, status: 'wrap_up', recorded: true });

    expect(await callEvents(conversationId)).toEqual([
      { type: 'event', name: 'call.answered', data: { agentId: routed.agentId } },
      { type: 'event', name: 'call.held', data: { by: 'agent' } },
      { type: 'event', name: 'call.resumed', data: { by: 'agent' } },
      { type: 'event', name: 'call.transferred', data: { target: 'sip:agt_wen@hotline.test' } },
      { type: 'event', name: 'call.ended', data: { answered: true, durationSeconds: 42, by: 'caller' } },
    ]);
    const conversation = await conversations().get(TENANT_A, conversationId);
    expect(conversation.legs).toHaveLength(1);
    expect(conversation.legs[0]?.endedAt).toBeDefined();
    await v.t.server.dispatcher.resolve(TENANT_A, routed.agentId, conversationId);
  });

  it('records a call nobody could take as ended unanswered before abandoning it', async () => {
    await v.setAvailable(VIC, false);
    await v.setAvailable(WEN, false);
    const answer = (await v.voice('route', { callId: v.newCall(), caller: '+14155550198', dialled: 'support' })).body;
    expect(answer.action).toBe('voicemail');
    expect(await callEvents(answer.conversationId)).toEqual([
      {
        type: 'event',
        name: 'call.ended',
        data: { answered: false, durationSeconds: 0, by: 'system', reason: 'unreachable' },
      },
    ]);
    await v.setAvailable(VIC, true);
    await v.setAvailable(WEN, true);
  });
});

describe('a web chat escalating to a call', () => {
  it('refuses another tenant’s conversation and bad ids, writing nothing', async () => {
    const { conversation: theirs } = await conversations().start({
      tenantId: TENANT_B,
      channel: 'webchat',
      contact: { identity: { channel: 'external', address: 'visitor-b' } },
    });
    const before = (await conversations().list(TENANT_A, {})).items.length;
    for (const [conversationId, status] of [
      [theirs.id, 404],
      ['not an id!', 400],
    ] as const) {
      const call = { callId: v.newCall(), caller: '+14155550197', dialled: 'support', attributes: { conversationId } };
      expect((await v.voice('route', call)).status).toBe(status);
    }
    expect((await conversations().get(TENANT_B, theirs.id)).legs).toHaveLength(1);
    expect((await conversations().list(TENANT_A, {})).items.length).toBe(before);
  });

  it('rings the chat’s agent on a new voice leg of the same conversation, with softphone events', async () => {
    const { conversationId, holder, other } = await heldChat();
    const before = (await conversations().list(TENANT_A, {})).items.length;
    const callId = v.newCall();
    const escalate = { callId, caller: 'sip:visitor@127.0.0.1', dialled: 'support', attributes: { conversationId } };
    const routed = (await v.voice('route', escalate)).body;
    expect(routed).toEqual({
      action: 'route',
      agentId: holder,
      target: holder === VIC ? VIC_AOR : WEN_AOR,
      conversationId,
    });
    expect((await conversations().list(TENANT_A, {})).items.length).toBe(before);
    let conversation = await conversations().get(TENANT_A, conversationId);
    expect(conversation.legs.map((leg) => [leg.channel, leg.externalRef])).toEqual([
      ['webchat', undefined],
      ['voice', callId],
    ]);
    // A second call for the same chat while this one rings is a conflict.
    const again = { ...escalate, callId: v.newCall() };
    expect((await v.voice('route', again)).status).toBe(409);

    // While on the chat's call, the holder takes no queue calls.
    const queueCall = v.newCall();
    const queued = (await v.voice('route', { callId: queueCall, caller: '+14155550196', dialled: 'support' })).body;
    expect(queued).toMatchObject({ action: 'route', agentId: other });
    await v.voice('events', { callId: queueCall, event: 'ended', by: 'caller' });

    expect((await v.voice('events', { callId, event: 'answered' })).body).toMatchObject({ status: 'active' });
    const path = `/api/v1/conversations/${conversationId}/call-events`;
    const mine = await v.t.token(['agent'], { sub: holder });
    const theirs = await v.t.token(['agent'], { sub: other });
    const hold = { eventId: 'sp-hold-1', event: 'held' };
    expect((await v.t.call('POST', path, { auth: theirs, body: hold })).status).toBe(403);
    const invalid = await v.t.call('POST', path, { auth: mine, body: { eventId: 'sp-x', event: 'transferred' } });
    expect(invalid.status).toBe(400);
    expect((await v.t.call('POST', path, { auth: mine, body: { ...hold, extra: 1 } })).status).toBe(400);
    expect(await callEvents(conversationId)).toHaveLength(1);

    const first = await v.t.call('POST', path, { auth: mine, body: hold });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ conversationId, legId: conversation.legs[1]?.id, recorded: true });
    expect((await v.t.call('POST', path, { auth: mine, body: hold })).body.recorded).toBe(false);
    // Kamailio saw the same hold in the re-INVITE: still one `call.held`.
    expect((await v.voice('events', { callId, event: 'held', by: 'agent' })).body.recorded).toBe(false);
    const mute = { eventId: 'sp-mute-1', event: 'muted' };
    expect((await v.t.call('POST', path, { auth: mine, body: mute })).body.recorded).toBe(true);
    const transfer = {
      eventId: 'sp-refer-1',
      event: 'transferred',
      target: 'sip:supervisor@hotline.test',
      mode: 'attended',
    };
    expect((await v.t.call('POST', path, { auth: mine, body: transfer })).body.recorded).toBe(true);

    v.clock.skip(5_000);
    const ended = await v.voice('events', { callId, event: 'ended', by: 'agent' });
    expect(ended.body).toMatchObject({ conversationId, status: 'active', recorded: true });
    conversation = await conversations().get(TENANT_A, conversationId);
    expect(conversation.assigneeId).toBe(holder);
    expect(conversation.legs[1]?.endedAt).toBeDefined();
    const names = (await callEvents(conversationId)).map((content) => content?.name);
    expect(names).toEqual(['call.answered', 'call.held', 'call.muted', 'call.transferred', 'call.ended']);
    expect((await callEvents(conversationId)).at(-1)?.data).toEqual({
      answered: true,
      durationSeconds: 5,
      by: 'agent',
    });
    const late = await v.t.call('POST', path, { auth: mine, body: { eventId: 'sp-late', event: 'resumed' } });
    expect(late.status).toBe(409);
    expect(late.body.error.details.reason).toBe('no_call');

    // With no registered softphone the holder misses the next escalation; the chat stays theirs.
    await v.voice('events', { event: 'unregistered', aor: holder === VIC ? VIC_AOR : WEN_AOR });
    const missed = (await v.voice('route', { ...escalate, callId: v.newCall() })).body;
    expect(missed).toEqual({ action: 'voicemail', conversationId });
    expect((await callEvents(conversationId)).at(-1)?.data).toMatchObject({
      answered: false,
      reason: 'agent_unreachable',
    });
    expect((await conversations().get(TENANT_A, conversationId)).status).toBe('active');
    await v.register(holder === VIC ? VIC_AOR : WEN_AOR);
  });
});
