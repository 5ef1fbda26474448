import { idSchema } from '@hotline/core';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import type { ApiDeps } from './api-deps.js';
import {
  CannedResponseStore,
  cannedResponsePatchInputSchema,
  cannedResponseQuerySchema,
  cannedResponseSchema,
  newCannedResponseInputSchema,
} from './canned-responses.js';
import { versionQuerySchema } from './inputs.js';

const BASE = '/api/v1/canned-responses';
const TAG = 'Canned responses';
const idParamsSchema = z.object({ cannedResponseId: idSchema });

/** Canned responses: agents search them, admins write them. */
export function cannedResponseRoutes({ hotline }: ApiDeps) {
  const store = new CannedResponseStore(hotline.storage, hotline.clock, hotline.ids);
  return [
    defineRoute({
      method: 'GET',
      path: BASE,
      operationId: 'listCannedResponses',
      summary: 'Search canned responses (by words, language and queue)',
      tag: TAG,
      query: cannedResponseQuerySchema,
      response: z.object({ items: z.array(cannedResponseSchema) }),
      action: 'canned_response:read',
      handle: async ({ tenantId, query }) => ({ items: await store.list(tenantId, query) }),
    }),
    defineRoute({
      method: 'POST',
      path: BASE,
      operationId: 'createCannedResponse',
      summary: 'Create a canned response (shortcut unique per language)',
      tag: TAG,
      body: newCannedResponseInputSchema,
      response: cannedResponseSchema,
      status: 201,
      action: 'canned_response:create',
      handle: ({ tenantId, body }) => store.create(tenantId, body),
    }),
    defineRoute({
      method: 'PATCH',
      path: `${BASE}/{cannedResponseId}`,
      operationId: 'updateCannedResponse',
      summary: 'Update a canned response',
      tag: TAG,
      params: idParamsSchema,
      body: cannedResponsePatchInputSchema,
      response: cannedResponseSchema,
      action: 'canned_response:update',
      handle: ({ tenantId, params, body }) => store.update(tenantId, params.cannedResponseId, body),
    }),
    defineRoute({
      method: 'DELETE',
      path: `${BASE}/{cannedResponseId}`,
      operationId: 'deleteCannedResponse',
      summary: 'Delete a canned response',
      tag: TAG,
      params: idParamsSchema,
      query: versionQuerySchema,
      status: 204,
      action: 'canned_response:delete',
      handle: ({ tenantId, params, query }) => store.delete(tenantId, params.cannedResponseId, query.expectedVersion),
    }),
  ];
}
