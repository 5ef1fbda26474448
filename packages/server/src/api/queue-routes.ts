import { isoNow, queueSchema } from '@hotline/core';
import { defineRoute } from '../http/route.js';
import { checkQueueRouting } from '../routing/queue-settings.js';
import { type ApiDeps, definedFields, mustGet } from './api-deps.js';
import {
  newQueueInputSchema,
  pageQuerySchema,
  pageSchema,
  queueIdParamsSchema,
  queuePatchInputSchema,
  versionQuerySchema,
} from './inputs.js';

const BASE = '/api/v1/queues';
const TAG = 'Queues';

/** Queues: list, create (defined in routing at once), read, update, delete. */
export function queueRoutes({ hotline, routing }: ApiDeps) {
  const { storage, clock, ids } = hotline;
  const load = (tenantId: string, queueId: string) => mustGet('queue', queueId, storage.queues.get(tenantId, queueId));
  return [
    defineRoute({
      method: 'GET',
      path: BASE,
      operationId: 'listQueues',
      summary: 'List queues',
      tag: TAG,
      query: pageQuerySchema,
      response: pageSchema(queueSchema),
      action: 'queue:read',
      handle: ({ tenantId, query }) => storage.queues.list(tenantId, query),
    }),
    defineRoute({
      method: 'POST',
      path: BASE,
      operationId: 'createQueue',
      summary: 'Create a queue',
      tag: TAG,
      body: newQueueInputSchema,
      response: queueSchema,
      status: 201,
      action: 'queue:create',
      handle: async ({ tenantId, body }) => {
        const at = isoNow(clock);
        const { id, ...fields } = body;
        const candidate = {
          ...(definedFields(fields) as typeof fields),
          id: id ?? ids.next('queue'),
          tenantId,
          version: 1,
          createdAt: at,
          updatedAt: at,
        };
        await checkQueueRouting(storage, candidate);
        const queue = await storage.queues.create(candidate);
        routing.defineQueue(queue);
        return queue;
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${BASE}/{queueId}`,
      operationId: 'getQueue',
      summary: 'Get a queue',
      tag: TAG,
      params: queueIdParamsSchema,
      response: queueSchema,
      action: 'queue:read',
      handle: ({ tenantId, params }) => load(tenantId, params.queueId),
    }),
    defineRoute({
      method: 'PATCH',
      path: `${BASE}/{queueId}`,
      operationId: 'updateQueue',
      summary: 'Update a queue (routing settings apply to routing after a restart)',
      tag: TAG,
      params: queueIdParamsSchema,
      body: queuePatchInputSchema,
      response: queueSchema,
      action: 'queue:update',
      handle: async ({ tenantId, params, body }) => {
        const current = await load(tenantId, params.queueId);
        const { expectedVersion, ...patch } = body;
        const next = { ...current, ...definedFields(patch), updatedAt: isoNow(clock) };
        await checkQueueRouting(storage, next);
        return storage.queues.update(next, expectedVersion);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: `${BASE}/{queueId}`,
      operationId: 'deleteQueue',
      summary: 'Delete a queue (routing keeps it until restart)',
      tag: TAG,
      params: queueIdParamsSchema,
      query: versionQuerySchema,
      status: 204,
      action: 'queue:delete',
      handle: ({ tenantId, params, query }) => storage.queues.delete(tenantId, params.queueId, query.expectedVersion),
    }),
  ];
}
