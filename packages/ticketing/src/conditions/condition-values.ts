import type { FieldSpec } from './condition-fields.js';
import type { RuleConditionOperator } from './rule-condition-schema.js';
import type { ConditionScope } from './scope.js';
import { foldCase, phraseKey, splitPhrases } from './text-match.js';

// Builds the value test of one condition: a closure over pre-folded values, checked once
// here (values of the wrong type or outside an enum are reported, never evaluated).

/** Whether a field value satisfies a condition. Total: never throws. */
export type ValueTest = (value: unknown, scope: ConditionScope) => boolean;

/** Reports a problem with the condition's value. */
export type Fail = (message: string) => undefined;

/** Not set: `undefined`, `null`, `''` or `[]` (the meaning of `present` / `absent`). */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

const PRESENCE = ['present', 'absent', 'not_present'] as const;
const EQUALITY = ['is', 'is_not', ...PRESENCE] as const;
const WORDS = ['includes', 'not_includes'] as const;
const SUBSTRING = ['contains', 'not_contains'] as const;
const ORDER = ['less_than', 'greater_than', 'less_or_equal', 'greater_or_equal'] as const;

/** Operators that make sense per field kind (the change operators are checked apart). */
export const OPERATORS_BY_KIND: Readonly<Record<FieldSpec['kind'], ReadonlySet<RuleConditionOperator>>> = {
  enum: new Set(EQUALITY),
  id: new Set(EQUALITY),
  text: new Set([...EQUALITY, ...WORDS, ...SUBSTRING]),
  tags: new Set([...EQUALITY, ...WORDS]),
  boolean: new Set(['is', 'is_not']),
  field: new Set([...EQUALITY, ...WORDS, ...SUBSTRING, ...ORDER]),
  hours: new Set([...EQUALITY, ...ORDER]),
};

/** The ordering operators. */
export const ORDERING: ReadonlySet<RuleConditionOperator> = new Set(ORDER);

function sameSet(actual: readonly unknown[], wanted: ReadonlySet<unknown>): boolean {
  if (actual.length !== wanted.size) return false;
  for (const item of actual) if (!wanted.has(item)) return false;
  return true;
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  return undefined;
}

/** `is`: the value equals (text: folded; arrays: as a set; `null`: not present). */
export function equalsTest(spec: FieldSpec, value: unknown, fail: Fail): ValueTest | undefined {
  if (value === null && spec.kind !== 'boolean' && spec.kind !== 'hours') return isBlank;
  switch (spec.kind) {
    case 'enum':
      if (typeof value !== 'string' || !spec.values?.includes(value))
        return fail(`must be one of ${(spec.values ?? []).join(', ')}`);
      return (v) => v === value;
    case 'id':
      if (typeof value !== 'string' || value.length === 0) return fail('must be an id');
      return (v) => v === value;
    case 'text': {
      if (typeof value !== 'string') return fail('must be a string');
      const wanted = foldCase(value).trim();
      return (v, s) => typeof v === 'string' && s.text(v).folded.trim() === wanted;
    }
    case 'tags': {
      const tags = stringList(value);
      if (tags === undefined) return fail('must be a tag or a list of tags');
      const wanted = new Set(tags);
      return (v) => Array.isArray(v) && sameSet(v, wanted);
    }
    case 'boolean':
      if (typeof value !== 'boolean') return fail('must be true or false');
      return (v) => v === value;
    case 'hours':
      if (typeof value !== 'number' || value < 0) return fail('must be a number of hours (>= 0)');
      return (v) => typeof v === 'number' && Math.floor(v) === value;
    case 'field': {
      if (Array.isArray(value)) {
        const wanted = new Set(value);
        return (v) => Array.isArray(v) && sameSet(v, wanted);
      }
      const single = new Set([value]);
      return (v) => (Array.isArray(v) ? sameSet(v, single) : (v ?? null) === value);
    }
  }
}

/** `includes`: any of the words / phrases (text), any of the tags or array items. */
export function includesTest(spec: FieldSpec, value: unknown, fail: Fail): ValueTest | undefined {
  const list = typeof value === 'string' || Array.isArray(value) ? splitPhrases(value as string | string[]) : undefined;
  if (list === undefined || list.length === 0) return fail('must be a non-empty word, phrase or list');
  if (spec.kind === 'tags') {
    return (v, s) => {
      if (!Array.isArray(v)) return false;
      // Short lists (the usual ticket) are scanned; a long one is indexed once per scope.
      if (v.length <= 32 || v !== s.ticket.tags) {
        for (let i = 0; i < list.length; i++) if (v.includes(list[i])) return true;
        return false;
      }
      const tags = s.tags();
      for (let i = 0; i < list.length; i++) if (tags.has(list[i] as string)) return true;
      return false;
    };
  }
  const keys: string[] = [];
  for (const phrase of list) {
    const key = phraseKey(phrase);
    if (key === undefined) return fail(`'${phrase}' has no letters or digits`);
    keys.push(key);
  }
  return (v, s) => {
    if (typeof v === 'string') {
      const padded = s.text(v).padded;
      for (const key of keys) if (padded.includes(key)) return true;
      return false;
    }
    if (Array.isArray(v)) {
      for (const item of list) if (v.includes(item)) return true;
    }
    return false;
  };
}

/** `contains`: a case- and accent-insensitive substring. */
export function containsTest(value: unknown, fail: Fail): ValueTest | undefined {
  if (typeof value !== 'string' || value.length === 0) return fail('must be a non-empty string');
  const wanted = foldCase(value);
  return (v, s) => {
    if (typeof v === 'string') return s.text(v).folded.includes(wanted);
    if (Array.isArray(v)) return v.some((item) => typeof item === 'string' && foldCase(item).includes(wanted));
    return false;
  };
}

function compareBy(operator: RuleConditionOperator): (difference: number) => boolean {
  switch (operator) {
    case 'less_than':
      return (d) => d < 0;
    case 'less_or_equal':
      return (d) => d <= 0;
    case 'greater_than':
      return (d) => d > 0;
    default:
      return (d) => d >= 0;
  }
}

/** `less_than` and friends: enum rank, hours, or a field's number / string (ISO dates sort as strings). */
export function orderTest(
  spec: FieldSpec,
  operator: RuleConditionOperator,
  value: unknown,
  fail: Fail,
): ValueTest | undefined {
  const holds = compareBy(operator);
  if (spec.kind === 'enum') {
    const ranks = spec.values ?? [];
    const rank = typeof value === 'string' ? ranks.indexOf(value) : -1;
    if (rank < 0) return fail(`must be one of ${ranks.join(', ')}`);
    return (v) => {
      const own = ranks.indexOf(v as string);
      return own >= 0 && holds(own - rank);
    };
  }
  if (typeof value === 'number') return (v) => typeof v === 'number' && holds(v - value);
  if (spec.kind === 'field' && typeof value === 'string')
    return (v) => typeof v === 'string' && holds(v < value ? -1 : v > value ? 1 : 0);
  return fail(spec.kind === 'hours' ? 'must be a number of hours' : 'must be a number or a string');
}

/** The change operators `changed_to` / `changed_from`: the new / old value `is` the value (tags: was added / removed). */
export function changeSideTest(
  spec: FieldSpec,
  side: 'from' | 'to',
  value: unknown,
  fail: Fail,
): ((scope: ConditionScope) => boolean) | undefined {
  const property = spec.property as string;
  if (spec.kind === 'tags') {
    if (typeof value !== 'string' || value.length === 0) return fail('must be one tag');
    return (s) => {
      const change = s.change(property);
      if (change === undefined) return false;
      const had = Array.isArray(change.from) && change.from.includes(value);
      const has = Array.isArray(change.to) && change.to.includes(value);
      return side === 'to' ? has && !had : had && !has;
    };
  }
  const test = equalsTest(spec, value, fail);
  if (test === undefined) return undefined;
  const project = spec.project ?? ((v: unknown) => v);
  return (s) => {
    const change = s.change(property);
    return change !== undefined && test(project(side === 'to' ? change.to : change.from), s);
  };
}
