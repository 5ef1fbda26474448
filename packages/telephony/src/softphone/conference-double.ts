// A minimal typed double of the Web Audio and WebRTC pieces a conference touches
// (AudioContext, its nodes, MediaStream, MediaStreamTrack, RTCRtpSender), for unit tests
// that check the wiring and the state rules without a browser.
import type { AudioContextLike, AudioNodeLike, GainNodeLike, MediaStreamDestinationLike } from './conference.js';

/** A stand-in for `MediaStreamTrack`: a label and `enabled`. */
export class FakeTrack {
  readonly kind = 'audio';
  enabled = true;
  constructor(readonly label: string) {}
}

/** A stand-in for `MediaStream`; `new MediaStream([track])` while `MediaStream` is stubbed with it. */
export class FakeStream {
  constructor(readonly tracks: FakeTrack[] = []) {}
  getAudioTracks(): FakeTrack[] {
    return this.tracks;
  }
}

/** A node that remembers what it feeds. `name` says what it is in the graph. */
export class FakeNode implements AudioNodeLike {
  readonly outputs: FakeNode[] = [];
  disconnected = false;
  constructor(readonly name: string) {}
  connect(destination: AudioNodeLike): unknown {
    this.outputs.push(destination as FakeNode);
    return destination;
  }
  disconnect(): void {
    this.disconnected = true;
  }
}

export class FakeGain extends FakeNode implements GainNodeLike {
  readonly gain = { value: 1 };
}

export class FakeDestination extends FakeNode implements MediaStreamDestinationLike {
  readonly track: FakeTrack;
  readonly stream: MediaStream;
  constructor(name: string) {
    super(name);
    this.track = new FakeTrack(`mix ${name}`);
    this.stream = new FakeStream([this.track]) as unknown as MediaStream;
  }
}

/** A stand-in for `AudioContext`: every node it made, in order. */
export class FakeAudioContext implements AudioContextLike {
  readonly nodes: FakeNode[] = [];
  closed = false;
  resumed = false;
  createMediaStreamSource(stream: MediaStream): AudioNodeLike {
    const tracks = (stream as unknown as FakeStream).getAudioTracks?.() ?? [];
    const label = tracks.map((track) => track.label).join('+') || String((stream as { id?: string }).id);
    return this.add(new FakeNode(`source ${label}`));
  }
  createMediaStreamDestination(): MediaStreamDestinationLike {
    return this.add(new FakeDestination(`destination ${this.nodes.length}`));
  }
  createGain(): GainNodeLike {
    return this.add(new FakeGain(`gain ${this.nodes.length}`));
  }
  async resume(): Promise<void> {
    this.resumed = true;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  /** What the source of `label` feeds, by track label of each destination reached. */
  heardBy(label: string): string[] {
    const reached = new Set<string>();
    const walk = (node: FakeNode) => {
      if (node instanceof FakeDestination) reached.add(node.track.label);
      for (const next of node.outputs) walk(next);
    };
    for (const node of this.nodes) if (node.name === `source ${label}`) walk(node);
    return [...reached].sort();
  }
  private add<T extends FakeNode>(node: T): T {
    this.nodes.push(node);
    return node;
  }
}

/** A stand-in for `RTCRtpSender` with a stable track, recording replacements. */
export class FakeSender {
  readonly replaced: FakeTrack[] = [];
  constructor(public track: FakeTrack | null) {}
  async replaceTrack(track: FakeTrack | null): Promise<void> {
    this.track = track;
    if (track) this.replaced.push(track);
  }
}

/** A peer connection with one audio sender, for `session.connection`. */
export function fakePeerConnection(microphone: FakeTrack): { pc: RTCPeerConnection; sender: FakeSender } {
  const sender = new FakeSender(microphone);
  const pc = { getSenders: () => [sender], addEventListener: () => undefined };
  return { pc: pc as unknown as RTCPeerConnection, sender };
}
