import { contactSchema, identityInputSchema, NotFoundError } from '@hotline/core';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import type { ApiDeps } from './api-deps.js';
import { contactFindQuerySchema, contactIdParamsSchema, mergeContactsInputSchema } from './inputs.js';

const BASE = '/api/v1/contacts';
const TAG = 'Contacts';

/** Body of `POST /contacts/{contactId}/identities`. */
const linkInputSchema = identityInputSchema.extend({ expectedVersion: z.int().min(1).optional() }).strict();

/** Contacts: find by identity, read, link an identity, merge two into one. */
export function contactRoutes({ hotline }: ApiDeps) {
  const { contacts } = hotline;
  return [
    defineRoute({
      method: 'GET',
      path: BASE,
      operationId: 'findContact',
      summary: 'Find the contact holding an identity (channel and address)',
      tag: TAG,
      query: contactFindQuerySchema,
      response: contactSchema,
      action: 'contact:read',
      handle: async ({ tenantId, query }) => {
        const contact = await contacts.findByIdentity(tenantId, query);
        if (!contact) throw new NotFoundError('contact', `${query.channel}:${query.address}`);
        return contact;
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${BASE}/{contactId}`,
      operationId: 'getContact',
      summary: 'Get a contact',
      tag: TAG,
      params: contactIdParamsSchema,
      response: contactSchema,
      action: 'contact:read',
      handle: ({ tenantId, params }) => contacts.get(tenantId, params.contactId),
    }),
    defineRoute({
      method: 'POST',
      path: `${BASE}/{contactId}/identities`,
      operationId: 'linkIdentity',
      summary: 'Link an identity to a contact (one held by another contact is a CONFLICT: merge instead)',
      tag: TAG,
      params: contactIdParamsSchema,
      body: linkInputSchema,
      response: contactSchema,
      action: 'contact:update',
      handle: ({ tenantId, params, body }) => {
        const { expectedVersion, ...identity } = body;
        return contacts.link(tenantId, params.contactId, identity, expectedVersion ? { expectedVersion } : {});
      },
    }),
    defineRoute({
      method: 'POST',
      path: `${BASE}/merge`,
      operationId: 'mergeContacts',
      summary: 'Merge a contact into a survivor',
      tag: TAG,
      body: mergeContactsInputSchema,
      response: contactSchema,
      action: 'contact:merge',
      handle: ({ tenantId, body }) => contacts.merge(tenantId, body),
    }),
  ];
}
