import type { ConditionFn, ConditionName } from './rbac-types.js';

/** The predicates behind the built-in condition names (see {@link ConditionName}). */
export const BUILT_IN_CONDITIONS: Record<ConditionName, ConditionFn> = {
  assigned: ({ principal, resource }) => resource.assigneeId != null && resource.assigneeId === principal.id,
  owner: ({ principal, resource }) => resource.ownerId != null && resource.ownerId === principal.id,
  self: ({ principal, resource }) => resource.id !== undefined && resource.id === principal.id,
  group: ({ principal, resource }) =>
    typeof resource.groupId === 'string' && (principal.groups ?? []).includes(resource.groupId),
};
