import { ForbiddenError, newTenantInputSchema, tenantSchema } from '@hotline/core';
import { defineRoute } from '../http/route.js';
import type { ApiDeps } from './api-deps.js';
import { tenantIdParamsSchema } from './inputs.js';

/**
 * The role that may create tenants. Tenant admins hold `*` within their own tenant only,
 * so creating another tenant needs this role explicitly (a platform operator's token).
 */
export const OPERATOR_ROLE = 'operator';

/** Tenants: create (operators), read your own. */
export function tenantRoutes({ hotline }: ApiDeps) {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/v1/tenants',
      operationId: 'createTenant',
      summary: 'Create a tenant (operator role)',
      tag: 'Tenants',
      body: newTenantInputSchema,
      response: tenantSchema,
      status: 201,
      action: 'tenant:create',
      resource: ({ principal, tenantId }) => {
        if (!principal.roles.includes(OPERATOR_ROLE)) {
          throw new ForbiddenError('creating tenants needs the operator role', {
            details: { action: 'tenant:create' },
          });
        }
        return { type: 'tenant', tenantId };
      },
      handle: ({ body }) => hotline.tenants.create(body),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/tenants/{tenantId}',
      operationId: 'getTenant',
      summary: 'Get your tenant',
      tag: 'Tenants',
      params: tenantIdParamsSchema,
      response: tenantSchema,
      action: 'tenant:read',
      resource: ({ params }) => ({ type: 'tenant', tenantId: params.tenantId, id: params.tenantId }),
      handle: ({ params }) => hotline.tenants.get(params.tenantId),
    }),
  ];
}
