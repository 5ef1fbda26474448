/** What the caller and agent pages expose on `window` for the browser call tests to drive. */
import type { Softphone } from '@hotline/telephony';

/** One call of a page's softphone. */
export interface PageCall {
  id: string;
  direction: 'incoming' | 'outgoing';
  state: string;
  endReason: string | undefined;
  muted: boolean;
  remoteUri: string;
}

/** A page's softphone, as the test sees it. */
export interface PhoneSnapshot {
  /** The SIP WebSocket: `connecting`, `connected` or `disconnected`. */
  connection: string;
  registration: string;
  /** How many times the softphone reached `registered`. */
  registrations: number;
  /** Calls in the order they started (rang in, were dialled, or followed a transfer). */
  calls: PageCall[];
  /** Tones the other side sent by SIP INFO. */
  dtmf: string[];
  /** `remote_hold` events: true when the other side held, false when it resumed. */
  remoteHold: boolean[];
}

/** RTP counters of the newest live call's peer connection (`getStats`). */
export interface MediaCounters {
  bytesSent: number;
  bytesReceived: number;
  /** `totalAudioEnergy` of the inbound audio: it stops growing while the other side is muted. */
  inboundEnergy: number;
  /** Addresses of the selected ICE candidate pair, local then remote (empty before it is chosen). */
  path: string[];
}

/** `window.phone` on every page. */
export interface PagePhone {
  snapshot(): PhoneSnapshot;
  answer(): void;
  hangup(): void;
  hold(): Promise<void>;
  unhold(): Promise<void>;
  mute(): void;
  unmute(): void;
  sendDtmf(tones: string): void;
  transfer(target: string): void;
  /** Calls `target` with extra SIP headers; the new call's id. */
  dial(target: string, headers: string[]): string;
  media(): Promise<MediaCounters>;
}

/** `window.ivr` on the caller page: the support flow, driven by key presses. */
export interface PageIvr {
  /** Starts the flow; its prompts so far. */
  start(): string[];
  /** A key press; once the flow routes, dials the queue with the flow's language. */
  press(digit: string): { prompts: string[]; dialled?: { target: string; headers: string[] } };
}

/** The globals the pages set. */
export interface PageGlobals {
  phone: PagePhone;
  ivr?: PageIvr;
  /** The page's softphone, for tests that need more than `phone` (the conference). */
  softphone: Softphone;
}
