import type {
  JsSipListener,
  JsSipModuleLike,
  ReinviteHandlers,
  SipSessionLike,
  SipUaConfiguration,
  SipUaLike,
} from './jssip-types.js';

/**
 * A minimal typed double of JsSIP's `UA` and `RTCSession`, for unit tests of the softphone
 * wrapper without a SIP server. It records what the wrapper asked for and lets a test fire
 * the events JsSIP would. It is NOT JsSIP: end-to-end behaviour is covered by the real
 * Kamailio tests. Not exported from the package.
 */
class Events {
  private readonly handlers = new Map<string, JsSipListener[]>();

  on(event: string, listener: JsSipListener): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), listener]);
    return this;
  }

  fire(event: string, payload: unknown = {}): void {
    for (const listener of this.handlers.get(event) ?? []) listener(payload);
  }
}

/** A stand-in for `RTCPeerConnection` with scripted stats and ICE state. */
export class FakePeerConnection extends Events {
  iceConnectionState: RTCIceConnectionState = 'connected';
  stats: Map<string, Record<string, unknown>> = new Map();
  readonly replacedTracks: unknown[] = [];
  private readonly listeners = new Map<string, ((event: unknown) => void)[]>();

  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  setIceState(state: RTCIceConnectionState): void {
    this.iceConnectionState = state;
    for (const listener of this.listeners.get('iceconnectionstatechange') ?? []) listener({});
  }

  /** Remote audio arrives in `stream`. */
  addRemoteTrack(stream: object): void {
    for (const listener of this.listeners.get('track') ?? []) listener({ streams: [stream] });
  }

  async getStats(): Promise<Map<string, Record<string, unknown>>> {
    return this.stats;
  }

  getSenders() {
    return [{ track: { kind: 'audio' }, replaceTrack: async (track: unknown) => void this.replacedTracks.push(track) }];
  }

  asRtc(): RTCPeerConnection {
    return this as unknown as RTCPeerConnection;
  }
}

let sessionCount = 0;

/** A stand-in for JsSIP's `RTCSession`. */
export class FakeSession extends Events implements SipSessionLike {
  readonly id = `session-${++sessionCount}`;
  readonly remote_identity: { uri: { toString(): string }; display_name?: string };
  readonly pc = new FakePeerConnection();
  connection: RTCPeerConnection | null = this.pc.asRtc();
  /** Every method the wrapper called, with its arguments. */
  readonly log: [string, ...unknown[]][] = [];
  /** Final responses to the next re-INVITEs; 200 once empty. */
  reinviteResponses: number[] = [];
  _localHold = false;
  private established = false;
  private over = false;

  constructor(
    readonly direction: 'incoming' | 'outgoing',
    remote: string,
  ) {
    super();
    this.remote_identity = { uri: { toString: () => remote }, display_name: 'Remote' };
  }

  /** The other side answered (outgoing) or our answer was accepted (incoming). */
  accept(): void {
    this.established = true;
    this.fire('accepted', { originator: this.direction === 'outgoing' ? 'remote' : 'local' });
  }

  /** The other side hung up, or the call failed with `cause`. */
  remoteEnd(cause = 'Terminated'): void {
    this.over = true;
    this.fire(this.established ? 'ended' : 'failed', { originator: 'remote', cause });
  }

  answer(options?: Record<string, unknown>): void {
    this.log.push(['answer', options]);
  }

  terminate(options?: { status_code?: number }): void {
    this.log.push(['terminate', options]);
    if (this.over) return;
    this.over = true;
    if (this.established) this.fire('ended', { originator: 'local', cause: 'Terminated' });
    else this.fire('failed', { originator: 'local', cause: this.direction === 'incoming' ? 'Rejected' : 'Canceled' });
  }

  sendDTMF(tones: string, options?: unknown): void {
    this.log.push(['sendDTMF', tones, options]);
  }

  mute(options?: unknown): void {
    this.log.push(['mute', options]);
  }

  unmute(options?: unknown): void {
    this.log.push(['unmute', options]);
  }

  hold(): boolean {
    this.log.push(['hold']);
    return true;
  }

  unhold(): boolean {
    this.log.push(['unhold']);
    return true;
  }

  refer(target: string, options?: { eventHandlers?: Record<string, JsSipListener>; replaces?: unknown }): unknown {
    this.log.push(['refer', target, options]);
    return undefined;
  }

  isEnded(): boolean {
    return this.over;
  }

  isReadyToReOffer(): boolean {
    return this.established && !this.over;
  }

  _sendReinvite(options: { eventHandlers: ReinviteHandlers }): void {
    const status = this.reinviteResponses.shift() ?? 200;
    this.log.push(['reinvite', this._localHold, status]);
    queueMicrotask(() => {
      if (status < 300) options.eventHandlers.succeeded?.({ status_code: status });
      else options.eventHandlers.failed?.({ status_code: status });
    });
  }

  _onhold(originator: 'local'): void {
    this.fire('hold', { originator });
  }

  _onunhold(originator: 'local'): void {
    this.fire('unhold', { originator });
  }

  /** The last REFER's event handlers. */
  referHandlers(): Record<string, JsSipListener> {
    const refer = this.log.filter(([name]) => name === 'refer').at(-1);
    const options = refer?.[2] as { eventHandlers?: Record<string, JsSipListener> } | undefined;
    return options?.eventHandlers ?? {};
  }
}

/** A stand-in for JsSIP's `UA`. */
export class FakeUa extends Events implements SipUaLike {
  readonly log: string[] = [];
  readonly outgoing: FakeSession[] = [];
  private connected = false;
  private registered = false;

  constructor(readonly configuration: SipUaConfiguration) {
    super();
  }

  start(): void {
    this.log.push('start');
  }

  stop(): void {
    this.log.push('stop');
  }

  register(): void {
    this.log.push('register');
  }

  unregister(): void {
    this.log.push('unregister');
  }

  call(target: string, options?: Record<string, unknown>): SipSessionLike {
    this.log.push(`call ${target} ${JSON.stringify(options)}`);
    const session = new FakeSession('outgoing', target);
    this.outgoing.push(session);
    this.fire('newRTCSession', { originator: 'local', session });
    return session;
  }

  isRegistered(): boolean {
    return this.registered;
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** The WebSocket opened (or re-opened). */
  connect(): void {
    this.connected = true;
    this.fire('connected', {});
  }

  disconnect(): void {
    this.connected = false;
    this.registered = false;
    this.fire('disconnected', { error: true });
    this.fire('unregistered', {});
  }

  registerOk(): void {
    this.registered = true;
    this.fire('registered', {});
  }

  /** An INVITE arrived from `from`. */
  ring(from = 'sip:caller@example.com'): FakeSession {
    const session = new FakeSession('incoming', from);
    this.fire('newRTCSession', { originator: 'remote', session });
    return session;
  }
}

/** A JsSIP module double that remembers the UAs it made. */
export function fakeJsSip(): { module: JsSipModuleLike; uas: FakeUa[]; sockets: string[] } {
  const uas: FakeUa[] = [];
  const sockets: string[] = [];
  const module: JsSipModuleLike = {
    UA: class extends FakeUa {
      constructor(configuration: SipUaConfiguration) {
        super(configuration);
        uas.push(this);
      }
    },
    WebSocketInterface: class {
      constructor(url: string) {
        sockets.push(url);
      }
    },
  };
  return { module, uas, sockets };
}
