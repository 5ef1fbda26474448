// Softphones (the real JsSIP UA inside) calling each other through a real Kamailio started
// by the telephony harness, with the reference config. Signalling only: WebRTC is the
// harness's SDP-only stand-in, so no audio flows; browser tests cover media.
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { type Component, describeWith } from '../../../../e2e/harness/components.js';
import { installFakeWebRtc } from '../../test/fake-webrtc.js';
import { kamailioInstalled, type RunningKamailio, startKamailio } from '../node/kamailio.js';
import type { Call } from './call.js';
import { createSoftphone, type Softphone } from './softphone.js';

const KAMAILIO: Component = {
  name: 'Kamailio with websocket, http_client and jansson modules',
  debianPackage: 'kamailio kamailio-websocket-modules kamailio-utils-modules kamailio-extra-modules',
  installed: kamailioInstalled,
};

async function until(what: string, check: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describeWith([KAMAILIO], 'softphones through Kamailio', () => {
  let kamailio: RunningKamailio | undefined;
  let phones: Softphone[] = [];

  beforeAll(async () => {
    // Node 20 has neither WebSocket nor WebRTC; JsSIP needs both as globals.
    (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
    installFakeWebRtc();
    // No microphone in Node: an empty stream lets JsSIP go through its usual getUserMedia path.
    const stream = { getTracks: () => [], getAudioTracks: () => [], getVideoTracks: () => [] };
    Object.defineProperty(globalThis, 'navigator', {
      configurable: true,
      value: { mediaDevices: { getUserMedia: async () => stream } },
    });
    kamailio = await startKamailio({
      // No queue address is dialled here, so the bridge is never asked.
      bridgeUrl: 'http://127.0.0.1:9/voice/v1',
      secret: 'softphone-test-secret-0123456789abcdef',
    });
  }, 20_000);

  afterEach(() => {
    for (const phone of phones) phone.stop();
    phones = [];
  });

  afterAll(async () => {
    await kamailio?.stop();
  });

  async function registered(user: string): Promise<Softphone> {
    const running = kamailio as RunningKamailio;
    const phone = createSoftphone({ uri: `sip:${user}@${running.sipDomain}`, wsServers: running.wsUrl });
    phones.push(phone);
    phone.register();
    await until(`${user} registered`, () => phone.registrationState === 'registered');
    return phone;
  }

  function nextIncoming(phone: Softphone, timeoutMs = 8000): Promise<Call> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no incoming call')), timeoutMs);
      const off = phone.on('incoming', ({ call }) => {
        clearTimeout(timer);
        off();
        resolve(call);
      });
    });
  }

  async function connectedPair(caller: Softphone, callee: Softphone, calleeUser: string) {
    const ringing = nextIncoming(callee);
    const outgoing = caller.call(`sip:${calleeUser}@${(kamailio as RunningKamailio).sipDomain}`);
    const incoming = await ringing;
    expect(incoming.state).toBe('ringing_in');
    incoming.answer();
    await until('both sides connected', () => outgoing.state === 'connected' && incoming.state === 'connected');
    return { outgoing, incoming };
  }

  it('calls, holds, sends DTMF by INFO and hangs up', async () => {
    const alice = await registered('alice');
    const bob = await registered('bob');
    const { outgoing, incoming } = await connectedPair(alice, bob, 'bob');

    const remoteHold: boolean[] = [];
    incoming.on('remote_hold', ({ held }) => remoteHold.push(held));
    await outgoing.hold();
    expect(outgoing.state).toBe('held');
    await outgoing.unhold();
    await until('remote hold seen both ways', () => remoteHold.length === 2);
    expect(remoteHold).toEqual([true, false]);

    const tones: string[] = [];
    incoming.on('dtmf', ({ tone }) => tones.push(tone));
    outgoing.sendDtmf('5#', 'info');
    await until('DTMF received', () => tones.length === 2);
    expect(tones).toEqual(['5', '#']);

    incoming.hangup();
    await until('caller ended', () => outgoing.state === 'ended');
    expect(outgoing.endReason).toBe('remote_hangup');
    expect(incoming.endReason).toBe('local_hangup');
    expect(alice.calls).toEqual([]);
  }, 30_000);

  it('survives hold glare: both sides re-INVITE at once, get 491 and retry', async () => {
    const alice = await registered('alice2');
    const bob = await registered('bob2');
    const { outgoing, incoming } = await connectedPair(alice, bob, 'bob2');
    const glares: number[] = [];
    for (const call of [outgoing, incoming]) call.on('glare', ({ attempt }) => glares.push(attempt));
    // Whether the two re-INVITEs cross depends on timing, so try a few rounds.
    for (let round = 0; round < 8 && glares.length === 0; round++) {
      await Promise.all([outgoing.hold(), incoming.hold()]);
      expect([outgoing.state, incoming.state]).toEqual(['held', 'held']);
      await Promise.all([outgoing.unhold(), incoming.unhold()]);
      expect([outgoing.state, incoming.state]).toEqual(['connected', 'connected']);
    }
    // JsSIP answers a re-INVITE with 491 while its own is pending (and cannot offer while
    // it answers); its own hold() would then have ended the call with a 500.
    expect(glares.length).toBeGreaterThan(0);
  }, 60_000);

  it('blind transfer: the transferee follows the REFER to the new party', async () => {
    const alice = await registered('alice3');
    const bob = await registered('bob3');
    const carol = await registered('carol3');
    const { outgoing: aliceToBob, incoming: bobFromAlice } = await connectedPair(alice, bob, 'bob3');
    const moved = new Promise<{ from: Call; to: Call }>((resolve) => alice.on('transferred', resolve));
    const carolRings = nextIncoming(carol);
    bobFromAlice.transfer(`sip:carol3@${(kamailio as RunningKamailio).sipDomain}`);
    const atCarol = await carolRings;
    atCarol.answer();
    const { from, to } = await moved;
    expect(from).toBe(aliceToBob);
    await until('the transferor left', () => bobFromAlice.state === 'ended' && aliceToBob.state === 'ended');
    expect(bobFromAlice.endReason).toBe('transferred');
    expect(aliceToBob.endReason).toBe('transferred');
    expect(to.state).toBe('connected');
    expect(atCarol.state).toBe('connected');
  }, 30_000);

  it('attended transfer: the transferee replaces the consultation call', async () => {
    const domain = (kamailio as RunningKamailio).sipDomain;
    const alice = await registered('alice4');
    const bob = await registered('bob4');
    const carol = await registered('carol4');
    const { outgoing: aliceToBob, incoming: bobFromAlice } = await connectedPair(alice, bob, 'bob4');
    await bobFromAlice.hold();
    const { outgoing: bobToCarol, incoming: carolFromBob } = await connectedPair(bob, carol, 'carol4');
    const aliceMoved = new Promise<{ from: Call; to: Call }>((resolve) => alice.on('transferred', resolve));
    const carolMoved = new Promise<{ from: Call; to: Call }>((resolve) => carol.on('transferred', resolve));
    const carolRang = vi.fn();
    carol.on('incoming', carolRang);
    bobFromAlice.attendedTransfer(bobToCarol);
    const [atAlice, atCarol] = await Promise.all([aliceMoved, carolMoved]);
    expect(atAlice.from).toBe(aliceToBob);
    expect(atCarol.from).toBe(carolFromBob);
    expect(atAlice.to.remoteUri).toBe(`sip:carol4@${domain}`);
    await until('every replaced leg ended', () =>
      [aliceToBob, bobFromAlice, bobToCarol, carolFromBob].every((call) => call.state === 'ended'),
    );
    for (const call of [aliceToBob, bobFromAlice, bobToCarol, carolFromBob]) expect(call.endReason).toBe('transferred');
    expect(atAlice.to.state).toBe('connected');
    expect(atCarol.to.state).toBe('connected');
    // The replacing INVITE is answered by the softphone, not offered as a new call.
    expect(carolRang).not.toHaveBeenCalled();
  }, 30_000);
});
