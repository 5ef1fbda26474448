import { ConflictError, type Hotline } from '@hotline/core';
import type { VoiceBridgeParts, VoiceCall } from './voice-bridge.js';

/** Conversation states in which a chat is with its agent and can take a call leg. */
const WITH_AGENT = new Set(['active', 'pending']);

/** A chat's escalation: ring its holder, or the call was missed (the leg is already closed). */
export type Escalation = { action: 'route'; call: VoiceCall } | { action: 'unreachable'; conversationId: string };

/**
 * A call that names a web chat (`attributes.conversationId`): one conversation, one
 * history. The call becomes a voice leg of the chat and rings the agent holding it, who
 * counts as busy for voice until it ends. A chat of another tenant is `NOT_FOUND`; a
 * conversation that is not a chat with an agent, or already has a call, is `CONFLICT`
 * (both before anything is written). A holder with no registered softphone misses it.
 */
export async function escalatedCall(
  hotline: Hotline,
  parts: VoiceBridgeParts,
  tenantId: string,
  request: { callId: string; caller: string; chatId: string },
): Promise<Escalation> {
  const conversation = await hotline.conversations.get(tenantId, request.chatId);
  const refuse = (reason: string, message: string) =>
    new ConflictError(`conversation ${conversation.id} ${message}`, {
      details: { reason, conversationId: conversation.id, status: conversation.status },
    });
  if (!conversation.legs.some((leg) => leg.channel === 'webchat')) throw refuse('not_a_chat', 'is not a web chat');
  if (conversation.legs.some((leg) => leg.channel === 'voice' && !leg.endedAt)) {
    throw refuse('call_in_progress', 'already has a call');
  }
  const holderId = conversation.assigneeId;
  if (holderId === undefined || !WITH_AGENT.has(conversation.status)) {
    throw refuse('not_assigned', 'is not with an agent');
  }
  const after = await hotline.conversations.addLeg(tenantId, conversation.id, {
    channel: 'voice',
    address: request.caller,
    externalRef: request.callId,
  });
  const legId = after.legs.at(-1)?.id ?? '';
  const call: VoiceCall = { tenantId, conversationId: conversation.id, legId, attempts: 1, holderId, answered: false };
  if (!parts.presence.canTakeCalls(tenantId, holderId)) {
    await missedEscalation(parts, call, 'agent_unreachable');
    return { action: 'unreachable', conversationId: conversation.id };
  }
  await parts.presence.setOnCall(tenantId, holderId, true);
  return { action: 'route', call };
}

/** The holder did not take the escalated call: it is over, the chat stays theirs. */
export async function missedEscalation(parts: VoiceBridgeParts, call: VoiceCall, reason: string): Promise<void> {
  if (call.holderId !== undefined) await parts.presence.setOnCall(call.tenantId, call.holderId, false);
  const { tenantId, conversationId, legId } = call;
  const data = { answered: false, durationSeconds: 0, by: 'system', reason };
  await parts.timeline.end({ tenantId, conversationId, legId, data });
}
