import { type BusinessCalendar, ValidationError, type ValidationIssue } from '@hotline/core';
import {
  type CompiledAutomation,
  type CompiledClassifier,
  type CompiledMacro,
  type CompiledTrigger,
  compileAutomation,
  compileClassifier,
  compileMacro,
  compileTrigger,
} from './definitions.js';
import type { AutomationInput, ClassificationRuleInput, MacroInput, TriggerInput } from './rule-schema.js';

// The tenant's rules, compiled when stored. Hosts that keep definitions in their own
// database load them with `replace` at start-up and after every edit.

/** What every compiled rule has: its definition's id, whether it is active, and its position. */
export interface CompiledRuleBase {
  readonly definition: { readonly id: string; readonly active: boolean; readonly position?: number };
}

/** One kind of rule, per tenant. */
export interface RuleCollection<Input, Rule extends CompiledRuleBase> {
  /** Adds or replaces one definition. @throws ValidationError (nothing is stored). */
  define(tenantId: string, input: Input): Rule;
  /**
   * Replaces all of a tenant's definitions at once. Either every one is valid and stored,
   * or a ValidationError lists the problems (paths start with the index: `3.conditions.all.0.value`)
   * and nothing changes.
   */
  replace(tenantId: string, inputs: readonly Input[]): readonly Rule[];
  /** Removes one; `false` if it did not exist. */
  remove(tenantId: string, id: string): boolean;
  get(tenantId: string, id: string): Rule | undefined;
  /** Every definition, in evaluation order (position, then id). */
  list(tenantId: string): readonly Rule[];
  /** The active ones, in evaluation order (cached until the next change). */
  active(tenantId: string): readonly Rule[];
  /** Tenants with at least one definition. */
  tenants(): string[];
}

/** The tenant's rules. */
export interface RuleRegistry {
  readonly triggers: RuleCollection<TriggerInput, CompiledTrigger>;
  readonly automations: RuleCollection<AutomationInput, CompiledAutomation>;
  readonly macros: RuleCollection<MacroInput, CompiledMacro>;
  readonly classifiers: RuleCollection<ClassificationRuleInput, CompiledClassifier>;
}

/** Options of {@link createRuleRegistry}. */
export interface RuleRegistryOptions {
  /** The tenant's business calendar, for `business: true` conditions. @default none */
  calendarFor?: (tenantId: string) => BusinessCalendar | undefined;
}

function order(a: CompiledRuleBase, b: CompiledRuleBase): number {
  const byPosition = (a.definition.position ?? 0) - (b.definition.position ?? 0);
  if (byPosition !== 0) return byPosition;
  return a.definition.id < b.definition.id ? -1 : a.definition.id > b.definition.id ? 1 : 0;
}

function collection<Input, Rule extends CompiledRuleBase>(
  compile: (input: unknown, tenantId: string) => Rule,
): RuleCollection<Input, Rule> {
  const rules = new Map<string, Map<string, Rule>>();
  const sorted = new Map<string, { all: Rule[]; active: Rule[] }>();
  const view = (tenantId: string): { all: Rule[]; active: Rule[] } => {
    let cached = sorted.get(tenantId);
    if (cached === undefined) {
      const all = [...(rules.get(tenantId)?.values() ?? [])].sort(order);
      cached = { all, active: all.filter((rule) => rule.definition.active) };
      sorted.set(tenantId, cached);
    }
    return cached;
  };
  return {
    define(tenantId, input) {
      const rule = compile(input, tenantId);
      let map = rules.get(tenantId);
      if (map === undefined) {
        map = new Map();
        rules.set(tenantId, map);
      }
      map.set(rule.definition.id, rule);
      sorted.delete(tenantId);
      return rule;
    },
    replace(tenantId, inputs) {
      const issues: ValidationIssue[] = [];
      const next = new Map<string, Rule>();
      inputs.forEach((input, i) => {
        try {
          const rule = compile(input, tenantId);
          if (next.has(rule.definition.id))
            issues.push({ path: `${i}.id`, message: `duplicate id ${rule.definition.id}`, code: 'duplicate_id' });
          next.set(rule.definition.id, rule);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          for (const issue of error.issues) issues.push({ ...issue, path: issue.path ? `${i}.${issue.path}` : `${i}` });
        }
      });
      if (issues.length > 0) {
        const first = issues[0] as ValidationIssue;
        throw new ValidationError(`Invalid definitions: ${first.path}: ${first.message}`, issues);
      }
      rules.set(tenantId, next);
      sorted.delete(tenantId);
      return view(tenantId).all;
    },
    remove(tenantId, id) {
      const removed = rules.get(tenantId)?.delete(id) ?? false;
      if (removed) sorted.delete(tenantId);
      return removed;
    },
    get: (tenantId, id) => rules.get(tenantId)?.get(id),
    list: (tenantId) => view(tenantId).all,
    active: (tenantId) => view(tenantId).active,
    tenants: () => [...rules.entries()].filter(([, map]) => map.size > 0).map(([tenantId]) => tenantId),
  };
}

/**
 * An in-memory registry of triggers, automations, macros and classification rules,
 * compiled (and validated) when defined.
 *
 * @example
 * ```ts
 * const registry = createRuleRegistry();
 * registry.triggers.define('ten_1', {
 *   id: 'trg_urgent', title: 'Tag urgent tickets',
 *   conditions: { all: [{ field: 'priority', operator: 'is', value: 'urgent' }] },
 *   actions: [{ type: 'add_tags', tags: ['urgent'] }],
 * });
 * ```
 */
export function createRuleRegistry(options: RuleRegistryOptions = {}): RuleRegistry {
  const calendar = (tenantId: string) => {
    const found = options.calendarFor?.(tenantId);
    return found === undefined ? {} : { calendar: found };
  };
  return {
    triggers: collection<TriggerInput, CompiledTrigger>((input, tenantId) => compileTrigger(input, calendar(tenantId))),
    automations: collection<AutomationInput, CompiledAutomation>((input, tenantId) =>
      compileAutomation(input, calendar(tenantId)),
    ),
    macros: collection<MacroInput, CompiledMacro>((input) => compileMacro(input)),
    classifiers: collection<ClassificationRuleInput, CompiledClassifier>((input) => compileClassifier(input)),
  };
}
