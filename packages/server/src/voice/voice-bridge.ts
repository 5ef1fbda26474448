import { createHash } from 'node:crypto';
import {
  type Attributes,
  type Dispatcher,
  type DispatchOffer,
  type Hotline,
  HotlineError,
  type IdentityInput,
  parseInput,
  type Unsubscribe,
} from '@hotline/core';
import {
  type ServerVoiceOptions,
  serverVoiceOptionsSchema,
  type VoiceRouteAnswer,
  type VoiceTrunk,
  voiceEventRequestSchema,
  voiceRouteRequestSchema,
} from './voice-options.js';

const DEFAULT_WAIT_MS = 5_000;
const DEFAULT_RETRY_AFTER_MS = 2_000;
const DEFAULT_MAX_ATTEMPTS = 30;
/** Calls remembered at once; the oldest are forgotten first (a SIP server that never says `ended`). */
const MAX_CALLS = 10_000;
const E164ISH = /^\+?[1-9]\d{6,14}$/;

/** One inbound call the bridge has routed, keyed by tenant and Call-ID. */
interface VoiceCall {
  tenantId: string;
  conversationId: string;
  queueId: string;
  attempts: number;
  /** The offer whose agent the SIP server was told to ring, until answered or refused. */
  offer?: DispatchOffer;
  answered: boolean;
}

/** Someone waiting for an offer of a conversation. */
type OfferWaiter = (offer: DispatchOffer) => void;

/**
 * Voice routing on the conversation dispatcher: a SIP server asks which agent takes an
 * inbound call, rings that agent's registered softphone, and reports what happened.
 *
 * A call is a voice conversation (its leg's `externalRef` is the Call-ID) with a routing
 * task. The conversation id is derived from the tenant and Call-ID, so a request repeated
 * after a server restart finds the same conversation. An agent who does not answer gets
 * its reservation refused, so routing's refusal cooldown sends the call to someone else.
 */
export class VoiceBridge {
  private readonly trunks: readonly VoiceTrunk[];
  private readonly waitMs: number;
  private readonly retryAfterMs: number;
  private readonly maxAttempts: number;
  private readonly unreachable: 'voicemail' | 'busy';
  private readonly calls = new Map<string, VoiceCall>();
  /** The newest pending voice offer of each conversation. */
  private readonly offers = new Map<string, DispatchOffer>();
  private readonly waiters = new Map<string, Set<OfferWaiter>>();
  private readonly off: Unsubscribe;

  constructor(
    private readonly hotline: Hotline,
    private readonly dispatcher: Dispatcher,
    options: ServerVoiceOptions,
  ) {
    const parsed = parseInput(serverVoiceOptionsSchema, options, 'voice options');
    this.trunks = parsed.trunks;
    this.waitMs = parsed.reservationWaitMs ?? DEFAULT_WAIT_MS;
    this.retryAfterMs = parsed.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
    this.maxAttempts = parsed.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.unreachable = parsed.whenUnreachable ?? 'voicemail';
    this.off = dispatcher.subscribe((notice) => {
      if (notice.type === 'offer' && notice.offer.channel === 'voice') {
        this.offers.set(notice.offer.conversationId, notice.offer);
        for (const waiter of this.waiters.get(notice.offer.conversationId) ?? []) waiter(notice.offer);
      } else if (
        notice.type === 'offer_ended' &&
        this.offers.get(notice.conversationId)?.reservationId === notice.reservationId
      ) {
        this.offers.delete(notice.conversationId);
      }
    });
  }

  /** The trunks, for the HTTP layer's secret check. */
  get trunkList(): readonly VoiceTrunk[] {
    return this.trunks;
  }

  /**
   * Routes a call: a new Call-ID becomes a queued voice conversation; a repeated one after
   * a no-answer refuses the previous agent's reservation first. Waits up to
   * `reservationWaitMs` for an offer.
   */
  async route(trunk: VoiceTrunk, body: unknown): Promise<VoiceRouteAnswer> {
    const request = parseInput(voiceRouteRequestSchema, body, 'voice route request');
    const { tenantId } = trunk;
    const queueId = queueOf(trunk, request.dialled);
    let call = this.calls.get(key(tenantId, request.callId));
    if (!call) {
      // An unknown queue is NOT_FOUND before anything is written.
      this.dispatcher.isOpen(tenantId, queueId);
      const conversationId = conversationIdOf(tenantId, request.callId);
      const attributes: Attributes = { ...request.attributes, sipCallId: request.callId, dialled: request.dialled };
      const language = typeof attributes.language === 'string' ? attributes.language : undefined;
      await this.hotline.conversations.start({
        tenantId,
        id: conversationId,
        channel: 'voice',
        contact: { identity: callerIdentity(request.caller) },
        address: request.caller,
        externalRef: request.callId,
        queueId,
        ...(language ? { language } : {}),
        attributes,
      });
      call = { tenantId, conversationId, queueId, attempts: 0, answered: false };
      this.remember(key(tenantId, request.callId), call);
      await this.dispatcher.enqueue({ tenantId, conversationId, channel: 'voice', queueId, attributes });
    }
    if (call.answered) {
      throw new HotlineError('CONFLICT', `call ${request.callId} was answered already`, {
        details: { conversationId: call.conversationId },
      });
    }
    call.attempts++;
    const refused = call.offer;
    if (refused) {
      call.offer = undefined;
      await this.refuse(tenantId, refused);
    }
    if (call.attempts > this.maxAttempts || !this.dispatcher.isOpen(tenantId, call.queueId)) {
      await this.giveUp(request.callId, call);
      return { action: this.unreachable, conversationId: call.conversationId };
    }
    const offer = await this.nextOffer(call.conversationId, refused?.reservationId);
    if (!offer) return { action: 'retry', retryAfterMs: this.retryAfterMs, conversationId: call.conversationId };
    call.offer = offer;
    return {
      action: 'route',
      target: await this.targetOf(trunk, offer.agentId),
      agentId: offer.agentId,
      conversationId: call.conversationId,
      reservationId: offer.reservationId,
    };
  }

  /**
   * `answered`: the ringing agent took the call (the reservation is accepted, the
   * conversation becomes theirs). `ended`: the call is over: wrap-up when it was answered,
   * otherwise the caller left the line.
   */
  async event(trunk: VoiceTrunk, body: unknown): Promise<{ conversationId: string; status: string }> {
    const request = parseInput(voiceEventRequestSchema, body, 'voice event');
    const { tenantId } = trunk;
    const callKey = key(tenantId, request.callId);
    const call = this.calls.get(callKey);
    if (!call) throw new HotlineError('NOT_FOUND', `no routed call ${request.callId}`);
    if (request.event === 'answered') {
      if (!call.answered) {
        if (!call.offer) {
          throw new HotlineError('CONFLICT', `call ${request.callId} is not ringing an agent`, {
            details: { reason: 'not_ringing' },
          });
        }
        await this.dispatcher.accept(tenantId, call.offer.agentId, call.offer.reservationId);
        call.answered = true;
      }
    } else {
      this.calls.delete(callKey);
      if (call.answered && call.offer) {
        await this.dispatcher.end(tenantId, call.offer.agentId, call.conversationId);
      } else {
        await this.dispatcher.customerLeft(tenantId, call.conversationId);
      }
    }
    const conversation = await this.hotline.conversations.get(tenantId, call.conversationId);
    return { conversationId: call.conversationId, status: conversation.status };
  }

  /** Stops following the dispatcher; waiting requests answer `retry` at their deadline. */
  close(): void {
    this.off();
  }

  private async nextOffer(
    conversationId: string,
    notReservationId: string | undefined,
  ): Promise<DispatchOffer | undefined> {
    const known = this.offers.get(conversationId);
    if (known && known.reservationId !== notReservationId) return known;
    if (this.waitMs === 0) return undefined;
    return new Promise((resolve) => {
      const set = this.waiters.get(conversationId) ?? new Set<OfferWaiter>();
      this.waiters.set(conversationId, set);
      const done = (offer: DispatchOffer | undefined) => {
        clearTimeout(timer);
        set.delete(waiter);
        if (set.size === 0) this.waiters.delete(conversationId);
        resolve(offer);
      };
      const waiter: OfferWaiter = (offer) => {
        if (offer.reservationId !== notReservationId) done(offer);
      };
      const timer = setTimeout(() => done(undefined), this.waitMs);
      set.add(waiter);
    });
  }

  /** The agent let it ring: refuse the reservation (it may have lapsed or been withdrawn meanwhile). */
  private async refuse(tenantId: string, offer: DispatchOffer): Promise<void> {
    try {
      await this.dispatcher.reject(tenantId, offer.agentId, offer.reservationId);
    } catch (error) {
      if (!(error instanceof HotlineError && (error.code === 'NOT_FOUND' || error.code === 'ILLEGAL_TRANSITION'))) {
        throw error;
      }
    }
  }

  private async giveUp(callId: string, call: VoiceCall): Promise<void> {
    this.calls.delete(key(call.tenantId, callId));
    await this.dispatcher.customerLeft(call.tenantId, call.conversationId);
  }

  private async targetOf(trunk: VoiceTrunk, agentId: string): Promise<string> {
    const agent = await this.hotline.storage.agents.get(trunk.tenantId, agentId);
    const custom = agent?.attributes.sipUri;
    if (typeof custom === 'string' && /^sips?:/.test(custom)) return custom;
    return `sip:${agentId}@${trunk.sipDomain}`;
  }

  private remember(callKey: string, call: VoiceCall): void {
    if (this.calls.size >= MAX_CALLS) {
      const oldest = this.calls.keys().next().value;
      if (oldest !== undefined) this.calls.delete(oldest);
    }
    this.calls.set(callKey, call);
  }
}

function key(tenantId: string, callId: string): string {
  return `${tenantId}\u0000${callId}`;
}

/** A stable conversation id per tenant and Call-ID (Call-IDs are not valid ids as they stand). */
function conversationIdOf(tenantId: string, callId: string): string {
  return `con_call_${createHash('sha256').update(`${tenantId}\u0000${callId}`).digest('hex').slice(0, 32)}`;
}

/** The user part of a SIP address (`sip:support@host;x=y` → `support`), or the address itself. */
function userOf(address: string): string {
  const bare = address.replace(/^<|>$/g, '').replace(/^sips?:/i, '');
  const at = bare.indexOf('@');
  return (at === -1 ? bare : bare.slice(0, at)).split(/[;?]/)[0] ?? bare;
}

function queueOf(trunk: VoiceTrunk, dialled: string): string {
  const user = userOf(dialled);
  return trunk.queues?.[user] ?? user;
}

/** A phone number when the caller's user part is one, else the SIP address as an external id. */
function callerIdentity(caller: string): IdentityInput {
  const user = userOf(caller);
  return E164ISH.test(user)
    ? { channel: 'phone', address: user.startsWith('+') ? user : `+${user}` }
    : { channel: 'external', address: caller.replace(/^<|>$/g, '') };
}
