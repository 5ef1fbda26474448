import { IllegalTransitionError, UnavailableError, ValidationError } from '@hotline/core';
import {
  type CallEndReason,
  type CallMachineEvent,
  type CallState,
  type CallStatus,
  canTransitionCall,
  transitionCall,
} from './call-machine.js';
import { TypedEmitter } from './emitter.js';
import { retryOnGlare } from './glare-retry.js';
import { sendHoldReinvite } from './hold-reinvite.js';
import type { SipSessionLike } from './jssip-types.js';
import {
  type QualitySample,
  type QualityThresholds,
  type QualityWarningChange,
  type StatsReportLike,
  startQualitySampling,
} from './quality.js';
import type { Timers } from './timers.js';

/** How DTMF tones travel: in the media (RFC 2833/4733 telephone-event) or as SIP INFO. */
export type DtmfTransport = 'rfc2833' | 'info';

/** Events of one {@link Call}. */
export interface CallEvents {
  /** The call moved; `endReason` is set once it is `ended`. */
  state: { state: CallState; previous: CallState; endReason?: CallEndReason };
  /** The other side's audio arrived (or changed); play it, or let the softphone's `audioSinks.call` do it. */
  remote_stream: { stream: MediaStream };
  /** A DTMF tone the other side sent by SIP INFO. */
  dtmf: { tone: string };
  /** Local microphone muted or unmuted. */
  muted: { muted: boolean };
  /** The other side put the call on hold, or took it off. */
  remote_hold: { held: boolean };
  /** A hold or unhold re-INVITE crossed one from the other side (491); it is retried after `delayMs`. */
  glare: { hold: boolean; delayMs: number; attempt: number };
  /** A quality sample, every `quality.intervalMs` while connected or held. */
  sample: QualitySample;
  /** A quality figure stayed past its threshold. */
  warning: QualityWarningChange;
  /** A raised warning's figure is back within its threshold. */
  warning_cleared: QualityWarningChange;
}

/** What a call needs from its softphone. Internal. */
export interface CallDeps {
  session: SipSessionLike;
  iceGatheringTimeoutMs: number;
  reconnectTimeoutMs: number;
  glareMaxAttempts: number;
  qualityIntervalMs: number;
  qualityThresholds: QualityThresholds | undefined;
  timers: Timers;
  random: () => number;
  now: () => number;
  answerOptions: () => Record<string, unknown>;
  /** The other side asks this call to be transferred (REFER) or replaced (INVITE with Replaces). */
  onTransferRequest: (call: Call, request: TransferRequest) => void;
}

/** An incoming REFER or Replaces, as JsSIP reports it. Internal. */
export interface TransferRequest {
  kind: 'refer' | 'replaces';
  /** Starts the new session; `init` sees it before JsSIP announces it. */
  accept: (init: (session: SipSessionLike) => void, options?: Record<string, unknown>) => void;
  reject: () => void;
}

const DTMF_TONES = /^[0-9A-D#*,]+$/i;

const CAUSE_REASONS: Record<string, CallEndReason> = {
  Busy: 'busy',
  Rejected: 'rejected',
  Canceled: 'canceled',
  'No Answer': 'no_answer',
  Expires: 'no_answer',
  Unavailable: 'no_answer',
  'Connection Error': 'network_lost',
  'Request Timeout': 'network_lost',
  'RTP Timeout': 'network_lost',
  'WebRTC Error': 'media_failed',
  'User Denied Media Access': 'media_failed',
  'Bad Media Description': 'media_failed',
  'Incompatible SDP': 'media_failed',
  'Missing SDP': 'media_failed',
};

/**
 * One call (a JsSIP session) behind the call state machine. Every operation checks the
 * machine first, so an illegal one (hold while ringing, answer an outgoing call) throws
 * `IllegalTransitionError` and sends nothing.
 */
export class Call extends TypedEmitter<CallEvents> {
  /** JsSIP's session id (Call-ID plus tags). */
  readonly id: string;
  readonly direction: 'incoming' | 'outgoing';
  /** The other side's SIP URI. */
  readonly remoteUri: string;
  readonly remoteDisplayName: string | undefined;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  private answeredAtMs: number | undefined;
  private status: CallStatus = { state: 'idle', context: {} };
  private isMuted = false;
  private stopSampling: (() => void) | undefined;
  private iceTimer: unknown;
  private reconnectTimer: unknown;
  private readonly ended = new AbortController();
  private readonly watchedConnections = new WeakSet<object>();
  private pendingEndReason: CallEndReason | undefined;
  private remote: MediaStream | undefined;

  /** @internal Created by the softphone. */
  constructor(private readonly deps: CallDeps) {
    super();
    const { session } = deps;
    this.id = session.id;
    this.direction = session.direction;
    this.remoteUri = session.remote_identity.uri.toString();
    this.remoteDisplayName = session.remote_identity.display_name || undefined;
    this.startedAt = deps.now();
    this.listen();
    this.apply({ type: this.direction === 'incoming' ? 'incoming' : 'dial' });
  }

  /** Where the call is now. */
  get state(): CallState {
    return this.status.state;
  }

  /** Why the call ended; `undefined` until it has. */
  get endReason(): CallEndReason | undefined {
    return this.status.context.endReason;
  }

  /** When the call was answered, in milliseconds since the epoch. */
  get answeredAt(): number | undefined {
    return this.answeredAtMs;
  }

  /** The other side's audio, once it has arrived. */
  get remoteStream(): MediaStream | undefined {
    return this.remote;
  }

  /** Whether the local microphone is muted. */
  get muted(): boolean {
    return this.isMuted;
  }

  /** Answers an incoming call with the selected input device. */
  answer(): void {
    this.require(this.state === 'ringing_in', 'answer');
    this.deps.session.answer(this.deps.answerOptions());
  }

  /**
   * Declines an incoming call.
   * @param statusCode SIP final response. @default 486
   */
  reject(statusCode = 486): void {
    this.require(this.state === 'ringing_in', 'reject');
    if (!Number.isInteger(statusCode) || statusCode < 300 || statusCode > 699) {
      throw new ValidationError('Invalid reject status code', [{ path: 'statusCode', message: 'must be 300–699' }]);
    }
    this.pendingEndReason = 'rejected';
    this.deps.session.terminate({ status_code: statusCode });
  }

  /** Ends the call from any state; cancels it while ringing. Harmless once ended. */
  hangup(): void {
    if (this.state === 'ended') return;
    const ringing = { ringing_out: 'canceled', ringing_in: 'rejected' } as const;
    this.pendingEndReason =
      this.state === 'ringing_out' || this.state === 'ringing_in' ? ringing[this.state] : 'local_hangup';
    if (this.deps.session.isEnded()) this.finish(this.pendingEndReason);
    else this.deps.session.terminate();
  }

  /**
   * Puts the call on hold. A 491 Request Pending (both sides re-INVITing at once) is
   * retried after RFC 3261's random delay; other failures throw `UnavailableError` and
   * leave the call connected.
   */
  async hold(): Promise<void> {
    this.require(canTransitionCall(this.status, { type: 'held' }), 'hold');
    await this.reinvite(true);
    if (this.state === 'connected') this.apply({ type: 'held' });
  }

  /** Takes the call off hold, with the same 491 handling as {@link Call.hold}. */
  async unhold(): Promise<void> {
    this.require(canTransitionCall(this.status, { type: 'unheld' }), 'unhold');
    await this.reinvite(false);
    if (this.state === 'held') this.apply({ type: 'unheld' });
  }

  /** Mutes the local microphone (the other side hears silence; no signalling). */
  mute(): void {
    this.setMuted(true);
  }

  /** Unmutes the local microphone. */
  unmute(): void {
    this.setMuted(false);
  }

  /**
   * Sends DTMF tones (`0-9`, `A-D`, `*`, `#`, `,` for a pause).
   * @param transport @default 'rfc2833'
   */
  sendDtmf(tones: string, transport: DtmfTransport = 'rfc2833'): void {
    this.require(this.state === 'connected', 'send_dtmf');
    if (typeof tones !== 'string' || !DTMF_TONES.test(tones)) {
      throw new ValidationError('Invalid DTMF tones', [{ path: 'tones', message: 'use 0-9, A-D, *, # and ,' }]);
    }
    this.deps.session.sendDTMF(tones, { transportType: transport === 'info' ? 'INFO' : 'RFC2833' });
  }

  /**
   * Blind transfer: asks the other side to call `target` (REFER). The call ends with reason
   * `transferred` once the other side reports the new call answered; if the transfer
   * fails, the call returns to where it was.
   */
  transfer(target: string): void {
    if (typeof target !== 'string' || target.trim() === '') {
      throw new ValidationError('Invalid transfer target', [{ path: 'target', message: 'required' }]);
    }
    this.startRefer(target, undefined);
  }

  /**
   * Attended transfer: after talking to the new party on `consultation`, connects the
   * other side of this call to them (REFER with Replaces) and leaves both calls.
   */
  attendedTransfer(consultation: Call): void {
    if (consultation === this || (consultation.state !== 'connected' && consultation.state !== 'held')) {
      throw new IllegalTransitionError('call', consultation.state, 'attended_transfer');
    }
    this.startRefer(consultation.remoteUri, consultation);
  }

  /** @internal The call that takes this one's place (a transfer) is connected. */
  replacedBy(): void {
    if (this.state !== 'ended') this.pendingEndReason = 'transferred';
  }

  /** @internal The softphone reports its WebSocket going down and back up. */
  transportChanged(up: boolean): void {
    if (up) this.restored();
    else this.lost();
  }

  /** @internal The softphone replaces the microphone track on an input device change. */
  get peerConnection(): RTCPeerConnection | undefined {
    return this.deps.session.connection ?? undefined;
  }

  private startRefer(target: string, consultation: Call | undefined): void {
    this.require(canTransitionCall(this.status, { type: 'transfer_started' }), 'transfer');
    this.apply({ type: 'transfer_started' });
    // The consultation call is replaced by the transferee's call and hung up from the
    // other side, possibly before the REFER's NOTIFY arrives here.
    consultation?.replacedBy();
    const failed = () => {
      if (consultation?.pendingEndReason === 'transferred') consultation.pendingEndReason = undefined;
      if (this.state === 'transferring') this.apply({ type: 'transfer_failed' });
    };
    const accepted = () => {
      if (this.state !== 'transferring') return;
      this.pendingEndReason = 'transferred';
      this.deps.session.terminate();
    };
    try {
      this.deps.session.refer(target, {
        eventHandlers: { requestFailed: failed, failed, accepted },
        ...(consultation ? { replaces: consultation.deps.session } : {}),
      });
    } catch (err) {
      failed();
      throw new ValidationError('Invalid transfer target', [{ path: 'target', message: String(err) }], { cause: err });
    }
  }

  private async reinvite(hold: boolean): Promise<void> {
    const outcome = await retryOnGlare(() => sendHoldReinvite(this.deps.session, hold), {
      ownsCallId: this.direction === 'outgoing',
      maxAttempts: this.deps.glareMaxAttempts,
      random: this.deps.random,
      timers: this.deps.timers,
      signal: this.ended.signal,
      onRetry: (delayMs, attempt) => this.emit('glare', { hold, delayMs, attempt }),
    });
    if (!outcome.ok && this.state !== 'ended') {
      throw new UnavailableError(`${hold ? 'Hold' : 'Unhold'} failed`, {
        details: { statusCode: outcome.statusCode ?? null },
      });
    }
  }

  private setMuted(muted: boolean): void {
    this.require(this.state !== 'ended' && this.state !== 'idle', muted ? 'mute' : 'unmute');
    if (this.isMuted === muted) return;
    if (muted) this.deps.session.mute({ audio: true });
    else this.deps.session.unmute({ audio: true });
    this.isMuted = muted;
    this.emit('muted', { muted });
  }

  private require(allowed: boolean, operation: string): void {
    if (!allowed) throw new IllegalTransitionError('call', this.state, operation);
  }

  private apply(event: CallMachineEvent): void {
    const previous = this.state;
    this.status = transitionCall(this.status, event);
    const { state } = this;
    if (state === 'connected' && previous !== 'held' && previous !== 'reconnecting' && previous !== 'transferring') {
      this.answeredAtMs = this.deps.now();
      this.startSampling();
    }
    if (state === 'ended') this.cleanUp();
    const endReason = this.endReason;
    this.emit('state', endReason === undefined ? { state, previous } : { state, previous, endReason });
  }

  private finish(reason: CallEndReason): void {
    if (this.state === 'ended') return;
    if (this.state === 'transferring' && reason === 'transferred') this.apply({ type: 'transfer_completed' });
    else this.apply({ type: 'end', reason });
  }

  private listen(): void {
    const { session } = this.deps;
    session.on('accepted', () => {
      if (this.state === 'ringing_in' || this.state === 'ringing_out') this.apply({ type: 'answered' });
      this.watchConnection(session.connection);
    });
    session.on('ended', (event: { originator?: string; cause?: string }) => {
      const byCause = event.cause === 'Terminated' ? undefined : CAUSE_REASONS[event.cause ?? ''];
      const byOriginator = event.originator === 'remote' ? 'remote_hangup' : 'local_hangup';
      this.finish(this.pendingEndReason ?? byCause ?? byOriginator);
    });
    session.on('failed', (event: { originator?: string; cause?: string }) => {
      const mapped = mapCause(event.cause);
      // A call we rejected or cancelled reports "Rejected"/"Canceled" from JsSIP too.
      this.finish(this.pendingEndReason ?? mapped);
    });
    session.on('newDTMF', (event: { originator?: string; dtmf?: { tone?: string } }) => {
      if (event.originator === 'remote' && event.dtmf?.tone) this.emit('dtmf', { tone: event.dtmf.tone });
    });
    session.on('hold', (event: { originator?: string }) => {
      if (event.originator === 'remote') this.emit('remote_hold', { held: true });
    });
    session.on('unhold', (event: { originator?: string }) => {
      if (event.originator === 'remote') this.emit('remote_hold', { held: false });
    });
    session.on('icecandidate', (event: { ready?: () => void }) => {
      // JsSIP waits for the end of ICE gathering before sending the offer or answer, which
      // can take tens of seconds with an unreachable STUN/TURN server; cap the wait.
      if (this.iceTimer !== undefined || !event.ready) return;
      const ready = event.ready;
      this.iceTimer = this.deps.timers.setTimeout(ready, this.deps.iceGatheringTimeoutMs);
    });
    for (const kind of ['refer', 'replaces'] as const) {
      session.on(kind, (event: Omit<TransferRequest, 'kind'>) => {
        this.deps.onTransferRequest(this, { kind, accept: event.accept, reject: event.reject });
      });
    }
    session.on('peerconnection', (event: { peerconnection?: RTCPeerConnection }) => {
      this.watchConnection(event.peerconnection);
    });
    this.watchConnection(session.connection);
  }

  private watchConnection(connection: RTCPeerConnection | null | undefined): void {
    if (!connection || this.watchedConnections.has(connection)) return;
    this.watchedConnections.add(connection);
    connection.addEventListener?.('iceconnectionstatechange', () => {
      const ice = connection.iceConnectionState;
      if (ice === 'disconnected' || ice === 'failed') this.lost();
      if (ice === 'connected' || ice === 'completed') this.restored();
    });
    connection.addEventListener?.('track', (event) => {
      const stream = (event as RTCTrackEvent).streams?.[0];
      if (!stream || stream === this.remote) return;
      this.remote = stream;
      this.emit('remote_stream', { stream });
    });
  }

  private lost(): void {
    if (!canTransitionCall(this.status, { type: 'connection_lost' })) return;
    this.apply({ type: 'connection_lost' });
    this.reconnectTimer = this.deps.timers.setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.state !== 'reconnecting') return;
      this.pendingEndReason = 'network_lost';
      this.deps.session.terminate();
      this.finish('network_lost');
    }, this.deps.reconnectTimeoutMs);
  }

  private restored(): void {
    if (this.state !== 'reconnecting') return;
    this.deps.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.apply({ type: 'connection_restored' });
  }

  private startSampling(): void {
    const connection = this.deps.session.connection;
    if (!connection || this.stopSampling) return;
    this.stopSampling = startQualitySampling({
      getStats: () => connection.getStats() as Promise<StatsReportLike>,
      intervalMs: this.deps.qualityIntervalMs,
      thresholds: this.deps.qualityThresholds,
      timers: this.deps.timers,
      now: this.deps.now,
      onSample: (sample) => this.emit('sample', sample),
      onWarning: (change) => this.emit('warning', change),
      onWarningCleared: (change) => this.emit('warning_cleared', change),
    });
  }

  private cleanUp(): void {
    this.ended.abort();
    this.stopSampling?.();
    this.stopSampling = undefined;
    this.deps.timers.clearTimeout(this.iceTimer);
    this.deps.timers.clearTimeout(this.reconnectTimer);
  }
}

function mapCause(cause: string | undefined): CallEndReason {
  return CAUSE_REASONS[cause ?? ''] ?? 'failed';
}
