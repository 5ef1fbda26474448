import { z } from 'zod';
import type { Clock } from '../../clock/clock.js';
import { ValidationError } from '../../errors/hotline-error.js';
import { timestampSchema } from '../../schemas/common.js';
import { BUILT_IN_CONDITIONS } from './built-in-conditions.js';
import { resourceOf } from './checks.js';
import {
  type ConditionFn,
  type ConditionName,
  NAME,
  permissionPatternSchema,
  RESOURCE_TYPE,
  roleNameSchema,
} from './rbac-types.js';

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

/** A role definition, as given in {@link PolicyOptions.roles} or {@link BUILT_IN_ROLES}. */
export const roleSchema = z
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

/** The options of `createPolicy`. */
export const policyOptionsSchema = z
  .object({
    roles: z.record(roleNameSchema, roleSchema).optional(),
    clock: clockSchema.optional(),
    maxGrantMs: z.int().positive().optional(),
  })
  .strict();

/** The input of `Policy.grantTemporary` (the principals are checked separately). */
export const grantInputSchema = z
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

/** A conditional permission: its predicate and the name `permissionsOf` reports. */
export interface ConditionalRule {
  condition: ConditionFn;
  name: ConditionName | 'custom';
}

/** A role (or a set of roles) compiled for lookups. */
export interface Compiled {
  roles: string[];
  unconditional: Set<string>;
  conditional: Map<string, ConditionalRule[]>;
}

/** What a principal without known roles holds: nothing. */
export const EMPTY: Compiled = { roles: [], unconditional: new Set(), conditional: new Map() };

// ---------------------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------------------

/** Compiles every role, inheritance resolved; throws on unknown parents and cycles. */
export function compileRoles(definitions: Map<string, z.output<typeof roleSchema>>): Map<string, Compiled> {
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

/** Combines compiled roles (inherited ones, or a principal's several roles). */
export function merge(parts: Compiled[]): Compiled {
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
