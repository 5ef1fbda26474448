import { parseInput } from '@hotline/core';
import { z } from 'zod';
import type { JsSipModuleLike } from './jssip-types.js';
import type { QualityThresholds } from './quality.js';
import { systemTimers, type Timers } from './timers.js';

/** Something audio plays on and can be routed to a device with (an `HTMLAudioElement`). */
export interface AudioSinkLike {
  setSinkId(deviceId: string): Promise<void>;
  /** Set to the remote audio of the call being talked on (the call sink only). */
  srcObject?: MediaProvider | null;
  play?(): Promise<void>;
}

/** Options of `createSoftphone`. */
export interface SoftphoneOptions {
  /** This softphone's address of record, `sip:agent@example.com`. */
  uri: string;
  /** SIP digest password. @default undefined (no authentication) */
  password?: string;
  /** SIP over WebSocket servers, `wss://sip.example.com:8443`. Several are tried in turn. */
  wsServers: string | string[];
  /** Shown to the called party. @default undefined */
  displayName?: string;
  /**
   * Longest wait for ICE candidates before the offer or answer is sent with what was
   * gathered, so a slow STUN/TURN server cannot hold call setup for tens of seconds.
   * @default 2000
   */
  iceGatheringTimeoutMs?: number;
  /** STUN/TURN servers. @default [] (host candidates only) */
  iceServers?: RTCIceServer[];
  /**
   * WebSocket reconnection backoff, in milliseconds (JsSIP rounds to seconds).
   * @default { minIntervalMs: 2000, maxIntervalMs: 30000 }
   */
  reconnect?: { minIntervalMs?: number; maxIntervalMs?: number };
  /**
   * First delay before retrying a failed registration; doubles up to 60 s. Wrong credentials
   * are not retried.
   * @default 5000
   */
  registrationRetryMs?: number;
  /** How long a call may stay `reconnecting` before it ends with `network_lost`. @default 20000 */
  callReconnectTimeoutMs?: number;
  /** Hold/unhold attempts in total when the other side answers 491. @default 3 */
  glareMaxAttempts?: number;
  /** Call quality sampling. @default { intervalMs: 1000 } and the default thresholds */
  quality?: { intervalMs?: number; thresholds?: QualityThresholds };
  /**
   * Audio elements: `call` plays the remote audio of the call being talked on, and both
   * follow the output devices chosen with `setDevices`. @default {}
   */
  audioSinks?: { call?: AudioSinkLike; ringer?: AudioSinkLike };
  /**
   * Follow the other side's transfers of our calls (REFER, INVITE with Replaces).
   * @default true
   */
  acceptTransfers?: boolean;
  /** `User-Agent` header. @default 'Hotline-Telephony' */
  userAgent?: string;
  /** The JsSIP module; tests pass a double. @default the `jssip` package */
  jssip?: JsSipModuleLike;
  /** `navigator.mediaDevices.getUserMedia`; injected for tests and non-browser hosts. @default navigator's */
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  /** @default globalThis timers */
  timers?: Timers;
  /** @default Math.random */
  random?: () => number;
  /** @default Date.now */
  now?: () => number;
}

const sipUri = z.string().regex(/^sips?:[^\s@]+@[^\s@]+$/, 'must be sip:user@domain');
const wsUrl = z.string().regex(/^wss?:\/\/\S+$/, 'must be a ws:// or wss:// URL');
const ms = z.number().int().min(0).max(600_000);
const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'must be a function');
const object = z.custom<object>((value) => typeof value === 'object' && value !== null, 'must be an object');

const optionsSchema = z
  .object({
    uri: sipUri,
    password: z.string().optional(),
    wsServers: z.union([wsUrl, z.array(wsUrl).min(1)]),
    displayName: z.string().max(200).optional(),
    iceGatheringTimeoutMs: ms.min(100).optional(),
    iceServers: z.array(object).optional(),
    reconnect: z.object({ minIntervalMs: ms.min(1000).optional(), maxIntervalMs: ms.min(1000).optional() }).optional(),
    registrationRetryMs: ms.min(100).optional(),
    callReconnectTimeoutMs: ms.optional(),
    glareMaxAttempts: z.number().int().min(1).max(10).optional(),
    quality: z
      .object({
        intervalMs: ms.min(100).optional(),
        thresholds: z
          .object({
            maxRttMs: z.number().positive().optional(),
            maxJitterMs: z.number().positive().optional(),
            maxLossPercent: z.number().min(0).max(100).optional(),
            minMos: z.number().min(1).max(4.5).optional(),
            samples: z.number().int().min(1).max(60).optional(),
          })
          .optional(),
      })
      .optional(),
    audioSinks: z.object({ call: object.optional(), ringer: object.optional() }).optional(),
    acceptTransfers: z.boolean().optional(),
    userAgent: z.string().max(200).optional(),
    jssip: object.optional(),
    getUserMedia: fn.optional(),
    timers: object.optional(),
    random: fn.optional(),
    now: fn.optional(),
  })
  .strict();

/** Options with every default filled in. */
export interface ResolvedSoftphoneOptions
  extends Required<
    Pick<
      SoftphoneOptions,
      | 'uri'
      | 'iceGatheringTimeoutMs'
      | 'iceServers'
      | 'registrationRetryMs'
      | 'callReconnectTimeoutMs'
      | 'glareMaxAttempts'
      | 'acceptTransfers'
      | 'userAgent'
      | 'timers'
      | 'random'
      | 'now'
    >
  > {
  password: string | undefined;
  displayName: string | undefined;
  wsServers: string[];
  reconnect: { minIntervalMs: number; maxIntervalMs: number };
  quality: { intervalMs: number; thresholds: QualityThresholds | undefined };
  audioSinks: { call?: AudioSinkLike; ringer?: AudioSinkLike };
  jssip: JsSipModuleLike | undefined;
  getUserMedia: ((constraints: MediaStreamConstraints) => Promise<MediaStream>) | undefined;
}

/** Validates the options (throwing `ValidationError` with every problem) and fills in defaults. */
export function resolveSoftphoneOptions(input: SoftphoneOptions): ResolvedSoftphoneOptions {
  parseInput(optionsSchema, input, 'softphone options');
  const minIntervalMs = input.reconnect?.minIntervalMs ?? 2000;
  return {
    uri: input.uri,
    password: input.password,
    displayName: input.displayName,
    wsServers: typeof input.wsServers === 'string' ? [input.wsServers] : [...input.wsServers],
    iceGatheringTimeoutMs: input.iceGatheringTimeoutMs ?? 2000,
    iceServers: input.iceServers ?? [],
    reconnect: { minIntervalMs, maxIntervalMs: Math.max(minIntervalMs, input.reconnect?.maxIntervalMs ?? 30_000) },
    registrationRetryMs: input.registrationRetryMs ?? 5000,
    callReconnectTimeoutMs: input.callReconnectTimeoutMs ?? 20_000,
    glareMaxAttempts: input.glareMaxAttempts ?? 3,
    acceptTransfers: input.acceptTransfers ?? true,
    quality: { intervalMs: input.quality?.intervalMs ?? 1000, thresholds: input.quality?.thresholds },
    audioSinks: input.audioSinks ?? {},
    userAgent: input.userAgent ?? 'Hotline-Telephony',
    jssip: input.jssip,
    getUserMedia: input.getUserMedia,
    timers: input.timers ?? systemTimers,
    random: input.random ?? Math.random,
    now: input.now ?? Date.now,
  };
}
