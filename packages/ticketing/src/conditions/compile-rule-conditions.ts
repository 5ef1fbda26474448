import { type BusinessCalendar, toValidationIssues, ValidationError, type ValidationIssue } from '@hotline/core';
import { type FieldKind, type FieldSpec, resolveConditionField } from './condition-fields.js';
import {
  changeSideTest,
  containsTest,
  equalsTest,
  type Fail,
  includesTest,
  isBlank,
  OPERATORS_BY_KIND,
  ORDERING,
  orderTest,
  type ValueTest,
} from './condition-values.js';
import { type RuleCondition, type RuleConditionSet, ruleConditionSetSchema } from './rule-condition-schema.js';
import { type ConditionInput, ConditionScope } from './scope.js';
import { splitPhrases } from './text-match.js';

/**
 * Where a condition set is used, which decides the fields it may read:
 * - `ticket` — ticket properties only (SLA policy selection, field-based classification);
 * - `automation` — ticket properties and `hours_since.*`;
 * - `trigger` — everything, including the write being reacted to (`changed.*`, `update.*`,
 *   `actor.*`, `comment.*`) and the change operators.
 */
export type ConditionContext = 'ticket' | 'automation' | 'trigger';

/** Options of {@link compileRuleConditions}. */
export interface CompileRuleConditionsOptions {
  /** Which fields the set may read. @default 'trigger' */
  context?: ConditionContext;
  /** Prefix of the paths in validation errors (`triggers.3.conditions`). @default 'conditions' */
  path?: string;
  /** The calendar `business: true` conditions count hours on. @default none (such conditions are rejected) */
  calendar?: BusinessCalendar;
}

/** What a compiled set reads, so a caller loads only what is needed. */
export interface ConditionUsage {
  /** Reads the write being reacted to. */
  readonly update: boolean;
  /** Reads the comment body (`comment.body`). */
  readonly commentBody: boolean;
  /** Reads the replayed history (`hours_since.status.*`, `.assigned`, `.requester_updated`, `.assignee_updated`). */
  readonly history: boolean;
  /** Reads the time (`hours_since.*`). */
  readonly time: boolean;
}

/** One compiled condition. */
export interface CompiledRuleCondition {
  readonly condition: RuleCondition;
  /** Its path, as validation errors name it (`conditions.all.2`). */
  readonly path: string;
  readonly kind: FieldKind;
  /**
   * The ticket property a ticket-level condition reads (`status`, `tags`, `fields.plan`),
   * `undefined` for update, change and time conditions.
   */
  readonly property: string | undefined;
  /** For ticket-level conditions: whether it holds when its property has `value` (for static analysis). */
  readonly holdsFor: ((value: unknown) => boolean) | undefined;
  /** Evaluates the condition. Never throws. */
  readonly test: (scope: ConditionScope) => boolean;
  /** What it depends on within a run (see {@link CompiledRuleConditions.reads}); `[]`: only the constant update. */
  readonly dependsOn: readonly string[] | undefined;
  /** Relative cost, cheapest first: the evaluator tests cheap conditions before text searches. */
  readonly cost: number;
  /** Set when the condition is a plain equality (see {@link CompiledRuleConditions.guard}). */
  readonly guard: ConditionGuard | undefined;
}

/** See {@link CompiledRuleConditions.guard}. */
export interface ConditionGuard {
  /** The field name: sets with the same guard field share one read per state. */
  readonly field: string;
  readonly read: (scope: ConditionScope) => unknown;
  readonly value: string | boolean;
}

/** A compiled condition set: closures built once, evaluated many times. */
export interface CompiledRuleConditions {
  readonly all: readonly CompiledRuleCondition[];
  readonly any: readonly CompiledRuleCondition[];
  readonly usage: ConditionUsage;
  /**
   * What the result depends on within one evaluation run (same update, same time): ticket
   * properties (`status`, `tags`, `fields.plan`…) and single tags (`tag:vip`, for tag
   * tests that only care whether that tag is there). If none of them changed, the result
   * did not. `undefined` when it depends on time or history (re-evaluate every time).
   */
  readonly reads: readonly string[] | undefined;
  /**
   * An `all` condition that is a plain equality (`field is value` on an enum, id or
   * boolean field), for callers that test many sets against one state: they read each
   * guard field once and skip the sets whose guard value differs, without evaluating them.
   * The set is false whenever `read(scope) !== value`.
   */
  readonly guard: ConditionGuard | undefined;
  /** Whether the set matches; builds a fresh {@link ConditionScope}. Never throws. */
  test(input: ConditionInput): boolean;
  /** Whether the set matches a prepared scope (share one scope across many sets). Never throws. */
  evaluate(scope: ConditionScope): boolean;
}

const HOUR_MS = 3_600_000;

function hoursReader(since: FieldSpec['read'], calendar: BusinessCalendar | undefined): FieldSpec['read'] {
  return (s) => {
    const from = since(s);
    const now = s.now;
    if (typeof from !== 'number' || now === undefined) return undefined;
    if (calendar === undefined) return Math.max(0, now - from) / HOUR_MS;
    try {
      return calendar.businessTimeBetween(from, now) / HOUR_MS;
    } catch {
      return undefined;
    }
  };
}

function valueTest(spec: FieldSpec, condition: RuleCondition, fail: Fail): ValueTest | undefined {
  const { operator, value } = condition;
  switch (operator) {
    case 'present':
      return (v) => !isBlank(v);
    case 'absent':
    case 'not_present':
      return isBlank;
    case 'is':
      return equalsTest(spec, value, fail);
    case 'includes':
      return includesTest(spec, value, fail);
    case 'contains':
      return containsTest(value, fail);
    case 'is_not':
    case 'not_includes':
    case 'not_contains': {
      const positive = valueTest(spec, { ...condition, operator: POSITIVE[operator] }, fail);
      return positive && ((v, s) => !positive(v, s));
    }
    default:
      return orderTest(spec, operator, value, fail);
  }
}

const POSITIVE = { is_not: 'is', not_includes: 'includes', not_contains: 'contains' } as const;

const UNARY: ReadonlySet<string> = new Set(['present', 'absent', 'not_present', 'changed', 'not_changed']);
const CHANGE: ReadonlySet<string> = new Set(['changed', 'changed_to', 'changed_from', 'not_changed']);

const SCOPE_NEEDS: Record<FieldSpec['scope'], ConditionContext[]> = {
  ticket: ['ticket', 'automation', 'trigger'],
  update: ['trigger'],
  time: ['automation', 'trigger'],
};

interface Usage {
  update: boolean;
  commentBody: boolean;
  history: boolean;
  time: boolean;
}

function compileOne(
  condition: RuleCondition,
  path: string,
  options: CompileRuleConditionsOptions,
  usage: Usage,
  issues: ValidationIssue[],
): CompiledRuleCondition | undefined {
  const report = (where: 'field' | 'operator' | 'value' | 'business', message: string): undefined => {
    issues.push({ path: `${path}.${where}`, message, code: 'invalid_rule_condition' });
    return undefined;
  };
  const context = options.context ?? 'trigger';
  const resolved = resolveConditionField(condition.field);
  if (typeof resolved === 'string') return report('field', resolved);
  let spec = resolved;
  const { operator } = condition;
  if (!SCOPE_NEEDS[spec.scope].includes(context))
    return report('field', `'${condition.field}' is not available in ${context} conditions`);
  if (UNARY.has(operator) && condition.value !== undefined) return report('value', `${operator} takes no value`);
  if (!UNARY.has(operator) && condition.value === undefined) return report('value', `${operator} needs a value`);
  if (condition.business === true) {
    if (spec.kind !== 'hours') return report('business', 'only hours_since.* conditions count business hours');
    if (options.calendar === undefined) return report('business', 'business hours need a calendar');
  }
  const fail: Fail = (message) => report('value', message);

  let test: ((s: ConditionScope) => boolean) | undefined;
  let holds: ValueTest | undefined;
  if (CHANGE.has(operator)) {
    if (spec.property === undefined || spec.scope === 'time')
      return report('operator', `${operator} does not apply to '${condition.field}'`);
    if (context !== 'trigger') return report('operator', `${operator} is only available in trigger conditions`);
    const property = spec.property;
    if (operator === 'changed') test = (s) => s.change(property) !== undefined;
    else if (operator === 'not_changed') test = (s) => s.change(property) === undefined;
    else test = changeSideTest(spec, operator === 'changed_to' ? 'to' : 'from', condition.value, fail);
    usage.update = true;
  } else {
    if (spec.changeOnly === true)
      return report('operator', `'${condition.field}' takes changed, changed_to, changed_from or not_changed`);
    const allowed =
      OPERATORS_BY_KIND[spec.kind].has(operator) ||
      (spec.kind === 'enum' && spec.ordered === true && ORDERING.has(operator));
    if (!allowed) return report('operator', `${operator} does not apply to '${condition.field}'`);
    if (spec.kind === 'hours')
      spec = { ...spec, read: hoursReader(spec.read, condition.business ? options.calendar : undefined) };
    holds = valueTest(spec, condition, fail);
    if (holds !== undefined) {
      const read = spec.read;
      const check = holds;
      test = (s) => check(read(s), s);
    }
  }
  if (test === undefined) return undefined;
  if (spec.scope === 'update') usage.update = true;
  if (spec.scope === 'time') usage.time = true;
  if (spec.needsBody === true) usage.commentBody = true;
  if (spec.needsHistory === true) usage.history = true;
  const ticketLevel = spec.scope === 'ticket' && !CHANGE.has(operator) ? holds : undefined;
  const changeProperty = CHANGE.has(operator) ? spec.property : changedProperty(condition.field);
  return {
    condition,
    path,
    kind: spec.kind,
    property: ticketLevel === undefined ? undefined : spec.property,
    holdsFor: ticketLevel && ((value) => ticketLevel(value, new ConditionScope({ ticket: {} }))),
    test,
    dependsOn: dependencies(spec, condition, spec.scope === 'ticket' ? spec.property : changeProperty),
    guard:
      operator === 'is' &&
      EXACT.has(spec.kind) &&
      (typeof condition.value === 'string' || typeof condition.value === 'boolean')
        ? { field: condition.field, read: spec.read, value: condition.value }
        : undefined,
    cost: COST[spec.kind] + (CHANGE.has(operator) ? 1 : 0),
  };
}

/** Cheap tests first: `all` and `any` are commutative over these pure predicates. */
const COST: Readonly<Record<FieldKind, number>> = { boolean: 0, enum: 0, id: 0, tags: 2, field: 3, hours: 4, text: 6 };

/** `changed.<property>.from|to` reads that property's change. */
function changedProperty(field: string): string | undefined {
  if (!field.startsWith('changed.')) return undefined;
  const rest = field.replace(/\.(?:from|to)$/, '').slice(8);
  return rest === 'csat.rating' ? 'csat' : rest;
}

/** Kinds whose `is` is strict equality of the read value (`(v) => v === value`). */
const EXACT: ReadonlySet<FieldKind> = new Set(['enum', 'id', 'boolean']);

const PER_TAG: ReadonlySet<string> = new Set(['includes', 'not_includes', 'changed_to', 'changed_from']);

/** What a condition depends on within a run; tag membership tests depend on their tags only. */
function dependencies(spec: FieldSpec, condition: RuleCondition, property: string | undefined): string[] | undefined {
  if (spec.scope === 'time') return undefined;
  if (property === undefined) return [];
  if (property === 'tags' && PER_TAG.has(condition.operator)) {
    const value = condition.value;
    const tags = typeof value === 'string' || Array.isArray(value) ? splitPhrases(value as string | string[]) : [];
    return tags.map((tag) => `tag:${tag}`);
  }
  return [property];
}

function readsOf(conditions: readonly CompiledRuleCondition[]): readonly string[] | undefined {
  const reads = new Set<string>();
  for (const condition of conditions) {
    if (condition.dependsOn === undefined) return undefined;
    for (const read of condition.dependsOn) reads.add(read);
  }
  return [...reads];
}

const byCost = (list: readonly CompiledRuleCondition[]) =>
  list
    .map((condition, i) => ({ condition, i }))
    .sort((a, b) => a.condition.cost - b.condition.cost || a.i - b.i)
    .map(({ condition }) => condition.test);

function evaluator(
  all: readonly CompiledRuleCondition[],
  any: readonly CompiledRuleCondition[],
): (scope: ConditionScope) => boolean {
  const allTests = byCost(all);
  const anyTests = byCost(any);
  if (allTests.length === 0 && anyTests.length === 0) return () => true;
  return (scope) => {
    for (let i = 0; i < allTests.length; i++) if (!(allTests[i] as (s: ConditionScope) => boolean)(scope)) return false;
    if (anyTests.length === 0) return true;
    for (let i = 0; i < anyTests.length; i++) if ((anyTests[i] as (s: ConditionScope) => boolean)(scope)) return true;
    return false;
  };
}

/**
 * Validates a rule condition set and compiles it into closures (no `eval`, no code
 * strings). Every problem is reported at once, each with its path
 * (`conditions.all.1.value`).
 *
 * Semantics: `is` on text compares folded (case and accents ignored), on tags and array
 * fields as a set, and `is: null` means not present; `includes` on text means any of the
 * words or quoted phrases, whole-word, case- and accent-insensitive (Chinese, Japanese,
 * Korean and Thai by substring); on tags and arrays, any of the items; `contains` is a
 * folded substring; `less_than` and friends rank `status` and `priority`, compare hours,
 * numbers, and strings (ISO dates); `is` on hours compares whole hours
 * (`hours_since.created is 24` holds from 24 h to just under 25 h); `changed_to` /
 * `changed_from` on tags mean the tag was added / removed. Negative operators are exact
 * negations (`is_not` holds when the property is missing).
 *
 * @throws ValidationError listing every invalid condition.
 * @example
 * ```ts
 * const matches = compileRuleConditions({
 *   all: [
 *     { field: 'update.type', operator: 'is', value: 'commented' },
 *     { field: 'comment.author', operator: 'is', value: 'requester' },
 *   ],
 *   any: [{ field: 'comment.body', operator: 'includes', value: 'refund "money back" 退款' }],
 * });
 * matches.test({ ticket, update }); // true or false
 * ```
 */
export function compileRuleConditions(
  set: unknown,
  options: CompileRuleConditionsOptions = {},
): CompiledRuleConditions {
  const prefix = options.path ?? 'conditions';
  const parsed = ruleConditionSetSchema.safeParse(set);
  if (!parsed.success) {
    const issues = toValidationIssues(parsed.error).map((issue) => ({
      ...issue,
      path: issue.path === '' ? prefix : `${prefix}.${issue.path}`,
    }));
    throw invalid(issues);
  }
  const source: RuleConditionSet = parsed.data;
  const issues: ValidationIssue[] = [];
  const usage: Usage = { update: false, commentBody: false, history: false, time: false };
  const compileList = (list: readonly RuleCondition[] | undefined, group: 'all' | 'any'): CompiledRuleCondition[] =>
    (list ?? []).flatMap(
      (condition, i) => compileOne(condition, `${prefix}.${group}.${i}`, options, usage, issues) ?? [],
    );
  const all = compileList(source.all, 'all');
  const any = compileList(source.any, 'any');
  if (issues.length > 0) throw invalid(issues);
  const evaluate = evaluator(all, any);
  return {
    all,
    any,
    usage: Object.freeze({ ...usage }),
    reads: readsOf([...all, ...any]),
    guard: all.find((condition) => condition.guard !== undefined)?.guard,
    evaluate,
    test: (input) => evaluate(new ConditionScope(input)),
  };
}

function invalid(issues: ValidationIssue[]): ValidationError {
  const first = issues[0] as ValidationIssue;
  return new ValidationError(`Invalid conditions: ${first.path}: ${first.message}`, issues);
}
