import { idSchema } from '@hotline/core';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { agentReportSchema, agentReports, queueReportSchema, queueReports } from '../reports/live-report.js';
import { historyPointSchema } from '../reports/queue-history.js';
import { summarize, summaryQuerySchema, summaryRange, summarySchema } from '../reports/summary.js';
import type { ApiDeps } from './api-deps.js';

const BASE = '/api/v1/reports';
const TAG = 'Reports';

const historyQuerySchema = z.object({
  /** How far back, in minutes. */
  minutes: z.coerce.number().int().min(1).max(60).default(60),
  queueId: idSchema.optional(),
});

/** Reports for supervisors: live queues and agents, the last hour per minute, and a summary from storage. */
export function reportRoutes({ hotline, routing, history, tickets, dispatcher }: ApiDeps) {
  const { storage, clock } = hotline;
  const at = () => clock.now();
  return [
    defineRoute({
      method: 'GET',
      path: `${BASE}/queues`,
      operationId: 'reportQueues',
      summary: 'Live queue figures: waiting, oldest wait, service level, ASA, agents by state',
      tag: TAG,
      response: z.object({ at: z.int(), queues: z.array(queueReportSchema) }),
      action: 'report:read',
      handle: async ({ tenantId }) => ({
        at: at(),
        queues: await queueReports(storage, dispatcher.stats(tenantId), tenantId),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: `${BASE}/agents`,
      operationId: 'reportAgents',
      summary: 'Live agent figures: activity, conversations held, handled, missed, occupancy',
      tag: TAG,
      response: z.object({ at: z.int(), agents: z.array(agentReportSchema) }),
      action: 'report:read',
      handle: async ({ tenantId }) => ({
        at: at(),
        agents: await agentReports(storage, dispatcher.stats(tenantId), routing.engineFor(tenantId), tenantId),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: `${BASE}/history`,
      operationId: 'reportHistory',
      summary: 'Per queue and per minute over the last hour (kept in memory: empty after a restart)',
      tag: TAG,
      query: historyQuerySchema,
      response: z.object({
        at: z.int(),
        minutes: z.int(),
        queues: z.array(z.object({ queueId: z.string(), points: z.array(historyPointSchema) })),
      }),
      action: 'report:read',
      handle: async ({ tenantId, query }) => {
        const queues = history.history(routing.engineFor(tenantId), query.minutes);
        return {
          at: at(),
          minutes: query.minutes,
          queues: query.queueId ? queues.filter((q) => q.queueId === query.queueId) : queues,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${BASE}/summary`,
      operationId: 'reportSummary',
      summary: 'Conversations by status and channel, tickets created and resolved, average first response',
      tag: TAG,
      query: summaryQuerySchema,
      response: summarySchema,
      action: 'report:read',
      handle: ({ tenantId, principal, query }) =>
        summarize(storage, tickets, { tenantId, principal }, summaryRange(query, clock)),
    }),
  ];
}
