/**
 * Signalling-only stand-ins for `RTCPeerConnection` and `RTCSessionDescription`, enough for
 * JsSIP to offer, answer and hang up in Node. They produce a fixed audio SDP and never
 * carry media; browser tests cover media.
 */

const sdp = (kind: 'offer' | 'answer') =>
  [
    'v=0',
    `o=- ${Date.now()} 1 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'c=IN IP4 127.0.0.1',
    `m=audio 9 UDP/TLS/RTP/SAVPF 0`,
    'a=rtpmap:0 PCMU/8000',
    `a=setup:${kind === 'offer' ? 'actpass' : 'active'}`,
    'a=sendrecv',
    '',
  ].join('\r\n');

class FakeSessionDescription {
  readonly type: string;
  readonly sdp: string;
  constructor(init: { type: string; sdp: string }) {
    this.type = init.type;
    this.sdp = init.sdp;
  }
}

class FakePeerConnection extends EventTarget {
  iceGatheringState = 'new';
  iceConnectionState = 'new';
  signalingState = 'stable';
  localDescription: FakeSessionDescription | null = null;
  remoteDescription: FakeSessionDescription | null = null;

  async createOffer(): Promise<{ type: string; sdp: string }> {
    return { type: 'offer', sdp: sdp('offer') };
  }
  async createAnswer(): Promise<{ type: string; sdp: string }> {
    return { type: 'answer', sdp: sdp('answer') };
  }
  async setLocalDescription(description: { type: string; sdp: string }): Promise<void> {
    this.localDescription = new FakeSessionDescription(description);
    this.signalingState = description.type === 'offer' ? 'have-local-offer' : 'stable';
    this.iceGatheringState = 'complete';
  }
  async setRemoteDescription(description: { type: string; sdp: string }): Promise<void> {
    this.remoteDescription = new FakeSessionDescription(description);
    this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable';
  }
  getSenders(): unknown[] {
    return [];
  }
  getReceivers(): unknown[] {
    return [];
  }
  addTrack(): void {}
  close(): void {
    this.signalingState = 'closed';
  }
}

/** Installs the stand-ins as globals (Node has no WebRTC). */
export function installFakeWebRtc(): void {
  const scope = globalThis as Record<string, unknown>;
  scope.RTCPeerConnection = FakePeerConnection;
  scope.RTCSessionDescription = FakeSessionDescription;
  // JsSIP looks for WebRTC on `window`.
  scope.window ??= globalThis;
}
