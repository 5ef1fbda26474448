import { type Attributes, ForbiddenError, type Hotline } from '@hotline/core';
import { z } from 'zod';
import { conversationIdParamsSchema } from '../api/inputs.js';
import { type AnyRoute, defineRoute } from '../http/route.js';
import { type CallTimeline, openVoiceLeg } from './voice-timeline.js';

/** `POST /api/v1/conversations/{id}/call-events`: what the agent's softphone did to the call. */
export const callEventBodySchema = z
  .object({
    /** The softphone's idempotency key: a replay records nothing more. */
    eventId: z.string().min(1).max(128),
    event: z.enum(['held', 'resumed', 'muted', 'unmuted', 'transferred']),
    /** The transfer target (a SIP address or an agent id), with `transferred` only. */
    target: z.string().trim().min(1).max(320).optional(),
    /** `attended` (REFER with Replaces) or `blind`, with `transferred` only. */
    mode: z.enum(['blind', 'attended']).optional(),
  })
  .strict()
  .refine((body) => (body.event === 'transferred') === (body.target !== undefined), {
    message: 'target is required with transferred, and only with it',
    path: ['target'],
  })
  .refine((body) => body.mode === undefined || body.event === 'transferred', {
    message: 'mode goes with transferred only',
    path: ['mode'],
  });

const callEventAnswerSchema = z.object({
  conversationId: z.string(),
  legId: z.string(),
  /** False for a replay, or a state the call was already in (a second hold). */
  recorded: z.boolean(),
  messageId: z.string().optional(),
});

/**
 * The REST route through which an agent's softphone reports hold, mute and transfer of a
 * call it holds: a `call.*` system message on the conversation's open voice leg. Only the
 * agent holding the conversation may report (`FORBIDDEN` otherwise, after RBAC's
 * `conversation:reply`); no call in progress is `CONFLICT`.
 */
export function callEventsRoute(hotline: Hotline, timeline: CallTimeline): AnyRoute {
  const { conversations } = hotline;
  return defineRoute<typeof conversationIdParamsSchema, undefined, typeof callEventBodySchema>({
    method: 'POST',
    path: '/api/v1/conversations/{conversationId}/call-events',
    operationId: 'reportCallEvent',
    summary: "Report a call event from the agent's softphone (hold, mute, transfer)",
    tag: 'Conversations',
    params: conversationIdParamsSchema,
    body: callEventBodySchema,
    response: callEventAnswerSchema,
    action: 'conversation:reply',
    resource: async ({ tenantId, params }) => ({
      type: 'conversation',
      ...(await conversations.get(tenantId, params.conversationId)),
    }),
    handle: async ({ tenantId, params, principal, body }) => {
      const conversation = await conversations.get(tenantId, params.conversationId);
      if (conversation.assigneeId !== principal.id) {
        throw new ForbiddenError(`conversation ${conversation.id} is not held by ${principal.id}`, {
          details: { reason: 'not_assignee', conversationId: conversation.id },
        });
      }
      const legId = openVoiceLeg(conversation);
      const data: Attributes =
        body.event === 'transferred'
          ? { target: body.target ?? null, mode: body.mode ?? 'blind', by: 'agent' }
          : { by: 'agent' };
      const result = await timeline.record({
        tenantId,
        conversationId: conversation.id,
        legId,
        event: body.event,
        data,
        eventId: body.eventId,
        author: { kind: 'agent', id: principal.id },
      });
      return { conversationId: conversation.id, legId, ...result };
    },
  });
}
