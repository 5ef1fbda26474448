import { agentSchema, isoNow } from '@hotline/core';
import { defineRoute } from '../http/route.js';
import { type ApiDeps, definedFields, mustGet } from './api-deps.js';
import {
  agentIdParamsSchema,
  agentPatchInputSchema,
  agentSkillsInputSchema,
  newAgentInputSchema,
  pageQuerySchema,
  pageSchema,
  versionQuerySchema,
} from './inputs.js';

const BASE = '/api/v1/agents';
const TAG = 'Agents';

/** Agents: list, create, read, update (including their own activity), skills, delete. */
export function agentRoutes({ hotline }: ApiDeps) {
  const { storage, clock, ids } = hotline;
  const load = (tenantId: string, agentId: string) => mustGet('agent', agentId, storage.agents.get(tenantId, agentId));
  return [
    defineRoute({
      method: 'GET',
      path: BASE,
      operationId: 'listAgents',
      summary: 'List agents',
      tag: TAG,
      query: pageQuerySchema,
      response: pageSchema(agentSchema),
      action: 'agent:read',
      handle: ({ tenantId, query }) => storage.agents.list(tenantId, query),
    }),
    defineRoute({
      method: 'POST',
      path: BASE,
      operationId: 'createAgent',
      summary: 'Create an agent',
      tag: TAG,
      body: newAgentInputSchema,
      response: agentSchema,
      status: 201,
      action: 'agent:create',
      handle: ({ tenantId, body }) => {
        const at = isoNow(clock);
        const { id, ...fields } = body;
        return storage.agents.create({
          ...(definedFields(fields) as typeof fields),
          id: id ?? ids.next('agent'),
          tenantId,
          version: 1,
          createdAt: at,
          updatedAt: at,
          activityChangedAt: at,
        });
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${BASE}/{agentId}`,
      operationId: 'getAgent',
      summary: 'Get an agent',
      tag: TAG,
      params: agentIdParamsSchema,
      response: agentSchema,
      action: 'agent:read',
      handle: ({ tenantId, params }) => load(tenantId, params.agentId),
    }),
    defineRoute({
      method: 'PATCH',
      path: `${BASE}/{agentId}`,
      operationId: 'updateAgent',
      summary: 'Update an agent (agents may update themselves)',
      tag: TAG,
      params: agentIdParamsSchema,
      body: agentPatchInputSchema,
      response: agentSchema,
      action: 'agent:update',
      resource: async ({ tenantId, params }) => ({ type: 'agent', ...(await load(tenantId, params.agentId)) }),
      handle: async ({ tenantId, params, body }) => {
        const current = await load(tenantId, params.agentId);
        const { expectedVersion, ...patch } = body;
        const at = isoNow(clock);
        const activityChanged = patch.activity !== undefined && patch.activity !== current.activity;
        return storage.agents.update(
          {
            ...current,
            ...definedFields(patch),
            updatedAt: at,
            ...(activityChanged ? { activityChangedAt: at } : {}),
          },
          expectedVersion,
        );
      },
    }),
    defineRoute({
      method: 'PUT',
      path: `${BASE}/{agentId}/skills`,
      operationId: 'setAgentSkills',
      summary: "Replace an agent's skills",
      tag: TAG,
      params: agentIdParamsSchema,
      body: agentSkillsInputSchema,
      response: agentSchema,
      action: 'agent:update',
      resource: async ({ tenantId, params }) => ({ type: 'agent', ...(await load(tenantId, params.agentId)) }),
      handle: async ({ tenantId, params, body }) => {
        const current = await load(tenantId, params.agentId);
        return storage.agents.update(
          { ...current, skills: body.skills, updatedAt: isoNow(clock) },
          body.expectedVersion ?? current.version,
        );
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: `${BASE}/{agentId}`,
      operationId: 'deleteAgent',
      summary: 'Delete an agent',
      tag: TAG,
      params: agentIdParamsSchema,
      query: versionQuerySchema,
      status: 204,
      action: 'agent:delete',
      handle: ({ tenantId, params, query }) => storage.agents.delete(tenantId, params.agentId, query.expectedVersion),
    }),
  ];
}
