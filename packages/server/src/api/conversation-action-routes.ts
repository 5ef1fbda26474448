import { ConflictError, conversationSchema, transferTargetSchema, wrapUpSchema } from '@hotline/core';
import type { z } from 'zod';
import { type AnyRoute, defineRoute, type RouteContext } from '../http/route.js';
import type { ApiDeps } from './api-deps.js';
import { conversationIdParamsSchema } from './inputs.js';

type Params = { conversationId: string };

/**
 * Transfer, end (wrap-up) and resolve through routing's dispatcher, as the agent holding
 * the conversation. The RBAC check comes first: agents act on conversations assigned to
 * them, supervisors and admins on anyone's (then on behalf of its assignee).
 */
export function conversationActionRoutes({ hotline, dispatcher }: ApiDeps): AnyRoute[] {
  const { conversations } = hotline;
  /** The agent the dispatcher acts as: the caller when it holds the conversation, else its holder. */
  const actingAgent = async ({ tenantId, params, principal }: RouteContext<Params>) => {
    const conversation = await conversations.get(tenantId, params.conversationId);
    if (conversation.assigneeId === principal.id) return principal.id;
    if (conversation.assigneeId === undefined) {
      throw new ConflictError(`conversation ${conversation.id} is not with an agent`, {
        details: { reason: 'not_assigned', status: conversation.status },
      });
    }
    return conversation.assigneeId;
  };
  /** One action: `POST /conversations/{id}/<verb>`, answering with the conversation after it. */
  const actionRoute = <B extends z.ZodType | undefined>(route: {
    verb: string;
    operationId: string;
    summary: string;
    action: string;
    body?: B;
    run(
      tenantId: string,
      agentId: string,
      conversationId: string,
      body: B extends z.ZodType ? z.output<B> : undefined,
    ): Promise<void>;
  }) =>
    defineRoute<typeof conversationIdParamsSchema, undefined, B>({
      method: 'POST',
      path: `/api/v1/conversations/{conversationId}/${route.verb}`,
      operationId: route.operationId,
      summary: route.summary,
      tag: 'Conversations',
      params: conversationIdParamsSchema,
      ...(route.body ? { body: route.body } : {}),
      response: conversationSchema,
      action: route.action,
      resource: async ({ tenantId, params }) => ({
        type: 'conversation',
        ...(await conversations.get(tenantId, params.conversationId)),
      }),
      handle: async (ctx) => {
        await route.run(ctx.tenantId, await actingAgent(ctx), ctx.params.conversationId, ctx.body as never);
        return conversations.get(ctx.tenantId, ctx.params.conversationId);
      },
    });
  return [
    actionRoute({
      verb: 'transfer',
      operationId: 'transferConversation',
      summary: 'Transfer a conversation, with its history, to a queue or an agent',
      action: 'conversation:transfer',
      body: transferTargetSchema,
      run: (tenantId, agentId, id, target) => dispatcher.transfer(tenantId, agentId, id, target),
    }),
    actionRoute({
      verb: 'end',
      operationId: 'endConversation',
      summary: 'End the interaction: wrap-up, with an optional disposition and notes',
      action: 'conversation:close',
      body: wrapUpSchema.optional(),
      run: (tenantId, agentId, id, wrapUp) => dispatcher.end(tenantId, agentId, id, wrapUp),
    }),
    actionRoute({
      verb: 'resolve',
      operationId: 'resolveConversation',
      summary: 'Resolve the conversation: wrap-up done, the agent is free',
      action: 'conversation:close',
      run: (tenantId, agentId, id) => dispatcher.resolve(tenantId, agentId, id),
    }),
  ];
}
