import { IllegalTransitionError, UnavailableError, ValidationError } from '@hotline/core';
import type { Call } from './call.js';
import { TypedEmitter, type Unsubscribe } from './emitter.js';

/** The part of a Web Audio node a conference uses. */
export interface AudioNodeLike {
  connect(destination: AudioNodeLike): unknown;
  disconnect(): void;
}

/** A `GainNode`, as a conference uses it (the agent's microphone level in one mix). */
export interface GainNodeLike extends AudioNodeLike {
  readonly gain: { value: number };
}

/** A `MediaStreamAudioDestinationNode`: its stream's track is what a call sends. */
export interface MediaStreamDestinationLike extends AudioNodeLike {
  readonly stream: MediaStream;
}

/** The part of an `AudioContext` a conference uses. */
export interface AudioContextLike {
  createMediaStreamSource(stream: MediaStream): AudioNodeLike;
  createMediaStreamDestination(): MediaStreamDestinationLike;
  createGain(): GainNodeLike;
  resume?(): Promise<void>;
  close?(): Promise<void>;
}

/** Options of {@link Softphone.conference}. */
export interface ConferenceOptions {
  /**
   * The context the mixes run in. One the conference creates is closed when it ends; one
   * passed here is left open.
   * @default a new `AudioContext`
   */
  audioContext?: AudioContextLike;
}

/** Events of a {@link Conference}. */
export interface ConferenceEvents {
  /**
   * The conference is over: `end()` was called (`reason: 'ended'`) or one call ended
   * (`'call_ended'`; `remaining` is the other call, connected again with its own microphone).
   */
  ended: { reason: 'ended' | 'call_ended'; remaining: Call | undefined };
  /** The agent was muted or unmuted in both mixes. */
  muted: { muted: boolean };
}

/** What a conference needs from its softphone. Internal. */
export interface ConferenceDeps {
  calls: readonly [Call, Call];
  audioContext: AudioContextLike;
  ownsContext: boolean;
  /** A stream of one track (`new MediaStream([track])` in a browser). */
  streamOf: (track: MediaStreamTrack) => MediaStream;
  /** Plays `stream` to the agent (the softphone's call sink), or gives the sink back. */
  playToAgent: (stream: MediaStream | undefined) => void;
  /**
   * Chromium feeds a remote WebRTC stream into Web Audio only while a media element plays
   * it, so each remote stream is kept playing, muted; returns the undo.
   */
  keepPlaying: (stream: MediaStream) => () => void;
  onEnded: () => void;
}

interface Leg {
  call: Call;
  sender: RTCRtpSender;
  microphone: MediaStreamTrack;
  mixed: MediaStreamTrack;
  gain: GainNodeLike;
}

/**
 * A three-way call mixed locally: each of the two remote parties hears the agent's
 * microphone plus the other remote party, and the agent hears both. Start one with
 * {@link Softphone.conference}.
 */
export class Conference extends TypedEmitter<ConferenceEvents> {
  private legs: Leg[] = [];
  private nodes: AudioNodeLike[] = [];
  private undo: (() => void)[] = [];
  private isActive = true;
  private isMuted = false;

  /** @internal Created by {@link startConference}. */
  constructor(private readonly deps: ConferenceDeps) {
    super();
  }

  /** The two calls, in the order given. */
  get calls(): readonly [Call, Call] {
    return this.deps.calls;
  }

  /** False once the conference has ended. */
  get active(): boolean {
    return this.isActive;
  }

  /** Whether the agent is muted in both mixes. */
  get muted(): boolean {
    return this.isMuted;
  }

  /** Mutes the agent for both remote parties (they still hear each other). */
  mute(): void {
    this.setMuted(true);
  }

  /** Unmutes the agent for both remote parties. */
  unmute(): void {
    this.setMuted(false);
  }

  /**
   * Ends the conference and leaves both calls connected, each sending its own microphone
   * again. Harmless once ended.
   */
  async end(): Promise<void> {
    await this.finish('ended', undefined);
  }

  /** @internal Builds the mixes and puts them on the calls' senders. */
  async wire(): Promise<void> {
    const { calls, audioContext: context } = this.deps;
    const senders = calls.map((call) => audioSender(call));
    const remotes = calls.map((call) => remoteAudio(call));
    for (const remote of remotes) this.undo.push(this.deps.keepPlaying(remote));
    const agent = context.createMediaStreamDestination();
    const destinations = calls.map(() => context.createMediaStreamDestination());
    this.nodes.push(agent, ...destinations);
    const source = (stream: MediaStream, ...targets: AudioNodeLike[]) => {
      const node = context.createMediaStreamSource(stream);
      for (const target of targets) node.connect(target);
      this.nodes.push(node);
    };
    for (const [index, call] of calls.entries()) {
      const sender = senders[index] as RTCRtpSender;
      const destination = destinations[index] as MediaStreamDestinationLike;
      const microphone = sender.track as MediaStreamTrack;
      const gain = context.createGain();
      gain.connect(destination);
      this.nodes.push(gain);
      source(this.deps.streamOf(microphone), gain);
      // This call's party goes to the agent and into the other call's mix.
      source(remotes[index] as MediaStream, agent, destinations[1 - index] as MediaStreamDestinationLike);
      const [mixed] = destination.stream.getAudioTracks();
      if (!mixed) throw new UnavailableError('The audio context gave no mixed track');
      this.legs.push({ call, sender, microphone, mixed, gain });
    }
    // The softphone's mute disables the sender's track; here muting is a gain of 0, so the
    // microphone feeding the mixes stays live.
    this.isMuted = calls.some((call) => call.muted);
    for (const leg of this.legs) {
      leg.microphone.enabled = true;
      leg.gain.gain.value = this.isMuted ? 0 : 1;
    }
    await Promise.all(this.legs.map((leg) => leg.sender.replaceTrack(leg.mixed)));
    for (const leg of this.legs) leg.mixed.enabled = true;
    this.deps.playToAgent(agent.stream);
    await context.resume?.().catch(() => undefined);
    for (const leg of this.legs) this.listen(leg);
    const ended = this.legs.find((leg) => leg.call.state === 'ended');
    if (ended) return this.finish('call_ended', this.legs.find((leg) => leg !== ended)?.call);
    if (this.isMuted) for (const call of calls) if (!call.muted) call.mute();
  }

  private listen(leg: Leg): void {
    const offs: Unsubscribe[] = [
      leg.call.on('state', ({ state }) => {
        if (state !== 'ended') return;
        const other = this.legs.find((candidate) => candidate !== leg);
        void this.finish('call_ended', other?.call);
      }),
      leg.call.on('muted', ({ muted }) => {
        // JsSIP disabled (or re-enabled) the mixed track; the other party must stay audible.
        leg.mixed.enabled = true;
        this.setMuted(muted);
      }),
      leg.call.on('remote_hold', ({ held }) => {
        if (!held) leg.mixed.enabled = true;
      }),
    ];
    this.undo.push(...offs);
  }

  private setMuted(muted: boolean): void {
    if (!this.isActive) throw new IllegalTransitionError('conference', 'ended', muted ? 'mute' : 'unmute');
    if (this.isMuted === muted) return;
    this.isMuted = muted;
    for (const leg of this.legs) leg.gain.gain.value = muted ? 0 : 1;
    for (const leg of this.legs) {
      if (leg.call.state === 'ended' || leg.call.muted === muted) continue;
      if (muted) leg.call.mute();
      else leg.call.unmute();
      leg.mixed.enabled = true;
    }
    this.emit('muted', { muted });
  }

  private async finish(reason: ConferenceEvents['ended']['reason'], remaining: Call | undefined): Promise<void> {
    if (!this.isActive) return;
    this.isActive = false;
    for (const off of this.undo.splice(0)) off();
    const live = this.legs.filter((leg) => leg.call.state !== 'ended');
    for (const leg of live) leg.microphone.enabled = !leg.call.muted;
    const restored = Promise.all(live.map((leg) => leg.sender.replaceTrack(leg.microphone)));
    for (const node of this.nodes.splice(0)) node.disconnect();
    this.deps.playToAgent(undefined);
    this.deps.onEnded();
    try {
      await restored;
    } finally {
      if (this.deps.ownsContext) await this.deps.audioContext.close?.().catch(() => undefined);
      this.emit('ended', { reason, remaining });
    }
  }
}

/**
 * Checks two calls can be conferenced, takes held ones off hold and wires the mixes.
 * Throws `ValidationError` (the same call twice), `IllegalTransitionError` (a call not
 * connected or held) or `UnavailableError` (no audio yet either way, or an unhold failed).
 * @internal Use {@link Softphone.conference}.
 */
export async function startConference(deps: ConferenceDeps): Promise<Conference> {
  const [a, b] = deps.calls;
  if (a === b) throw new ValidationError('A conference needs two calls', [{ path: 'b', message: 'same call as a' }]);
  for (const call of deps.calls) {
    if (call.state !== 'connected' && call.state !== 'held') {
      throw new IllegalTransitionError('call', call.state, 'conference');
    }
    audioSender(call);
    remoteAudio(call);
  }
  for (const call of deps.calls) if (call.state === 'held') await call.unhold();
  const conference = new Conference(deps);
  try {
    await conference.wire();
  } catch (err) {
    // Whatever was wired is taken apart: each call sends its own microphone again.
    await conference.end().catch(() => undefined);
    throw err;
  }
  return conference;
}

function remoteAudio(call: Call): MediaStream {
  const stream = call.remoteStream;
  if (!stream) throw new UnavailableError('No audio from the other side yet', { details: { callId: call.id } });
  return stream;
}

function audioSender(call: Call): RTCRtpSender {
  const sender = call.peerConnection?.getSenders().find((candidate) => candidate.track?.kind === 'audio');
  if (!sender?.track) throw new UnavailableError('The call sends no audio yet', { details: { callId: call.id } });
  return sender;
}
