import type { CompiledRuleCondition, CompiledRuleConditions } from '../conditions/compile-rule-conditions.js';
import { splitPhrases } from '../conditions/text-match.js';
import type { RuleAction } from './rule-schema.js';

// Zendesk's rule for automations: each one must contain a condition that its own actions
// make false (or one that can only hold for a while, `hours_since.x is N`), otherwise it
// would act on the same ticket on every run. This is a static check over the definition.

type Presence = 'present' | 'absent' | undefined;

/** Whether `tag` is certainly present / absent after the actions, or unknown (depends on the ticket). */
function tagPresence(tag: string, actions: readonly RuleAction[]): Presence {
  let state: Presence;
  for (const action of actions) {
    if (action.type === 'set_tags') state = action.tags.includes(tag) ? 'present' : 'absent';
    else if (action.type === 'add_tags' && action.tags.includes(tag)) state = 'present';
    else if (action.type === 'remove_tags' && action.tags.includes(tag)) state = 'absent';
  }
  return state;
}

/** The complete tag list after the actions when a `set_tags` fixes it, else `undefined`. */
function finalTags(actions: readonly RuleAction[]): string[] | undefined {
  let tags: string[] | undefined;
  for (const action of actions) {
    if (action.type === 'set_tags') tags = [...action.tags];
    else if (tags !== undefined && action.type === 'add_tags') tags = [...new Set([...tags, ...action.tags])];
    else if (tags !== undefined && action.type === 'remove_tags') tags = tags.filter((t) => !action.tags.includes(t));
  }
  return tags;
}

function listOf(value: unknown): string[] {
  return typeof value === 'string' || Array.isArray(value) ? splitPhrases(value as string | string[]) : [];
}

function tagsNullified(condition: CompiledRuleCondition, actions: readonly RuleAction[]): boolean {
  const fixed = finalTags(actions);
  if (fixed !== undefined) return condition.holdsFor?.(fixed) === false;
  const { operator, value } = condition.condition;
  const tags = listOf(value);
  switch (operator) {
    case 'includes':
      return tags.length > 0 && tags.every((tag) => tagPresence(tag, actions) === 'absent');
    case 'not_includes':
      return tags.some((tag) => tagPresence(tag, actions) === 'present');
    case 'absent':
    case 'not_present':
      return actions.some((a) => a.type === 'add_tags');
    case 'is':
      return (
        tags.some((tag) => tagPresence(tag, actions) === 'absent') ||
        actions.some((a) => a.type === 'add_tags' && a.tags.some((tag) => !tags.includes(tag)))
      );
    default:
      return false;
  }
}

/** The value the actions leave in `property` (the last one that sets it), or `none`. */
function finalValue(property: string, actions: readonly RuleAction[]): { value: unknown } | undefined {
  let result: { value: unknown } | undefined;
  for (const action of actions) {
    if (property === 'status' && action.type === 'set_status') result = { value: action.status };
    else if (property === 'priority' && action.type === 'set_priority') result = { value: action.priority };
    else if (property === 'assigneeId' && action.type === 'assign' && action.agentId !== undefined)
      result = { value: action.agentId ?? undefined };
    else if (property === 'groupId' && action.type === 'assign' && action.groupId !== undefined)
      result = { value: action.groupId ?? undefined };
    else if (action.type === 'set_field' && property === `fields.${action.key}`) result = { value: action.value };
  }
  return result;
}

const WRITES: ReadonlySet<RuleAction['type']> = new Set([
  'set_status',
  'set_priority',
  'assign',
  'set_field',
  'add_tags',
  'remove_tags',
  'set_tags',
  'comment',
]);

/** Whether the actions certainly make this condition false on a ticket where it held. */
function nullified(condition: CompiledRuleCondition, actions: readonly RuleAction[]): boolean {
  const { field, operator, value } = condition.condition;
  if (condition.kind === 'hours') {
    // `is N` holds for one hour at most, and the automation fires once while it holds.
    if (operator === 'is') return true;
    // Any write resets "hours since updated" to 0.
    const rising =
      operator === 'greater_than' || (operator === 'greater_or_equal' && typeof value === 'number' && value > 0);
    return field === 'hours_since.updated' && rising && actions.some((a) => WRITES.has(a.type));
  }
  if (condition.property === undefined || condition.holdsFor === undefined) return false;
  if (condition.property === 'tags') return tagsNullified(condition, actions);
  const final = finalValue(condition.property, actions);
  return final !== undefined && !condition.holdsFor(final.value);
}

/**
 * Whether an automation's actions make its conditions stop matching: one `all`
 * condition made false, or every `any` condition made false.
 *
 * @example
 * ```ts
 * // `tags not_includes reminded` + `add_tags reminded`: true
 * ```
 */
export function actionsNullify(conditions: CompiledRuleConditions, actions: readonly RuleAction[]): boolean {
  if (conditions.all.some((condition) => nullified(condition, actions))) return true;
  return conditions.any.length > 0 && conditions.any.every((condition) => nullified(condition, actions));
}
