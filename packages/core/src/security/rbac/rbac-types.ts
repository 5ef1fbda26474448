import { z } from 'zod';
import type { Clock } from '../../clock/clock.js';

// The grammar of role names and permissions, and the public types of the RBAC policy.

/** One name segment: a role, a resource type or a verb. */
export const NAME = '[a-z][a-z0-9_-]{0,63}';
/** A permission pattern: `*`, `resource:*` or `resource:verb`. */
export const PATTERN = new RegExp(`^(?:\\*|${NAME}:(?:\\*|${NAME}))$`);
/** A concrete action: `resource:verb`. */
export const ACTION = new RegExp(`^${NAME}:${NAME}$`);
/** A resource type: one name segment. */
export const RESOURCE_TYPE = new RegExp(`^${NAME}$`);

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
