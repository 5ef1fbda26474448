/**
 * The bench baseline: rule conditions interpreted straight from their JSON on every
 * evaluation, as a first implementation would do it (parse the field name, look the value
 * up, fold and split texts, scan arrays), with no compilation and no per-update cache.
 */
import type { RuleCondition, RuleConditionSet } from '../src/conditions/rule-condition-schema.js';
import type { ConditionUpdate } from '../src/conditions/scope.js';
import type { Ticket } from '../src/model/ticket.js';

const RANKS: Record<string, readonly string[]> = {
  status: ['new', 'open', 'pending', 'on_hold', 'solved', 'closed', 'merged'],
  priority: ['low', 'normal', 'high', 'urgent'],
};

function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .toLowerCase();
}

function words(text: string): string {
  const tokens = fold(text).match(/[\p{Script=Han}]|(?:(?![\p{Script=Han}])[\p{L}\p{N}])+/gu) ?? [];
  return ` ${tokens.join(' ')} `;
}

function read(field: string, ticket: Ticket, update: ConditionUpdate): unknown {
  const parts = field.split('.');
  const [head, second] = parts;
  if (head === 'fields') return ticket.fields[second as string];
  if (head === 'update') return update.type;
  if (head === 'actor') return (update.actor as Record<string, unknown>)[second as string];
  if (head === 'comment') return (update.comment as Record<string, unknown> | undefined)?.[second as string];
  if (head === 'source') return ticket.source.kind;
  if (head === 'csat') return ticket.csat?.rating;
  return (ticket as unknown as Record<string, unknown>)[head as string];
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value as string[];
  return String(value)
    .split(/[\s,]+/)
    .filter((word) => word.length > 0);
}

function test(condition: RuleCondition, ticket: Ticket, update: ConditionUpdate): boolean {
  const { field, operator, value } = condition;
  const property = field.startsWith('changed.') ? field.slice(8) : field;
  if (
    operator === 'changed' ||
    operator === 'changed_to' ||
    operator === 'changed_from' ||
    operator === 'not_changed'
  ) {
    const change = update.changes.find((c) => c.property === property);
    if (operator === 'changed') return change !== undefined;
    if (operator === 'not_changed') return change === undefined;
    return change !== undefined && (operator === 'changed_to' ? change.to : change.from) === value;
  }
  const actual = read(field, ticket, update);
  switch (operator) {
    case 'is':
      return actual === value;
    case 'is_not':
      return actual !== value;
    case 'present':
      return (
        actual !== undefined && actual !== null && actual !== '' && !(Array.isArray(actual) && actual.length === 0)
      );
    case 'not_present':
    case 'absent':
      return !test({ field, operator: 'present' }, ticket, update);
    case 'includes':
    case 'not_includes': {
      let found = false;
      if (Array.isArray(actual)) found = list(value).some((item) => actual.includes(item));
      else if (typeof actual === 'string') found = list(value).some((word) => words(actual).includes(words(word)));
      return operator === 'includes' ? found : !found;
    }
    case 'contains':
      return typeof actual === 'string' && fold(actual).includes(fold(String(value)));
    case 'not_contains':
      return !(typeof actual === 'string' && fold(actual).includes(fold(String(value))));
    default: {
      const ranks = RANKS[field];
      const a = ranks ? ranks.indexOf(actual as string) : (actual as number);
      const b = ranks ? ranks.indexOf(value as string) : (value as number);
      if (typeof a !== 'number' || typeof b !== 'number' || a < 0 || b < 0) return false;
      if (operator === 'less_than') return a < b;
      if (operator === 'greater_than') return a > b;
      if (operator === 'less_or_equal') return a <= b;
      return a >= b;
    }
  }
}

/** Evaluates a condition set by interpreting its JSON. */
export function naiveMatches(set: RuleConditionSet, ticket: Ticket, update: ConditionUpdate): boolean {
  for (const condition of set.all ?? []) if (!test(condition, ticket, update)) return false;
  const any = set.any ?? [];
  return any.length === 0 || any.some((condition) => test(condition, ticket, update));
}
