import {
  type Attributes,
  type Conversation,
  type Dispatcher,
  type DispatchOffer,
  type Hotline,
  HotlineError,
  parseInput,
  type Unsubscribe,
} from '@hotline/core';
import { escalatedCall, missedEscalation } from './voice-escalation.js';
import {
  type ServerVoiceOptions,
  serverVoiceOptionsSchema,
  type VoiceEventAnswer,
  type VoiceEventRequest,
  type VoiceRouteAnswer,
  type VoiceTrunk,
  voiceEventRequestSchema,
  voiceRouteRequestSchema,
} from './voice-options.js';
import type { VoicePresence } from './voice-presence.js';
import { agentOfAor, callerIdentity, conversationIdOf, key, normalized, queueOf, sipTargetOf } from './voice-sip.js';
import type { CallTimeline } from './voice-timeline.js';

const DEFAULT_WAIT_MS = 5_000;
const DEFAULT_RETRY_AFTER_MS = 2_000;
const DEFAULT_MAX_ATTEMPTS = 30;
/** Calls remembered at once; the oldest are forgotten first (a SIP server that never says `ended`). */
const MAX_CALLS = 10_000;

/** One inbound call the bridge has routed, keyed by tenant and Call-ID. */
export interface VoiceCall {
  tenantId: string;
  conversationId: string;
  /** The call's voice leg of the conversation. */
  legId: string;
  queueId?: string;
  attempts: number;
  /** The offer whose agent the SIP server was told to ring, until answered or refused. */
  offer?: DispatchOffer;
  /** An escalated chat's call: the agent holding the chat, rung without a routing task. */
  holderId?: string;
  answered: boolean;
  /** Epoch ms of the answer, for the call's duration. */
  answeredAt?: number;
  /** The caller's address (normalized), to recognise the caller's new INVITE of a transfer. */
  caller?: string;
  /** The Refer-To (normalized) of the REFER reported on this call, until a transfer call follows it. */
  referTo?: string;
  /** This call moved to another agent by a transfer: its own end changes nothing. */
  transferredTo?: string;
  /** A transfer call: the routed call it takes over and the agent it was sent to. */
  transferOf?: { callId: string; agentId: string; replaces?: string };
}

/** Someone waiting for an offer of a conversation. */
type OfferWaiter = (offer: DispatchOffer) => void;

/** What the bridge works with besides core and routing. */
export interface VoiceBridgeParts {
  presence: VoicePresence;
  timeline: CallTimeline;
}

/**
 * Voice routing on the conversation dispatcher: a SIP server asks which agent takes an
 * inbound call, rings that agent's registered softphone, and reports what happened.
 *
 * A call is a voice leg of a conversation: a new voice conversation (its leg's
 * `externalRef` is the Call-ID) with a routing task, or, when the route request names a
 * web chat of the tenant (`attributes.conversationId`), a new leg of that chat, ringing
 * the agent who holds it. The new conversation's id is derived from the tenant and
 * Call-ID, so a request repeated after a server restart finds the same conversation. An
 * agent who does not answer gets its reservation refused, so routing's refusal cooldown
 * sends the call to someone else. Answer, hold, transfer and hang-up are `call.*` system
 * messages in the conversation's timeline. A blind or attended transfer (the caller's new
 * call to another agent, reported as `transfer_call`) moves the conversation to that agent
 * when they answer, on a new voice leg.
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
  private readonly presence: VoicePresence;
  private readonly timeline: CallTimeline;

  constructor(
    private readonly hotline: Hotline,
    private readonly dispatcher: Dispatcher,
    options: ServerVoiceOptions,
    private readonly parts: VoiceBridgeParts,
  ) {
    const parsed = parseInput(serverVoiceOptionsSchema, options, 'voice options');
    this.trunks = parsed.trunks;
    this.waitMs = parsed.reservationWaitMs ?? DEFAULT_WAIT_MS;
    this.retryAfterMs = parsed.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
    this.maxAttempts = parsed.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.unreachable = parsed.whenUnreachable ?? 'voicemail';
    this.presence = parts.presence;
    this.timeline = parts.timeline;
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
   * Routes a call: a new Call-ID becomes a queued voice conversation (or a voice leg of the
   * chat it names); a repeated one after a no-answer refuses the previous agent's
   * reservation first. Waits up to `reservationWaitMs` for an offer.
   */
  async route(trunk: VoiceTrunk, body: unknown): Promise<VoiceRouteAnswer> {
    const request = parseInput(voiceRouteRequestSchema, body, 'voice route request');
    const { tenantId } = trunk;
    await this.presence.sweep();
    const callKey = key(tenantId, request.callId);
    let call = this.calls.get(callKey);
    if (!call && typeof request.attributes?.conversationId === 'string') {
      const escalated = await escalatedCall(this.hotline, this.parts, tenantId, {
        ...request,
        chatId: request.attributes.conversationId,
      });
      if (escalated.action !== 'route') return { action: this.unreachable, conversationId: escalated.conversationId };
      call = { ...escalated.call, caller: normalized(request.caller) };
      this.remember(callKey, call);
      return this.ring(trunk, call, call.holderId as string);
    }
    if (!call) {
      const queueId = queueOf(trunk, request.dialled);
      // An unknown queue is NOT_FOUND before anything is written.
      this.dispatcher.isOpen(tenantId, queueId);
      const conversationId = conversationIdOf(tenantId, request.callId);
      const attributes: Attributes = { ...request.attributes, sipCallId: request.callId, dialled: request.dialled };
      const language = typeof attributes.language === 'string' ? attributes.language : undefined;
      const { conversation } = await this.hotline.conversations.start({
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
      call = {
        tenantId,
        conversationId,
        legId: legOf(conversation, request.callId),
        queueId,
        attempts: 0,
        answered: false,
        caller: normalized(request.caller),
      };
      this.remember(callKey, call);
      await this.dispatcher.enqueue({ tenantId, conversationId, channel: 'voice', queueId, attributes });
    }
    if (call.answered || call.transferOf) {
      throw new HotlineError('CONFLICT', `call ${request.callId} was answered or transferred already`, {
        details: { conversationId: call.conversationId },
      });
    }
    if (call.holderId !== undefined) {
      // The chat's agent let it ring: the chat stays theirs, the call was missed.
      this.calls.delete(callKey);
      await missedEscalation(this.parts, call, request.reason);
      return { action: this.unreachable, conversationId: call.conversationId };
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
    return { ...(await this.ring(trunk, call, offer.agentId)), reservationId: offer.reservationId };
  }

  /**
   * A call event (`answered`, `held`, `resumed`, `transferred`, `ended`), recorded in the
   * conversation's timeline; a transfer's new call (`transfer_call`); or a softphone
   * registration (`registered`, `unregistered`).
   * `answered` accepts the ringing agent's reservation; `ended` closes the voice leg and
   * sends a routed call to wrap-up (answered) or abandons it (the caller left the line).
   */
  async event(trunk: VoiceTrunk, body: unknown): Promise<VoiceEventAnswer> {
    const request = parseInput(voiceEventRequestSchema, body, 'voice event');
    const { tenantId } = trunk;
    await this.presence.sweep();
    if (request.event === 'registered' || request.event === 'unregistered') {
      const agentId = await agentOfAor(this.hotline.storage, trunk, request.aor);
      const expiresAt =
        request.event === 'registered' ? await this.presence.register(tenantId, agentId, request.expires) : undefined;
      if (expiresAt === undefined) await this.presence.unregister(tenantId, agentId);
      return expiresAt === undefined
        ? { agentId, registered: false }
        : { agentId, registered: true, expiresAt: new Date(expiresAt).toISOString() };
    }
    if (request.event === 'transfer_call') return this.linkTransfer(trunk, request);
    const callKey = key(tenantId, request.callId);
    const call = this.calls.get(callKey);
    if (!call) throw new HotlineError('NOT_FOUND', `no routed call ${request.callId}`);
    const recorded = await this.callEvent(callKey, call, request);
    const conversation = await this.hotline.conversations.get(tenantId, call.conversationId);
    return { conversationId: call.conversationId, status: conversation.status, recorded };
  }

  /** Stops following the dispatcher; waiting requests answer `retry` at their deadline. */
  close(): void {
    this.off();
  }

  private async callEvent(
    callKey: string,
    call: VoiceCall,
    request: Exclude<VoiceEventRequest, { event: 'registered' | 'unregistered' | 'transfer_call' }>,
  ): Promise<boolean> {
    const { tenantId, conversationId, legId } = call;
    const agentId = call.holderId ?? call.offer?.agentId;
    const at = { tenantId, conversationId, legId, ...(request.eventId ? { eventId: request.eventId } : {}) };
    if (request.event === 'answered') {
      if (call.answered) return false;
      if (call.transferOf) return this.takeOver(call, request.callId);
      if (!call.offer && call.holderId === undefined) {
        throw new HotlineError('CONFLICT', `call ${request.callId} is not ringing an agent`, {
          details: { reason: 'not_ringing' },
        });
      }
      if (call.offer) await this.dispatcher.accept(tenantId, call.offer.agentId, call.offer.reservationId);
      call.answered = true;
      call.answeredAt = this.hotline.clock.now();
      return (await this.timeline.record({ ...at, event: 'answered', data: { agentId: agentId ?? null } })).recorded;
    }
    if (request.event === 'ended') {
      this.calls.delete(callKey);
      // A call handed over by a transfer, or a transfer call nobody answered: the
      // conversation follows the other call.
      if (call.transferredTo !== undefined || (call.transferOf && !call.answered)) return false;
      const seconds = call.answeredAt === undefined ? 0 : (this.hotline.clock.now() - call.answeredAt) / 1000;
      const data = { answered: call.answered, durationSeconds: Math.round(seconds), by: request.by ?? 'unknown' };
      // The timeline first: an abandoned conversation takes no more messages.
      const { recorded } = await this.timeline.end({ ...at, data });
      if (call.holderId !== undefined) {
        await this.presence.setOnCall(tenantId, call.holderId, false);
        // A transfer call core followed: the conversation is the agent's, not a chat's.
        if (call.transferOf) await this.dispatcher.end(tenantId, call.holderId, conversationId);
      } else if (call.answered && call.offer) await this.dispatcher.end(tenantId, call.offer.agentId, conversationId);
      else await this.dispatcher.customerLeft(tenantId, conversationId);
      return recorded;
    }
    if (!call.answered) {
      throw new HotlineError('CONFLICT', `call ${request.callId} is not answered yet`, {
        details: { reason: 'not_answered' },
      });
    }
    if (request.event === 'transferred') call.referTo = normalized(request.target);
    const data: Attributes =
      request.event === 'transferred' ? { target: request.target } : { by: request.by ?? 'unknown' };
    return (await this.timeline.record({ ...at, event: request.event, data })).recorded;
  }

  /**
   * The caller's new INVITE after a REFER: the answered call of that caller whose REFER
   * named this target (or, failing that, held by the `Referred-By` agent) is the one being
   * transferred. Nothing changes until the target answers. A repeat links nothing more;
   * anything else is `NOT_FOUND` (an ordinary call between extensions, another tenant's).
   */
  private async linkTransfer(
    trunk: VoiceTrunk,
    request: Extract<VoiceEventRequest, { event: 'transfer_call' }>,
  ): Promise<VoiceEventAnswer> {
    const { tenantId } = trunk;
    const callKey = key(tenantId, request.callId);
    const known = this.calls.get(callKey);
    if (known && !known.transferOf) {
      throw new HotlineError('CONFLICT', `call ${request.callId} is routed already`, {
        details: { conversationId: known.conversationId },
      });
    }
    const answer = async (call: VoiceCall) => {
      const transferOf = call.transferOf as NonNullable<VoiceCall['transferOf']>;
      const { status } = await this.hotline.conversations.get(tenantId, call.conversationId);
      return {
        conversationId: call.conversationId,
        status,
        linked: true as const,
        transferOf: transferOf.callId,
        agentId: transferOf.agentId,
      };
    };
    if (known) return answer(known);
    const agentId = await agentOfAor(this.hotline.storage, trunk, request.target);
    const referrer = request.referredBy
      ? await agentOfAor(this.hotline.storage, trunk, request.referredBy).catch(() => undefined)
      : undefined;
    const caller = normalized(request.caller);
    const target = normalized(request.target);
    let found: [string, VoiceCall] | undefined;
    for (const entry of this.calls) {
      const [, call] = entry;
      const holder = call.offer?.agentId;
      if (call.tenantId !== tenantId || !call.answered || call.transferOf || call.transferredTo !== undefined) continue;
      if (call.caller !== caller || holder === undefined || holder === agentId) continue;
      if (call.referTo === target) found = entry;
      else if (!found && referrer !== undefined && holder === referrer) found = entry;
    }
    if (!found) {
      throw new HotlineError('NOT_FOUND', `no routed call of ${request.caller} is being transferred`, {
        details: { callId: request.callId },
      });
    }
    const [oldKey, old] = found;
    const call: VoiceCall = {
      tenantId,
      conversationId: old.conversationId,
      legId: '',
      attempts: 0,
      answered: false,
      caller,
      transferOf: {
        callId: oldKey.slice(tenantId.length + 1),
        agentId,
        ...(request.replaces ? { replaces: request.replaces } : {}),
      },
    };
    this.remember(callKey, call);
    return answer(call);
  }

  /**
   * The transfer target answered: routing hands the conversation from the agent who held
   * it to the target (the holder's capacity is freed, the target's offer accepted), the
   * old voice leg closes on its `call.transferred` and a new leg carries this call.
   */
  private async takeOver(call: VoiceCall, callId: string): Promise<boolean> {
    const { tenantId, conversationId } = call;
    const transferOf = call.transferOf as NonNullable<VoiceCall['transferOf']>;
    const old = this.calls.get(key(tenantId, transferOf.callId));
    const from = old?.offer;
    if (!old || !from || old.transferredTo !== undefined) {
      throw new HotlineError('CONFLICT', `call ${transferOf.callId} cannot be transferred any more`, {
        details: { reason: 'not_transferable', callId },
      });
    }
    const offer = await this.handOver(call, from);
    old.transferredTo = transferOf.agentId;
    const at = { tenantId, conversationId, legId: old.legId };
    if (old.referTo === undefined) {
      await this.timeline.record({ ...at, event: 'transferred', data: { target: transferOf.agentId } });
    }
    await this.timeline.close(at);
    const after = await this.hotline.conversations.addLeg(tenantId, conversationId, {
      channel: 'voice',
      ...(old.caller ? { address: old.caller } : {}),
      externalRef: callId,
    });
    call.legId = after.legs.at(-1)?.id ?? '';
    if (offer) call.offer = offer;
    else call.holderId = transferOf.agentId;
    call.answered = true;
    call.answeredAt = this.hotline.clock.now();
    const data: Attributes = {
      agentId: transferOf.agentId,
      transferOf: transferOf.callId,
      ...(transferOf.replaces ? { replaces: transferOf.replaces } : {}),
    };
    return (await this.timeline.record({ tenantId, conversationId, legId: call.legId, event: 'answered', data }))
      .recorded;
  }

  /**
   * Hands the conversation to the agent the call was transferred to. Through routing when
   * it agrees (the transferring agent's task ends, the target's offer is accepted: the
   * offer is returned). Routing refuses a target that is offline, at capacity or not
   * eligible for the task (another language): the caller is talking to that agent all the
   * same, so core follows the call (`transfer` then `accept`, or `assign` when routing's
   * sync put it back in line meanwhile), routing releases the old task on seeing core's
   * transfer, and the agent counts as on a call for voice, like an escalated chat's call.
   */
  private async handOver(call: VoiceCall, from: DispatchOffer): Promise<DispatchOffer | undefined> {
    const { tenantId, conversationId } = call;
    const { agentId } = call.transferOf as NonNullable<VoiceCall['transferOf']>;
    try {
      await this.dispatcher.transfer(tenantId, from.agentId, conversationId, { agentId });
    } catch (error) {
      if (!(error instanceof HotlineError && error.code === 'CONFLICT')) throw error;
      const { conversations } = this.hotline;
      await conversations.apply(tenantId, conversationId, { type: 'transfer', agentId });
      try {
        await conversations.apply(tenantId, conversationId, { type: 'accept', agentId });
      } catch (failure) {
        if (!(failure instanceof HotlineError && failure.code === 'ILLEGAL_TRANSITION')) throw failure;
        await conversations.apply(tenantId, conversationId, { type: 'assign', agentId });
      }
      await this.presence.setOnCall(tenantId, agentId, true);
      return undefined;
    }
    const offer = await this.nextOffer(conversationId, from.reservationId);
    if (!offer || offer.agentId !== agentId) {
      throw new HotlineError('CONFLICT', `no offer of ${conversationId} to ${agentId}`, {
        details: { reason: 'no_offer', conversationId },
      });
    }
    await this.dispatcher.accept(tenantId, offer.agentId, offer.reservationId);
    return offer;
  }

  private async ring(trunk: VoiceTrunk, call: VoiceCall, agentId: string) {
    const agent = await this.hotline.storage.agents.get(trunk.tenantId, agentId);
    return {
      action: 'route' as const,
      target: sipTargetOf(trunk, agent, agentId),
      agentId,
      conversationId: call.conversationId,
    };
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
    const { tenantId, conversationId, legId } = call;
    const data = { answered: false, durationSeconds: 0, by: 'system', reason: 'unreachable' };
    await this.timeline.end({ tenantId, conversationId, legId, data });
    await this.dispatcher.customerLeft(tenantId, conversationId);
  }

  private remember(callKey: string, call: VoiceCall): void {
    if (this.calls.size >= MAX_CALLS) {
      const [oldestKey, oldest] = this.calls.entries().next().value ?? [];
      if (oldestKey !== undefined) this.calls.delete(oldestKey);
      // A forgotten escalated call must not keep its agent busy for voice.
      if (oldest?.holderId !== undefined) {
        this.parts.presence.setOnCall(oldest.tenantId, oldest.holderId, false).catch(() => undefined);
      }
    }
    this.calls.set(callKey, call);
  }
}

/** The leg a call started (its `externalRef`), the newest one otherwise. */
function legOf(conversation: Conversation, callId: string): string {
  const leg = conversation.legs.find((candidate) => candidate.externalRef === callId) ?? conversation.legs.at(-1);
  return leg?.id ?? '';
}
