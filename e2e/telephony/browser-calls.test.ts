import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM, describeWith, KAMAILIO } from '../harness/components.js';
import { pagePhone, startVoiceStack, type VoiceStack, waitFor } from '../harness/voice-stack.js';
import type { MediaCounters, PageCall } from './pages/phone-api.js';

// Real calls between three headless Chromium pages with fake microphones: a caller, agent A
// (English, agt_en) and agent B (Chinese, agt_zh), each running @hotline/telephony's
// softphone. Kamailio (the reference config) asks the real Hotline server which agent takes
// a queue call. Server, Kamailio and Chromium share a network namespace with only `lo` up,
// so the audio measured below can only have crossed 127.0.0.1.

/** How long an agent rings before Kamailio asks Hotline for someone else. */
const RING_MS = 3_000;
const EN = 'agt_en';
const ZH = 'agt_zh';

interface ConversationView {
  conversation: {
    id: string;
    status: string;
    assigneeId?: string;
    attributes: Record<string, unknown>;
    legs: { channel: string; endedAt?: string }[];
  };
  /** The `call.*` system messages, oldest first. */
  timeline: { name: string; data: Record<string, unknown> }[];
}

describeWith([CHROMIUM, KAMAILIO], 'browser calls through Kamailio and the Hotline server', () => {
  let stack: VoiceStack;
  let caller: Page;
  let agentEn: Page;
  let agentZh: Page;

  const lastCall = async (page: Page): Promise<PageCall | undefined> => (await pagePhone.snapshot(page)).calls.at(-1);
  const stateOf = async (page: Page) => (await lastCall(page))?.state;
  const endsWith = (page: Page, endReason: string) =>
    expect.poll(() => lastCall(page), { timeout: 10_000 }).toMatchObject({ state: 'ended', endReason });
  const callCount = async (page: Page) => (await pagePhone.snapshot(page)).calls.length;

  /** Both sides' RTP byte counters rise: audio flows both ways between `a` and `b`. */
  async function expectAudioBothWays(a: Page, b: Page): Promise<void> {
    const before = await Promise.all([pagePhone.media(a), pagePhone.media(b)]);
    const rising = (page: Page, start: MediaCounters) => async () => {
      const now = await pagePhone.media(page);
      return now.bytesSent > start.bytesSent + 1_000 && now.bytesReceived > start.bytesReceived + 1_000;
    };
    await expect.poll(rising(a, before[0]), { timeout: 10_000, interval: 250 }).toBe(true);
    await expect.poll(rising(b, before[1]), { timeout: 10_000, interval: 250 }).toBe(true);
  }

  const conversation = (sessionId: string, status: string) =>
    stack.hook<ConversationView>(caller, 'conversation', { sessionId, status });

  beforeAll(async () => {
    stack = await startVoiceStack({ ringMs: RING_MS });
    console.info(
      stack.namespace
        ? `browser calls: network namespace ${stack.namespace} (only lo up)`
        : 'browser calls: NOT in a network namespace (not root, no `ip`, or HOTLINE_NO_NETNS=1): on the host loopback',
    );
    [caller, agentEn, agentZh] = await Promise.all([
      stack.openPhone('caller', 'caller'),
      stack.openPhone('agent', EN),
      stack.openPhone('agent', ZH),
    ]);
    for (const agent of [agentEn, agentZh]) {
      await waitFor(
        'agent registered',
        15_000,
        async () => (await pagePhone.snapshot(agent)).registration === 'registered',
      );
    }
    await waitFor(
      'caller connected',
      15_000,
      async () => (await pagePhone.snapshot(caller)).connection === 'connected',
    );
    for (const agentId of [EN, ZH]) await stack.hook(caller, 'routable', { agentId });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('Chinese in the IVR rings agent B, not A; B answers and audio flows both ways', async () => {
    const prompts = await pagePhone.startIvr(caller);
    expect(prompts.join(' ')).toContain('中文服务请按 2');
    const { dialled } = await pagePhone.press(caller, '2');
    expect(dialled).toEqual({ target: `sip:support@${stack.sipDomain}`, headers: ['X-Hotline-Language: zh'] });

    await expect.poll(() => stateOf(agentZh), { timeout: 10_000 }).toBe('ringing_in');
    expect(await callCount(agentEn)).toBe(0);
    await pagePhone.act(agentZh, 'answer');
    await expect.poll(() => stateOf(caller), { timeout: 10_000 }).toBe('connected');
    await expect.poll(() => stateOf(agentZh), { timeout: 10_000 }).toBe('connected');
    await expectAudioBothWays(caller, agentZh);
    // The media path ICE chose: loopback on both ends (nothing else exists in the namespace).
    for (const page of [caller, agentZh]) {
      const { path } = await pagePhone.media(page);
      if (stack.namespace) expect(path).toEqual(['127.0.0.1', '127.0.0.1']);
      else console.info(`browser calls: media path on the host network: ${path.join(' ⇄ ')}`);
    }

    const callId = (await lastCall(caller))?.id ?? '';
    const { conversation: active } = await conversation(callId, 'active');
    expect(active).toMatchObject({ status: 'active', assigneeId: ZH, attributes: { language: 'zh' } });
    expect(await callCount(agentEn)).toBe(0);
  });

  it('hold and unhold, mute, DTMF by INFO both ways, blind transfer B → A moves the conversation to A, hang-up: wrap_up with A and the call.* timeline', async () => {
    const first = (await lastCall(caller))?.id ?? '';

    await pagePhone.act(agentZh, 'hold');
    expect(await stateOf(agentZh)).toBe('held');
    await expect.poll(async () => (await pagePhone.snapshot(caller)).remoteHold).toEqual([true]);
    await pagePhone.act(agentZh, 'unhold');
    expect(await stateOf(agentZh)).toBe('connected');
    await expect.poll(async () => (await pagePhone.snapshot(caller)).remoteHold).toEqual([true, false]);

    // Muted, B's fake microphone sends silence: the caller's inbound audio energy stops growing.
    const energyOver = async (ms: number) => {
      const start = (await pagePhone.media(caller)).inboundEnergy;
      await new Promise((resolve) => setTimeout(resolve, ms));
      return (await pagePhone.media(caller)).inboundEnergy - start;
    };
    const speaking = await energyOver(1_500);
    await pagePhone.act(agentZh, 'mute');
    expect((await lastCall(agentZh))?.muted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the jitter buffer plays out
    const muted = await energyOver(1_500);
    await pagePhone.act(agentZh, 'unmute');
    expect(speaking).toBeGreaterThan(0);
    expect(muted).toBeLessThan(speaking / 10);

    await pagePhone.sendDtmf(caller, '42');
    await pagePhone.sendDtmf(agentZh, '#');
    await expect.poll(async () => (await pagePhone.snapshot(agentZh)).dtmf).toEqual(['4', '2']);
    await expect.poll(async () => (await pagePhone.snapshot(caller)).dtmf).toEqual(['#']);

    await pagePhone.transfer(agentZh, `sip:${EN}@${stack.sipDomain}`);
    await expect.poll(() => stateOf(agentEn), { timeout: 10_000 }).toBe('ringing_in');
    await pagePhone.act(agentEn, 'answer');
    await endsWith(agentZh, 'transferred');
    await expect.poll(() => stateOf(caller), { timeout: 10_000 }).toBe('connected');
    const callerCalls = (await pagePhone.snapshot(caller)).calls;
    expect(callerCalls.map(({ remoteUri, state, endReason }) => ({ remoteUri, state, endReason }))).toEqual([
      { remoteUri: `sip:support@${stack.sipDomain}`, state: 'ended', endReason: 'transferred' },
      { remoteUri: `sip:${EN}@${stack.sipDomain}`, state: 'connected', endReason: undefined },
    ]);
    await expectAudioBothWays(caller, agentEn);

    await pagePhone.act(caller, 'hangup');
    await endsWith(agentEn, 'remote_hangup');

    // Kamailio reported the caller's new INVITE to A as a transfer of the queue call: the
    // conversation moved to A on a second voice leg (the first closed by the transfer), and
    // A's caller hanging up sent it to wrap_up with A.
    const { conversation: done, timeline } = await conversation(first, 'wrap_up');
    expect(done).toMatchObject({ status: 'wrap_up', assigneeId: EN });
    expect(done.legs).toEqual([
      expect.objectContaining({ channel: 'voice', endedAt: expect.any(String) }),
      expect.objectContaining({ channel: 'voice', endedAt: expect.any(String) }),
    ]);
    expect(timeline.map(({ name }) => name)).toEqual([
      'call.answered',
      'call.held',
      'call.resumed',
      'call.transferred',
      'call.answered',
      'call.ended',
    ]);
    expect(timeline[0]?.data).toMatchObject({ agentId: ZH });
    expect(timeline[3]?.data).toMatchObject({ target: `sip:${EN}@${stack.sipDomain}` });
    expect(timeline[4]?.data).toMatchObject({ agentId: EN, transferOf: expect.any(String) });
    // The browser's session id is the queue call's Call-ID followed by its From tag.
    expect(first.startsWith(String(timeline[4]?.data.transferOf))).toBe(true);
    expect(timeline[5]?.data).toMatchObject({ answered: true, by: 'caller' });
    await stack.hook(caller, 'resolve', { agentId: EN, conversationId: done.id });
  });

  it('Kamailio restarted on the same ports: both agents re-register within 10 s and the next call connects', async () => {
    const before = await Promise.all(
      [agentEn, agentZh].map(async (page) => (await pagePhone.snapshot(page)).registrations),
    );
    const oldPid = stack.kamailio.pid;
    const restartedAt = Date.now();
    await stack.restartKamailio();
    expect(stack.kamailio.pid).not.toBe(oldPid);
    await Promise.all(
      [agentEn, agentZh].map((page, index) =>
        waitFor('re-registration', 10_000, async () => {
          const { registration, registrations } = await pagePhone.snapshot(page);
          return registration === 'registered' && registrations > (before[index] ?? 0);
        }),
      ),
    );
    expect(Date.now() - restartedAt).toBeLessThan(10_000);
    await waitFor(
      'caller reconnected',
      10_000,
      async () => (await pagePhone.snapshot(caller)).connection === 'connected',
    );

    await pagePhone.startIvr(caller);
    await pagePhone.press(caller, '1');
    await expect.poll(() => stateOf(agentEn), { timeout: 10_000 }).toBe('ringing_in');
    await pagePhone.act(agentEn, 'answer');
    await expect.poll(() => stateOf(caller), { timeout: 10_000 }).toBe('connected');
    await expectAudioBothWays(caller, agentEn);
    const callId = (await lastCall(caller))?.id ?? '';
    expect((await conversation(callId, 'active')).conversation).toMatchObject({
      assigneeId: EN,
      attributes: { language: 'en' },
    });

    await pagePhone.act(agentEn, 'hangup');
    await expect.poll(() => stateOf(caller), { timeout: 10_000 }).toBe('ended');
    const { conversation: done } = await conversation(callId, 'wrap_up');
    await stack.hook(caller, 'resolve', { agentId: EN, conversationId: done.id });
  });

  it('an agent who lets it ring: after the ring time the call is re-routed to the other agent', async () => {
    const counts = await Promise.all([agentEn, agentZh].map(callCount));
    const ringing = async (page: Page, index: number) =>
      (await callCount(page)) > (counts[index] ?? 0) && (await stateOf(page)) === 'ringing_in';
    // No language: both agents qualify. Nobody answers the first ring.
    const callId = await pagePhone.dial(caller, `sip:support@${stack.sipDomain}`);
    let first = -1;
    await waitFor('a first agent ringing', 10_000, async () => {
      for (const [index, page] of [agentEn, agentZh].entries()) if (await ringing(page, index)) first = index;
      return first >= 0;
    });
    const second = 1 - first;
    const [silent, other] = first === 0 ? [agentEn, agentZh] : [agentZh, agentEn];
    const rangAt = Date.now();
    await waitFor('the other agent ringing', RING_MS + 10_000, () => ringing(other, second));
    expect(Date.now() - rangAt).toBeGreaterThanOrEqual(RING_MS - 500);
    // Kamailio's failure route cancelled the first INVITE before asking Hotline again.
    expect(await lastCall(silent)).toMatchObject({ state: 'ended', endReason: 'canceled' });
    await pagePhone.act(other, 'answer');
    await expect.poll(() => stateOf(caller), { timeout: 10_000 }).toBe('connected');
    await expectAudioBothWays(caller, other);
    const { conversation: active } = await conversation(callId, 'active');
    expect(active.assigneeId).toBe(second === 0 ? EN : ZH);

    await pagePhone.act(caller, 'hangup');
    const { conversation: done } = await conversation(callId, 'wrap_up');
    expect(done.assigneeId).toBe(second === 0 ? EN : ZH);
  });
});
