import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COMPARISON_OPERATORS,
  type ComparisonOperator,
  type ExpressionNode,
  type ExpressionRoot,
  type LiteralNode,
  type LiteralValue,
} from './ast.js';
import { compileExpression, type ExpressionContext, splitByRoots } from './compile.js';
import { ExpressionSyntaxError } from './errors.js';
import { formatExpression } from './format.js';
import { EXPRESSION_LIMITS } from './limits.js';
import { parseExpression } from './parse.js';

// ---- helpers ------------------------------------------------------------------------------

function stripOffsets(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripOffsets);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) if (key !== 'start' && key !== 'end') out[key] = stripOffsets(value);
  return out;
}

function countNodes(node: ExpressionNode): number {
  switch (node.kind) {
    case 'path':
    case 'literal':
      return 1;
    case 'list':
      return 1 + node.items.length;
    case 'not':
      return 1 + countNodes(node.operand);
    case 'comparison':
      return 1 + countNodes(node.left) + countNodes(node.right);
    case 'and':
    case 'or':
      return node.operands.reduce((sum, operand) => sum + countNodes(operand), 1);
  }
}

// ---- arbitraries --------------------------------------------------------------------------

const at = { start: 0, end: 0 };

/** Keys of random contexts (and pooled paths): few, so that paths usually hit something. */
const KEYS = ['a', 'b', 'c'] as const;
/** Rarer keys, to exercise quoted and index segments and keyword names. */
const RARE_KEYS = ['x-sku', '0', '1', 'in'] as const;
/** Strings of random contexts and pooled literals: few, so that comparisons are often true. */
const STRINGS = ['', 'a', 'ab'] as const;

const key = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...KEYS) },
  { weight: 1, arbitrary: fc.constantFrom(...RARE_KEYS) },
);
const pooledScalar: fc.Arbitrary<LiteralValue> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...STRINGS) },
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 0.5, -0) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

interface ExprArbOptions {
  /** Literal values (and segments) from small pools, to make semantics interesting. */
  pooled: boolean;
  roots: readonly ExpressionRoot[];
}

function literalValue(pooled: boolean): fc.Arbitrary<LiteralValue> {
  if (pooled) return pooledScalar;
  return fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary', maxLength: 8 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );
}

function exprArb({ pooled, roots }: ExprArbOptions): fc.Arbitrary<ExpressionNode> {
  const literal: fc.Arbitrary<LiteralNode> = literalValue(pooled).map((value) => ({ kind: 'literal', value, ...at }));
  const segment = pooled
    ? key
    : fc.oneof(
        fc.constantFrom(...KEYS, ...RARE_KEYS, 'constructor', '__proto__', 'NOT', 'x y', "it's", '12'),
        fc.string(),
      );
  const segments = pooled
    ? fc.oneof(
        { weight: 1, arbitrary: fc.constant([]) },
        { weight: 6, arbitrary: fc.tuple(segment) },
        { weight: 2, arbitrary: fc.tuple(segment, segment) },
      )
    : fc.array(segment, { maxLength: 3 });
  const path = fc
    .record({ root: fc.constantFrom(...roots), segments })
    .map(({ root, segments }): ExpressionNode => ({ kind: 'path', root, segments, ...at }));
  const list = fc.array(literal, { maxLength: 4 }).map((items): ExpressionNode => ({ kind: 'list', items, ...at }));
  const operator = fc.constantFrom<ComparisonOperator>(...COMPARISON_OPERATORS);
  const { node } = fc.letrec<{ node: ExpressionNode; operand: ExpressionNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      path,
      literal,
      list,
      tie('operand').map((operand): ExpressionNode => ({ kind: 'not', operand, ...at })),
      fc
        .record({ left: tie('operand'), operator, right: tie('operand') })
        .map((c): ExpressionNode => ({ kind: 'comparison', ...c, ...at })),
      fc
        .record({ kind: fc.constantFrom('and', 'or'), operands: fc.array(tie('node'), { minLength: 2, maxLength: 3 }) })
        .map((l): ExpressionNode => ({ kind: l.kind as 'and' | 'or', operands: l.operands, ...at })),
    ),
    // Comparison operands lean towards values, as in real expressions.
    operand: fc.oneof(
      { depthSize: 'small' },
      { weight: 4, arbitrary: path },
      { weight: 2, arbitrary: literal },
      { weight: 1, arbitrary: list },
      { weight: 1, arbitrary: tie('node') },
    ),
  }));
  return node.filter((ast) => countNodes(ast) <= EXPRESSION_LIMITS.maxNodes);
}

/** JSON-like data built from the pools, with the occasional deeper object or array. */
const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: pooledScalar },
    { weight: 2, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(key, tie('value'), { maxKeys: 4 }) },
  ),
})).value;

const rootValue = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record(
      { a: jsonValue, b: jsonValue, c: jsonValue, 'x-sku': jsonValue, '0': jsonValue, in: jsonValue },
      { requiredKeys: ['a', 'b'] },
    ),
  },
  { weight: 1, arbitrary: jsonValue },
);

const contextArb: fc.Arbitrary<ExpressionContext> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ task: rootValue, agent: rootValue, time: rootValue }) },
  { weight: 1, arbitrary: fc.record({ task: rootValue, agent: rootValue, time: rootValue }, { requiredKeys: [] }) },
);

// ---- reference interpreter ------------------------------------------------------------------

/** A deliberately naive interpreter of the documented semantics, for plain JSON contexts. */
function reference(node: ExpressionNode, context: ExpressionContext): unknown {
  const get = (target: unknown, key: string): unknown =>
    typeof target === 'object' && target !== null && Object.hasOwn(target, key)
      ? (target as Record<string, unknown>)[key]
      : undefined;
  const truthy = (value: unknown) => Boolean(value);
  const scalarTypes = ['string', 'number', 'boolean'];
  const eq = (l: unknown, r: unknown) =>
    (l === null && r === null) || (scalarTypes.includes(typeof l) && typeof l === typeof r && l === r);
  const ordered = (l: unknown, r: unknown) =>
    (typeof l === 'number' && typeof r === 'number') || (typeof l === 'string' && typeof r === 'string');
  const has = (container: unknown, item: unknown): boolean => {
    if (Array.isArray(container)) return container.slice(0, EXPRESSION_LIMITS.maxArrayScan).some((e) => eq(e, item));
    if (typeof container === 'object' && container !== null && typeof item === 'string') {
      return get(container, item) !== undefined;
    }
    return false;
  };
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'list':
      return node.items.map((item) => item.value);
    case 'path':
      return node.segments.reduce<unknown>((value, key) => get(value, key), get(context, node.root));
    case 'not':
      return !truthy(reference(node.operand, context));
    case 'and':
      return node.operands.every((operand) => truthy(reference(operand, context)));
    case 'or':
      return node.operands.some((operand) => truthy(reference(operand, context)));
    case 'comparison': {
      const l = reference(node.left, context);
      const r = reference(node.right, context);
      switch (node.operator) {
        case '==':
          return eq(l, r);
        case '!=':
          return !eq(l, r);
        case '<':
          return ordered(l, r) && (l as number) < (r as number);
        case '<=':
          return ordered(l, r) && (l as number) <= (r as number);
        case '>':
          return ordered(l, r) && (l as number) > (r as number);
        case '>=':
          return ordered(l, r) && (l as number) >= (r as number);
        case 'HAS':
          return has(l, r);
        case 'IN':
          return has(r, l);
        case 'CONTAINS':
          return typeof l === 'string' && typeof r === 'string' && l.includes(r);
        case 'NOT HAS':
          return !has(l, r);
        case 'NOT IN':
          return !has(r, l);
        case 'NOT CONTAINS':
          return !(typeof l === 'string' && typeof r === 'string' && l.includes(r));
      }
    }
  }
}

// ---- properties -----------------------------------------------------------------------------

const ALL_ROOTS: readonly ExpressionRoot[] = ['task', 'agent', 'time'];

describe('expression properties', { timeout: 60_000 }, () => {
  it('(1) formatExpression then parseExpression gives back the AST (modulo offsets)', () => {
    fc.assert(
      fc.property(exprArb({ pooled: false, roots: ALL_ROOTS }), (ast) => {
        const printed = formatExpression(ast);
        const reparsed = parseExpression(printed);
        expect(stripOffsets(reparsed)).toEqual(stripOffsets(ast));
        // Canonical: printing again gives the same text, and offsets index the text.
        expect(formatExpression(reparsed)).toBe(printed);
        expect(reparsed.start).toBeGreaterThanOrEqual(0);
        expect(reparsed.end).toBeLessThanOrEqual(printed.length);
      }),
      { numRuns: 500 },
    );
  });

  it('(2) compiled closures agree with the reference interpreter', () => {
    fc.assert(
      fc.property(
        exprArb({ pooled: true, roots: ALL_ROOTS }),
        fc.array(contextArb, { minLength: 1, maxLength: 5 }),
        (ast, contexts) => {
          const fromSource = compileExpression(formatExpression(ast));
          const fromAst = compileExpression(ast);
          for (const context of contexts) {
            const expected = reference(ast, context);
            expect(fromSource.test(context)).toBe(Boolean(expected));
            expect(fromAst.test(context)).toBe(Boolean(expected));
            expect(fromSource.value(context)).toEqual(expected);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('(2b) every operator agrees with the reference on a dense grid of values', () => {
    // Few values, so equal, ordered, contained and member cases all come up often.
    const values = fc.constantFrom<unknown>(
      'a',
      'b',
      'ab',
      '',
      0,
      1,
      -0,
      0.5,
      true,
      false,
      null,
      undefined,
      ['a', 1],
      ['ab', null, true],
      [],
      { a: 1, ab: 0 },
      {},
    );
    /** The value as a literal or list node, if it can be written as one. */
    const asNode = (value: unknown): ExpressionNode | undefined => {
      if (value === undefined) return undefined;
      if (Array.isArray(value)) {
        return { kind: 'list', items: value.map((v) => ({ kind: 'literal', value: v as LiteralValue, ...at })), ...at };
      }
      if (typeof value === 'object' && value !== null) return undefined;
      return { kind: 'literal', value: value as LiteralValue, ...at };
    };
    const pathTo = (key: string): ExpressionNode => ({ kind: 'path', root: 'task', segments: [key], ...at });
    fc.assert(
      fc.property(values, values, fc.constantFrom<ComparisonOperator>(...COMPARISON_OPERATORS), (l, r, operator) => {
        const task: Record<string, unknown> = {};
        if (l !== undefined) task.l = l;
        if (r !== undefined) task.r = r;
        const context = { task };
        const lefts = [pathTo('l'), asNode(l)];
        const rights = [pathTo('r'), asNode(r)];
        for (const left of lefts) {
          for (const right of rights) {
            if (left === undefined || right === undefined) continue;
            const ast: ExpressionNode = { kind: 'comparison', operator, left, right, ...at };
            const expected = reference(ast, context);
            const expr = compileExpression(ast);
            expect(expr.test(context), expr.source).toBe(expected);
            expect(compileExpression({ kind: 'not', operand: ast, ...at }).test(context)).toBe(!expected);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('(3a) random strings never throw anything but ExpressionSyntaxError, and never hang', () => {
    const pieces = fc.constantFrom(
      'task',
      'agent',
      'time',
      'foo',
      '.',
      'x',
      '(',
      ')',
      '[',
      ']',
      ',',
      "'",
      '"',
      '\\',
      '\\u',
      '{',
      '}',
      '==',
      '=',
      '!',
      '!=',
      '<',
      '>=',
      'AND',
      'or',
      'NOT',
      'in',
      'HAS',
      'contains',
      '1',
      '-',
      '1.5e3',
      '1e999',
      ' ',
      '\n',
      '\t',
      'true',
      'null',
      '&&',
      '||',
      '&',
      '|',
      '@',
      'é',
      '\u0000',
      '\ud800',
    );
    const inputs = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.array(pieces, { maxLength: 60 }).map((parts) => parts.join('')),
      fc.array(pieces, { maxLength: 60 }).map((parts) => parts.join(' ')),
    );
    fc.assert(
      fc.property(inputs, fc.array(contextArb, { maxLength: 2 }), (source, contexts) => {
        checkTotal(source, contexts);
      }),
      { numRuns: 3000 },
    );
  });

  it('(3b) mutated valid expressions never throw anything but ExpressionSyntaxError', () => {
    const mutation = fc.record({
      at: fc.nat(),
      remove: fc.nat({ max: 4 }),
      insert: fc.oneof(
        fc.constantFrom('', '(', ')', "'", '[', ',', '=', '!', 'AND ', ' NOT', '.', '\\', '-'),
        fc.string(),
      ),
    });
    fc.assert(
      fc.property(
        exprArb({ pooled: false, roots: ALL_ROOTS }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        contextArb,
        (ast, mutations, context) => {
          let source = formatExpression(ast);
          for (const m of mutations) {
            const index = source.length === 0 ? 0 : m.at % (source.length + 1);
            source = source.slice(0, index) + m.insert + source.slice(index + m.remove);
          }
          checkTotal(source, [context]);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('(4) splitByRoots: agentOnly && rest === whole', () => {
    const conjunct = fc.oneof(
      exprArb({ pooled: true, roots: ['agent'] }),
      exprArb({ pooled: true, roots: ['task', 'time'] }),
      exprArb({ pooled: true, roots: ALL_ROOTS }),
    );
    const conjunction = fc
      .array(conjunct, { minLength: 1, maxLength: 5 })
      .map(
        (operands): ExpressionNode =>
          operands.length === 1 ? (operands[0] as ExpressionNode) : { kind: 'and', operands, ...at },
      )
      .filter((ast) => countNodes(ast) <= EXPRESSION_LIMITS.maxNodes);
    fc.assert(
      fc.property(conjunction, fc.array(contextArb, { minLength: 1, maxLength: 5 }), (ast, contexts) => {
        const whole = compileExpression(ast);
        const { agentOnly, rest } = splitByRoots(whole);
        expect(agentOnly !== undefined || rest !== undefined).toBe(true);
        if (agentOnly) for (const root of agentOnly.roots) expect(root).toBe('agent');
        if (agentOnly && rest) expect(rest.roots.has('task') || rest.roots.has('time')).toBe(true);
        for (const context of contexts) {
          const split = (agentOnly?.test(context) ?? true) && (rest?.test(context) ?? true);
          expect(split).toBe(whole.test(context));
        }
      }),
      { numRuns: 1000 },
    );
  });
});

/** Parses `source`; on success compiles and evaluates it, on failure checks the error. */
function checkTotal(source: string, contexts: readonly ExpressionContext[]): void {
  const started = performance.now();
  let ast: ExpressionNode | undefined;
  try {
    ast = parseExpression(source);
  } catch (err) {
    if (!(err instanceof ExpressionSyntaxError)) throw err;
    const { position, line, column, excerpt } = err.syntax;
    expect(position).toBeGreaterThanOrEqual(0);
    expect(position).toBeLessThanOrEqual(source.length);
    const before = source.slice(0, position);
    expect(line).toBe(before.split('\n').length);
    expect(column).toBe(position - (before.lastIndexOf('\n') + 1) + 1);
    expect(excerpt).toMatch(/\n[\t ]*\^$/);
    expect(err.code).toBe('VALIDATION_FAILED');
  }
  if (ast !== undefined) {
    const expr = compileExpression(source);
    expect(stripOffsets(parseExpression(formatExpression(ast)))).toEqual(stripOffsets(ast));
    for (const context of [{}, ...contexts]) {
      expect(typeof expr.test(context)).toBe('boolean');
      expr.value(context);
    }
  }
  // Generous: this catches hangs and blow-ups, not ordinary GC pauses on a busy machine.
  expect(performance.now() - started).toBeLessThan(2000);
}
