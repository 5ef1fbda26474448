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

/**
 * The voice routing bridge's options (`POST /voice/v1/route`, `POST /voice/v1/events`).
 * With the bridge on, an agent is routable for voice only while a softphone of theirs is
 * registered (the SIP server reports REGISTERs as `registered` events): until then, and
 * after the registration expires, routing counts the agent's `voice` capacity as 0.
 */
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
  /**
   * Routing attributes: language and intent from IVR digits or SIP headers.
   * `conversationId` names a web chat of the tenant that escalates to this call: the call
   * becomes a voice leg of it and rings the agent who holds the chat.
   */
  attributes: attributesSchema.optional(),
  /** Why the SIP server asks again: the target agent did not answer, was busy or declined. */
  reason: z.enum(['new', 'no_answer', 'busy', 'declined']).default('new'),
});

const callIdSchema = z.string().min(1).max(256);
/** Makes a reported event idempotent: a repeated id adds nothing to the timeline. */
const eventIdSchema = z.string().min(1).max(128).optional();
const callEvent = { callId: callIdSchema, eventId: eventIdSchema };

/** Who ended a call or put it on hold, as far as the SIP server can tell. */
export const callPartySchema = z.enum(['caller', 'agent', 'system']);

/**
 * `POST /voice/v1/events`: what happened to a routed call, or to an agent's softphone
 * registration (`registered` with `expires` seconds, `unregistered`).
 */
export const voiceEventRequestSchema = z.discriminatedUnion('event', [
  /** The target agent's phone answered (200 OK). */
  z.object({ event: z.literal('answered'), ...callEvent }),
  /** BYE, CANCEL or a final failure. */
  z.object({ event: z.literal('ended'), ...callEvent, by: callPartySchema.optional() }),
  /** A re-INVITE with `sendonly`/`inactive` (held) or `sendrecv` again (resumed). */
  z.object({ event: z.literal('held'), ...callEvent, by: callPartySchema.optional() }),
  z.object({ event: z.literal('resumed'), ...callEvent, by: callPartySchema.optional() }),
  /** A REFER: the call is handed to `target` (its Refer-To). */
  z.object({ event: z.literal('transferred'), ...callEvent, target: sipAddressSchema }),
  /**
   * A new INVITE to an agent's AOR, perhaps the caller's leg of a blind transfer (a REFER
   * reported as `transferred` before it): Hotline links it to that call's conversation
   * (`NOT_FOUND` when it is no transfer of a call it routed). Its `answered` then moves
   * the conversation to the target agent; its `ended` sends it to wrap-up with them.
   */
  z.object({
    event: z.literal('transfer_call'),
    ...callEvent,
    /** The new INVITE's From: the party being transferred. */
    caller: sipAddressSchema,
    /** Its request URI: the transfer target's AOR. */
    target: sipAddressSchema,
    /** Its `Referred-By`, when the transferee's phone sends one: the transferring agent's AOR. */
    referredBy: sipAddressSchema.optional(),
    /** Its `Replaces` (attended transfer), kept in the timeline. */
    replaces: z.string().min(1).max(512).optional(),
  }),
  /** A REGISTER saved: the AOR's agent is reachable for voice for `expires` seconds (0 unregisters). */
  z.object({ event: z.literal('registered'), aor: sipAddressSchema, expires: z.int().min(0).max(86_400) }),
  z.object({ event: z.literal('unregistered'), aor: sipAddressSchema, expires: z.int().min(0).max(86_400).optional() }),
]);
/** A parsed `POST /voice/v1/events` body. */
export type VoiceEventRequest = z.output<typeof voiceEventRequestSchema>;

/** The bridge's answer to a call event. */
export type VoiceEventAnswer =
  | { conversationId: string; status: string; recorded: boolean }
  | { conversationId: string; status: string; linked: true; transferOf: string; agentId: string }
  | { agentId: string; registered: boolean; expiresAt?: string };

/** The bridge's answer to a route request. */
export type VoiceRouteAnswer =
  | {
      action: 'route';
      target: string;
      agentId: string;
      conversationId: string;
      /** Absent when an escalated chat's call rings the agent who already holds the chat. */
      reservationId?: string;
    }
  | { action: 'retry'; retryAfterMs: number; conversationId: string }
  | { action: 'voicemail' | 'busy'; conversationId?: string };
