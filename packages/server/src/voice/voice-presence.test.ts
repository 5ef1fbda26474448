import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_A } from '../test-kit.js';
import { SECRET, startVoiceServer, VIC, VIC_AOR, type VoiceTestServer, WEN, WEN_AOR } from './voice-test-kit.js';

// Voice presence: an agent takes calls only while a softphone is registered (Kamailio
// reports REGISTERs to /voice/v1/events), and a registration lapses on the clock.

let v: VoiceTestServer;

beforeAll(async () => {
  v = await startVoiceServer();
  await v.setAvailable(VIC, true);
  await v.setAvailable(WEN, true);
});
afterAll(() => v.t.stop());

const ask = (callId: string) => v.voice('route', { callId, caller: '+14155550123', dialled: 'support' });

/** Asks until the call is routed or the asks run out; answers the last answer. */
async function routedTo(callId: string) {
  return (await ask(callId)).body;
}

async function hangUp(callId: string, agentId?: string, conversationId?: string) {
  await v.voice('events', { callId, event: 'ended', by: 'caller' });
  if (agentId && conversationId) await v.t.server.dispatcher.resolve(TENANT_A, agentId, conversationId);
}

describe('voice presence', () => {
  it('maps an AOR to its agent by id or by attributes.sipUri, and refuses the rest changing nothing', async () => {
    expect((await v.voice('events', { event: 'registered', aor: VIC_AOR, expires: 60 }, null)).status).toBe(401);
    expect((await v.voice('events', { event: 'registered', aor: VIC_AOR, expires: 60 }, `${SECRET}!`)).status).toBe(
      401,
    );
    const negative = await v.voice('events', { event: 'registered', aor: VIC_AOR, expires: -1 });
    expect(negative.status).toBe(400);
    expect(negative.body.error.code).toBe('VALIDATION_FAILED');
    // An agent id on another domain, a stranger, and WEN by id while WEN registers as a sipUri.
    for (const aor of ['sip:agt_vic@elsewhere.test', 'sip:nobody@hotline.test', 'sip:agt_wen@hotline.test']) {
      expect((await v.voice('events', { event: 'registered', aor, expires: 60 })).status).toBe(404);
    }
    const call = v.newCall();
    const answer = await routedTo(call);
    expect(answer.action).not.toBe('route');
    await hangUp(call);

    const vic = await v.voice('events', { event: 'registered', aor: `<${VIC_AOR};transport=ws>`, expires: 60 });
    expect(vic.body).toMatchObject({ agentId: VIC, registered: true });
    expect(Date.parse(vic.body.expiresAt) - v.clock.now()).toBeGreaterThan(55_000);
    const wen = await v.voice('events', { event: 'registered', aor: 'sip:wen@DESK.hotline.test', expires: 60 });
    expect(wen.body).toMatchObject({ agentId: WEN, registered: true });
    for (const aor of [VIC_AOR, WEN_AOR]) {
      expect((await v.voice('events', { event: 'unregistered', aor })).body.registered).toBe(false);
    }
  });

  it('routes calls only to registered agents; a waiting call goes to an agent once it registers', async () => {
    const waiting = v.newCall();
    const first = await routedTo(waiting);
    expect(first.action).toBe('retry');
    await v.register(WEN_AOR, 120);
    const routed = await routedTo(waiting);
    expect(routed).toMatchObject({ action: 'route', agentId: WEN, target: WEN_AOR });
    await hangUp(waiting);

    // Unregistering (expires 0 counts too) makes the agent unroutable again.
    expect((await v.voice('events', { event: 'registered', aor: WEN_AOR, expires: 0 })).body.registered).toBe(false);
    const after = v.newCall();
    expect((await routedTo(after)).action).toBe('retry');
    await hangUp(after);
  });

  it('honours registration expiry without an unregister', async () => {
    await v.register(VIC_AOR, 30);
    const before = v.newCall();
    const routed = await routedTo(before);
    expect(routed).toMatchObject({ action: 'route', agentId: VIC });
    await v.voice('events', { callId: before, event: 'answered' });
    await hangUp(before, VIC, routed.conversationId);

    v.clock.skip(31_000);
    const later = v.newCall();
    expect((await routedTo(later)).action).toBe('retry');
    // A fresh REGISTER (the softphone's refresh) brings the agent back.
    await v.register(VIC_AOR, 30);
    expect((await routedTo(later)).agentId).toBe(VIC);
    await hangUp(later);
  });

  it('expires a registration on its timer, before anyone asks', async () => {
    // Connected but on a break: its profile is not rebuilt when it comes back.
    await v.setAvailable(VIC, true);
    await v.t.server.dispatcher.setActivity(TENANT_A, VIC, 'offline');
    await v.register(VIC_AOR, 1);
    const waiting = v.newCall();
    expect((await routedTo(waiting)).action).toBe('retry');
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    // Had the lapsed registration still counted, the waiting call would be offered right now.
    await v.t.server.dispatcher.setActivity(TENANT_A, VIC, 'available');
    expect(v.t.server.dispatcher.offersFor(TENANT_A, VIC)).toEqual([]);
    expect((await routedTo(waiting)).action).toBe('retry');
    await hangUp(waiting);
  });
});
