import { type Policy, type Principal, parseInput, ValidationError } from '@hotline/core';
import { z } from 'zod';
import {
  ALWAYS_READABLE,
  addPatterns,
  emptyMatcher,
  matches,
  type PropertyMatcher,
  propertyPatternSchema,
} from './properties.js';

/**
 * Field-level permissions of one role, as property patterns (`*`, `priority`, `fields.*`,
 * `fields.salary`). Among a principal's roles allows add up and a deny wins over any allow.
 *
 * @example
 * ```ts
 * const agentRules: FieldRules = { denyRead: ['fields.salary'], denyWrite: ['priority'] };
 * const billingRules: FieldRules = { write: ['status', 'tags', 'fields.*'], unmask: ['fields.iban'] };
 * ```
 */
export interface FieldRules {
  /** Properties the role may read. @default ['*'] */
  read?: readonly string[];
  /** Properties the role may write (a property must also be readable to be writable). @default ['*'] */
  write?: readonly string[];
  /** Properties no principal with this role may read, whatever other roles allow. @default [] */
  denyRead?: readonly string[];
  /** Properties no principal with this role may write, whatever other roles allow. @default [] */
  denyWrite?: readonly string[];
  /** Sensitive properties the role sees unmasked. @default [] */
  unmask?: readonly string[];
}

/**
 * Field rules by role name. They apply to the roles a principal is given (`principal.roles`),
 * not to roles those inherit: a supervisor (who inherits `agent`) is not bound by the
 * agent's rules, and a custom role needs its own entry. A principal none of whose roles
 * has an entry may read and write every property (RBAC still decides the operation).
 */
export type FieldPermissions = Readonly<Record<string, FieldRules>>;

const patternsSchema = z.array(propertyPatternSchema).max(500);

const fieldRulesSchema = z.strictObject({
  read: patternsSchema.optional(),
  write: patternsSchema.optional(),
  denyRead: patternsSchema
    .refine((patterns) => patterns.every((pattern) => !ALWAYS_READABLE.has(pattern)), {
      message: `${[...ALWAYS_READABLE].join(', ')} are always readable; declare them sensitive to mask them`,
    })
    .optional(),
  denyWrite: patternsSchema.optional(),
  unmask: patternsSchema.optional(),
});

/** The field access of one combination of roles. */
export interface FieldAccess {
  /** False when none of the roles has field rules: everything readable and writable. */
  restricted: boolean;
  read: PropertyMatcher;
  write: PropertyMatcher;
  denyRead: PropertyMatcher;
  denyWrite: PropertyMatcher;
  unmask: PropertyMatcher;
}

/** What a principal may do with one property. */
export type FieldMode = 'read' | 'write' | 'unmask';

const UNRESTRICTED: FieldAccess = {
  restricted: false,
  read: { all: true, allFields: true, exact: new Set() },
  write: { all: true, allFields: true, exact: new Set() },
  denyRead: emptyMatcher(),
  denyWrite: emptyMatcher(),
  unmask: emptyMatcher(),
};

/** Whether the role rules alone let `access` read a property. */
export function rulesAllowRead(access: FieldAccess, property: string): boolean {
  return ALWAYS_READABLE.has(property) || (matches(access.read, property) && !matches(access.denyRead, property));
}

/** Whether the role rules alone let `access` do `mode` on a property. */
export function rulesAllow(access: FieldAccess, mode: FieldMode, property: string): boolean {
  if (mode === 'read') return rulesAllowRead(access, property);
  if (mode === 'unmask') return matches(access.unmask, property);
  return matches(access.write, property) && !matches(access.denyWrite, property) && rulesAllowRead(access, property);
}

/** Field rules compiled for lookups, with the field access of any set of roles. */
export interface CompiledFieldPermissions {
  /** The field access of a principal (a checked one), by the roles it is given. */
  accessOf(principal: Principal): FieldAccess;
}

/**
 * Checks field rules against the policy's roles and compiles them.
 *
 * @throws ValidationError when a rule names an unknown role or holds a malformed pattern.
 */
export function compileFieldPermissions(policy: Policy, input: FieldPermissions = {}): CompiledFieldPermissions {
  const rules = parseInput(z.record(z.string(), fieldRulesSchema), input, 'field permissions');
  const known = new Set(policy.roleNames);
  for (const role of Object.keys(rules)) {
    if (!known.has(role)) {
      throw new ValidationError(`Invalid field permissions: unknown role ${role}`, [
        { path: role, message: 'not a role of the policy' },
      ]);
    }
  }
  const cache = new Map<string, FieldAccess>();

  function compile(withRules: readonly string[]): FieldAccess {
    if (withRules.length === 0) return UNRESTRICTED;
    const access: FieldAccess = {
      restricted: true,
      read: emptyMatcher(),
      write: emptyMatcher(),
      denyRead: emptyMatcher(),
      denyWrite: emptyMatcher(),
      unmask: emptyMatcher(),
    };
    for (const role of withRules) {
      const rule = rules[role] as z.output<typeof fieldRulesSchema>;
      addPatterns(access.read, rule.read ?? ['*']);
      addPatterns(access.write, rule.write ?? ['*']);
      addPatterns(access.denyRead, rule.denyRead ?? []);
      addPatterns(access.denyWrite, rule.denyWrite ?? []);
      addPatterns(access.unmask, rule.unmask ?? []);
    }
    return access;
  }

  return {
    accessOf(principal) {
      // Only roles with rules matter, and their names (checked against the policy) hold no
      // comma, so the key cannot be forged by an odd role name.
      const withRules = [...new Set(principal.roles.filter((role) => Object.hasOwn(rules, role)))].sort();
      const key = withRules.join(',');
      let access = cache.get(key);
      if (!access) {
        access = compile(withRules);
        // Bounded by the role combinations hosts use; guard anyway, as core's policy does.
        if (cache.size >= 1024) cache.clear();
        cache.set(key, access);
      }
      return access;
    },
  };
}
