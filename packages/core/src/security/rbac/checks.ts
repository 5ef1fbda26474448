import { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../../errors/hotline-error.js';
import { timestampSchema } from '../../schemas/common.js';
import { ACTION, type Principal, permissionPatternSchema, RESOURCE_TYPE, type Resource } from './rbac-types.js';

// Validation of what callers pass in, and the matching of temporary grants.

/** The resource part of an action or pattern (`conversation` for `conversation:update`). */
export function resourceOf(action: string): string {
  const colon = action.indexOf(':');
  return colon < 0 ? action : action.slice(0, colon);
}

/** Whether a permission pattern (`*`, `resource:*` or an action) covers `action`. */
export function matchesPattern(pattern: string, action: string): boolean {
  if (pattern === action || pattern === '*') return true;
  return pattern.endsWith(':*') && action.startsWith(pattern.slice(0, -1));
}

/** Whether one of the principal's temporary grants allows `action` (on `resource`) at `now`. */
export function grantAllows(
  principal: Principal,
  action: string,
  resource: Resource | undefined,
  now: number,
): boolean {
  for (const grant of principal.grants ?? []) {
    // Defence in depth: grantTemporary refuses these, but grants are stored data.
    if (grant.grantedBy === principal.id) continue;
    if (grant.grantedTo !== undefined && grant.grantedTo !== principal.id) continue;
    if (!(Date.parse(grant.expiresAt) > now)) continue;
    if (!matchesPattern(grant.action, action)) continue;
    if (grant.resourceType !== undefined && resource?.type !== grant.resourceType) continue;
    if (grant.resourceId !== undefined && resource?.id !== grant.resourceId) continue;
    return true;
  }
  return false;
}

/** A stored temporary grant, as found in {@link Principal.grants}. */
const grantSchema = z.object({
  action: permissionPatternSchema,
  resourceType: z.string().regex(RESOURCE_TYPE).optional(),
  resourceId: z.string().min(1).max(128).optional(),
  expiresAt: timestampSchema,
  grantedBy: z.string().min(1).max(128),
  grantedTo: z.string().min(1).max(128).optional(),
  grantedAt: timestampSchema.optional(),
  reason: z.string().max(500).optional(),
});

// Hand-written checks on the hot path: a zod parse per authorization would dominate the
// cost of the lookup itself. Grants (rare) go through zod.
export function checkPrincipal(principal: Principal): void {
  const issues: ValidationIssue[] = [];
  if (typeof principal !== 'object' || principal === null) {
    throw new ValidationError('Invalid principal: expected an object', [{ path: '', message: 'expected an object' }]);
  }
  if (typeof principal.id !== 'string' || principal.id.length === 0) issues.push({ path: 'id', message: 'required' });
  if (typeof principal.tenantId !== 'string' || principal.tenantId.length === 0) {
    issues.push({ path: 'tenantId', message: 'required' });
  }
  if (!Array.isArray(principal.roles) || principal.roles.some((role) => typeof role !== 'string')) {
    issues.push({ path: 'roles', message: 'expected an array of role names' });
  }
  if (
    principal.groups !== undefined &&
    (!Array.isArray(principal.groups) || principal.groups.some((group) => typeof group !== 'string'))
  ) {
    issues.push({ path: 'groups', message: 'expected an array of strings' });
  }
  if (principal.grants !== undefined) {
    const grants = z.array(grantSchema).safeParse(principal.grants);
    if (!grants.success) {
      for (const issue of grants.error.issues) {
        issues.push({
          path: ['grants', ...issue.path.map(String)].join('.'),
          message: issue.message,
          code: issue.code,
        });
      }
    }
  }
  if (issues.length > 0) {
    const first = issues[0] as ValidationIssue;
    throw new ValidationError(`Invalid principal: ${first.path}: ${first.message}`, issues);
  }
}

export function checkAction(action: string): void {
  if (typeof action !== 'string' || !ACTION.test(action)) {
    throw new ValidationError('Invalid action: expected resource:verb, e.g. conversation:update', [
      { path: 'action', message: 'expected resource:verb' },
    ]);
  }
}

export function checkResource(resource: Resource, expectedType: string): void {
  if (typeof resource !== 'object' || resource === null) {
    throw new ValidationError('Invalid resource: expected an object', [
      { path: 'resource', message: 'expected an object' },
    ]);
  }
  if (typeof resource.tenantId !== 'string' || resource.tenantId.length === 0) {
    throw new ValidationError('Invalid resource: tenantId is required', [
      { path: 'resource.tenantId', message: 'required' },
    ]);
  }
  if (resource.id !== undefined && typeof resource.id !== 'string') {
    throw new ValidationError('Invalid resource: id must be a string', [
      { path: 'resource.id', message: 'expected a string' },
    ]);
  }
  if (resource.type !== expectedType) {
    // A `ticket:delete` check on a conversation is a bug in the caller, not a denial.
    throw new ValidationError(`Invalid resource: type must be ${expectedType} for this action`, [
      { path: 'resource.type', message: `expected ${expectedType}` },
    ]);
  }
}
