import { afterAll, beforeAll, expect, it } from 'vitest';
import { dial, hangUp, type Phone, startPhone } from '../../packages/telephony/bench/node-sip.js';
import { startVoiceDesk, type VoiceDesk } from '../../packages/telephony/bench/voice-desk.js';
import { type RunningKamailio, startKamailio } from '../../packages/telephony/src/node/kamailio.js';
import { describeWith, KAMAILIO } from '../harness/components.js';

// Signalling end to end: Kamailio running the reference config asks the REAL Hotline server
// (createHotlineServer with a voice trunk) which agent takes a queue call; JsSIP UAs in
// Node over WebSocket with a signalling-only RTCPeerConnection (no media). Everything
// listens on the host's 127.0.0.1 (no media flows, so no network namespace): the server
// runs in this process so the test can read its storage and routing.

const SECRET = 'e2e-voice-trunk-secret-0123456789abcdef';
const SIP_DOMAIN = 'hotline.test';
const QUEUE_URI = `sip:support@${SIP_DOMAIN}`;
const EN = 'agt_en';
const ZH = 'agt_zh';
/** How long an agent rings before Kamailio's failure route asks Hotline again. */
const RING_MS = 2_000;

describeWith([KAMAILIO], 'voice routing through Kamailio and the Hotline server', () => {
  let desk: VoiceDesk;
  let kamailio: RunningKamailio;
  const phones: Phone[] = [];
  let en: Phone;
  let zh: Phone;
  let caller: Phone;

  beforeAll(async () => {
    desk = await startVoiceDesk({
      secret: SECRET,
      sipDomain: SIP_DOMAIN,
      agents: [
        { id: EN, skills: ['en'] },
        { id: ZH, skills: ['zh'] },
      ],
    });
    kamailio = await startKamailio({
      bridgeUrl: desk.bridgeUrl,
      secret: SECRET,
      sipDomain: SIP_DOMAIN,
      ringMs: RING_MS,
    });
    for (const [user, register] of [
      [EN, true],
      [ZH, true],
      ['caller', false],
    ] as const) {
      phones.push(await startPhone({ wsUrl: kamailio.wsUrl, user, sipDomain: SIP_DOMAIN, register }));
    }
    [en, zh, caller] = phones as [Phone, Phone, Phone];
    for (const agent of [EN, ZH]) await desk.makeRoutable(agent);
  }, 30_000);

  afterAll(async () => {
    for (const phone of phones) phone.stop();
    await kamailio?.stop();
    await desk?.close();
  });

  it('rings the Chinese-speaking agent for a zh call, not the other; answer makes it active, hang-up wrap_up', async () => {
    const call = await dial(caller, QUEUE_URI, ['X-Hotline-Language: zh']);
    if (call.outcome !== 'confirmed') throw new Error(`${call.outcome}\n${kamailio.log().slice(-4_000)}`);
    expect(zh.rang).toHaveLength(1);
    expect(en.rang).toHaveLength(0);

    const { callId } = call;
    const active = await desk.conversationOf(callId, 'active');
    expect(active).toMatchObject({ channel: 'voice', status: 'active', assigneeId: ZH });
    expect(active.attributes).toMatchObject({ language: 'zh', sipCallId: callId });

    await hangUp(call.session);
    const ended = await desk.conversationOf(callId, 'wrap_up');
    await desk.server.dispatcher.resolve(desk.tenantId, ZH, ended.id);
  }, 30_000);

  it('re-routes to the other agent when the first one lets it ring', async () => {
    let silent: string | undefined;
    for (const phone of [en, zh]) {
      phone.rang.length = 0;
      phone.policy = () => {
        silent ??= phone.user;
        return silent === phone.user ? 'ring' : 'answer';
      };
    }
    const call = await dial(caller, QUEUE_URI, [], 20_000);
    if (call.outcome !== 'confirmed') throw new Error(`${call.outcome}\n${kamailio.log().slice(-4_000)}`);
    const [first, second] = silent === EN ? [en, zh] : [zh, en];
    expect(first.rang).toHaveLength(1);
    expect(first.rang[0]?.isEnded()).toBe(true);
    expect(second.rang).toHaveLength(1);
    // Ringing the first agent for RING_MS came before the answer.
    expect(call.setupMs).toBeGreaterThanOrEqual(RING_MS);

    const { callId } = call;
    const active = await desk.conversationOf(callId, 'active');
    expect(active.assigneeId).toBe(second.user);

    await hangUp(call.session);
    expect((await desk.conversationOf(callId, 'wrap_up')).assigneeId).toBe(second.user);
  }, 40_000);
});
