import { z } from 'zod';

// The condition language of the package: triggers, automations and classification (rules),
// SLA policy selection and approval rules all write `{ all, any }` sets of
// `{ field, operator, value }`, validated here and compiled by `compileRuleConditions`
// (which fields a use may read is its `context`). Data only, never code strings, so stored
// definitions can be validated, diffed and evaluated without `eval`.

/** What a condition compares with. */
export const conditionValueSchema = z.union([
  z.string().max(1024),
  z.number().finite(),
  z.boolean(),
  z.null(),
  z.array(z.string().max(1024)).max(200),
]);
/** What a condition compares with. */
export type ConditionValue = z.infer<typeof conditionValueSchema>;

/** Most conditions in one `all` or `any` list. */
export const MAX_CONDITIONS = 100;

/**
 * The operators of conditions: `is`, `is_not`, `includes`, `not_includes`,
 * `greater_than`, `less_than`, `greater_or_equal`, `less_or_equal`, `present`, `absent`,
 * `not_present` (the same as `absent`), `contains`, `not_contains`, and the change
 * operators `changed`, `changed_to`, `changed_from`, `not_changed` (triggers only). See
 * `compileRuleConditions` for their meaning per field kind.
 */
export const RULE_CONDITION_OPERATORS = [
  'is',
  'is_not',
  'includes',
  'not_includes',
  'greater_than',
  'less_than',
  'greater_or_equal',
  'less_or_equal',
  'present',
  'absent',
  'not_present',
  'contains',
  'not_contains',
  'changed',
  'changed_to',
  'changed_from',
  'not_changed',
] as const;

/** One of {@link RULE_CONDITION_OPERATORS}. */
export type RuleConditionOperator = (typeof RULE_CONDITION_OPERATORS)[number];

/**
 * One rule condition: `{ field, operator, value }`. Which fields, operators and values go
 * together is checked when the set is compiled (`compileRuleConditions`), with the path of
 * the offending condition in the error.
 *
 * @example
 * ```ts
 * const urgentVip = { field: 'tags', operator: 'includes', value: ['vip', 'enterprise'] };
 * const waited = { field: 'hours_since.status.pending', operator: 'greater_than', value: 48, business: true };
 * ```
 */
export const ruleConditionSchema = z.strictObject({
  field: z.string().min(1).max(160),
  operator: z.enum(RULE_CONDITION_OPERATORS),
  value: conditionValueSchema.optional(),
  /** `hours_since.*` only: count business hours of the calendar given at compile time. @default false */
  business: z.boolean().optional(),
});
/** One rule condition. */
export type RuleCondition = z.infer<typeof ruleConditionSchema>;

/**
 * `all` conditions must hold, and one of `any` when `any` is not empty; an empty set
 * matches everything.
 */
export const ruleConditionSetSchema = z.strictObject({
  all: z.array(ruleConditionSchema).max(MAX_CONDITIONS).optional(),
  any: z.array(ruleConditionSchema).max(MAX_CONDITIONS).optional(),
});
/** A rule condition set. */
export type RuleConditionSet = z.infer<typeof ruleConditionSetSchema>;
