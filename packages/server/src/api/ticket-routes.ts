import { type Conversation, idSchema, type Storage } from '@hotline/core';
import {
  type CreateTicketInput,
  commentInputSchema,
  createTicketInputSchema,
  ticketCommentSchema,
  ticketSchema,
  updateTicketInputSchema,
  type WriteContext,
} from '@hotline/ticketing';
import { z } from 'zod';
import { defineRoute, type RouteContext } from '../http/route.js';
import type { ApiDeps } from './api-deps.js';
import { pageSchema, ticketIdParamsSchema, ticketListQuerySchema } from './inputs.js';

const BASE = '/api/v1/tickets';
const TAG = 'Tickets';
const SUBJECT_CHARS = 120;

/**
 * Body of `POST /tickets`: ticketing's create input, or `conversationId` to make the
 * ticket from a conversation (linked both ways; requester and subject default to the
 * conversation's contact and first customer message).
 */
export const createTicketBodySchema = createTicketInputSchema
  .extend({
    subject: createTicketInputSchema.shape.subject.optional(),
    requesterId: createTicketInputSchema.shape.requesterId.optional(),
    source: createTicketInputSchema.shape.source.unwrap().optional(),
    conversationId: idSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.conversationId !== undefined) {
      if (body.source !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['source'], message: 'give conversationId or source, not both' });
      }
      return;
    }
    for (const field of ['subject', 'requesterId'] as const) {
      if (body[field] === undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'required unless conversationId is given' });
      }
    }
  });

/** The first thing the customer wrote, on one line and short; else a neutral title. */
async function defaultSubject(storage: Storage, conversation: Conversation): Promise<string> {
  if (conversation.subject) return conversation.subject;
  const messages = await storage.messages.list(conversation.tenantId, conversation.id, { limit: 50 });
  for (const message of messages) {
    if (message.direction !== 'inbound' || !('text' in message.content)) continue;
    const text = (message.content.text ?? '').replace(/\s+/g, ' ').trim();
    if (text) return text.length > SUBJECT_CHARS ? `${text.slice(0, SUBJECT_CHARS - 1)}…` : text;
  }
  return `${conversation.channel} conversation of ${conversation.createdAt.slice(0, 10)}`;
}

/** The ticket service's write context for a request: people act as agents, keys as integrations. */
function writeContext({ principal, tenantId }: RouteContext): WriteContext {
  return {
    tenantId,
    actor: { type: principal.kind === 'user' ? 'agent' : 'integration', id: principal.id },
    principal,
    depth: 0,
  };
}

/**
 * Tickets through the ticket service, whose guard applies field rules, masking and
 * approvals on top of the action checked here.
 */
export function ticketRoutes({ tickets, hotline, policy }: ApiDeps) {
  const readContext = ({ principal, tenantId }: RouteContext) => ({ tenantId, principal });
  const ticketResource = async (ctx: RouteContext<{ ticketId: string }>) => ({
    type: 'ticket',
    ...(await tickets.get(readContext(ctx), ctx.params.ticketId)),
  });
  return [
    defineRoute({
      method: 'POST',
      path: BASE,
      operationId: 'createTicket',
      summary: 'Create a ticket, or make one from a conversation (conversationId)',
      tag: TAG,
      body: createTicketBodySchema,
      response: ticketSchema,
      status: 201,
      action: 'ticket:create',
      handle: async (ctx) => {
        const { conversationId, ...input } = ctx.body;
        if (conversationId === undefined) return tickets.create(writeContext(ctx), input as CreateTicketInput);
        const conversation = await hotline.conversations.get(ctx.tenantId, conversationId);
        policy.authorize(ctx.principal, 'conversation:read', { type: 'conversation', ...conversation });
        return tickets.create(writeContext(ctx), {
          ...input,
          subject: input.subject ?? (await defaultSubject(hotline.storage, conversation)),
          requesterId: input.requesterId ?? conversation.contactId,
          source: { kind: 'conversation', conversationId },
        });
      },
    }),
    defineRoute({
      method: 'GET',
      path: BASE,
      operationId: 'listTickets',
      summary: 'List tickets',
      tag: TAG,
      query: ticketListQuerySchema,
      response: pageSchema(ticketSchema),
      action: 'ticket:read',
      handle: (ctx) => {
        const { limit, cursor, ...filter } = ctx.query;
        return tickets.list(readContext(ctx), filter, { ...(limit ? { limit } : {}), ...(cursor ? { cursor } : {}) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${BASE}/{ticketId}`,
      operationId: 'getTicket',
      summary: 'Get a ticket',
      tag: TAG,
      params: ticketIdParamsSchema,
      response: ticketSchema,
      action: 'ticket:read',
      handle: (ctx) => tickets.get(readContext(ctx), ctx.params.ticketId),
    }),
    defineRoute({
      method: 'PATCH',
      path: `${BASE}/{ticketId}`,
      operationId: 'updateTicket',
      summary: 'Update a ticket (give expectedVersion: stale writes are merged or a CONFLICT)',
      tag: TAG,
      params: ticketIdParamsSchema,
      body: updateTicketInputSchema,
      response: ticketSchema,
      action: 'ticket:update',
      resource: ticketResource,
      handle: (ctx) => tickets.update(writeContext(ctx), ctx.params.ticketId, ctx.body),
    }),
    defineRoute({
      method: 'POST',
      path: `${BASE}/{ticketId}/comments`,
      operationId: 'commentTicket',
      summary: 'Comment on a ticket (public reply or internal note)',
      tag: TAG,
      params: ticketIdParamsSchema,
      body: commentInputSchema,
      response: z.object({ ticket: ticketSchema, comment: ticketCommentSchema, created: z.boolean() }),
      status: 201,
      action: 'ticket:comment',
      resource: ticketResource,
      handle: (ctx) => tickets.comment(writeContext(ctx), ctx.params.ticketId, ctx.body),
    }),
  ];
}
