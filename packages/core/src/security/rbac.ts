import { z } from 'zod';
import { type Clock, isoNow, systemClock } from '../clock/clock.js';
import { ForbiddenError, ValidationError, type ValidationIssue } from '../errors/hotline-error.js';
import { timestampSchema } from '../schemas/common.js';
import { parseInput } from '../validation/parse.js';

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

const NAME = '[a-z][a-z0-9_-]{0,63}';
const PATTERN = new RegExp(`^(?:\\*|${NAME}:(?:\\*|${NAME}))$`);
const ACTION = new RegExp(`^${NAME}:${NAME}$`);
const RESOURCE_TYPE = new RegExp(`^${NAME}$`);

/** The permission a principal needs (from a role) to hand out temporary grants. */
export const GRANT_PERMISSION = 'grant:create';

/** A concrete action: `resource:verb`, lowercase (`conversation:update`, `contact:merge`). */
export const actionSchema = z.string().regex(ACTION, 'actions look like resource:verb, e.g. conversation:update');

/** A permission pattern: an action, `resource:*` or `*`. */
export const permissionPatternSchema = z
  .string()
  .regex(PATTERN, 'permissions look like resource:verb, resource:* or *');

/** A role name: lowercase letters, digits, `_` and `-`. */
export const roleNameSchema = z.string().regex(new RegExp(`^${NAME}$`), 'role names are lowercase, e.g. qa-lead');

/**
 * Built-in ownership conditions:
 * - `assigned`: `resource.assigneeId === principal.id` (the conversation or ticket is theirs);
 * - `owner`: `resource.ownerId === principal.id`;
 * - `self`: `resource.id === principal.id` (an agent changing their own status);
 * - `group`: `resource.groupId` is one of `principal.groups`.
 */
export type ConditionName = 'assigned' | 'owner' | 'self' | 'group';

/** What a condition predicate sees. */
export interface ConditionContext {
  principal: Principal;
  resource: Resource;
  action: string;
}

/**
 * A custom condition. It MUST be pure and fast (it runs on every matching check) and
 * return `true` to allow; any other value denies. Exceptions propagate (and nothing is
 * allowed).
 */
export type ConditionFn = (context: ConditionContext) => boolean;

/** A permission, optionally only when a condition holds for the resource. */
export type PermissionRule = string | { action: string; when: ConditionName | ConditionFn };

/** A role: its permissions and the roles whose permissions it also has. */
export interface RoleDefinition {
  description?: string;
  /** Roles whose permissions this role includes. Cycles are rejected. */
  inherits?: readonly string[];
  permissions: readonly PermissionRule[];
}

/**
 * Access granted to one principal for a limited time (covering a colleague's queue,
 * escalation help), made by {@link Policy.grantTemporary}.
 */
export interface TemporaryGrant {
  /** An action or `resource:*`. */
  action: string;
  /** Limits the grant to resources of this type. */
  resourceType?: string;
  /** Limits the grant to this one resource. */
  resourceId?: string;
  /** ISO-8601; the grant counts while `now < expiresAt`. */
  expiresAt: string;
  /** Who granted it. A grant whose `grantedBy` is its holder never counts. */
  grantedBy: string;
  /** Who it was granted to; when present, the grant counts for that principal only. */
  grantedTo?: string;
  grantedAt?: string;
  /** Why (shown in audit trails). */
  reason?: string;
}

/** Who is acting. Roles the policy does not know grant nothing. */
export interface Principal {
  id: string;
  tenantId: string;
  roles: readonly string[];
  /** Teams or groups, for `when: 'group'`. */
  groups?: readonly string[];
  grants?: readonly TemporaryGrant[];
}

/**
 * What is acted on. `type` MUST be the action's resource part (`conversation` for
 * `conversation:update`). Spread a record in to make its fields available to conditions:
 * `{ type: 'conversation', ...conversation }`.
 */
export interface Resource {
  type: string;
  tenantId: string;
  id?: string;
  assigneeId?: string | null;
  ownerId?: string | null;
  groupId?: string | null;
  [field: string]: unknown;
}

/** Why a check came out the way it did (for server-side logs; never send it to clients). */
export type PolicyDecision =
  | { allowed: true; reason: 'role' | 'condition' | 'grant' }
  | { allowed: false; reason: 'tenant_mismatch' | 'no_permission' };

/**
 * The built-in roles. Override one by defining a role with the same name in
 * {@link PolicyOptions.roles} (the definition is replaced, not merged).
 *
 * - `agent` works conversations and tickets: reads broadly, changes only what is
 *   assigned to them, updates their own agent record (status).
 * - `supervisor` is an agent who can change any conversation or ticket, merge contacts,
 *   manage agents' states, read the audit log and hand out temporary grants.
 * - `admin` may do everything in the tenant (`*`), never across tenants.
 * - `integration` is a machine client (CRM sync, bot): reads and writes conversations,
 *   contacts and tickets, nothing administrative.
 */
export const BUILT_IN_ROLES: Readonly<Record<'agent' | 'supervisor' | 'admin' | 'integration', RoleDefinition>> =
  Object.freeze({
    agent: {
      description: 'Handles the conversations and tickets assigned to them.',
      permissions: [
        'conversation:read',
        'conversation:create',
        { action: 'conversation:update', when: 'assigned' },
        { action: 'conversation:reply', when: 'assigned' },
        { action: 'conversation:transfer', when: 'assigned' },
        { action: 'conversation:close', when: 'assigned' },
        'conversation:note',
        'contact:read',
        'contact:create',
        'contact:update',
        'ticket:read',
        'ticket:create',
        { action: 'ticket:update', when: 'assigned' },
        'queue:read',
        'agent:read',
        { action: 'agent:update', when: 'self' },
      ],
    },
    supervisor: {
      description: 'Oversees agents and queues; can act on any conversation or ticket.',
      inherits: ['agent'],
      permissions: [
        'conversation:update',
        'conversation:reply',
        'conversation:transfer',
        'conversation:close',
        'conversation:assign',
        'conversation:monitor',
        'contact:merge',
        'ticket:update',
        'ticket:assign',
        'agent:update',
        'queue:update',
        'report:read',
        'audit:read',
        GRANT_PERMISSION,
      ],
    },
    admin: {
      description: 'Everything within the tenant.',
      permissions: ['*'],
    },
    integration: {
      description: 'A machine client such as a CRM sync or a bot.',
      permissions: [
        'conversation:read',
        'conversation:create',
        'conversation:update',
        'conversation:reply',
        'contact:read',
        'contact:create',
        'contact:update',
        'ticket:read',
        'ticket:create',
        'ticket:update',
        'queue:read',
        'agent:read',
      ],
    },
  });

/** Options for {@link createPolicy}. */
export interface PolicyOptions {
  /** Extra roles, or replacements for built-in ones (same name). @default {} */
  roles?: Readonly<Record<string, RoleDefinition>>;
  /** Decides whether grants have expired. @default systemClock */
  clock?: Clock;
  /** The longest a temporary grant may run. @default 86_400_000 (24 hours) */
  maxGrantMs?: number;
}

/** Input of {@link Policy.grantTemporary}. Give `expiresAt` or `ttlMs`. */
export interface GrantTemporaryInput {
  granter: Principal;
  grantee: Principal;
  /** An action or `resource:*` (never `*`). */
  action: string;
  /** Defaults to the action's resource part when `resourceId` is given. */
  resourceType?: string;
  resourceId?: string;
  /** ISO-8601 expiry. */
  expiresAt?: string;
  /** Lifetime from now, in milliseconds. */
  ttlMs?: number;
  reason?: string;
}

/** A compiled RBAC policy. Every method is synchronous and side-effect free. */
export interface Policy {
  /** Every role the policy knows, sorted. */
  readonly roleNames: readonly string[];
  /**
   * Whether `principal` may do `action` (on `resource`).
   *
   * @throws ValidationError for a malformed principal, action or resource, or a
   *   resource whose `type` is not the action's resource part (a bug in the caller).
   */
  can(principal: Principal, action: string, resource?: Resource): boolean;
  /**
   * Like {@link Policy.can}, but throws `ForbiddenError` (`FORBIDDEN`) when denied, with
   * `details: { action, resourceType?, resourceId? }`. A resource of another tenant is
   * denied with exactly the same error as any other denial, so a caller cannot probe
   * whether an id exists elsewhere; use {@link Policy.evaluate} to log the reason.
   */
  authorize(principal: Principal, action: string, resource?: Resource): void;
  /** The decision with its reason, for logs and audit. */
  evaluate(principal: Principal, action: string, resource?: Resource): PolicyDecision;
  /** The known roles of a principal, inherited ones included, sorted. */
  rolesOf(principal: Principal): string[];
  /**
   * The permissions a principal's roles give (not its temporary grants), sorted by
   * action; conditional ones carry `when` (a condition name, or `'custom'`).
   */
  permissionsOf(principal: Principal): { action: string; when?: ConditionName | 'custom' }[];
  /**
   * Makes a temporary grant for `grantee`. Refuses (`ForbiddenError`, with
   * `details.reason`):
   * - `self_grant`: granter and grantee are the same principal;
   * - `tenant_mismatch`: they are in different tenants;
   * - `missing_permission`: the granter's roles do not give {@link GRANT_PERMISSION}
   *   (temporary grants do not count: access on loan cannot be lent on);
   * - `exceeds_granter`: the granter's roles do not give the granted action
   *   unconditionally (nobody grants more than they have).
   * The expiry must be in the future and at most `maxGrantMs` away (`ValidationError`).
   * The caller stores the grant and adds it to the grantee's `grants`.
   */
  grantTemporary(input: GrantTemporaryInput): TemporaryGrant;
}

// ---------------------------------------------------------------------------------------
// Definition parsing
// ---------------------------------------------------------------------------------------

const conditionSchema = z.union([
  z.enum(['assigned', 'owner', 'self', 'group']),
  z.custom<ConditionFn>((value) => typeof value === 'function', 'a condition name or a predicate function'),
]);

const ruleSchema = z.union([
  permissionPatternSchema,
  z.object({ action: permissionPatternSchema, when: conditionSchema }).strict(),
]);

const roleSchema = z
  .object({
    description: z.string().max(500).optional(),
    inherits: z.array(roleNameSchema).optional(),
    permissions: z.array(ruleSchema),
  })
  .strict();

const clockSchema = z.custom<Clock>(
  (value) => typeof value === 'object' && value !== null && typeof (value as Clock).now === 'function',
  'a Clock',
);

const policyOptionsSchema = z
  .object({
    roles: z.record(roleNameSchema, roleSchema).optional(),
    clock: clockSchema.optional(),
    maxGrantMs: z.int().positive().optional(),
  })
  .strict();

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

const grantInputSchema = z
  .object({
    granter: z.unknown(),
    grantee: z.unknown(),
    action: z.string().regex(new RegExp(`^${NAME}:(?:\\*|${NAME})$`), 'grant an action or resource:* (never *)'),
    resourceType: z.string().regex(RESOURCE_TYPE).optional(),
    resourceId: z.string().min(1).max(128).optional(),
    expiresAt: timestampSchema.optional(),
    ttlMs: z.int().positive().optional(),
    reason: z.string().max(500).optional(),
  })
  .strict()
  .refine((input) => (input.expiresAt === undefined) !== (input.ttlMs === undefined), {
    message: 'give exactly one of expiresAt and ttlMs',
    path: ['expiresAt'],
  })
  .refine((input) => input.resourceType === undefined || input.resourceType === resourceOf(input.action), {
    message: "resourceType must be the action's resource",
    path: ['resourceType'],
  });

interface ConditionalRule {
  condition: ConditionFn;
  name: ConditionName | 'custom';
}

/** A role (or a set of roles) compiled for lookups. */
interface Compiled {
  roles: string[];
  unconditional: Set<string>;
  conditional: Map<string, ConditionalRule[]>;
}

const BUILT_IN_CONDITIONS: Record<ConditionName, ConditionFn> = {
  assigned: ({ principal, resource }) => resource.assigneeId != null && resource.assigneeId === principal.id,
  owner: ({ principal, resource }) => resource.ownerId != null && resource.ownerId === principal.id,
  self: ({ principal, resource }) => resource.id !== undefined && resource.id === principal.id,
  group: ({ principal, resource }) =>
    typeof resource.groupId === 'string' && (principal.groups ?? []).includes(resource.groupId),
};

const EMPTY: Compiled = { roles: [], unconditional: new Set(), conditional: new Map() };

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

// ---------------------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------------------

function compileRoles(definitions: Map<string, z.output<typeof roleSchema>>): Map<string, Compiled> {
  const compiled = new Map<string, Compiled>();
  const visiting = new Set<string>();

  function visit(name: string, path: string): Compiled {
    const done = compiled.get(name);
    if (done) return done;
    const definition = definitions.get(name);
    if (!definition) throw definitionError(path, `unknown role ${name}`);
    if (visiting.has(name)) throw definitionError(path, `inheritance cycle through ${name}`);
    visiting.add(name);
    const parts: Compiled[] = [];
    for (const [index, parent] of (definition.inherits ?? []).entries()) {
      parts.push(visit(parent, `roles.${name}.inherits.${index}`));
    }
    const own: Compiled = { roles: [name], unconditional: new Set(), conditional: new Map() };
    for (const rule of definition.permissions) {
      if (typeof rule === 'string') {
        own.unconditional.add(rule);
      } else {
        const conditionName = typeof rule.when === 'string' ? rule.when : 'custom';
        const condition = typeof rule.when === 'string' ? BUILT_IN_CONDITIONS[rule.when] : rule.when;
        addConditional(own.conditional, rule.action, { condition, name: conditionName });
      }
    }
    const result = merge([own, ...parts]);
    visiting.delete(name);
    compiled.set(name, result);
    return result;
  }

  for (const name of definitions.keys()) visit(name, `roles.${name}`);
  return compiled;
}

function merge(parts: Compiled[]): Compiled {
  const roles = new Set<string>();
  const unconditional = new Set<string>();
  const conditional = new Map<string, ConditionalRule[]>();
  for (const part of parts) {
    for (const role of part.roles) roles.add(role);
    for (const action of part.unconditional) unconditional.add(action);
    for (const [action, rules] of part.conditional) for (const rule of rules) addConditional(conditional, action, rule);
  }
  // A condition on something already allowed outright can never change the outcome.
  for (const action of unconditional) conditional.delete(action);
  return { roles: [...roles].sort(), unconditional, conditional };
}

function addConditional(map: Map<string, ConditionalRule[]>, action: string, rule: ConditionalRule): void {
  const rules = map.get(action);
  if (!rules) map.set(action, [rule]);
  else if (!rules.some((existing) => existing.condition === rule.condition)) rules.push(rule);
}

function definitionError(path: string, message: string): ValidationError {
  return new ValidationError(`Invalid policy options: ${path}: ${message}`, [{ path, message }]);
}

// ---------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------

function resourceOf(action: string): string {
  const colon = action.indexOf(':');
  return colon < 0 ? action : action.slice(0, colon);
}

function matchesPattern(pattern: string, action: string): boolean {
  if (pattern === action || pattern === '*') return true;
  return pattern.endsWith(':*') && action.startsWith(pattern.slice(0, -1));
}

function grantAllows(principal: Principal, action: string, resource: Resource | undefined, now: number): boolean {
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

// Hand-written checks on the hot path: a zod parse per authorization would dominate the
// cost of the lookup itself. Grants (rare) go through zod.
function checkPrincipal(principal: Principal): void {
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

function checkAction(action: string): void {
  if (typeof action !== 'string' || !ACTION.test(action)) {
    throw new ValidationError('Invalid action: expected resource:verb, e.g. conversation:update', [
      { path: 'action', message: 'expected resource:verb' },
    ]);
  }
}

function checkResource(resource: Resource, expectedType: string): void {
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
