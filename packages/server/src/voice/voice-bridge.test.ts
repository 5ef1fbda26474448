import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_A, type TestServer } from '../test-kit.js';
import { SECRET, startVoiceServer, VIC, VIC_AOR, type VoiceTestServer, WEN, WEN_AOR } from './voice-test-kit.js';

// The bridge as Kamailio's http_client sees it: plain JSON POSTs with the trunk secret.

let v: VoiceTestServer;
let t: TestServer;
const voice: VoiceTestServer['voice'] = (...args) => v.voice(...args);
const newCall = () => v.newCall();
const setAvailable = (agentId: string, available: boolean) => v.setAvailable(agentId, available);

beforeAll(async () => {
  v = await startVoiceServer();
  t = v.t;
  // Both softphones are registered: voice presence is the subject of voice-presence.test.ts.
  await v.register(VIC_AOR);
  await v.register(WEN_AOR);
});
afterAll(() => t.stop());

describe('voice routing bridge', () => {
  it('refuses requests without the trunk secret, and bad bodies, changing nothing', async () => {
    const before = (await t.server.hotline.conversations.list(TENANT_A, {})).items.length;
    const call = { callId: newCall(), caller: 'sip:alice@127.0.0.1', dialled: 'sip:support@hotline.test' };
    expect((await voice('route', call, null)).status).toBe(401);
    expect((await voice('route', call, `${SECRET}x`)).status).toBe(401);
    const bad = await voice('route', { ...call, callId: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const unknownQueue = await voice('route', { ...call, dialled: 'sip:nobody@hotline.test' });
    expect(unknownQueue.status).toBe(404);
    expect((await voice('nothing', call)).status).toBe(404);
    expect((await t.server.hotline.conversations.list(TENANT_A, {})).items.length).toBe(before);
  });

  it('answers voicemail when nobody can take the call, and abandons the conversation', async () => {
    const answer = await voice('route', { callId: newCall(), caller: '+14155550100', dialled: 'support' });
    expect(answer.status).toBe(200);
    expect(answer.body.action).toBe('voicemail');
    const conversation = await t.server.hotline.conversations.get(TENANT_A, answer.body.conversationId);
    expect(conversation.channel).toBe('voice');
    expect(conversation.status).toBe('abandoned');
  });

  it('routes a call to an available agent, re-routes a no-answer to the other, and follows answer and hang-up', async () => {
    await setAvailable(VIC, true);
    await setAvailable(WEN, true);
    const callId = newCall();
    const first = await voice('route', {
      callId,
      caller: 'sip:+8613812345678@127.0.0.1',
      dialled: 'sip:support@hotline.test',
      attributes: { language: 'zh' },
    });
    expect(first.status).toBe(200);
    expect(first.body.action).toBe('route');
    const firstAgent: string = first.body.agentId;
    expect([VIC, WEN]).toContain(firstAgent);
    expect(first.body.target).toBe(firstAgent === VIC ? 'sip:agt_vic@hotline.test' : 'sip:wen@desk.hotline.test');
    const conversation = await t.server.hotline.conversations.get(TENANT_A, first.body.conversationId);
    expect(conversation.legs[0]).toMatchObject({ channel: 'voice', externalRef: callId });
    expect(conversation.attributes).toMatchObject({ language: 'zh', sipCallId: callId });
    expect(conversation.status).toBe('offered');

    // The first agent let it ring: Kamailio's failure route asks again for the same Call-ID.
    const second = await voice('route', {
      callId,
      caller: 'sip:+8613812345678@127.0.0.1',
      dialled: 'sip:support@hotline.test',
      reason: 'no_answer',
    });
    expect(second.body.action).toBe('route');
    expect(second.body.agentId).not.toBe(firstAgent);
    expect(second.body.conversationId).toBe(first.body.conversationId);
    expect(second.body.reservationId).not.toBe(first.body.reservationId);

    const answered = await voice('events', { callId, event: 'answered' });
    expect(answered.body).toEqual({ conversationId: first.body.conversationId, status: 'active', recorded: true });
    expect((await t.server.hotline.conversations.get(TENANT_A, first.body.conversationId)).assigneeId).toBe(
      second.body.agentId,
    );
    // Asking to route an answered call is a conflict, not a second agent.
    expect((await voice('route', { callId, caller: 'x', dialled: 'support', reason: 'no_answer' })).status).toBe(409);
    const ended = await voice('events', { callId, event: 'ended' });
    expect(ended.body.status).toBe('wrap_up');
    expect((await voice('events', { callId, event: 'ended' })).status).toBe(404);
    await t.server.dispatcher.resolve(TENANT_A, second.body.agentId, first.body.conversationId);
  });

  it('answers retry while every agent is busy, then routes once one is free', async () => {
    await setAvailable(VIC, true);
    await setAvailable(WEN, false);
    const holding = newCall();
    const held = await voice('route', { callId: holding, caller: '+14155550101', dialled: 'support' });
    expect(held.body).toMatchObject({ action: 'route', agentId: VIC });
    await voice('events', { callId: holding, event: 'answered' });

    const waiting = newCall();
    const retry = await voice('route', { callId: waiting, caller: '+14155550102', dialled: 'support' });
    expect(retry.body).toMatchObject({ action: 'retry', retryAfterMs: 150 });
    expect((await t.server.hotline.conversations.get(TENANT_A, retry.body.conversationId)).status).toBe('queued');

    await voice('events', { callId: holding, event: 'ended' });
    await t.server.dispatcher.resolve(TENANT_A, VIC, held.body.conversationId);
    const routed = await voice('route', { callId: waiting, caller: '+14155550102', dialled: 'support' });
    expect(routed.body).toMatchObject({ action: 'route', agentId: VIC, conversationId: retry.body.conversationId });

    // The caller hangs up while it rings: the conversation is abandoned, the agent freed.
    const ended = await voice('events', { callId: waiting, event: 'ended' });
    expect(ended.body.status).toBe('abandoned');
    expect(t.server.dispatcher.offersFor(TENANT_A, VIC)).toEqual([]);
  });

  it('refuses an answer for a call that is not ringing anyone', async () => {
    await setAvailable(VIC, false);
    await setAvailable(WEN, false);
    expect((await voice('events', { callId: newCall(), event: 'answered' })).status).toBe(404);
  });
});
