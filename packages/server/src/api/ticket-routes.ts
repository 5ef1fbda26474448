import {
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
export function ticketRoutes({ tickets }: ApiDeps) {
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
      summary: 'Create a ticket',
      tag: TAG,
      body: createTicketInputSchema,
      response: ticketSchema,
      status: 201,
      action: 'ticket:create',
      handle: (ctx) => tickets.create(writeContext(ctx), ctx.body),
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
