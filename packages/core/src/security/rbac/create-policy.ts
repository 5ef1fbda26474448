import type { z } from 'zod';
import { isoNow, systemClock } from '../../clock/clock.js';
import { ForbiddenError, ValidationError } from '../../errors/hotline-error.js';
import { parseInput } from '../../validation/parse.js';
import { BUILT_IN_ROLES } from './built-in-roles.js';
import { checkAction, checkPrincipal, checkResource, grantAllows, resourceOf } from './checks.js';
import {
  type Compiled,
  compileRoles,
  EMPTY,
  grantInputSchema,
  merge,
  policyOptionsSchema,
  roleSchema,
} from './policy-definition.js';
import {
  type ConditionContext,
  type ConditionName,
  GRANT_PERMISSION,
  type Policy,
  type PolicyDecision,
  type PolicyOptions,
  type Principal,
  type Resource,
  type TemporaryGrant,
} from './rbac-types.js';

/*
 * Role-based access control with ownership conditions and expiring grants.
 *
 * Permissions are `resource:verb` strings (`conversation:update`); a role may hold
 * `resource:*` (every verb on one resource type) or `*` (everything). Role permissions
 * are compiled once into sets when the policy is created, so a check is a few set
 * lookups, plus the conditions and grants that could apply.
 *
 * Order of evaluation in `can` / `evaluate`:
 * 1. A resource of another tenant is denied, whatever the roles (admins included).
 * 2. An unconditional role permission matching the action allows.
 * 3. A conditional role permission (`when: 'assigned'` …) allows if its condition holds
 *    for the resource. Without a resource, conditions never hold.
 * 4. An active temporary grant matching the action (and resource, if it names one) allows.
 * 5. Otherwise deny.
 */

/**
 * Compiles an RBAC policy: the built-in roles plus `options.roles`, checked and
 * flattened (inheritance resolved) up front.
 *
 * @throws ValidationError when a role name, permission or condition is malformed, a
 *   role inherits an unknown role, or inheritance has a cycle.
 * @example
 * ```ts
 * const policy = createPolicy({
 *   roles: { qa: { inherits: ['agent'], permissions: ['audit:read', 'report:read'] } },
 *   clock,
 * });
 * const agent = { id: 'agt_1', tenantId: 'ten_1', roles: ['agent'] };
 * const conversation = { type: 'conversation', ...stored }; // tenantId, id, assigneeId…
 * if (policy.can(agent, 'conversation:read', conversation)) show(conversation);
 * policy.authorize(agent, 'conversation:update', conversation); // throws unless assigned to agt_1
 * ```
 */
export function createPolicy(options: PolicyOptions = {}): Policy {
  const opts = parseInput(policyOptionsSchema, options, 'policy options');
  const clock = opts.clock ?? systemClock;
  const maxGrantMs = opts.maxGrantMs ?? 86_400_000;
  const definitions = new Map<string, z.output<typeof roleSchema>>();
  for (const [name, role] of Object.entries(BUILT_IN_ROLES)) definitions.set(name, roleSchema.parse(role));
  for (const [name, role] of Object.entries(opts.roles ?? {})) definitions.set(name, role);

  const byRole = compileRoles(definitions);
  const roleNames = Object.freeze([...byRole.keys()].sort());
  const combined = new Map<string, Compiled>();

  function compiledFor(roles: readonly string[]): Compiled {
    if (roles.length === 1) return byRole.get(roles[0] as string) ?? EMPTY;
    const known = [...new Set(roles.filter((role) => byRole.has(role)))].sort();
    if (known.length === 0) return EMPTY;
    if (known.length === 1) return byRole.get(known[0] as string) as Compiled;
    const key = known.join(',');
    let merged = combined.get(key);
    if (!merged) {
      merged = merge(known.map((role) => byRole.get(role) as Compiled));
      // Bounded by the number of role combinations hosts actually use; guard anyway.
      if (combined.size >= 1024) combined.clear();
      combined.set(key, merged);
    }
    return merged;
  }

  function evaluate(principal: Principal, action: string, resource?: Resource): PolicyDecision {
    checkPrincipal(principal);
    checkAction(action);
    const resourceType = resourceOf(action);
    if (resource !== undefined) {
      checkResource(resource, resourceType);
      if (resource.tenantId !== principal.tenantId) return { allowed: false, reason: 'tenant_mismatch' };
    }
    const wildcard = `${resourceType}:*`;
    const compiled = compiledFor(principal.roles);
    const { unconditional, conditional } = compiled;
    if (unconditional.has(action) || unconditional.has(wildcard) || unconditional.has('*')) {
      return { allowed: true, reason: 'role' };
    }
    if (resource !== undefined && conditional.size > 0) {
      const context: ConditionContext = { principal, resource, action };
      for (const key of [action, wildcard, '*']) {
        for (const rule of conditional.get(key) ?? []) {
          if (rule.condition(context) === true) return { allowed: true, reason: 'condition' };
        }
      }
    }
    if (principal.grants && principal.grants.length > 0 && grantAllows(principal, action, resource, clock.now())) {
      return { allowed: true, reason: 'grant' };
    }
    return { allowed: false, reason: 'no_permission' };
  }

  return {
    roleNames,
    evaluate,
    can: (principal, action, resource) => evaluate(principal, action, resource).allowed,
    authorize(principal, action, resource) {
      if (evaluate(principal, action, resource).allowed) return;
      const details: Record<string, unknown> = { action };
      if (resource) {
        details.resourceType = resource.type;
        if (resource.id !== undefined) details.resourceId = resource.id;
      }
      throw new ForbiddenError(`Not allowed to ${action}`, { details });
    },
    rolesOf(principal) {
      checkPrincipal(principal);
      return [...compiledFor(principal.roles).roles];
    },
    permissionsOf(principal) {
      checkPrincipal(principal);
      const compiled = compiledFor(principal.roles);
      const out: { action: string; when?: ConditionName | 'custom' }[] = [...compiled.unconditional].map((action) => ({
        action,
      }));
      for (const [action, rules] of compiled.conditional) {
        for (const name of new Set(rules.map((rule) => rule.name))) out.push({ action, when: name });
      }
      return out.sort((a, b) => (a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
    },
    grantTemporary(input) {
      const parsed = parseInput(grantInputSchema, input, 'temporary grant');
      const granter = input.granter;
      const grantee = input.grantee;
      checkPrincipal(granter);
      checkPrincipal(grantee);
      const refuse = (reason: string, message: string) =>
        new ForbiddenError(message, { details: { action: parsed.action, reason } });
      if (granter.tenantId !== grantee.tenantId) throw refuse('tenant_mismatch', 'Cannot grant across tenants');
      if (granter.id === grantee.id) throw refuse('self_grant', 'A principal cannot grant access to itself');
      const held = compiledFor(granter.roles).unconditional;
      if (!held.has(GRANT_PERMISSION) && !held.has('grant:*') && !held.has('*')) {
        throw refuse('missing_permission', `Granting access requires ${GRANT_PERMISSION}`);
      }
      const wildcard = `${resourceOf(parsed.action)}:*`;
      if (!held.has(parsed.action) && !held.has(wildcard) && !held.has('*')) {
        throw refuse('exceeds_granter', `Cannot grant ${parsed.action}: the granter does not hold it`);
      }
      const now = clock.now();
      const expiresAtMs = parsed.ttlMs !== undefined ? now + parsed.ttlMs : Date.parse(parsed.expiresAt as string);
      if (expiresAtMs <= now || expiresAtMs - now > maxGrantMs) {
        throw new ValidationError(`Invalid temporary grant: expiry must be in the future and within ${maxGrantMs} ms`, [
          { path: parsed.ttlMs !== undefined ? 'ttlMs' : 'expiresAt', message: 'out of range' },
        ]);
      }
      const grant: TemporaryGrant = {
        action: parsed.action,
        expiresAt: new Date(expiresAtMs).toISOString(),
        grantedBy: granter.id,
        grantedTo: grantee.id,
        grantedAt: isoNow(clock),
      };
      const resourceType =
        parsed.resourceType ?? (parsed.resourceId !== undefined ? resourceOf(parsed.action) : undefined);
      if (resourceType !== undefined) grant.resourceType = resourceType;
      if (parsed.resourceId !== undefined) grant.resourceId = parsed.resourceId;
      if (parsed.reason !== undefined) grant.reason = parsed.reason;
      return Object.freeze(grant);
    },
  };
}
