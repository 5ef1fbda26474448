import { type Attributes, ConflictError, type Conversation, type Hotline, type MessageAuthor } from '@hotline/core';

/** Call events shown in a conversation's timeline (as `call.<event>` system messages). */
export type CallEventName = 'answered' | 'held' | 'resumed' | 'muted' | 'unmuted' | 'transferred' | 'ended';

/** Events that switch a call state on or off: a repeat of the current state adds nothing. */
const TOGGLES: Partial<Record<CallEventName, { state: 'held' | 'muted'; on: boolean }>> = {
  held: { state: 'held', on: true },
  resumed: { state: 'held', on: false },
  muted: { state: 'muted', on: true },
  unmuted: { state: 'muted', on: false },
};

/** One call event to record. */
export interface CallEventInput {
  tenantId: string;
  conversationId: string;
  legId: string;
  event: CallEventName;
  data?: Attributes;
  /** Idempotency: a repeated id returns the first message (core's `clientMessageId`). */
  eventId?: string;
  author?: MessageAuthor;
}

/** What recording an event did: `recorded` is false for a replay or a state it was already in. */
export interface CallEventResult {
  recorded: boolean;
  messageId?: string;
}

const SYSTEM: MessageAuthor = { kind: 'system' };

/**
 * Writes calls into conversation timelines: `system` messages with `call.*` event content
 * on the call's voice leg, and the leg's end. Both the SIP server's reports and the
 * agent's softphone (REST) go through one instance, so a hold seen by both is recorded
 * once; the on/off states live in memory (after a restart, event ids still dedupe).
 */
export class CallTimeline {
  private readonly states = new Map<string, Set<'held' | 'muted'>>();

  constructor(private readonly hotline: Hotline) {}

  /** Appends a call event message; toggles that change nothing are skipped. */
  async record(input: CallEventInput): Promise<CallEventResult> {
    const stateKey = `${input.tenantId}\u0000${input.legId}`;
    const toggle = TOGGLES[input.event];
    const states = this.states.get(stateKey) ?? new Set();
    if (toggle && states.has(toggle.state) === toggle.on) return { recorded: false };
    const { message, created } = await this.hotline.conversations.appendMessage({
      tenantId: input.tenantId,
      conversationId: input.conversationId,
      direction: 'system',
      author: input.author ?? SYSTEM,
      content: { type: 'event', name: `call.${input.event}`, data: input.data ?? {} },
      channel: 'voice',
      legId: input.legId,
      ...(input.eventId ? { clientMessageId: `call:${input.eventId}` } : {}),
    });
    if (toggle && created) {
      if (toggle.on) states.add(toggle.state);
      else states.delete(toggle.state);
      this.states.set(stateKey, states);
    }
    return { recorded: created, messageId: message.id };
  }

  /** Closes a voice leg without a `call.ended` (a transferred call: its `call.transferred` ends it). */
  async close(input: Pick<CallEventInput, 'tenantId' | 'conversationId' | 'legId'>): Promise<void> {
    this.states.delete(`${input.tenantId}\u0000${input.legId}`);
    await this.hotline.conversations.endLeg(input.tenantId, input.conversationId, input.legId);
  }

  /** Records `call.ended` and closes the voice leg (its `endedAt`). */
  async end(input: Omit<CallEventInput, 'event'>): Promise<CallEventResult> {
    this.states.delete(`${input.tenantId}\u0000${input.legId}`);
    const result = await this.record({ ...input, event: 'ended' });
    await this.hotline.conversations.endLeg(input.tenantId, input.conversationId, input.legId);
    return result;
  }
}

/** The conversation's voice leg still in progress (the newest), or `CONFLICT` when no call is. */
export function openVoiceLeg(conversation: Conversation): string {
  const leg = conversation.legs.findLast((candidate) => candidate.channel === 'voice' && !candidate.endedAt);
  if (!leg) {
    throw new ConflictError(`conversation ${conversation.id} has no call in progress`, {
      details: { reason: 'no_call', conversationId: conversation.id },
    });
  }
  return leg.id;
}
