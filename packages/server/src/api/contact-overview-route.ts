import { type Conversation, contactSchema, conversationSchema } from '@hotline/core';
import { type Ticket, ticketSchema } from '@hotline/ticketing';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { listAll } from '../reports/live-report.js';
import type { ApiDeps } from './api-deps.js';
import { contactIdParamsSchema } from './inputs.js';

const newestFirst = (a: { createdAt: string; id: string }, b: { createdAt: string; id: string }) =>
  a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1;

/**
 * The customer 360: a contact (a merged one answers for its survivor) with every
 * conversation on every channel and every ticket, of it and of each contact merged into
 * it, newest first.
 */
export function contactOverviewRoute({ hotline, tickets, policy }: ApiDeps) {
  const { contacts, storage } = hotline;
  return defineRoute({
    method: 'GET',
    path: '/api/v1/contacts/{contactId}/overview',
    operationId: 'getContactOverview',
    summary: "A contact's conversations (every channel) and tickets, merged contacts included",
    tag: 'Contacts',
    params: contactIdParamsSchema,
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    response: z.object({
      contact: contactSchema,
      /** The contact and every contact merged into it. */
      contactIds: z.array(z.string()),
      conversations: z.array(conversationSchema),
      tickets: z.array(ticketSchema),
      /** More conversations or tickets than `limit`. */
      truncated: z.boolean(),
    }),
    action: 'contact:read',
    handle: async ({ tenantId, params, query, principal }) => {
      policy.authorize(principal, 'conversation:read', { type: 'conversation', tenantId });
      const contact = await contacts.resolve(tenantId, params.contactId);
      const contactIds = [contact.id, ...contact.mergedFrom];
      const conversations = await listAll<Conversation>(
        (options) => storage.conversations.list(tenantId, { contactIds }, options),
        5_000,
      );
      const found: Ticket[] = [];
      for (const requesterId of contactIds) {
        const page = await listAll<Ticket>(
          (options) => tickets.list({ tenantId, principal }, { requesterId }, options),
          1_000,
        );
        found.push(...page.items);
      }
      const sortedConversations = conversations.items.sort(newestFirst);
      const sortedTickets = found.sort(newestFirst);
      return {
        contact,
        contactIds,
        conversations: sortedConversations.slice(0, query.limit),
        tickets: sortedTickets.slice(0, query.limit),
        truncated: sortedConversations.length > query.limit || sortedTickets.length > query.limit,
      };
    },
  });
}
