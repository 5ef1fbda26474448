import { ConflictError, UnavailableError, ValidationError } from '@hotline/core';
import * as JsSIP from 'jssip';
import { Call, type TransferRequest } from './call.js';
import { type AudioContextLike, type Conference, type ConferenceOptions, startConference } from './conference.js';
import { TypedEmitter } from './emitter.js';
import type { JsSipModuleLike, NewSessionEvent, SipSessionLike, SipUaLike } from './jssip-types.js';
import { type ResolvedSoftphoneOptions, resolveSoftphoneOptions, type SoftphoneOptions } from './options.js';
import { type PreflightReport, runPreflight } from './preflight.js';

/** Per-call options of {@link Softphone.call}. */
export interface CallOptions {
  /** SIP headers for the INVITE, each `Name: value` on one line. @default [] */
  extraHeaders?: readonly string[];
}

/** One header line: a token name, a colon, a value without line breaks. */
const SIP_HEADER = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}:[^\r\n]{0,1024}$/;

/** The SIP over WebSocket connection. */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected';

/** Whether the registrar knows where to reach this softphone. */
export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'failed';

/** Audio devices (`MediaDeviceInfo.deviceId`); `undefined` means the system default. */
export interface AudioDevices {
  input?: string | undefined;
  output?: string | undefined;
  ringer?: string | undefined;
}

/** Events of a {@link Softphone}. */
export interface SoftphoneEvents {
  connection: { state: ConnectionState };
  /** `cause` is JsSIP's reason for a failure (`Authentication Error`, `Request Timeout`…). */
  registration: { state: RegistrationState; cause?: string };
  /** A call is ringing. Answer or reject it; ignoring it lets the caller's timeout end it. */
  incoming: { call: Call };
  /**
   * The other side moved a call: `from` (transferred away by a REFER, or replaced by an
   * attended transfer) continues as `to`, which the softphone dialled or answered itself.
   */
  transferred: { from: Call; to: Call };
  /** A call (either direction) reached `ended`; it has left {@link Softphone.calls}. */
  call_ended: { call: Call };
  devices: AudioDevices;
}

const AUTH_FAILURE = 'Authentication Error';
const CONNECTION_ERROR = 'Connection Error';
const MAX_REGISTRATION_RETRY_MS = 60_000;

/**
 * A SIP softphone: JsSIP's UA behind typed events, with calls driven by an explicit state
 * machine. Create it with {@link createSoftphone}.
 */
export class Softphone extends TypedEmitter<SoftphoneEvents> {
  private readonly options: ResolvedSoftphoneOptions;
  private ua: SipUaLike | undefined;
  private connectionStatus: ConnectionState = 'disconnected';
  private registrationStatus: RegistrationState = 'unregistered';
  private wantRegistered = false;
  /** Whether JsSIP was told to register; from then on it re-registers after each reconnect. */
  private jssipRegistering = false;
  private retryDelayMs: number;
  private retryTimer: unknown;
  private readonly active = new Set<Call>();
  private readonly sessions = new WeakMap<SipSessionLike, Call>();
  private selected: AudioDevices = {};
  /** Calls started by a transfer, and the call each one takes over from. */
  private readonly successors = new WeakMap<Call, Call>();
  /** Calls in a conference; the call sink plays the conference's mix meanwhile. */
  private readonly conferenced = new Set<Call>();

  /** @internal Use {@link createSoftphone}. */
  constructor(options: ResolvedSoftphoneOptions) {
    super();
    this.options = options;
    this.retryDelayMs = options.registrationRetryMs;
  }

  get connectionState(): ConnectionState {
    return this.connectionStatus;
  }

  get registrationState(): RegistrationState {
    return this.registrationStatus;
  }

  /** Calls not yet ended, oldest first. */
  get calls(): Call[] {
    return [...this.active];
  }

  /** The selected audio devices. */
  get devices(): AudioDevices {
    return { ...this.selected };
  }

  /** Opens the WebSocket (and keeps reopening it with backoff). Idempotent. */
  start(): void {
    if (this.ua) return;
    const jssip = this.options.jssip ?? (JsSIP as unknown as JsSipModuleLike);
    const { reconnect } = this.options;
    const ua = new jssip.UA({
      sockets: this.options.wsServers.map((url) => new jssip.WebSocketInterface(url)),
      uri: this.options.uri,
      ...(this.options.password === undefined ? {} : { password: this.options.password }),
      ...(this.options.displayName === undefined ? {} : { display_name: this.options.displayName }),
      register: false,
      connection_recovery_min_interval: Math.max(1, Math.round(reconnect.minIntervalMs / 1000)),
      connection_recovery_max_interval: Math.max(1, Math.round(reconnect.maxIntervalMs / 1000)),
      session_timers: false,
      user_agent: this.options.userAgent,
    });
    this.ua = ua;
    this.wire(ua);
    this.setConnection('connecting');
    ua.start();
  }

  /**
   * Registers, so calls to this softphone's URI reach it; starts the UA if needed. JsSIP
   * refreshes the registration and re-registers after a reconnect; a failed registration
   * is retried with backoff unless the credentials were refused.
   */
  register(): void {
    this.start();
    this.wantRegistered = true;
    this.retryDelayMs = this.options.registrationRetryMs;
    this.setRegistration('registering');
    // JsSIP fails a REGISTER sent before the socket is open ("Connection Error"), so the
    // first one waits for `connected`.
    if (this.connectionStatus === 'connected') this.registerWithJsSip();
  }

  private registerWithJsSip(): void {
    this.jssipRegistering = true;
    this.ua?.register();
  }

  /** Removes the registration; calls in progress continue. */
  unregister(): void {
    this.wantRegistered = false;
    this.options.timers.clearTimeout(this.retryTimer);
    if (this.ua && this.jssipRegistering) this.ua.unregister();
    this.jssipRegistering = false;
    this.setRegistration('unregistered');
  }

  /** Hangs up every call, unregisters and closes the WebSocket. The softphone can be started again. */
  stop(): void {
    for (const call of this.active) call.hangup();
    this.unregister();
    this.ua?.stop();
    this.ua = undefined;
    this.jssipRegistering = false;
    this.setConnection('disconnected');
  }

  /**
   * Calls `target` (`sip:queue-support@example.com` or a user part the server resolves)
   * with the selected microphone. `extraHeaders` go on the INVITE: Hotline's bridge reads
   * `X-Hotline-Language`, `X-Hotline-Intent` (routing attributes, e.g. from an IVR flow) and
   * `X-Hotline-Conversation` (the call becomes a leg of that chat).
   *
   * @example
   * ```ts
   * const call = softphone.call('sip:support@example.com', { extraHeaders: ['X-Hotline-Language: zh'] });
   * call.on('state', ({ state }) => console.log(state));
   * ```
   */
  call(target: string, options: CallOptions = {}): Call {
    if (typeof target !== 'string' || target.trim() === '') {
      throw new ValidationError('Invalid call target', [{ path: 'target', message: 'required' }]);
    }
    const extraHeaders: readonly unknown[] = Array.isArray(options.extraHeaders) ? options.extraHeaders : [];
    if (options.extraHeaders !== undefined && !Array.isArray(options.extraHeaders)) {
      throw new ValidationError('Invalid extra headers', [{ path: 'extraHeaders', message: 'expected a list' }]);
    }
    const badHeader = extraHeaders.findIndex((header) => typeof header !== 'string' || !SIP_HEADER.test(header));
    if (badHeader !== -1) {
      throw new ValidationError('Invalid extra header', [
        { path: `extraHeaders.${badHeader}`, message: 'expected "Name: value" on one line, at most 1024 characters' },
      ]);
    }
    if (!this.ua || this.connectionStatus !== 'connected') {
      throw new UnavailableError('The softphone is not connected to its SIP server');
    }
    const session = this.ua.call(target, { ...this.mediaOptions(), extraHeaders: [...(extraHeaders as string[])] });
    // JsSIP reports the new session through `newRTCSession` during `call()`.
    return this.sessions.get(session) ?? this.adopt(session);
  }

  /**
   * Selects audio devices. The input applies to the next calls and, by replacing the
   * microphone track, to calls in progress; output and ringer apply to the `audioSinks`.
   */
  async setDevices(devices: AudioDevices): Promise<void> {
    const next = { ...this.selected, ...devices };
    const { call: callSink, ringer } = this.options.audioSinks;
    if (devices.output !== undefined && callSink) await callSink.setSinkId(devices.output);
    if (devices.ringer !== undefined && ringer) await ringer.setSinkId(devices.ringer);
    if (devices.input !== undefined && devices.input !== this.selected.input) await this.switchInput(devices.input);
    this.selected = next;
    this.emit('devices', { ...next });
  }

  /**
   * Joins two of this softphone's calls (connected or held; typically the caller on hold
   * and a consultation call) into a three-way conference mixed locally with Web Audio:
   * held calls are taken off hold, each remote party hears the agent plus the other party,
   * and the call sink plays both parties. Hanging up either call ends the conference and
   * leaves the other connected with its own microphone; `conference.end()` keeps both.
   * Muting either call (or the conference) mutes the agent in both mixes.
   *
   * Throws `ValidationError` (the same call twice, or a call of another softphone),
   * `IllegalTransitionError` (a call neither connected nor held), `ConflictError` (a call
   * already in a conference) or `UnavailableError` (no Web Audio, no audio yet either way,
   * an unhold refused), all before anything changes except an unhold that succeeded.
   *
   * @example
   * ```ts
   * await caller.hold();
   * const colleague = softphone.call('sip:bob@example.com');
   * colleague.on('state', async ({ state }) => {
   *   if (state !== 'connected') return;
   *   const conference = await softphone.conference(caller, colleague);
   *   conference.on('ended', ({ remaining }) => console.log('back to', remaining?.remoteUri));
   * });
   * ```
   */
  async conference(a: Call, b: Call, options: ConferenceOptions = {}): Promise<Conference> {
    for (const [path, call] of [
      ['a', a],
      ['b', b],
    ] as const) {
      if (!(call instanceof Call) || !this.active.has(call)) {
        throw new ValidationError('Not a call of this softphone', [
          { path, message: 'not a live call of this softphone' },
        ]);
      }
      if (this.conferenced.has(call)) throw new ConflictError('The call is already in a conference');
    }
    const owned = options.audioContext === undefined;
    const audioContext = options.audioContext ?? createAudioContext();
    const calls = [a, b] as const;
    const conference = startConference({
      calls,
      audioContext,
      ownsContext: owned,
      streamOf: (track) => new MediaStream([track]),
      playToAgent: (stream) => this.playConference(stream),
      keepPlaying: keepRemotePlaying,
      onEnded: () => {
        for (const call of calls) this.conferenced.delete(call);
        this.playConference(undefined);
      },
    });
    for (const call of calls) this.conferenced.add(call);
    try {
      return await conference;
    } catch (err) {
      for (const call of calls) this.conferenced.delete(call);
      if (owned) await audioContext.close?.().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Checks the microphone (the selected input) and that one of the servers accepts a SIP
   * WebSocket. See `runPreflight`.
   */
  preflight(options: { timeoutMs?: number } = {}): Promise<PreflightReport> {
    const input = this.selected.input;
    return runPreflight({
      wsServers: this.options.wsServers,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      timers: this.options.timers,
      now: this.options.now,
      getUserMedia: (constraints) =>
        this.getUserMedia()(
          input === undefined ? constraints : { audio: { deviceId: { exact: input } }, video: false },
        ),
    });
  }

  private async switchInput(deviceId: string): Promise<void> {
    const live = this.calls.map((call) => call.peerConnection).filter((pc) => pc !== undefined);
    if (live.length === 0) return;
    const getUserMedia = this.getUserMedia();
    for (const pc of live) {
      const sender = pc.getSenders().find((candidate) => candidate.track?.kind === 'audio');
      if (!sender) continue;
      const stream = await getUserMedia({ audio: { deviceId: { exact: deviceId } }, video: false });
      const [track] = stream.getAudioTracks();
      if (track) await sender.replaceTrack(track);
    }
  }

  private getUserMedia(): (constraints: MediaStreamConstraints) => Promise<MediaStream> {
    const fromNavigator = globalThis.navigator?.mediaDevices?.getUserMedia?.bind(globalThis.navigator.mediaDevices);
    const getUserMedia = this.options.getUserMedia ?? fromNavigator;
    if (!getUserMedia) throw new UnavailableError('No getUserMedia in this environment');
    return getUserMedia;
  }

  private mediaOptions(): Record<string, unknown> {
    const input = this.selected.input;
    return {
      mediaConstraints: { audio: input === undefined ? true : { deviceId: { exact: input } }, video: false },
      pcConfig: { iceServers: this.options.iceServers },
    };
  }

  private wire(ua: SipUaLike): void {
    ua.on('connecting', () => this.setConnection('connecting'));
    ua.on('connected', () => {
      this.setConnection('connected');
      if (this.wantRegistered && !this.jssipRegistering) this.registerWithJsSip();
      if (this.wantRegistered && this.registrationStatus !== 'registered') this.setRegistration('registering');
      for (const call of this.active) call.transportChanged(true);
    });
    ua.on('disconnected', () => {
      this.setConnection('disconnected');
      for (const call of this.active) call.transportChanged(false);
    });
    ua.on('registered', () => {
      this.retryDelayMs = this.options.registrationRetryMs;
      this.setRegistration('registered');
    });
    ua.on('unregistered', () => {
      // JsSIP reports the transport closing as "unregistered"; it re-registers on reconnect.
      this.setRegistration(this.wantRegistered ? 'registering' : 'unregistered');
    });
    ua.on('registrationFailed', (event: { cause?: string }) => {
      // Without a socket JsSIP re-registers by itself once it reconnects.
      if (event.cause === CONNECTION_ERROR && this.wantRegistered) return this.setRegistration('registering');
      this.setRegistration('failed', event.cause);
      if (this.wantRegistered && event.cause !== AUTH_FAILURE) this.scheduleRegistrationRetry();
    });
    ua.on('newRTCSession', (event: NewSessionEvent) => {
      const call = this.adopt(event.session);
      if (event.originator === 'remote' && !this.successors.has(call)) this.emit('incoming', { call });
    });
  }

  private scheduleRegistrationRetry(): void {
    this.options.timers.clearTimeout(this.retryTimer);
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(MAX_REGISTRATION_RETRY_MS, delay * 2);
    this.retryTimer = this.options.timers.setTimeout(() => {
      if (!this.wantRegistered || this.connectionStatus !== 'connected') return;
      this.setRegistration('registering');
      this.registerWithJsSip();
    }, delay);
  }

  private adopt(session: SipSessionLike): Call {
    const existing = this.sessions.get(session);
    if (existing) return existing;
    const { options } = this;
    const call = new Call({
      session,
      iceGatheringTimeoutMs: options.iceGatheringTimeoutMs,
      reconnectTimeoutMs: options.callReconnectTimeoutMs,
      glareMaxAttempts: options.glareMaxAttempts,
      qualityIntervalMs: options.quality.intervalMs,
      qualityThresholds: options.quality.thresholds,
      timers: options.timers,
      random: options.random,
      now: options.now,
      answerOptions: () => this.mediaOptions(),
      onTransferRequest: (from, request) => this.onTransferRequest(from, request),
    });
    this.sessions.set(session, call);
    this.active.add(call);
    call.on('remote_stream', () => this.playRemoteAudio(call));
    call.on('state', ({ state }) => {
      if (state === 'connected') this.playRemoteAudio(call);
      if (state !== 'ended') return;
      this.active.delete(call);
      this.emit('call_ended', { call });
    });
    return call;
  }

  /**
   * Being transferred: a REFER makes this softphone call the new party; an INVITE with
   * Replaces (attended transfer) is answered at once, since the user already accepted the
   * call it replaces. Refused when `acceptTransfers` is false.
   */
  private onTransferRequest(from: Call, request: TransferRequest): void {
    if (!this.options.acceptTransfers) {
      request.reject();
      return;
    }
    request.accept((session) => {
      const to = this.adopt(session);
      this.successors.set(to, from);
      to.on('state', ({ state }) => {
        if (state === 'connected' && this.successors.get(to) === from) {
          this.successors.delete(to);
          from.replacedBy();
          this.emit('transferred', { from, to });
        }
      });
      if (request.kind === 'replaces') queueMicrotask(() => to.state === 'ringing_in' && to.answer());
    }, this.mediaOptions());
  }

  /** The call sink plays the call being talked on: the last one connected (others are held). */
  private playRemoteAudio(call: Call): void {
    if (this.conferenced.has(call)) return;
    this.playOnSink(call.remoteStream, call.state === 'connected');
  }

  /** The conference's mix on the call sink; `undefined` gives the sink back to the live call. */
  private playConference(stream: MediaStream | undefined): void {
    if (stream) {
      this.playOnSink(stream, true);
      return;
    }
    const live = this.calls.filter((call) => call.state === 'connected' && !this.conferenced.has(call)).at(-1);
    if (live) this.playRemoteAudio(live);
  }

  private playOnSink(stream: MediaStream | undefined, connected: boolean): void {
    const sink = this.options.audioSinks.call;
    if (!sink || !stream || !connected || !('srcObject' in sink)) return;
    if (sink.srcObject === stream) return;
    sink.srcObject = stream;
    // Autoplay may be refused before a user gesture; the host's UI can call play() again.
    sink.play?.().catch(() => undefined);
  }

  private setConnection(state: ConnectionState): void {
    if (this.connectionStatus === state) return;
    this.connectionStatus = state;
    this.emit('connection', { state });
  }

  private setRegistration(state: RegistrationState, cause?: string): void {
    if (this.registrationStatus === state && cause === undefined) return;
    this.registrationStatus = state;
    this.emit('registration', cause === undefined ? { state } : { state, cause });
  }
}

/**
 * Creates a softphone. Options are validated (a `ValidationError` lists every problem);
 * nothing connects until `start()` or `register()`.
 *
 * @example
 * ```ts
 * const softphone = createSoftphone({
 *   uri: 'sip:alice@example.com',
 *   password: 'secret',
 *   wsServers: 'wss://sip.example.com:8443',
 * });
 * softphone.on('incoming', ({ call }) => call.answer());
 * softphone.register();
 * ```
 */
export function createSoftphone(options: SoftphoneOptions): Softphone {
  return new Softphone(resolveSoftphoneOptions(options));
}

function createAudioContext(): AudioContextLike {
  if (typeof AudioContext !== 'function') throw new UnavailableError('No Web Audio (AudioContext) in this environment');
  return new AudioContext();
}

/** Chromium feeds a remote WebRTC stream into Web Audio only while a media element plays it. */
function keepRemotePlaying(stream: MediaStream): () => void {
  if (typeof Audio !== 'function') return () => undefined;
  const element = new Audio();
  element.muted = true;
  element.srcObject = stream;
  element.play().catch(() => undefined);
  return () => {
    element.srcObject = null;
  };
}
