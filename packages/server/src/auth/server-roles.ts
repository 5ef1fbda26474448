import { BUILT_IN_ROLES, type PolicyOptions } from '@hotline/core';
import { OPERATOR_ROLE } from '../api/tenant-routes.js';

/** Role definitions by name, as `createPolicy` takes them. */
export type ServerRoles = NonNullable<PolicyOptions['roles']>;

/**
 * The server's roles: core's built-in ones plus what the server's own resources need
 * (agents read canned responses, supervisors read the workflow; reports are core's
 * `report:read`, which supervisors have; admins hold `*`), the operator, and the host's
 * own roles last, which replace any of these by name.
 */
export function serverRoles(hostRoles: ServerRoles = {}): ServerRoles {
  const { agent, supervisor } = BUILT_IN_ROLES;
  return {
    agent: { ...agent, permissions: [...agent.permissions, 'canned_response:read'] },
    supervisor: { ...supervisor, permissions: [...supervisor.permissions, 'workflow:read'] },
    [OPERATOR_ROLE]: { description: 'Runs the platform: creates tenants.', permissions: ['tenant:create'] },
    ...hostRoles,
  };
}
