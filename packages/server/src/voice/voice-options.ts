import { attributesSchema, idSchema } from '@hotline/core';
import { z } from 'zod';

/** A SIP server allowed to ask the voice routing bridge, and the tenant its calls belong to. */
export interface VoiceTrunk {
  /** Names the trunk in logs. */
  id: string;
  tenantId: string;
  /** Sent by the SIP server as `X-Hotline-Voice-Secret`; at least 32 characters. */
  secret: string;
  /** The SIP domain agents register on: an agent's target is `sip:<agent id>@<sipDomain>`. */
  sipDomain: string;
  /**
   * Dialled user part → queue id, e.g. `{ support: 'que_support' }`. A dialled user not
   * listed is taken as the queue id itself.
   * @default {}
   */
  queues?: Readonly<Record<string, string>>;
}

/** The voice routing bridge's options (`POST /voice/v1/route`, `POST /voice/v1/events`). */
export interface ServerVoiceOptions {
  trunks: readonly VoiceTrunk[];
  /** How long one route request waits for a reservation before answering `retry`. @default 5_000 */
  reservationWaitMs?: number;
  /** What a `retry` answer tells the SIP server to wait before asking again. @default 2_000 */
  retryAfterMs?: number;
  /**
   * Route requests for one call before giving up on it (the call goes to `whenUnreachable`
   * and the conversation is abandoned): bounds a caller's time in line.
   * @default 30
   */
  maxAttempts?: number;
  /** The answer when the queue has nobody routable, or after `maxAttempts`. @default 'voicemail' */
  whenUnreachable?: 'voicemail' | 'busy';
}

/** The header carrying a trunk's secret. */
export const VOICE_SECRET_HEADER = 'x-hotline-voice-secret';

const trunkSchema = z.object({
  id: idSchema,
  tenantId: idSchema,
  secret: z.string().min(32).max(512),
  sipDomain: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'a host name or address, optionally with a port'),
  queues: z.record(z.string().min(1).max(64), idSchema).optional(),
});

/** Validates {@link ServerVoiceOptions} once, when the server is created. */
export const serverVoiceOptionsSchema = z.object({
  trunks: z.array(trunkSchema).min(1).max(100),
  reservationWaitMs: z.int().min(0).max(60_000).optional(),
  retryAfterMs: z.int().min(0).max(60_000).optional(),
  maxAttempts: z.int().min(1).max(1_000).optional(),
  whenUnreachable: z.enum(['voicemail', 'busy']).optional(),
});

/** A SIP address or a bare user/number, as SIP servers write them (`sip:1001@host`, `+1415…`). */
const sipAddressSchema = z.string().trim().min(1).max(320);

/** `POST /voice/v1/route`: an inbound call to a queue address, asked again after a no-answer. */
export const voiceRouteRequestSchema = z.object({
  /** The SIP Call-ID: one call, however often it is asked about. */
  callId: z.string().min(1).max(256),
  /** The caller (From URI or number). */
  caller: sipAddressSchema,
  /** The dialled queue address (request URI or its user part). */
  dialled: sipAddressSchema,
  /** Routing attributes: language and intent from IVR digits or SIP headers. */
  attributes: attributesSchema.optional(),
  /** Why the SIP server asks again: the target agent did not answer, was busy or declined. */
  reason: z.enum(['new', 'no_answer', 'busy', 'declined']).default('new'),
});

/** `POST /voice/v1/events`: what happened to a routed call. */
export const voiceEventRequestSchema = z.object({
  callId: z.string().min(1).max(256),
  /** `answered`: the target agent's phone answered (200 OK); `ended`: BYE, CANCEL or a final failure. */
  event: z.enum(['answered', 'ended']),
});

/** The bridge's answer to a route request. */
export type VoiceRouteAnswer =
  | { action: 'route'; target: string; agentId: string; conversationId: string; reservationId: string }
  | { action: 'retry'; retryAfterMs: number; conversationId: string }
  | { action: 'voicemail' | 'busy'; conversationId?: string };
