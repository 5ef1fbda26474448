import { conversationSchema, messageSchema } from '@hotline/core';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import type { ApiDeps } from './api-deps.js';
import {
  conversationIdParamsSchema,
  conversationListQuerySchema,
  messageListQuerySchema,
  pageSchema,
  sendMessageInputSchema,
} from './inputs.js';

const BASE = '/api/v1/conversations';
const TAG = 'Conversations';

/** Conversations and their messages: list, read, and agents' replies and notes. */
export function conversationRoutes({ hotline }: ApiDeps) {
  const { conversations } = hotline;
  /** Replies need the conversation to be the agent's (supervisors: any); notes do not. */
  const sendRoute = (direction: 'outbound' | 'note') =>
    defineRoute({
      method: 'POST',
      path: `${BASE}/{conversationId}/${direction === 'note' ? 'notes' : 'messages'}`,
      operationId: direction === 'note' ? 'addNote' : 'sendMessage',
      summary:
        direction === 'note'
          ? 'Add an internal note (never shown to the customer)'
          : 'Send a reply to the customer as the calling agent',
      tag: TAG,
      params: conversationIdParamsSchema,
      body: sendMessageInputSchema,
      response: z.object({ message: messageSchema, created: z.boolean() }),
      status: 201,
      action: direction === 'note' ? 'conversation:note' : 'conversation:reply',
      resource: async ({ tenantId, params }) => ({
        type: 'conversation',
        ...(await conversations.get(tenantId, params.conversationId)),
      }),
      handle: async ({ tenantId, params, body, principal }) => {
        const result = await conversations.appendMessage({
          tenantId,
          conversationId: params.conversationId,
          direction,
          author: { kind: principal.kind === 'user' ? 'agent' : 'bot', id: principal.id },
          content: { type: 'text', text: body.text },
          ...(body.clientMessageId ? { clientMessageId: body.clientMessageId } : {}),
        });
        return { message: result.message, created: result.created };
      },
    });
  return [
    defineRoute({
      method: 'GET',
      path: BASE,
      operationId: 'listConversations',
      summary: 'List conversations',
      tag: TAG,
      query: conversationListQuerySchema,
      response: pageSchema(conversationSchema),
      action: 'conversation:read',
      handle: ({ tenantId, query }) => {
        const { limit, cursor, contactId, ...filter } = query;
        return conversations.list(
          tenantId,
          { ...filter, ...(contactId ? { contactIds: contactId } : {}) },
          { ...(limit ? { limit } : {}), ...(cursor ? { cursor } : {}) },
        );
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${BASE}/{conversationId}`,
      operationId: 'getConversation',
      summary: 'Get a conversation',
      tag: TAG,
      params: conversationIdParamsSchema,
      response: conversationSchema,
      action: 'conversation:read',
      handle: ({ tenantId, params }) => conversations.get(tenantId, params.conversationId),
    }),
    defineRoute({
      method: 'GET',
      path: `${BASE}/{conversationId}/messages`,
      operationId: 'listMessages',
      summary: "List a conversation's messages",
      tag: TAG,
      params: conversationIdParamsSchema,
      query: messageListQuerySchema,
      response: z.object({ items: z.array(messageSchema) }),
      action: 'conversation:read',
      handle: async ({ tenantId, params, query }) => {
        await conversations.get(tenantId, params.conversationId);
        return { items: await conversations.listMessages(tenantId, params.conversationId, query) };
      },
    }),
    sendRoute('outbound'),
    sendRoute('note'),
  ];
}
