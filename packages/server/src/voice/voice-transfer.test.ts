import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TENANT_A } from '../test-kit.js';
import { SECRET_B, startReadyVoiceServer, VIC, VIC_AOR, type VoiceTestServer, WEN, WEN_AOR } from './voice-test-kit.js';

// A blind transfer as Kamailio reports it: the REFER in the routed call's dialog
// (`transferred`), then the caller's new INVITE to the target's AOR (`transfer_call`), its
// 200 OK (`answered`) and the BYEs of both dialogs (`ended`).

let v: VoiceTestServer;

beforeAll(async () => {
  v = await startReadyVoiceServer();
});
afterAll(() => v.t.stop());

const conversations = () => v.t.server.hotline.conversations;
const aorOf = (agentId: string) => (agentId === VIC ? VIC_AOR : WEN_AOR);

async function callEvents(conversationId: string) {
  const messages = await conversations().listMessages(TENANT_A, conversationId);
  return messages.flatMap((message) =>
    message.direction === 'system' && message.content.type === 'event'
      ? [{ name: message.content.name, data: message.content.data, legId: message.legId }]
      : [],
  );
}

/** A queue call from `caller`, answered by whoever routing picked. */
async function answeredCall(caller: string) {
  const callId = v.newCall();
  const routed = (await v.voice('route', { callId, caller, dialled: 'support' })).body;
  expect(routed.action).toBe('route');
  expect((await v.voice('events', { callId, event: 'answered' })).body.recorded).toBe(true);
  const holder: string = routed.agentId;
  return { callId, conversationId: routed.conversationId as string, holder, other: holder === VIC ? WEN : VIC };
}

describe('a blind transfer of a routed call', () => {
  it('moves the conversation to the target when it answers, on a second voice leg', async () => {
    const caller = 'sip:+14155550111@127.0.0.1';
    const { callId, conversationId, holder, other } = await answeredCall(caller);
    const refer = { callId, event: 'transferred', target: aorOf(other), eventId: 'REFER-7-tag' };
    expect((await v.voice('events', refer)).body.recorded).toBe(true);

    const next = v.newCall();
    const transfer = { event: 'transfer_call', callId: next, caller, target: aorOf(other), referredBy: aorOf(holder) };
    const linked = await v.voice('events', transfer);
    expect(linked).toEqual({
      status: 200,
      body: { conversationId, status: 'active', linked: true, transferOf: callId, agentId: other },
    });
    // A retransmitted INVITE links nothing more; until the target answers the holder keeps it.
    expect((await v.voice('events', transfer)).body).toEqual(linked.body);
    expect(await conversations().get(TENANT_A, conversationId)).toMatchObject({ status: 'active', assigneeId: holder });

    const answered = await v.voice('events', { callId: next, event: 'answered' });
    expect(answered.body).toMatchObject({ conversationId, status: 'active', recorded: true });
    expect((await v.voice('events', { callId: next, event: 'answered' })).body.recorded).toBe(false);
    const moved = await conversations().get(TENANT_A, conversationId);
    expect(moved).toMatchObject({ status: 'active', assigneeId: other });
    expect(moved.legs.map((leg) => ({ channel: leg.channel, ref: leg.externalRef, ended: !!leg.endedAt }))).toEqual([
      { channel: 'voice', ref: callId, ended: true },
      { channel: 'voice', ref: next, ended: false },
    ]);

    // Capacity: the holder's voice seat is free again, the target's is taken (voice: 1 each).
    const probe = v.newCall();
    const probed = (await v.voice('route', { callId: probe, caller: '+14155550112', dialled: 'support' })).body;
    expect(probed).toMatchObject({ action: 'route', agentId: holder });
    await v.voice('events', { callId: probe, event: 'ended', by: 'caller' });

    // The transferor's BYE of the first dialog changes nothing; the caller's hang-up wraps up.
    const byeOld = await v.voice('events', { callId, event: 'ended', by: 'agent' });
    expect(byeOld.body).toMatchObject({ conversationId, status: 'active', recorded: false });
    v.clock.skip(30_000);
    const byeNew = await v.voice('events', { callId: next, event: 'ended', by: 'caller' });
    expect(byeNew.body).toMatchObject({ conversationId, status: 'wrap_up', recorded: true });
    const done = await conversations().get(TENANT_A, conversationId);
    expect(done).toMatchObject({ status: 'wrap_up', assigneeId: other });
    expect(done.legs.every((leg) => leg.endedAt !== undefined)).toBe(true);
    const [first, second] = done.legs.map((leg) => leg.id);
    expect(await callEvents(conversationId)).toEqual([
      { name: 'call.answered', data: { agentId: holder }, legId: first },
      { name: 'call.transferred', data: { target: aorOf(other) }, legId: first },
      { name: 'call.answered', data: { agentId: other, transferOf: callId }, legId: second },
      { name: 'call.ended', data: { answered: true, durationSeconds: 30, by: 'caller' }, legId: second },
    ]);
    await v.t.server.dispatcher.resolve(TENANT_A, other, conversationId);
  });

  it('without a REFER report, Referred-By names the call; an unanswered transfer call changes nothing', async () => {
    const caller = 'sip:+14155550113@127.0.0.1';
    const { callId, conversationId, holder, other } = await answeredCall(caller);
    const transfer = { event: 'transfer_call', caller, target: aorOf(other), referredBy: aorOf(holder) };

    // The target let it ring: the conversation stays with the holder, on its first leg.
    const missed = v.newCall();
    expect((await v.voice('events', { ...transfer, callId: missed })).body.linked).toBe(true);
    expect((await v.voice('events', { callId: missed, event: 'ended', by: 'system' })).body.recorded).toBe(false);
    const kept = await conversations().get(TENANT_A, conversationId);
    expect(kept).toMatchObject({ status: 'active', assigneeId: holder });
    expect(kept.legs).toHaveLength(1);

    const next = v.newCall();
    expect((await v.voice('events', { ...transfer, callId: next, replaces: 'abc;to-tag=1;from-tag=2' })).status).toBe(
      200,
    );
    expect((await v.voice('events', { callId: next, event: 'answered' })).body.recorded).toBe(true);
    expect(await conversations().get(TENANT_A, conversationId)).toMatchObject({ assigneeId: other });
    expect((await callEvents(conversationId)).map(({ name, data }) => ({ name, data }))).toEqual([
      { name: 'call.answered', data: { agentId: holder } },
      { name: 'call.transferred', data: { target: other } },
      { name: 'call.answered', data: { agentId: other, transferOf: callId, replaces: 'abc;to-tag=1;from-tag=2' } },
    ]);
    // The call was handed over already: a second transfer call of it finds nothing.
    const again = await v.voice('events', { ...transfer, callId: v.newCall() });
    expect(again.status).toBe(404);
    await v.voice('events', { callId: next, event: 'ended', by: 'agent' });
    await v.t.server.dispatcher.resolve(TENANT_A, other, conversationId);
  });

  it('follows the call in core when routing refuses the target (offline for routing), freeing and taking capacity', async () => {
    const caller = 'sip:+14155550116@127.0.0.1';
    const { callId, conversationId, holder, other } = await answeredCall(caller);
    await v.voice('events', { callId, event: 'transferred', target: aorOf(other), eventId: 'REFER-11' });
    const next = v.newCall();
    await v.voice('events', { event: 'transfer_call', callId: next, caller, target: aorOf(other) });
    // Routing would not offer it to the target any more; the caller is talking to them all the same.
    await v.setAvailable(other, false);
    expect((await v.voice('events', { callId: next, event: 'answered' })).body).toMatchObject({
      status: 'active',
      recorded: true,
    });
    expect(await conversations().get(TENANT_A, conversationId)).toMatchObject({ status: 'active', assigneeId: other });
    await v.setAvailable(other, true);
    // Routing released the holder's task on seeing core's transfer; the target is on a call for voice.
    const probe = v.newCall();
    await vi.waitFor(async () => {
      const answer = (await v.voice('route', { callId: probe, caller: '+14155550117', dialled: 'support' })).body;
      expect(answer).toMatchObject({ action: 'route', agentId: holder });
    });
    await v.voice('events', { callId: probe, event: 'ended', by: 'caller' });
    // With the holder away, nobody takes a new call: the target's voice seat is taken.
    await v.setAvailable(holder, false);
    const busy = v.newCall();
    const refused = (await v.voice('route', { callId: busy, caller: '+14155550118', dialled: 'support' })).body;
    expect(['retry', 'voicemail']).toContain(refused.action);
    await v.voice('events', { callId: busy, event: 'ended', by: 'caller' });
    await v.setAvailable(holder, true);

    const ended = await v.voice('events', { callId: next, event: 'ended', by: 'agent' });
    expect(ended.body).toMatchObject({ conversationId, status: 'wrap_up', recorded: true });
    expect(await conversations().get(TENANT_A, conversationId)).toMatchObject({ assigneeId: other });
    expect((await callEvents(conversationId)).map(({ name }) => name)).toEqual([
      'call.answered',
      'call.transferred',
      'call.answered',
      'call.ended',
    ]);
    await v.t.server.dispatcher.resolve(TENANT_A, other, conversationId);
  });

  it('refuses transfer calls of no routed call, of another tenant, or of a routed Call-ID, changing nothing', async () => {
    const caller = 'sip:+14155550114@127.0.0.1';
    const { callId, conversationId, holder, other } = await answeredCall(caller);
    expect(
      (await v.voice('events', { callId, event: 'transferred', target: aorOf(other), eventId: 'REFER-9' })).status,
    ).toBe(200);
    const before = await callEvents(conversationId);
    const transfer = { event: 'transfer_call', callId: v.newCall(), caller, target: aorOf(other) };
    for (const [body, secret, status] of [
      // Another caller's INVITE to the same agent: an ordinary call.
      [{ ...transfer, caller: 'sip:+14155550115@127.0.0.1' }, undefined, 404],
      // A target that is no agent of the tenant.
      [{ ...transfer, target: 'sip:nobody@hotline.test' }, undefined, 404],
      // Tenant B's SIP server cannot reach tenant A's call.
      [transfer, SECRET_B, 404],
      // A Call-ID the bridge routed as a queue call.
      [{ ...transfer, callId }, undefined, 409],
      // Malformed: no target.
      [{ ...transfer, target: undefined }, undefined, 400],
    ] as const) {
      expect((await v.voice('events', body, secret)).status).toBe(status);
    }
    // Answering a Call-ID that was never linked is no transfer either.
    expect((await v.voice('events', { callId: transfer.callId, event: 'answered' })).status).toBe(404);
    expect(await conversations().get(TENANT_A, conversationId)).toMatchObject({ status: 'active', assigneeId: holder });
    expect((await conversations().get(TENANT_A, conversationId)).legs).toHaveLength(1);
    expect(await callEvents(conversationId)).toEqual(before);
    await v.voice('events', { callId, event: 'ended', by: 'caller' });
    await v.t.server.dispatcher.resolve(TENANT_A, holder, conversationId);
  });
});
