import { type BusinessCalendar, parseInput, ValidationError, type ValidationIssue } from '@hotline/core';
import { type CompiledRuleConditions, compileRuleConditions } from '../conditions/compile-rule-conditions.js';
import type { RuleConditionSet } from '../conditions/rule-condition-schema.js';
import { type CompiledActions, compileActions } from './actions.js';
import { actionsNullify } from './nullify.js';
import {
  type Automation,
  automationSchema,
  type ClassificationRule,
  classificationRuleSchema,
  type Macro,
  macroSchema,
  type RuleAction,
  type Trigger,
  triggerSchema,
} from './rule-schema.js';

// Definitions are checked and compiled once, when they are stored; the engine only ever
// sees compiled rules. Problems name their path inside the definition (`conditions.all.1.value`).

/** A trigger ready to run. */
export interface CompiledTrigger {
  readonly definition: Trigger;
  readonly conditions: CompiledRuleConditions;
  readonly actions: CompiledActions;
}

/** An automation ready to run. */
export interface CompiledAutomation {
  readonly definition: Automation;
  readonly conditions: CompiledRuleConditions;
  readonly actions: CompiledActions;
}

/** A macro ready to apply. */
export interface CompiledMacro {
  readonly definition: Macro;
  readonly actions: CompiledActions;
}

/** A classification rule ready to run. */
export interface CompiledClassifier {
  readonly definition: ClassificationRule;
  /** The words, over the subject and / or the first comment (absent when the rule has none). */
  readonly words: CompiledRuleConditions | undefined;
  /** The field-based conditions (absent when the rule has none). */
  readonly conditions: CompiledRuleConditions | undefined;
}

/** Options of the compile functions. */
export interface CompileRuleOptions {
  /** The tenant's calendar, for `business: true` conditions. */
  calendar?: BusinessCalendar;
}

/** Runs the compile steps, gathering every ValidationError's issues before throwing one. */
function gather<T>(what: string, steps: (() => T)[]): T[] {
  const issues: ValidationIssue[] = [];
  const results: T[] = [];
  for (const step of steps) {
    try {
      results.push(step());
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) {
    const first = issues[0] as ValidationIssue;
    throw new ValidationError(`Invalid ${what}: ${first.path}: ${first.message}`, issues);
  }
  return results;
}

function hasConditions(set: RuleConditionSet): boolean {
  return (set.all?.length ?? 0) + (set.any?.length ?? 0) > 0;
}

function noConditions(what: string): ValidationError {
  return new ValidationError(`Invalid ${what}: conditions: give at least one condition`, [
    { path: 'conditions', message: 'give at least one condition', code: 'invalid_rule_condition' },
  ]);
}

/**
 * Checks and compiles a trigger definition.
 *
 * @throws ValidationError with every problem and its path.
 * @example
 * ```ts
 * compileTrigger({ id: 'trg_1', title: 'Urgent', conditions: { all: [{ field: 'priority', operator: 'is', value: 'urgent' }] }, actions: [{ type: 'add_tags', tags: ['urgent'] }] });
 * ```
 */
export function compileTrigger(input: unknown, options: CompileRuleOptions = {}): CompiledTrigger {
  const definition = parseInput(triggerSchema, input, 'trigger');
  return { definition, ...compileParts('trigger', definition, options) };
}

/** The conditions and actions of a trigger or an automation, every problem reported at once. */
function compileParts(
  kind: 'trigger' | 'automation',
  definition: { conditions: RuleConditionSet; actions: readonly RuleAction[] },
  options: CompileRuleOptions,
): { conditions: CompiledRuleConditions; actions: CompiledActions } {
  if (!hasConditions(definition.conditions)) throw noConditions(kind);
  const [conditions, actions] = gather<CompiledRuleConditions | CompiledActions>(kind, [
    () => compileRuleConditions(definition.conditions, { context: kind, path: 'conditions', ...options }),
    () => compileActions(definition.actions, 'actions', kind),
  ]);
  return { conditions: conditions as CompiledRuleConditions, actions: actions as CompiledActions };
}

/**
 * Checks and compiles an automation: conditions on ticket properties and time only, and
 * actions that make at least one condition false (see the rules guide).
 *
 * @throws ValidationError with every problem and its path; code `automation_never_false`
 * at path `conditions` when no action can make the conditions stop matching.
 */
export function compileAutomation(input: unknown, options: CompileRuleOptions = {}): CompiledAutomation {
  const definition = parseInput(automationSchema, input, 'automation');
  const { conditions, actions } = compileParts('automation', definition, options);
  if (!actionsNullify(conditions, definition.actions)) {
    const message =
      'no action makes a condition false, so it would act on the same tickets on every run: add a condition the ' +
      "actions nullify (e.g. tags not_includes 'reminded' with add_tags ['reminded'], or status is pending with " +
      'set_status open) or a time condition with is (hours_since.created is 24)';
    throw new ValidationError(`Invalid automation: conditions: ${message}`, [
      { path: 'conditions', message, code: 'automation_never_false' },
    ]);
  }
  return { definition, conditions, actions };
}

/**
 * Checks and compiles a macro (or a canned response: a macro with only a comment).
 *
 * @throws ValidationError with every problem and its path.
 */
export function compileMacro(input: unknown): CompiledMacro {
  const definition = parseInput(macroSchema, input, 'macro');
  if (definition.actions.length === 0 && definition.comment === undefined) {
    throw new ValidationError('Invalid macro: actions: give actions, a comment or both', [
      { path: 'actions', message: 'give actions, a comment or both', code: 'invalid_rule_action' },
    ]);
  }
  const extra = definition.comment && { ...definition.comment, path: 'comment.body' };
  return { definition, actions: compileActions(definition.actions, 'actions', 'macro', extra) };
}

/** The actions a classification rule's `set` stands for. */
export function classificationActions(rule: ClassificationRule): RuleAction[] {
  const { set } = rule;
  const actions: RuleAction[] = [];
  if (set.groupId !== undefined || set.assigneeId !== undefined)
    actions.push({ type: 'assign', groupId: set.groupId, agentId: set.assigneeId });
  if (set.priority !== undefined) actions.push({ type: 'set_priority', priority: set.priority });
  if (set.tags !== undefined && set.tags.length > 0) actions.push({ type: 'add_tags', tags: set.tags });
  for (const [key, value] of Object.entries(set.fields ?? {})) actions.push({ type: 'set_field', key, value });
  return actions;
}

/**
 * Checks and compiles a classification rule.
 *
 * @throws ValidationError with every problem and its path.
 */
export function compileClassifier(input: unknown): CompiledClassifier {
  const definition = parseInput(classificationRuleSchema, input, 'classification rule');
  const { words } = definition;
  const fields = { subject: 'subject', body: 'comment.body' } as const;
  const steps: (() => CompiledRuleConditions | undefined)[] = [
    () => {
      if (words === undefined) return undefined;
      const any = definition.in.map((where) => ({ field: fields[where], operator: 'includes' as const, value: words }));
      try {
        return compileRuleConditions({ any }, { context: 'trigger', path: 'words' });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const message = error.issues[0]?.message ?? 'invalid words';
        throw new ValidationError(`Invalid words: ${message}`, [
          { path: 'words', message, code: 'invalid_rule_condition' },
        ]);
      }
    },
    () =>
      definition.conditions === undefined
        ? undefined
        : compileRuleConditions(definition.conditions, { context: 'ticket', path: 'conditions' }),
  ];
  const [compiledWords, conditions] = gather('classification rule', steps);
  return { definition, words: compiledWords, conditions };
}
