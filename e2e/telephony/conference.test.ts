import type { Conference } from '@hotline/telephony';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM, describeWith, KAMAILIO } from '../harness/components.js';
import { pagePhone, readyPhones, startVoiceStack, type VoiceStack } from '../harness/voice-stack.js';
import type { PageCall, PageGlobals } from './pages/phone-api.js';

// A three-way conference mixed locally in agent B's browser with Web Audio, over real
// calls: the caller (queue call to B) and agent A (B's consultation call), every page a
// headless Chromium with a fake microphone, Kamailio and the Hotline server in the
// loopback-only network namespace of the voice stack.

const A = 'agt_en';
const B = 'agt_zh';
/** The fake microphone's beeps need a window of more than a second to show. */
const WINDOW_MS = 1_500;

type ConferencePage = PageGlobals & {
  conference?: Conference;
  conferenceEnded?: string[];
  /** The caller's call's microphone track before the conference. */
  microphone?: MediaStreamTrack | null;
};

/** The track the page's first live call sends, and whether it is the microphone it sent before the conference. */
const sending = (page: Page) =>
  page.evaluate(() => {
    const globals = window as unknown as ConferencePage;
    const sent = globals.softphone.calls[0]?.peerConnection
      ?.getSenders()
      .find((sender) => sender.track?.kind === 'audio');
    return { isMicrophone: Boolean(sent?.track) && sent?.track === globals.microphone, enabled: sent?.track?.enabled };
  });

describeWith([CHROMIUM, KAMAILIO], 'a three-way conference mixed with Web Audio', () => {
  let stack: VoiceStack;
  let caller: Page;
  let agentA: Page;
  let agentB: Page;

  const lastCall = async (page: Page): Promise<PageCall | undefined> => (await pagePhone.snapshot(page)).calls.at(-1);
  const stateOf = async (page: Page) => (await lastCall(page))?.state;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1_000)); // the jitter buffer plays out

  /** How much the inbound audio energy of `page`'s live call grows over a window. */
  async function energyOver(page: Page): Promise<number> {
    const start = (await pagePhone.media(page)).inboundEnergy;
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    return (await pagePhone.media(page)).inboundEnergy - start;
  }

  /** Runs `mute` or `unmute` on every live call of the page's softphone. */
  const setMuted = (page: Page, muted: boolean) =>
    page.evaluate((on) => {
      for (const call of (window as unknown as ConferencePage).softphone.calls) on ? call.mute() : call.unmute();
    }, muted);

  /** `listener` receives audio energy while `speaker` talks, and none once `speaker` is muted. */
  async function expectHeardOnlyWhileSpeaking(listener: Page, speaker: Page, what: string): Promise<void> {
    const speaking = await energyOver(listener);
    await setMuted(speaker, true);
    await settle();
    const silent = await energyOver(listener);
    await setMuted(speaker, false);
    console.info(`conference: ${what}: speaking ${speaking}, muted ${silent}`);
    expect(speaking).toBeGreaterThan(0.001);
    expect(silent).toBeLessThan(speaking / 10);
  }

  beforeAll(async () => {
    stack = await startVoiceStack({ ringMs: 10_000 });
    [caller, agentA, agentB] = await Promise.all([
      stack.openPhone('caller', 'caller'),
      stack.openPhone('agent', A),
      stack.openPhone('agent', B),
    ]);
    await readyPhones(stack, caller, { [A]: agentA, [B]: agentB });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('caller → B, B holds and calls A, conference: the caller hears A, A hears the caller; A hangs up, caller and B talk', async () => {
    await pagePhone.dial(caller, `sip:support@${stack.sipDomain}`, ['X-Hotline-Language: zh']);
    await expect.poll(() => stateOf(agentB), { timeout: 10_000 }).toBe('ringing_in');
    await pagePhone.act(agentB, 'answer');
    await expect.poll(() => stateOf(caller), { timeout: 10_000 }).toBe('connected');
    await pagePhone.act(agentB, 'hold');

    await pagePhone.dial(agentB, `sip:${A}@${stack.sipDomain}`);
    await expect.poll(() => stateOf(agentA), { timeout: 10_000 }).toBe('ringing_in');
    await pagePhone.act(agentA, 'answer');
    await expect.poll(() => stateOf(agentB), { timeout: 10_000 }).toBe('connected');
    expect((await pagePhone.snapshot(agentB)).calls.map(({ state }) => state)).toEqual(['held', 'connected']);

    const started = await agentB.evaluate(async () => {
      const page = window as unknown as ConferencePage;
      const [held, consultation] = page.softphone.calls;
      if (!held || !consultation) throw new Error('B has not two calls');
      page.microphone = held.peerConnection?.getSenders().find((sender) => sender.track?.kind === 'audio')?.track;
      const conference = await page.softphone.conference(held, consultation);
      page.conference = conference;
      page.conferenceEnded = [];
      conference.on('ended', ({ reason, remaining }) =>
        page.conferenceEnded?.push(`${reason} ${remaining?.remoteUri}`),
      );
      conference.mute();
      return { states: page.softphone.calls.map((call) => call.state), muted: conference.muted };
    });
    expect(started).toEqual({ states: ['connected', 'connected'], muted: true });
    await expect.poll(async () => (await pagePhone.snapshot(caller)).remoteHold).toEqual([true, false]);
    expect(await sending(agentB)).toEqual({ isMicrophone: false, enabled: true });

    // Only A speaks (B is muted in both mixes): what the caller gets from B is A's voice.
    await settle();
    await expectHeardOnlyWhileSpeaking(caller, agentA, "caller's inbound energy, from A");
    // And A hears the caller through B's mix (B still muted).
    await expectHeardOnlyWhileSpeaking(agentA, caller, "A's inbound energy, from the caller");

    // A hangs up: the conference ends, the caller's call stays up with B's own microphone.
    await pagePhone.act(agentA, 'hangup');
    await expect
      .poll(() => agentB.evaluate(() => (window as unknown as ConferencePage).conferenceEnded), { timeout: 10_000 })
      .toEqual([`call_ended sip:caller@${stack.sipDomain}`]);
    const afterwards = await agentB.evaluate(() => {
      const page = window as unknown as ConferencePage;
      return { active: page.conference?.active, calls: page.softphone.calls.map((live) => live.state) };
    });
    expect(afterwards).toEqual({ active: false, calls: ['connected'] });
    // Muted in the conference, the call stays muted, now on its own (disabled) microphone.
    expect(await sending(agentB)).toEqual({ isMicrophone: true, enabled: false });
    await setMuted(agentB, false);
    await settle();
    expect(await energyOver(caller)).toBeGreaterThan(0.001);
    expect(await energyOver(agentB)).toBeGreaterThan(0.001);
    expect(await stateOf(caller)).toBe('connected');
    await pagePhone.act(caller, 'hangup');
  });
});
