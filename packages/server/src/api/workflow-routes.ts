import { isoNow, ValidationError, versionConflict } from '@hotline/core';
import { defineRoute } from '../http/route.js';
import {
  compileFilters,
  storedWorkflow,
  WORKFLOW_KEY,
  type Workflow,
  workflowInputSchema,
  workflowSchema,
} from '../routing/workflows.js';
import type { ApiDeps } from './api-deps.js';
import { loadTenant, updateTenantSetting } from './tenant-settings.js';

const BASE = '/api/v1/workflows';
const TAG = 'Workflows';

/** The tenant's routing workflow: ordered filters that pick the queue of new conversations. */
export function workflowRoutes({ hotline }: ApiDeps) {
  const { storage, clock } = hotline;
  return [
    defineRoute({
      method: 'GET',
      path: BASE,
      operationId: 'getWorkflow',
      summary: "Get the tenant's routing workflow",
      tag: TAG,
      response: workflowSchema,
      action: 'workflow:read',
      handle: async ({ tenantId }) => storedWorkflow((await loadTenant(storage, tenantId)).settings[WORKFLOW_KEY]),
    }),
    defineRoute({
      method: 'PUT',
      path: BASE,
      operationId: 'setWorkflow',
      summary: "Replace the tenant's routing workflow (invalid expressions are a 400 with line and column)",
      tag: TAG,
      body: workflowInputSchema,
      response: workflowSchema,
      action: 'workflow:update',
      handle: async ({ tenantId, body }) => {
        compileFilters(body.filters);
        const unknown = [];
        for (const [index, filter] of body.filters.entries()) {
          if (!(await storage.queues.get(tenantId, filter.queueId))) {
            unknown.push({
              path: `filters.${index}.queueId`,
              message: `unknown queue ${filter.queueId}`,
              code: 'unknown_queue',
            });
          }
        }
        if (unknown.length > 0) throw new ValidationError(`invalid workflow: ${unknown[0]?.message}`, unknown);
        return updateTenantSetting(storage, clock, tenantId, WORKFLOW_KEY, (value) => {
          const current = storedWorkflow(value);
          if (body.expectedVersion !== undefined && body.expectedVersion !== current.version) {
            throw versionConflict('workflow', tenantId, body.expectedVersion, current.version);
          }
          const next: Workflow = { filters: body.filters, version: current.version + 1, updatedAt: isoNow(clock) };
          return { value: next, result: next };
        });
      },
    }),
  ];
}
