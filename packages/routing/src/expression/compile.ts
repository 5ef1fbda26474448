import type { ComparisonOperator, ExpressionNode, ExpressionRoot, LogicalNode } from './ast.js';
import { rootsOf } from './ast.js';
import { formatExpression } from './format.js';
import { parseExpression, parseTrustedExpression } from './parse.js';
import { compare, contains, equals, has, isScalar, readOwn, type Scalar } from './semantics.js';

/** What an expression reads. Each root is read as an own, enumerable data property. */
export interface ExpressionContext {
  task?: unknown;
  agent?: unknown;
  time?: unknown;
}

/** A parsed and compiled routing expression. Immutable; `test` and `value` need no `this`. */
export interface CompiledExpression {
  /** The source text (canonical `formatExpression` output when compiled from an AST). */
  readonly source: string;
  /** The (deep-frozen) AST; its offsets index into `source`. */
  readonly ast: ExpressionNode;
  /** Roots the expression reads: subset of 'task' | 'agent' | 'time'. */
  readonly roots: ReadonlySet<ExpressionRoot>;
  /** Truthiness of the result. Never throws, whatever the context. */
  test(context: ExpressionContext): boolean;
  /** The raw result (for debugging and `explain()`): a path's value, a literal, or a boolean. Never throws. */
  value(context: ExpressionContext): unknown;
}

type Evaluate = (task: unknown, agent: unknown, time: unknown) => unknown;
type Test = (task: unknown, agent: unknown, time: unknown) => boolean;

interface Compiled {
  readonly value: Evaluate;
  readonly test: Test;
  /** Set when the node is a literal or a list: its value, known at compile time. */
  readonly constant?: { readonly value: unknown };
}

const alwaysFalse: Test = () => false;
const alwaysTrue: Test = () => true;

/**
 * Builds a reader for `root.segments…` from the three root values. The root is picked by a
 * branch on a closure constant and short paths are unrolled, to keep one call per path.
 */
function compilePath(root: ExpressionRoot, segments: readonly string[]): Evaluate {
  const r = root === 'task' ? 0 : root === 'agent' ? 1 : 2;
  const keys = segments.slice();
  const [k0 = '', k1 = '', k2 = ''] = keys;
  switch (keys.length) {
    case 0:
      return (t, a, m) => (r === 0 ? t : r === 1 ? a : m);
    case 1:
      return (t, a, m) => readOwn(r === 0 ? t : r === 1 ? a : m, k0);
    case 2:
      return (t, a, m) => readOwn(readOwn(r === 0 ? t : r === 1 ? a : m, k0), k1);
    case 3:
      return (t, a, m) => readOwn(readOwn(readOwn(r === 0 ? t : r === 1 ? a : m, k0), k1), k2);
    default:
      return (t, a, m) => {
        let current = r === 0 ? t : r === 1 ? a : m;
        for (let i = 0; i < keys.length && current !== undefined; i++) current = readOwn(current, keys[i] as string);
        return current;
      };
  }
}

function constant(value: unknown): Compiled {
  const truth = !!value;
  return { value: () => value, test: () => truth, constant: { value } };
}

function fromTest(test: Test): Compiled {
  return { value: test, test };
}

function compileNode(node: ExpressionNode): Compiled {
  switch (node.kind) {
    case 'literal':
      return constant(node.value);
    case 'list':
      return constant(Object.freeze(node.items.map((item) => item.value)));
    case 'path': {
      const value = compilePath(node.root, node.segments);
      return { value, test: (t, a, m) => !!value(t, a, m) };
    }
    case 'not': {
      const operand = compileNode(node.operand).test;
      return fromTest((t, a, m) => !operand(t, a, m));
    }
    case 'and':
    case 'or':
      return fromTest(compileLogical(node));
    case 'comparison':
      return fromTest(compileComparison(node.operator, compileNode(node.left), compileNode(node.right)));
  }
}

function compileLogical(node: LogicalNode): Test {
  const tests = node.operands.map((operand) => compileNode(operand).test);
  const [t0, t1, t2] = tests as [Test, Test, Test | undefined];
  if (node.kind === 'and') {
    if (tests.length === 2) return (t, a, m) => t0(t, a, m) && t1(t, a, m);
    if (tests.length === 3 && t2) return (t, a, m) => t0(t, a, m) && t1(t, a, m) && t2(t, a, m);
    return (t, a, m) => {
      for (let i = 0; i < tests.length; i++) if (!(tests[i] as Test)(t, a, m)) return false;
      return true;
    };
  }
  if (tests.length === 2) return (t, a, m) => t0(t, a, m) || t1(t, a, m);
  if (tests.length === 3 && t2) return (t, a, m) => t0(t, a, m) || t1(t, a, m) || t2(t, a, m);
  return (t, a, m) => {
    for (let i = 0; i < tests.length; i++) if ((tests[i] as Test)(t, a, m)) return true;
    return false;
  };
}

function negate(test: Test): Test {
  return (t, a, m) => !test(t, a, m);
}

function compileComparison(operator: ComparisonOperator, left: Compiled, right: Compiled): Test {
  switch (operator) {
    case '==':
      return compileEquals(left, right, false);
    case '!=':
      return compileEquals(left, right, true);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compileOrdering(operator, left, right);
    case 'HAS':
      return compileHas(left, right);
    case 'IN':
      return compileHas(right, left);
    case 'CONTAINS': {
      const l = left.value;
      const r = right.value;
      return (t, a, m) => contains(l(t, a, m), r(t, a, m));
    }
    case 'NOT HAS':
      return negate(compileHas(left, right));
    case 'NOT IN':
      return negate(compileHas(right, left));
    case 'NOT CONTAINS': {
      const l = left.value;
      const r = right.value;
      return (t, a, m) => !contains(l(t, a, m), r(t, a, m));
    }
  }
}

/** `==`, or its exact negation `!=`. */
function compileEquals(left: Compiled, right: Compiled, negated: boolean): Test {
  // Against a scalar constant, `===` is exactly `equals` (a missing value is `undefined`).
  const fixed = right.constant ?? left.constant;
  const other = right.constant ? left.value : right.value;
  if (fixed !== undefined) {
    if (!isScalar(fixed.value)) return negated ? alwaysTrue : alwaysFalse;
    const c = fixed.value;
    return negated ? (t, a, m) => other(t, a, m) !== c : (t, a, m) => other(t, a, m) === c;
  }
  const l = left.value;
  const r = right.value;
  return negated ? (t, a, m) => !equals(l(t, a, m), r(t, a, m)) : (t, a, m) => equals(l(t, a, m), r(t, a, m));
}

function compileOrdering(operator: '<' | '<=' | '>' | '>=', left: Compiled, right: Compiled): Test {
  const l = left.value;
  const r = right.value;
  const c = right.constant?.value;
  if (right.constant !== undefined && left.constant === undefined) {
    if (typeof c !== 'number' && typeof c !== 'string') return alwaysFalse;
    const type = typeof c;
    switch (operator) {
      case '<':
        return (t, a, m) => {
          const v = l(t, a, m);
          return typeof v === type && (v as number) < (c as number);
        };
      case '<=':
        return (t, a, m) => {
          const v = l(t, a, m);
          return typeof v === type && (v as number) <= (c as number);
        };
      case '>':
        return (t, a, m) => {
          const v = l(t, a, m);
          return typeof v === type && (v as number) > (c as number);
        };
      case '>=':
        return (t, a, m) => {
          const v = l(t, a, m);
          return typeof v === type && (v as number) >= (c as number);
        };
    }
  }
  return (t, a, m) => compare(operator, l(t, a, m), r(t, a, m));
}

/** Lists up to this size are scanned; longer ones are looked up in a `Set`. */
const LINEAR_LIST_MAX = 8;

function compileHas(container: Compiled, item: Compiled): Test {
  const c = container.value;
  const i = item.value;
  const list = container.constant?.value;
  if (Array.isArray(list) && item.constant === undefined) {
    // A list literal: its items are scalars, so membership is SameValueZero on scalars,
    // which equals `equals` because literals are never NaN.
    const items = list as readonly Scalar[];
    if (items.length === 0) return alwaysFalse;
    if (items.length <= LINEAR_LIST_MAX) {
      return (t, a, m) => {
        const v = i(t, a, m);
        for (let k = 0; k < items.length; k++) if (items[k] === v) return true;
        return false;
      };
    }
    const set = new Set<unknown>(items);
    return (t, a, m) => set.has(i(t, a, m));
  }
  if (item.constant !== undefined) {
    // `agent.skills HAS 'billing'`: the item is known, only the container is read.
    const fixed = item.constant.value;
    if (!isScalar(fixed)) return alwaysFalse;
    return (t, a, m) => has(c(t, a, m), fixed);
  }
  return (t, a, m) => has(c(t, a, m), i(t, a, m));
}

function deepFreeze<T>(node: T): T {
  if (typeof node === 'object' && node !== null && !Object.isFrozen(node)) {
    Object.freeze(node);
    for (const value of Object.values(node)) deepFreeze(value);
  }
  return node;
}

/** Compiles a trusted, already parsed AST whose offsets index into `source`. */
function build(source: string, ast: ExpressionNode): CompiledExpression {
  const roots = rootsOf(ast);
  const usesTask = roots.includes('task');
  const usesAgent = roots.includes('agent');
  const usesTime = roots.includes('time');
  const compiled = compileNode(ast);
  const rawTest = compiled.test;
  const rawValue = compiled.value;
  const test = (context: ExpressionContext): boolean => {
    try {
      return rawTest(
        usesTask ? readOwn(context, 'task') : undefined,
        usesAgent ? readOwn(context, 'agent') : undefined,
        usesTime ? readOwn(context, 'time') : undefined,
      );
    } catch {
      return false;
    }
  };
  const value = (context: ExpressionContext): unknown => {
    try {
      return rawValue(
        usesTask ? readOwn(context, 'task') : undefined,
        usesAgent ? readOwn(context, 'agent') : undefined,
        usesTime ? readOwn(context, 'time') : undefined,
      );
    } catch {
      return undefined;
    }
  };
  return Object.freeze({ source, ast: deepFreeze(ast), roots: new Set(roots), test, value });
}

/**
 * Parses (if needed) and compiles an expression into closures. Compile once, evaluate
 * many times: paths are pre-split, constants and list literals are prepared at compile
 * time (long lists become a `Set`), and `test` allocates nothing of its own (only the
 * short-lived property descriptors of the safe reads).
 *
 * Semantics, in short (see `src/expression/README.md`): a missing path is `undefined`;
 * `==` needs both sides to be scalars of the same type (so a missing value equals nothing,
 * not even `null`) and `!=` is its exact negation (a missing value is "not equal");
 * `< <= > >=` compare numbers with numbers and strings with strings, anything else is
 * false; `HAS`/`IN` test array membership or object keys; `CONTAINS` tests substrings;
 * `AND`/`OR`/`NOT` and bare values use truthiness.
 *
 * From an AST, `source` is its canonical text ({@link formatExpression}) and the AST is
 * validated and re-parsed (without the length limit, the other limits apply).
 *
 * @throws {ExpressionSyntaxError} if a source does not parse;
 *   {ValidationError} if an AST is malformed.
 * @example
 * ```ts
 * const expr = compileExpression("task.language IN agent.languages AND agent.skills.billing >= 3");
 * expr.test({ task: { language: 'en' }, agent: { languages: ['en'], skills: { billing: 4 } } }); // true
 * expr.roots; // Set { 'task', 'agent' }
 * ```
 */
export function compileExpression(source: string | ExpressionNode): CompiledExpression {
  if (typeof source === 'string') return build(source, parseExpression(source));
  const text = formatExpression(source);
  return build(text, parseTrustedExpression(text));
}

function conjuncts(node: ExpressionNode, out: ExpressionNode[]): void {
  if (node.kind === 'and') for (const operand of node.operands) conjuncts(operand, out);
  else out.push(node);
}

function conjunction(nodes: readonly ExpressionNode[]): ExpressionNode {
  const [first] = nodes;
  if (nodes.length === 1 && first !== undefined) return first;
  return { kind: 'and', operands: nodes, start: 0, end: 0 };
}

/**
 * Splits top-level AND conjuncts into those reading only `agent` (and literals) and the rest.
 * Nested `AND`s are flattened first. A missing part means "always true", so for every
 * context `whole.test(ctx) === ((agentOnly?.test(ctx) ?? true) && (rest?.test(ctx) ?? true))`.
 * When nothing needs splitting, the one present part is `expr` itself.
 *
 * The engine can evaluate `agentOnly` once per agent (and index or cache it), and `rest`
 * per task–agent pair.
 *
 * @example
 * ```ts
 * const { agentOnly, rest } = splitByRoots(
 *   compileExpression("agent.skills HAS 'billing' AND task.language IN agent.languages AND agent.level > 2"),
 * );
 * agentOnly?.source; // "agent.skills HAS 'billing' AND agent.level > 2"
 * rest?.source; // "task.language IN agent.languages"
 * ```
 */
export function splitByRoots(expr: CompiledExpression): { agentOnly?: CompiledExpression; rest?: CompiledExpression } {
  const parts: ExpressionNode[] = [];
  conjuncts(expr.ast, parts);
  const agentOnly: ExpressionNode[] = [];
  const rest: ExpressionNode[] = [];
  for (const part of parts) {
    if (rootsOf(part).every((root) => root === 'agent')) agentOnly.push(part);
    else rest.push(part);
  }
  if (rest.length === 0) return { agentOnly: expr };
  if (agentOnly.length === 0) return { rest: expr };
  return { agentOnly: compileExpression(conjunction(agentOnly)), rest: compileExpression(conjunction(rest)) };
}
