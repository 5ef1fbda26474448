// Unit tests of the softphone wrapper against a minimal typed double of JsSIP
// (jssip-double.ts), not against a SIP server.
import { IllegalTransitionError, UnavailableError, ValidationError } from '@hotline/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallState } from './call-machine.js';
import { FakeSession, type FakeUa, fakeJsSip } from './jssip-double.js';
import type { SoftphoneOptions } from './options.js';
import { createSoftphone } from './softphone.js';

const base = { uri: 'sip:alice@example.com', password: 'pw', wsServers: 'ws://127.0.0.1:8080' };

function setup(extra: Partial<SoftphoneOptions> = {}) {
  const jssip = fakeJsSip();
  const softphone = createSoftphone({ ...base, jssip: jssip.module, random: () => 0, ...extra });
  softphone.register();
  const ua = jssip.uas[0] as FakeUa;
  ua.connect();
  ua.registerOk();
  return { softphone, ua, jssip };
}

function states(call: { on: (e: 'state', l: (p: { state: CallState }) => void) => unknown }) {
  const seen: CallState[] = [];
  call.on('state', ({ state }) => seen.push(state));
  return seen;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createSoftphone options', () => {
  it('rejects bad options with every path and creates nothing', () => {
    const jssip = fakeJsSip();
    try {
      createSoftphone({ uri: 'alice', wsServers: ['http://x'], iceGatheringTimeoutMs: -1, jssip: jssip.module });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      const paths = new Set((err as ValidationError).issues.map((issue) => issue.path));
      expect([...paths].sort()).toEqual(['iceGatheringTimeoutMs', 'uri', 'wsServers.0']);
    }
    expect(jssip.uas).toHaveLength(0);
  });

  it('configures JsSIP: sockets, credentials, no JsSIP-driven first registration, backoff in seconds', () => {
    const jssip = fakeJsSip();
    createSoftphone({
      ...base,
      wsServers: ['ws://a:1', 'ws://b:2'],
      displayName: 'Alice',
      reconnect: { minIntervalMs: 1000, maxIntervalMs: 8000 },
      jssip: jssip.module,
    }).start();
    expect(jssip.sockets).toEqual(['ws://a:1', 'ws://b:2']);
    expect(jssip.uas[0]?.configuration).toMatchObject({
      uri: 'sip:alice@example.com',
      password: 'pw',
      display_name: 'Alice',
      register: false,
      connection_recovery_min_interval: 1,
      connection_recovery_max_interval: 8,
    });
    expect(jssip.uas[0]?.log).toEqual(['start']);
  });
});

describe('registration', () => {
  it('reports connecting, connected, registering and registered', () => {
    const jssip = fakeJsSip();
    const softphone = createSoftphone({ ...base, jssip: jssip.module });
    const seen: string[] = [];
    softphone.on('connection', ({ state }) => seen.push(`ws:${state}`));
    softphone.on('registration', ({ state }) => seen.push(`reg:${state}`));
    softphone.register();
    const ua = jssip.uas[0] as FakeUa;
    ua.connect();
    ua.registerOk();
    expect(seen).toEqual(['ws:connecting', 'reg:registering', 'ws:connected', 'reg:registered']);
    expect(ua.log).toEqual(['start', 'register']);
    expect(softphone.registrationState).toBe('registered');
  });

  it('goes back to registering when the WebSocket drops and to registered after JsSIP re-registers', () => {
    const { softphone, ua } = setup();
    ua.disconnect();
    expect(softphone.connectionState).toBe('disconnected');
    expect(softphone.registrationState).toBe('registering');
    ua.connect();
    ua.registerOk();
    expect(softphone.registrationState).toBe('registered');
  });

  it('retries a failed registration with doubling delays, but not refused credentials', () => {
    const { softphone, ua } = setup({ registrationRetryMs: 1000 });
    ua.fire('registrationFailed', { cause: 'Request Timeout' });
    expect(softphone.registrationState).toBe('failed');
    vi.advanceTimersByTime(999);
    expect(ua.log.filter((entry) => entry === 'register')).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(ua.log.filter((entry) => entry === 'register')).toHaveLength(2);
    expect(softphone.registrationState).toBe('registering');
    ua.fire('registrationFailed', { cause: 'Request Timeout' });
    vi.advanceTimersByTime(1999);
    expect(ua.log.filter((entry) => entry === 'register')).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(ua.log.filter((entry) => entry === 'register')).toHaveLength(3);
    ua.fire('registrationFailed', { cause: 'Authentication Error' });
    vi.advanceTimersByTime(120_000);
    expect(ua.log.filter((entry) => entry === 'register')).toHaveLength(3);
  });

  it('waits for the socket before the first REGISTER, and leaves socket failures to JsSIP', () => {
    const jssip = fakeJsSip();
    const softphone = createSoftphone({ ...base, jssip: jssip.module, registrationRetryMs: 1000 });
    softphone.register();
    const ua = jssip.uas[0] as FakeUa;
    expect(ua.log).toEqual(['start']);
    ua.fire('registrationFailed', { cause: 'Connection Error' });
    expect(softphone.registrationState).toBe('registering');
    vi.advanceTimersByTime(10_000);
    expect(ua.log).toEqual(['start']);
    ua.connect();
    ua.disconnect();
    ua.connect();
    expect(ua.log).toEqual(['start', 'register']);
  });

  it('unregisters, stops retrying, and stop() closes the UA', () => {
    const { softphone, ua } = setup({ registrationRetryMs: 1000 });
    ua.fire('registrationFailed', { cause: 'Request Timeout' });
    softphone.unregister();
    vi.advanceTimersByTime(10_000);
    expect(ua.log).toEqual(['start', 'register', 'unregister']);
    softphone.stop();
    expect(ua.log.at(-1)).toBe('stop');
    expect(softphone.connectionState).toBe('disconnected');
  });
});

describe('incoming calls', () => {
  it('rings, answers with the selected microphone, connects and ends on the remote BYE', async () => {
    const { softphone, ua } = setup();
    await softphone.setDevices({ input: 'mic-2' });
    const incoming = vi.fn();
    softphone.on('incoming', incoming);
    const ended = vi.fn();
    softphone.on('call_ended', ended);
    const session = ua.ring();
    const call = incoming.mock.calls[0]?.[0].call;
    expect(call.state).toBe('ringing_in');
    expect(call.remoteUri).toBe('sip:caller@example.com');
    const seen = states(call);
    call.answer();
    expect(session.log[0]).toEqual([
      'answer',
      expect.objectContaining({ mediaConstraints: { audio: { deviceId: { exact: 'mic-2' } }, video: false } }),
    ]);
    session.accept();
    expect(softphone.calls).toEqual([call]);
    session.remoteEnd();
    expect(seen).toEqual(['connected', 'ended']);
    expect(call.endReason).toBe('remote_hangup');
    expect(softphone.calls).toEqual([]);
    expect(ended).toHaveBeenCalledWith({ call });
  });

  it('rejects with 486 by default and ends as rejected', () => {
    const { softphone, ua } = setup();
    const session = ua.ring();
    const [call] = softphone.calls;
    call?.reject();
    expect(session.log).toEqual([['terminate', { status_code: 486 }]]);
    expect(call?.endReason).toBe('rejected');
  });

  it('refuses operations the state does not allow, and sends nothing', async () => {
    const { softphone, ua } = setup();
    const session = ua.ring();
    const call = softphone.calls[0];
    if (!call) throw new Error('no call');
    expect(() => call.sendDtmf('1')).toThrow(IllegalTransitionError);
    expect(() => call.transfer('sip:bob@example.com')).toThrow(IllegalTransitionError);
    await expect(call.hold()).rejects.toBeInstanceOf(IllegalTransitionError);
    expect(() => call.reject(200)).toThrow(ValidationError);
    session.accept();
    expect(() => call.answer()).toThrow(IllegalTransitionError);
    expect(() => call.reject()).toThrow(IllegalTransitionError);
    expect(session.log).toEqual([]);
  });
});

describe('outgoing calls', () => {
  it('refuses to call while disconnected', () => {
    const jssip = fakeJsSip();
    const softphone = createSoftphone({ ...base, jssip: jssip.module });
    expect(() => softphone.call('sip:bob@example.com')).toThrow(UnavailableError);
    softphone.start();
    expect(() => softphone.call('sip:bob@example.com')).toThrow(UnavailableError);
    expect(() => softphone.call(' ')).toThrow(ValidationError);
  });

  it('dials, connects and hangs up', () => {
    const { softphone, ua } = setup({ iceServers: [{ urls: 'stun:stun.example.com' }] });
    const call = softphone.call('sip:bob@example.com');
    expect(call.direction).toBe('outgoing');
    expect(call.state).toBe('ringing_out');
    expect(ua.log.at(-1)).toContain('"iceServers":[{"urls":"stun:stun.example.com"}]');
    const session = ua.outgoing[0] as FakeSession;
    session.accept();
    expect(call.state).toBe('connected');
    call.hangup();
    expect(call.endReason).toBe('local_hangup');
    call.hangup();
    expect(session.log.filter(([name]) => name === 'terminate')).toHaveLength(1);
  });

  it('puts extra headers on the INVITE, and refuses malformed ones before dialling', () => {
    const { softphone, ua } = setup();
    softphone.call('sip:support@example.com', {
      extraHeaders: ['X-Hotline-Language: zh', 'X-Hotline-Intent: billing'],
    });
    expect(ua.log.at(-1)).toContain('"extraHeaders":["X-Hotline-Language: zh","X-Hotline-Intent: billing"]');
    const dialled = ua.outgoing.length;
    for (const bad of [['X-Evil: a\r\nVia: b'], ['no colon'], [42]]) {
      expect(() => softphone.call('sip:support@example.com', { extraHeaders: bad as string[] })).toThrow(
        ValidationError,
      );
    }
    expect(() => softphone.call('sip:support@example.com', { extraHeaders: 'X-A: 1' as never })).toThrow(
      ValidationError,
    );
    expect(ua.outgoing).toHaveLength(dialled);
  });

  it('maps JsSIP failure causes to end reasons', () => {
    const { softphone, ua } = setup();
    const cases: [string, string][] = [
      ['Busy', 'busy'],
      ['Rejected', 'rejected'],
      ['No Answer', 'no_answer'],
      ['Connection Error', 'network_lost'],
      ['User Denied Media Access', 'media_failed'],
      ['Something New', 'failed'],
    ];
    for (const [cause, reason] of cases) {
      const call = softphone.call('sip:bob@example.com');
      (ua.outgoing.at(-1) as FakeSession).remoteEnd(cause);
      expect(call.endReason).toBe(reason);
    }
    const cancelled = softphone.call('sip:bob@example.com');
    cancelled.hangup();
    expect(cancelled.endReason).toBe('canceled');
  });
});

function connectedCall(extra: Partial<SoftphoneOptions> = {}) {
  const env = setup(extra);
  const call = env.softphone.call('sip:bob@example.com');
  const session = env.ua.outgoing[0] as FakeSession;
  session.accept();
  return { ...env, call, session };
}

describe('hold and unhold', () => {
  it('holds and unholds with re-INVITEs', async () => {
    const { call, session } = connectedCall();
    const seen = states(call);
    await call.hold();
    expect(session._localHold).toBe(true);
    await call.unhold();
    expect(session._localHold).toBe(false);
    expect(seen).toEqual(['held', 'connected']);
    expect(session.log.filter(([name]) => name === 'reinvite')).toEqual([
      ['reinvite', true, 200],
      ['reinvite', false, 200],
    ]);
  });

  it('retries a 491 after the RFC 3261 delay instead of dropping the call', async () => {
    const { call, session } = connectedCall({ random: () => 0 });
    session.reinviteResponses = [491, 200];
    const glare = vi.fn();
    call.on('glare', glare);
    const held = call.hold();
    await vi.advanceTimersByTimeAsync(0);
    expect(call.state).toBe('connected');
    expect(session._localHold).toBe(false);
    // This side sent the INVITE, so it owns the Call-ID: 2.1 s at the earliest.
    await vi.advanceTimersByTimeAsync(2099);
    expect(session.log.filter(([name]) => name === 'reinvite')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await held;
    expect(glare).toHaveBeenCalledWith({ hold: true, delayMs: 2100, attempt: 1 });
    expect(call.state).toBe('held');
    expect(session.log.some(([name]) => name === 'terminate')).toBe(false);
  });

  it('reports other failures and stays connected', async () => {
    const { call, session } = connectedCall();
    session.reinviteResponses = [488];
    await expect(call.hold()).rejects.toMatchObject({ code: 'UNAVAILABLE', details: { statusCode: 488 } });
    expect(call.state).toBe('connected');
    expect(session._localHold).toBe(false);
  });

  it('reports the remote side holding', () => {
    const { call, session } = connectedCall();
    const seen: boolean[] = [];
    call.on('remote_hold', ({ held }) => seen.push(held));
    session.fire('hold', { originator: 'remote' });
    session.fire('unhold', { originator: 'remote' });
    expect(seen).toEqual([true, false]);
    expect(call.state).toBe('connected');
  });
});

describe('mute and DTMF', () => {
  it('mutes and unmutes once each', () => {
    const { call, session } = connectedCall();
    const seen: boolean[] = [];
    call.on('muted', ({ muted }) => seen.push(muted));
    call.mute();
    call.mute();
    call.unmute();
    expect(seen).toEqual([true, false]);
    expect(session.log.map(([name]) => name)).toEqual(['mute', 'unmute']);
  });

  it('sends RFC 2833 by default and INFO on request; validates tones; reports received tones', () => {
    const { call, session } = connectedCall();
    call.sendDtmf('12#');
    call.sendDtmf('*', 'info');
    expect(() => call.sendDtmf('12x')).toThrow(ValidationError);
    expect(session.log).toEqual([
      ['sendDTMF', '12#', { transportType: 'RFC2833' }],
      ['sendDTMF', '*', { transportType: 'INFO' }],
    ]);
    const tones: string[] = [];
    call.on('dtmf', ({ tone }) => tones.push(tone));
    session.fire('newDTMF', { originator: 'remote', dtmf: { tone: '5' } });
    session.fire('newDTMF', { originator: 'local', dtmf: { tone: '1' } });
    expect(tones).toEqual(['5']);
  });
});

describe('transfer', () => {
  it('blind: REFERs, and ends as transferred once the new call is accepted', () => {
    const { call, session } = connectedCall();
    const seen = states(call);
    call.transfer('sip:carol@example.com');
    expect(session.log.at(-1)?.[1]).toBe('sip:carol@example.com');
    session.referHandlers().accepted?.({});
    expect(seen).toEqual(['transferring', 'ended']);
    expect(call.endReason).toBe('transferred');
  });

  it('blind: returns to held when the REFER fails', async () => {
    const { call, session } = connectedCall();
    await call.hold();
    call.transfer('sip:carol@example.com');
    session.referHandlers().requestFailed?.({});
    expect(call.state).toBe('held');
  });

  it('attended: REFERs with Replaces to the consultation call', () => {
    const { softphone, ua, call, session } = connectedCall();
    const consultation = softphone.call('sip:carol@example.com');
    (ua.outgoing[1] as FakeSession).accept();
    call.attendedTransfer(consultation);
    const [, target, options] = session.log.at(-1) ?? [];
    expect(target).toBe('sip:carol@example.com');
    expect((options as { replaces: unknown }).replaces).toBe(ua.outgoing[1]);
    const ringing = softphone.call('sip:dave@example.com');
    expect(() => call.attendedTransfer(ringing)).toThrow(IllegalTransitionError);
  });
});

describe('being transferred', () => {
  /** Fires a REFER or Replaces at `session` whose `accept` starts `next` the way JsSIP does. */
  function request(ua: FakeUa, session: FakeSession, kind: 'refer' | 'replaces', next: FakeSession) {
    const accepted = vi.fn();
    const reject = vi.fn();
    session.fire(kind, {
      accept: (init: (s: FakeSession) => void, options: unknown) => {
        accepted(options);
        init(next);
        ua.fire('newRTCSession', { originator: kind === 'refer' ? 'local' : 'remote', session: next });
      },
      reject,
    });
    return { accepted, reject };
  }

  it('follows a REFER: dials the new party, then the old call ends as transferred', () => {
    const { softphone, ua, call, session } = connectedCall();
    const incoming = vi.fn();
    const transferred = vi.fn();
    softphone.on('incoming', incoming);
    softphone.on('transferred', transferred);
    const next = new FakeSession('outgoing', 'sip:carol@example.com');
    const { accepted } = request(ua, session, 'refer', next);
    expect(accepted).toHaveBeenCalledWith(expect.objectContaining({ mediaConstraints: expect.anything() }));
    const to = softphone.calls.find((candidate) => candidate.remoteUri === 'sip:carol@example.com');
    expect(to?.state).toBe('ringing_out');
    next.accept();
    expect(transferred).toHaveBeenCalledWith({ from: call, to });
    session.remoteEnd();
    expect(call.endReason).toBe('transferred');
    expect(incoming).not.toHaveBeenCalled();
  });

  it('answers an INVITE with Replaces at once, without an incoming event', async () => {
    const { softphone, ua, call, session } = connectedCall();
    const incoming = vi.fn();
    softphone.on('incoming', incoming);
    const next = new FakeSession('incoming', 'sip:carol@example.com');
    request(ua, session, 'replaces', next);
    await Promise.resolve();
    expect(next.log[0]?.[0]).toBe('answer');
    next.accept();
    // JsSIP ends the replaced session itself once the new one is confirmed.
    session.terminate();
    expect(call.endReason).toBe('transferred');
    expect(incoming).not.toHaveBeenCalled();
  });

  it('refuses transfers when acceptTransfers is false', () => {
    const { ua, session } = connectedCall({ acceptTransfers: false });
    const { accepted, reject } = request(ua, session, 'refer', new FakeSession('outgoing', 'sip:x@example.com'));
    expect(reject).toHaveBeenCalled();
    expect(accepted).not.toHaveBeenCalled();
  });
});

describe('network', () => {
  it('caps ICE gathering at iceGatheringTimeoutMs', () => {
    const { softphone, ua } = setup({ iceGatheringTimeoutMs: 500 });
    softphone.call('sip:bob@example.com');
    const session = ua.outgoing[0] as FakeSession;
    const ready = vi.fn();
    session.fire('icecandidate', { candidate: {}, ready });
    session.fire('icecandidate', { candidate: {}, ready });
    vi.advanceTimersByTime(499);
    expect(ready).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(ready).toHaveBeenCalledTimes(1);
  });

  it('goes reconnecting when the WebSocket or ICE drops, and back when it returns', async () => {
    const { ua, call, session } = connectedCall();
    await call.hold();
    const seen = states(call);
    ua.disconnect();
    ua.connect();
    session.pc.setIceState('disconnected');
    session.pc.setIceState('connected');
    expect(seen).toEqual(['reconnecting', 'held', 'reconnecting', 'held']);
  });

  it('ends with network_lost when the connection does not come back in time', () => {
    const { ua, call, session } = connectedCall({ callReconnectTimeoutMs: 5000 });
    ua.disconnect();
    vi.advanceTimersByTime(5000);
    expect(call.endReason).toBe('network_lost');
    expect(session.log.some(([name]) => name === 'terminate')).toBe(true);
  });
});

describe('quality and devices', () => {
  it('samples quality while connected and stops when the call ends', async () => {
    const { call, session } = connectedCall({ quality: { intervalMs: 1000, thresholds: { samples: 1 } } });
    session.pc.stats = new Map([
      ['a', { type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.9 }],
      ['b', { type: 'inbound-rtp', kind: 'audio', jitter: 0.001, packetsLost: 0, packetsReceived: 50 }],
    ]);
    const samples = vi.fn();
    const warnings: string[] = [];
    call.on('sample', samples);
    call.on('warning', ({ name }) => warnings.push(name));
    await vi.advanceTimersByTimeAsync(1000);
    expect(samples.mock.calls[0]?.[0]).toMatchObject({ rttMs: 900, jitterMs: 1, lossPercent: 0 });
    // 900 ms of round trip also drags the estimated MOS under 3.5.
    expect(warnings.sort()).toEqual(['high_rtt', 'low_mos']);
    call.hangup();
    await vi.advanceTimersByTimeAsync(5000);
    expect(samples).toHaveBeenCalledTimes(1);
  });

  it('plays the remote audio of the call being talked on', () => {
    const sink = { setSinkId: vi.fn(async () => {}), srcObject: null as unknown, play: vi.fn(async () => {}) };
    const { softphone, ua, call, session } = connectedCall({ audioSinks: { call: sink as never } });
    const first = { id: 'first' };
    const streams = vi.fn();
    call.on('remote_stream', streams);
    session.pc.addRemoteTrack(first);
    expect(sink.srcObject).toBe(first);
    expect(call.remoteStream).toBe(first);
    expect(streams).toHaveBeenCalledWith({ stream: first });
    const second = softphone.call('sip:carol@example.com');
    const secondSession = ua.outgoing[1] as FakeSession;
    const other = { id: 'second' };
    secondSession.pc.addRemoteTrack(other);
    expect(sink.srcObject).toBe(first);
    secondSession.accept();
    expect(second.state).toBe('connected');
    expect(sink.srcObject).toBe(other);
    expect(sink.play).toHaveBeenCalledTimes(2);
  });

  it('routes output and ringer to their sinks and swaps the microphone of live calls', async () => {
    const callSink = { setSinkId: vi.fn(async () => {}) };
    const ringer = { setSinkId: vi.fn(async () => {}) };
    const track = { kind: 'audio' };
    const getUserMedia = vi.fn(async () => ({ getAudioTracks: () => [track] }) as unknown as MediaStream);
    const { softphone, session } = connectedCall({ audioSinks: { call: callSink, ringer }, getUserMedia });
    const changes = vi.fn();
    softphone.on('devices', changes);
    await softphone.setDevices({ input: 'usb-mic', output: 'headset', ringer: 'speaker' });
    expect(callSink.setSinkId).toHaveBeenCalledWith('headset');
    expect(ringer.setSinkId).toHaveBeenCalledWith('speaker');
    expect(getUserMedia).toHaveBeenCalledWith({ audio: { deviceId: { exact: 'usb-mic' } }, video: false });
    expect(session.pc.replacedTracks).toEqual([track]);
    expect(softphone.devices).toEqual({ input: 'usb-mic', output: 'headset', ringer: 'speaker' });
    expect(changes).toHaveBeenCalledWith({ input: 'usb-mic', output: 'headset', ringer: 'speaker' });
  });
});

describe('softphone preflight', () => {
  it('checks the selected microphone', async () => {
    const getUserMedia = vi.fn(async () => ({ getTracks: () => [] }) as unknown as MediaStream);
    const { softphone } = setup({ getUserMedia });
    await softphone.setDevices({ input: 'usb-mic' });
    const report = softphone.preflight({ timeoutMs: 50 });
    await vi.advanceTimersByTimeAsync(50);
    expect((await report).microphone).toEqual({ status: 'ok' });
    expect(getUserMedia).toHaveBeenCalledWith({ audio: { deviceId: { exact: 'usb-mic' } }, video: false });
  });
});
