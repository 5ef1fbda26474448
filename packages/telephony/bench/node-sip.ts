/**
 * JsSIP user agents in Node for the call-setup bench and the end-to-end voice routing test:
 * SIP over WebSocket (`ws`) to a real Kamailio, with the signalling-only
 * `RTCPeerConnection` stand-in, so the SIP dialogue is real and no audio flows.
 */
import { performance } from 'node:perf_hooks';
import JsSIP from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession.js';
import type { RTCSessionEvent } from 'jssip/lib/UA.js';
import { WebSocket } from 'ws';
import { installFakeWebRtc } from '../test/fake-webrtc.js';

/** Options of {@link startPhone}. */
export interface PhoneOptions {
  wsUrl: string;
  user: string;
  sipDomain: string;
  /** Register the AOR (agents) or only connect (callers). */
  register: boolean;
}

/** How a phone treats a call ringing in: answer it, or let it ring until the caller side gives up. */
export type IncomingPolicy = (session: RTCSession) => 'answer' | 'ring';

/** A started JsSIP UA and the calls that rang it. */
export interface Phone {
  readonly ua: JsSIP.UA;
  readonly user: string;
  /** Every call that rang this phone, in order. */
  readonly rang: RTCSession[];
  /** When the newest call rang this phone (`performance.now()`), or 0. */
  readonly lastRangAt: number;
  /** What to do with the next calls. @default answer */
  policy: IncomingPolicy;
  stop(): void;
}

/** The outcome of {@link dial}. */
export interface DialResult {
  session: RTCSession;
  /** The INVITE's Call-ID. */
  callId: string;
  /** When the INVITE left (`performance.now()`). */
  sentAt: number;
  /** `confirmed`, or `failed: <cause>`. */
  outcome: string;
  /** From the INVITE leaving the caller to the caller confirming the dialog (200 OK, ACK sent). */
  setupMs: number;
}

const nodeGlobals = globalThis as { WebSocket?: unknown };

/** Gives JsSIP a global WebSocket and the WebRTC stand-ins (Node has neither). Idempotent. */
export function useNodeSip(): void {
  nodeGlobals.WebSocket ??= WebSocket;
  installFakeWebRtc();
}

/** Resolves with what `attach` reports, or rejects after `ms` naming `what`. */
export function within<T>(what: string, ms: number, attach: (report: (value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
    attach((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

const NO_MEDIA = { mediaConstraints: { audio: false, video: false } } as const;

/** Starts a UA and waits until it is registered (or connected, for a caller). */
export async function startPhone(options: PhoneOptions): Promise<Phone> {
  useNodeSip();
  const ua = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(options.wsUrl)],
    uri: `sip:${options.user}@${options.sipDomain}`,
    register: options.register,
    session_timers: false,
    connection_recovery_min_interval: 1,
    connection_recovery_max_interval: 2,
  });
  let lastRangAt = 0;
  const phone: Phone = {
    ua,
    user: options.user,
    rang: [],
    get lastRangAt() {
      return lastRangAt;
    },
    policy: () => 'answer',
    stop: () => ua.stop(),
  };
  ua.on('newRTCSession', ({ session, originator }: RTCSessionEvent) => {
    if (originator !== 'remote') return;
    lastRangAt = performance.now();
    phone.rang.push(session);
    if (phone.policy(session) === 'answer') session.answer(NO_MEDIA);
  });
  ua.start();
  const ready = options.register ? 'registered' : 'connected';
  await within<void>(`${options.user} ${ready}`, 10_000, (report) => {
    ua.on(ready, () => report());
  });
  return phone;
}

/** Calls `target` from `phone` and waits for the dialog to be confirmed or to fail. */
export function dial(
  phone: Phone,
  target: string,
  extraHeaders: readonly string[] = [],
  timeoutMs = 20_000,
): Promise<DialResult> {
  let sentAt = 0;
  let callId = '';
  return within<DialResult>(`answer to ${target}`, timeoutMs, (report) => {
    const session = phone.ua.call(target, {
      ...NO_MEDIA,
      extraHeaders: [...extraHeaders],
      eventHandlers: {
        sending: ({ request }) => {
          callId = request.call_id;
          sentAt = performance.now();
        },
        confirmed: () => report({ session, callId, sentAt, outcome: 'confirmed', setupMs: performance.now() - sentAt }),
        failed: ({ cause }) =>
          report({ session, callId, sentAt, outcome: `failed: ${cause}`, setupMs: performance.now() - sentAt }),
      },
    });
  });
}

/** Hangs up a call and waits until JsSIP reports it ended. */
export async function hangUp(session: RTCSession): Promise<void> {
  if (session.isEnded()) return;
  const ended = within<void>('hang-up', 5_000, (report) => {
    session.on('ended', () => report());
    session.on('failed', () => report());
  });
  session.terminate();
  await ended;
}
