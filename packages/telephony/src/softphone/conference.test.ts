// Unit tests of the locally mixed conference: the Web Audio graph and sender swaps against
// the typed double in conference-double.ts, the calls against the JsSIP double.
import { ConflictError, IllegalTransitionError, UnavailableError, ValidationError } from '@hotline/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Call } from './call.js';
import { FakeAudioContext, FakeStream, FakeTrack, fakePeerConnection } from './conference-double.js';
import { type FakeSession, type FakeUa, fakeJsSip } from './jssip-double.js';
import { createSoftphone } from './softphone.js';

const base = { uri: 'sip:agent@example.com', wsServers: 'ws://127.0.0.1:8080' };
const kept: { srcObject: unknown; muted: boolean }[] = [];

class FakeAudioElement {
  srcObject: unknown = null;
  muted = false;
  constructor() {
    kept.push(this);
  }
  async play(): Promise<void> {}
}

function setup() {
  const jssip = fakeJsSip();
  const sink = { setSinkId: vi.fn(async () => {}), srcObject: null as unknown, play: vi.fn(async () => {}) };
  const softphone = createSoftphone({
    ...base,
    jssip: jssip.module,
    random: () => 0,
    audioSinks: { call: sink as never },
  });
  softphone.register();
  const ua = jssip.uas[0] as FakeUa;
  ua.connect();
  ua.registerOk();
  const leg = (name: string) => {
    const call = softphone.call(`sip:${name}@example.com`);
    const session = ua.outgoing.at(-1) as FakeSession;
    session.accept();
    const remote = { id: `remote-${name}` };
    session.pc.addRemoteTrack(remote);
    const microphone = new FakeTrack(`mic-${name}`);
    const { pc, sender } = fakePeerConnection(microphone);
    session.connection = pc;
    // JsSIP's mute disables the sender's current track.
    session.mute = () => {
      if (sender.track) sender.track.enabled = false;
    };
    session.unmute = () => {
      if (sender.track) sender.track.enabled = true;
    };
    return { call, session, sender, microphone, remote };
  };
  const context = new FakeAudioContext();
  return { softphone, sink, leg, context, ua };
}

async function conferenced() {
  const env = setup();
  const caller = env.leg('caller');
  const colleague = env.leg('colleague');
  await caller.call.hold();
  const conference = await env.softphone.conference(caller.call, colleague.call, { audioContext: env.context });
  return { ...env, caller, colleague, conference };
}

beforeEach(() => {
  kept.length = 0;
  vi.stubGlobal('MediaStream', FakeStream);
  vi.stubGlobal('Audio', FakeAudioElement);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('softphone.conference wiring', () => {
  it('unholds the caller and mixes: each party hears the agent and the other party, the agent hears both', async () => {
    const { caller, colleague, conference, context, sink } = await conferenced();
    expect(caller.call.state).toBe('connected');
    expect(colleague.call.state).toBe('connected');
    expect(conference.active).toBe(true);
    // Destination 0 is the agent's ear; 1 is what the caller gets, 2 what the colleague gets.
    expect(caller.sender.track?.label).toBe('mix destination 1');
    expect(colleague.sender.track?.label).toBe('mix destination 2');
    expect(context.heardBy('mic-caller')).toEqual(['mix destination 1']);
    expect(context.heardBy('mic-colleague')).toEqual(['mix destination 2']);
    expect(context.heardBy('remote-caller')).toEqual(['mix destination 0', 'mix destination 2']);
    expect(context.heardBy('remote-colleague')).toEqual(['mix destination 0', 'mix destination 1']);
    const agentEar = context.nodes[0] as unknown as { stream: unknown };
    expect(sink.srcObject).toBe(agentEar.stream);
    expect(context.resumed).toBe(true);
    // Chromium only feeds remote WebRTC audio to Web Audio while an element plays it.
    expect(kept.map(({ srcObject, muted }) => ({ srcObject, muted }))).toEqual([
      { srcObject: caller.remote, muted: true },
      { srcObject: colleague.remote, muted: true },
    ]);
  });

  it('end() restores each call its own microphone, keeps both connected and leaves a passed context open', async () => {
    const { caller, colleague, conference, context, sink } = await conferenced();
    const ended = vi.fn();
    conference.on('ended', ended);
    await conference.end();
    expect(caller.sender.track).toBe(caller.microphone);
    expect(colleague.sender.track).toBe(colleague.microphone);
    expect([caller.call.state, colleague.call.state]).toEqual(['connected', 'connected']);
    expect(context.nodes.every((node) => node.disconnected)).toBe(true);
    expect(context.closed).toBe(false);
    expect(sink.srcObject).toBe(colleague.remote);
    expect(kept.every(({ srcObject }) => srcObject === null)).toBe(true);
    expect(ended).toHaveBeenCalledWith({ reason: 'ended', remaining: undefined });
    await conference.end();
    expect(ended).toHaveBeenCalledTimes(1);
    expect(() => conference.mute()).toThrow(IllegalTransitionError);
  });

  it('hanging up one call ends the conference and leaves the other connected with its own microphone', async () => {
    const { caller, colleague, conference, sink } = await conferenced();
    const ended = new Promise((resolve) => conference.on('ended', resolve));
    colleague.session.remoteEnd();
    expect(await ended).toEqual({ reason: 'call_ended', remaining: caller.call });
    expect(conference.active).toBe(false);
    expect(caller.call.state).toBe('connected');
    expect(caller.sender.track).toBe(caller.microphone);
    expect(caller.microphone.enabled).toBe(true);
    expect(sink.srcObject).toBe(caller.remote);
  });

  it('muting either call mutes the agent in both mixes, while the parties still hear each other', async () => {
    const { caller, colleague, conference, context } = await conferenced();
    const gains = () =>
      context.nodes
        .filter((node) => 'gain' in node)
        .map((node) => (node as never as { gain: { value: number } }).gain.value);
    expect(gains()).toEqual([1, 1]);
    colleague.call.mute();
    expect(gains()).toEqual([0, 0]);
    expect([caller.call.muted, colleague.call.muted, conference.muted]).toEqual([true, true, true]);
    // JsSIP disabled the senders' tracks (the mixes); the conference turned them back on.
    expect([caller.sender.track?.enabled, colleague.sender.track?.enabled]).toEqual([true, true]);
    conference.unmute();
    expect(gains()).toEqual([1, 1]);
    expect([caller.call.muted, colleague.call.muted]).toEqual([false, false]);
    conference.mute();
    await conference.end();
    // Still muted after the conference: each call's own microphone goes back disabled.
    expect([caller.microphone.enabled, colleague.microphone.enabled]).toEqual([false, false]);
    expect(caller.sender.track).toBe(caller.microphone);
  });
});

describe('softphone.conference input', () => {
  async function rejects(run: () => Promise<unknown>, type: new (...args: never[]) => Error) {
    await expect(run()).rejects.toBeInstanceOf(type);
  }

  it('refuses the same call twice, a call of another softphone, a ringing call; changes nothing', async () => {
    const { softphone, leg, context } = setup();
    const a = leg('a');
    const b = leg('b');
    await a.call.hold();
    await rejects(() => softphone.conference(a.call, a.call, { audioContext: context }), ValidationError);
    const elsewhere = setup().leg('x');
    await rejects(() => softphone.conference(a.call, elsewhere.call, { audioContext: context }), ValidationError);
    await rejects(() => softphone.conference(a.call, {} as Call, { audioContext: context }), ValidationError);
    const ringing = softphone.call('sip:ringing@example.com');
    await rejects(() => softphone.conference(a.call, ringing, { audioContext: context }), IllegalTransitionError);
    expect(a.call.state).toBe('held');
    expect([a.sender.replaced, b.sender.replaced]).toEqual([[], []]);
    expect(context.nodes).toEqual([]);
  });

  it('refuses a call with no audio from the other side yet', async () => {
    const { softphone, leg, context, ua } = setup();
    const a = leg('a');
    const silent = softphone.call('sip:silent@example.com');
    (ua.outgoing.at(-1) as FakeSession).accept();
    await rejects(() => softphone.conference(a.call, silent, { audioContext: context }), UnavailableError);
    expect(context.nodes).toEqual([]);
  });

  it('a sender refusing the mix undoes the wiring: both calls send their own microphone, and may conference again', async () => {
    const { softphone, leg, context } = setup();
    const a = leg('a');
    const b = leg('b');
    const replace = b.sender.replaceTrack.bind(b.sender);
    b.sender.replaceTrack = vi.fn(async () => {
      throw new Error('InvalidModificationError');
    });
    await expect(softphone.conference(a.call, b.call, { audioContext: context })).rejects.toThrow(
      'InvalidModificationError',
    );
    expect(a.sender.track).toBe(a.microphone);
    expect(b.sender.track).toBe(b.microphone);
    expect(context.nodes.every((node) => node.disconnected)).toBe(true);
    b.sender.replaceTrack = replace;
    const conference = await softphone.conference(a.call, b.call, { audioContext: new FakeAudioContext() });
    expect(conference.active).toBe(true);
  });

  it('refuses a call already in a conference, and says when there is no Web Audio', async () => {
    const { softphone, caller, colleague, leg } = await conferenced();
    const third = leg('third');
    await rejects(
      () => softphone.conference(caller.call, third.call, { audioContext: new FakeAudioContext() }),
      ConflictError,
    );
    await rejects(() => softphone.conference(third.call, leg('fourth').call), UnavailableError);
    expect(third.sender.replaced).toEqual([]);
    expect(colleague.sender.track?.label).toBe('mix destination 2');
  });
});
