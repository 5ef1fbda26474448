import { isHotlineError, ValidationError } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import type { ComparisonNode, ExpressionNode, ListNode, LogicalNode } from './ast.js';
import { rootsOf } from './ast.js';
import { ExpressionSyntaxError } from './errors.js';
import { formatExpression } from './format.js';
import { EXPRESSION_LIMITS } from './limits.js';
import { parseExpression } from './parse.js';
import { tokenize } from './tokens.js';

function stripOffsets(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripOffsets);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) if (key !== 'start' && key !== 'end') out[key] = stripOffsets(value);
  return out;
}

const shape = (source: string) => stripOffsets(parseExpression(source));

function syntaxError(source: string): ExpressionSyntaxError {
  try {
    parseExpression(source);
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionSyntaxError);
    return err as ExpressionSyntaxError;
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(source)}`);
}

type Scalar = string | number | boolean | null;
const path = (root: 'task' | 'agent' | 'time', ...segments: string[]) => ({ kind: 'path', root, segments });
const lit = (value: Scalar) => ({ kind: 'literal', value });
const list = (...values: Scalar[]) => ({ kind: 'list', items: values.map(lit) });
const not = (operand: unknown) => ({ kind: 'not', operand });
const cmp = (left: unknown, operator: string, right: unknown) => ({ kind: 'comparison', operator, left, right });
const and = (...operands: unknown[]) => ({ kind: 'and', operands });
const or = (...operands: unknown[]) => ({ kind: 'or', operands });

describe('parseExpression: values', () => {
  it('parses paths rooted at task, agent and time', () => {
    expect(shape('task.language')).toEqual(path('task', 'language'));
    expect(shape('task.customer.tier')).toEqual(path('task', 'customer', 'tier'));
    expect(shape('agent.skills.billing')).toEqual(path('agent', 'skills', 'billing'));
    expect(shape('time.hour')).toEqual(path('time', 'hour'));
    expect(shape('agent')).toEqual(path('agent'));
  });

  it('parses quoted and index segments, and keywords as segment names', () => {
    expect(shape("task['x-sku']")).toEqual(path('task', 'x-sku'));
    expect(shape('task.attrs["a b"].c')).toEqual(path('task', 'attrs', 'a b', 'c'));
    expect(shape("task['']")).toEqual(path('task', ''));
    expect(shape('agent.languages[0]')).toEqual(path('agent', 'languages', '0'));
    expect(shape('agent.languages[12]')).toEqual(path('agent', 'languages', '12'));
    expect(shape('task.and.or.not.in.has.true')).toEqual(path('task', 'and', 'or', 'not', 'in', 'has', 'true'));
    expect(shape('task . a [ "b" ]')).toEqual(path('task', 'a', 'b'));
  });

  it('parses numbers', () => {
    expect(shape('1')).toEqual(lit(1));
    expect(shape('-1')).toEqual(lit(-1));
    expect(shape('3.25')).toEqual(lit(3.25));
    expect(shape('-0.5')).toEqual(lit(-0.5));
    expect(shape('1e3')).toEqual(lit(1000));
    expect(shape('2.5E-3')).toEqual(lit(0.0025));
    expect(shape('1e+21')).toEqual(lit(1e21));
    expect(shape('007')).toEqual(lit(7));
    expect(Object.is((parseExpression('-0') as { value: number }).value, -0)).toBe(true);
  });

  it('parses strings with both quotes and escapes', () => {
    expect(shape("'en'")).toEqual(lit('en'));
    expect(shape('"en"')).toEqual(lit('en'));
    expect(shape("''")).toEqual(lit(''));
    expect(shape(String.raw`'it\'s'`)).toEqual(lit("it's"));
    expect(shape(String.raw`"say \"hi\""`)).toEqual(lit('say "hi"'));
    expect(shape(String.raw`'a\\b\nc\td\re\bf\fg\vh\0i\/'`)).toEqual(lit('a\\b\nc\td\re\bf\fg\vh\0i/'));
    expect(shape(String.raw`'\u00e9\u{1F600}'`)).toEqual(lit('é😀'));
    expect(shape(`'"'`)).toEqual(lit('"'));
    expect(shape(`"'"`)).toEqual(lit("'"));
    expect(shape("'日本語 😀'")).toEqual(lit('日本語 😀'));
  });

  it('parses true, false and null case-insensitively', () => {
    expect(shape('true')).toEqual(lit(true));
    expect(shape('FALSE')).toEqual(lit(false));
    expect(shape('Null')).toEqual(lit(null));
  });

  it('parses lists of literals', () => {
    expect(shape("['en', 'zh']")).toEqual(list('en', 'zh'));
    expect(shape('[]')).toEqual(list());
    expect(shape("[1, -2.5, 'x', true, null]")).toEqual(list(1, -2.5, 'x', true, null));
  });
});

describe('parseExpression: operators and precedence', () => {
  const a = path('task', 'a');
  const b = path('task', 'b');
  const c = path('task', 'c');

  it('parses every comparison operator', () => {
    for (const op of ['==', '!=', '<', '<=', '>', '>=', 'HAS', 'IN', 'CONTAINS']) {
      expect(shape(`task.a ${op} 1`)).toEqual(cmp(a, op, lit(1)));
    }
    expect(shape("task.a NOT IN ['x']")).toEqual(cmp(a, 'NOT IN', list('x')));
    expect(shape("agent.skills not has 'x'")).toEqual(cmp(path('agent', 'skills'), 'NOT HAS', lit('x')));
    expect(shape("task.a Not Contains 'x'")).toEqual(cmp(a, 'NOT CONTAINS', lit('x')));
  });

  it('accepts keywords in any case and the symbolic forms', () => {
    expect(shape("task.a in ['x'] and task.b or not task.c")).toEqual(or(and(cmp(a, 'IN', list('x')), b), not(c)));
    expect(shape('task.a && task.b || !task.c')).toEqual(or(and(a, b), not(c)));
    expect(shape("agent.skills has 'x'")).toEqual(shape("agent.skills HAS 'x'"));
    expect(shape("task.s contains 'x'")).toEqual(shape("task.s CONTAINS 'x'"));
  });

  it('binds NOT tighter than comparisons, comparisons tighter than AND, AND tighter than OR', () => {
    expect(shape('NOT task.a == 1')).toEqual(cmp(not(a), '==', lit(1)));
    expect(shape('NOT (task.a == 1)')).toEqual(not(cmp(a, '==', lit(1))));
    expect(shape('task.a == 1 AND task.b == 2')).toEqual(and(cmp(a, '==', lit(1)), cmp(b, '==', lit(2))));
    expect(shape('task.a OR task.b AND task.c')).toEqual(or(a, and(b, c)));
    expect(shape('task.a AND task.b OR task.c')).toEqual(or(and(a, b), c));
    expect(shape('(task.a OR task.b) AND task.c')).toEqual(and(or(a, b), c));
    expect(shape('NOT NOT task.a')).toEqual(not(not(a)));
    expect(shape('!!task.a')).toEqual(not(not(a)));
    expect(shape('task.a == NOT task.b')).toEqual(cmp(a, '==', not(b)));
    expect(shape('(task.a == 1) == true')).toEqual(cmp(cmp(a, '==', lit(1)), '==', lit(true)));
  });

  it('makes chains of one operator a single n-ary node, and keeps explicit grouping', () => {
    expect(shape('task.a AND task.b AND task.c')).toEqual(and(a, b, c));
    expect(shape('task.a OR task.b OR task.c')).toEqual(or(a, b, c));
    expect(shape('task.a AND (task.b AND task.c)')).toEqual(and(a, and(b, c)));
    expect(shape('((task.a))')).toEqual(a);
  });

  it('records source offsets', () => {
    const source = "  task.language IN ['en', 'de'] AND NOT agent.busy";
    const ast = parseExpression(source) as LogicalNode;
    const [first, second] = ast.operands as [ExpressionNode, ExpressionNode];
    expect(source.slice(ast.start, ast.end)).toBe("task.language IN ['en', 'de'] AND NOT agent.busy");
    expect(source.slice(first.start, first.end)).toBe("task.language IN ['en', 'de']");
    expect(source.slice(second.start, second.end)).toBe('NOT agent.busy');
    const right = (first as ComparisonNode).right;
    expect(source.slice(right.start, right.end)).toBe("['en', 'de']");
  });

  it('reports the roots an expression reads', () => {
    expect(rootsOf(parseExpression("agent.skills HAS 'x' AND task.vip"))).toEqual(['task', 'agent']);
    expect(rootsOf(parseExpression('time.hour < 9 OR true'))).toEqual(['time']);
    expect(rootsOf(parseExpression("['a'] HAS 'a'"))).toEqual([]);
  });

  it('tolerates any whitespace, including line breaks', () => {
    expect(shape('\n\ttask.a\r\n  ==\f1\v')).toEqual(cmp(a, '==', lit(1)));
  });
});

describe('parseExpression: errors', () => {
  it('reports the brief example exactly', () => {
    const err = syntaxError('task.language == ');
    expect(err.message).toBe('Expected a value at line 1, column 17: task.language == ');
    expect(err.details).toMatchObject({
      position: 16,
      line: 1,
      column: 17,
      expected: 'a value',
      found: 'end of input',
      excerpt: 'task.language == \n                ^',
    });
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.name).toBe('ExpressionSyntaxError');
    expect(err).toBeInstanceOf(ValidationError);
    expect(isHotlineError(err, 'VALIDATION_FAILED')).toBe(true);
    expect(err.syntax.position).toBe(16);
    expect(err.issues).toEqual([{ path: '', message: err.message, code: 'expression_syntax' }]);
    expect(err.toJSON().details).toMatchObject({ position: 16, line: 1, column: 17 });
  });

  const cases: [source: string, position: number, expected: string | RegExp, found: string, summary?: RegExp][] = [
    ['', 0, 'an expression', 'end of input', /^Empty expression/],
    ['   \n  ', 0, 'an expression', 'end of input', /^Empty expression/],
    ['\n', 0, 'an expression', 'end of input', /^Empty expression at line 1, column 1/],
    [
      '\n(task.a',
      8,
      "an operator, AND, OR or ')'",
      'end of input',
      /^Missing '\)' to close the '\(' from line 2, column 1/,
    ],
    ["task.a == 'abc", 10, "a closing '", 'end of input', /^Unterminated string/],
    ['task.a == "abc\n"', 10, 'a closing "', 'a line break', /^Unterminated string/],
    ["task.a == 'ab\\", 10, "a closing '", 'end of input', /^Unterminated string/],
    ['task.a ==', 9, 'a value', 'end of input'],
    ['task.a == AND task.b', 10, 'a value', "'AND'"],
    ['task.a == )', 10, 'a value', "')'"],
    ['NOT', 3, 'a value', 'end of input'],
    ['task.a AND', 10, 'a value', 'end of input'],
    ['task.a AND OR task.b', 11, 'a value', "'OR'"],
    ["task.a = 'x'", 7, "'=='", "'='", /^Unknown operator '='; use '==' to compare/],
    ['task.a & task.b', 7, "'&&'", "'&'", /^Unknown operator '&'/],
    ['task.a | task.b', 7, "'||'", "'|'", /^Unknown operator '\|'/],
    ['(task.a == 1', 12, "AND, OR or ')'", 'end of input', /^Missing '\)' to close the '\(' from line 1, column 1/],
    ['((task.a)', 9, "an operator, AND, OR or ')'", 'end of input', /^Missing '\)'/],
    ['task.a == 1)', 11, 'AND, OR or end of input', "')'", /^Unmatched '\)'/],
    ['task.a)', 6, 'an operator, AND, OR or end of input', "')'", /^Unmatched '\)'/],
    [')', 0, 'a value', "')'"],
    ['()', 1, 'a value', "')'"],
    ['foo.bar == 1', 0, 'task, agent or time', "'foo'", /^Unknown root 'foo'/],
    ['task.a == tasks.b', 10, 'task, agent or time', "'tasks'", /^Unknown root 'tasks'/],
    ['Task.a', 0, 'task, agent or time', "'Task'"],
    ['task.a == 1 task.b', 12, 'AND, OR or end of input', "'task'"],
    ['task.a task.b', 7, 'an operator, AND, OR or end of input', "'task'"],
    ["task.a EQUALS 'x'", 7, 'an operator, AND, OR or end of input', "'EQUALS'"],
    ['task.a == 1 2', 12, 'AND, OR or end of input', 'number 2'],
    ["task.a == 1 'x'", 12, 'AND, OR or end of input', "string 'x'"],
    ['task.a == 1 == 2', 12, 'AND, OR or end of input', "'=='", /^Comparisons cannot be chained/],
    ["(task.a == 1 IN ['x'])", 13, "AND, OR or ')'", "'IN'", /^Comparisons cannot be chained/],
    ['task.a NOT task.b', 11, 'HAS, IN or CONTAINS after NOT', "'task'"],
    ['task.', 5, "a property name after '.'", 'end of input'],
    ['task.1', 5, "a property name after '.'", 'number 1'],
    ['task.a.', 7, "a property name after '.'", 'end of input'],
    ['task[a]', 5, "a quoted property name or an array index after '['", "'a'"],
    ['task[-1]', 5, "a quoted property name or an array index after '['", 'number -1'],
    ['task[01]', 5, "a quoted property name or an array index after '['", 'number 01'],
    ["task['a'", 8, "']'", 'end of input'],
    ['[task.a]', 1, 'a literal (string, number, true, false or null)', "'task'"],
    ["['a',]", 5, 'a literal (string, number, true, false or null)', "']'"],
    ["['a' 'b']", 5, "',' or ']'", "string 'b'"],
    ["['a'", 4, "',' or ']'", 'end of input', /^Missing '\]' to close the '\[' from line 1, column 1/],
    ['[[1]]', 1, 'a literal (string, number, true, false or null)', "'['"],
    ['task.a == @', 10, 'a value, an operator or a parenthesis', "'@'", /^Unexpected character '@'/],
    ['task.a == #1', 10, 'a value, an operator or a parenthesis', "'#'"],
    ['task.a == \u00a0', 10, 'a value, an operator or a parenthesis', "'\u00a0' (U+00A0)"],
    ['task.a == - 1', 10, "a digit after '-'", "' '"],
    ['task.a == 1.', 12, 'a digit after the decimal point', 'end of input'],
    ['task.a == 1.x', 12, 'a digit after the decimal point', "'x'"],
    ['task.a == 1e', 12, 'a digit in the exponent', 'end of input'],
    ['task.a == 12abc', 12, 'a digit, an operator or whitespace', "'a'", /^Invalid number/],
    ['task.a == 0x10', 11, 'a digit, an operator or whitespace', "'x'"],
    ['task.a == 1e999', 10, 'a finite number', 'number 1e999', /^Number out of range/],
    ["task.a == 'a\\qb'", 12, /^one of/, "'\\q'", /^Invalid escape sequence '\\q'/],
    ["task.a == '\\u12'", 11, /^\\uXXXX/, "'\\u12''", /^Invalid unicode escape/],
    ["task.a == '\\u{110000}'", 11, /^\\uXXXX/, "'\\u{110000}'"],
    ["task.a == '\\u{}'", 11, /^\\uXXXX/, "'\\u{}'"],
  ];

  it.each(cases)('%j fails at %i', (source, position, expected, found, summary) => {
    const err = syntaxError(source);
    expect(err.syntax.position).toBe(position);
    if (typeof expected === 'string') expect(err.syntax.expected).toBe(expected);
    else expect(err.syntax.expected).toMatch(expected);
    expect(err.syntax.found).toBe(found);
    if (summary !== undefined) expect(err.message).toMatch(summary);
    expect(err.message).toContain(`at line ${err.syntax.line}, column ${err.syntax.column}`);
    expect(err.details).toMatchObject(err.syntax);
  });

  it('computes line, column and the caret excerpt on later lines', () => {
    const err = syntaxError("task.a == 1\n  AND task.b = 'x'\nOR task.c");
    expect(err.syntax).toMatchObject({ position: 25, line: 2, column: 14, found: "'='" });
    expect(err.syntax.excerpt).toBe("  AND task.b = 'x'\n             ^");
    expect(err.message).toBe("Unknown operator '='; use '==' to compare at line 2, column 14:   AND task.b = 'x'");
  });

  it('reports the end of input just after the last token, not after trailing blank lines', () => {
    const err = syntaxError('task.a AND\n  task.b ==\n\n   \n');
    expect(err.syntax).toMatchObject({ line: 2, column: 12, position: 22 });
    expect(err.syntax.excerpt).toBe('  task.b ==\n           ^');
  });

  it('keeps tabs in the caret line and strips a CR from the excerpt', () => {
    const err = syntaxError('\ttask.a == @\r\nOR true');
    expect(err.syntax.excerpt).toBe('\ttask.a == @\n\t          ^');
  });

  it('shortens long lines around the position', () => {
    const source = `${'task.a == 1 AND '.repeat(20)}task.b ==`;
    const err = syntaxError(source);
    expect(err.syntax.column).toBe(source.length + 1);
    const [line = '', caret = ''] = err.syntax.excerpt.split('\n');
    expect(line.startsWith('…')).toBe(true);
    expect(line.length).toBeLessThanOrEqual(62);
    expect(caret.indexOf('^')).toBe(line.length);
    expect(err.message.length).toBeLessThan(200);
  });

  it('reports the leftmost problem', () => {
    // The unknown operator comes before the unterminated string.
    expect(syntaxError("task.a = 'abc").syntax.position).toBe(7);
    expect(syntaxError("foo == 'abc").syntax.position).toBe(0);
  });

  it('rejects non-string sources with a ValidationError', () => {
    expect(() => parseExpression(42 as unknown as string)).toThrow(ValidationError);
  });
});

describe('parseExpression: limits', () => {
  it('rejects a 1 MB input quickly, before scanning it', () => {
    const huge = `task.a == '${'x'.repeat(1024 * 1024)}'`;
    const started = performance.now();
    const err = syntaxError(huge);
    expect(performance.now() - started).toBeLessThan(100);
    expect(err.message.startsWith(`Expression too long (${huge.length} characters; at most 4096)`)).toBe(true);
    expect(err.syntax.position).toBe(EXPRESSION_LIMITS.maxLength);
    expect(err.syntax.excerpt.length).toBeLessThan(250);
  });

  it('accepts exactly the maximum length', () => {
    const padded = `task.a${' '.repeat(EXPRESSION_LIMITS.maxLength - 6)}`;
    expect(padded.length).toBe(EXPRESSION_LIMITS.maxLength);
    expect(shape(padded)).toEqual(path('task', 'a'));
    expect(syntaxError(`${padded} `).syntax.position).toBe(EXPRESSION_LIMITS.maxLength);
  });

  it('rejects deep nesting with an error, not a stack overflow', () => {
    const ok = `${'('.repeat(64)}task.a${')'.repeat(64)}`;
    expect(shape(ok)).toEqual(path('task', 'a'));
    const deep = `${'('.repeat(65)}task.a${')'.repeat(65)}`;
    const err = syntaxError(deep);
    expect(err.message).toMatch(/^Nesting too deep/);
    expect(err.syntax.position).toBe(64);
    const nots = syntaxError(`${'NOT '.repeat(65)}task.a`);
    expect(nots.syntax.position).toBe(256);
    expect(syntaxError(`${'!'.repeat(4000)}task.a`).message).toMatch(/^Nesting too deep/);
    expect(syntaxError('('.repeat(4096)).message).toMatch(/^Nesting too deep/);
    expect(syntaxError(`${'(NOT '.repeat(40)}task.a`).syntax.position).toBe(5 * 32);
  });

  it('rejects lists longer than 256 items at the 257th item', () => {
    const items = (count: number) => `[${Array.from({ length: count }, (_, i) => i).join(',')}]`;
    const parsed = parseExpression(`task.a IN ${items(256)}`) as ComparisonNode;
    expect((parsed.right as ListNode).items).toHaveLength(256);
    const source = `task.a IN ${items(257)}`;
    const err = syntaxError(source);
    expect(err.message).toMatch(/^List too long \(more than 256 items\)/);
    expect(source.slice(err.syntax.position)).toBe('256]');
  });

  it('rejects expressions of more than 512 nodes', () => {
    // Each `task.a == 1` is 3 nodes, plus one `or` node: 170 clauses = 511 nodes.
    const clauses = (count: number) => Array.from({ length: count }, () => 'time.h == 1').join(' OR ');
    expect(() => parseExpression(clauses(170))).not.toThrow();
    const err = syntaxError(clauses(171));
    expect(err.message).toMatch(/^Expression too complex \(more than 512 nodes\)/);
  });
});

describe('formatExpression', () => {
  const canonical: [string, string][] = [
    ["task.language in ['en','de'] && !task.vip", "task.language IN ['en', 'de'] AND NOT task.vip"],
    ['task.a||task.b&&task.c', 'task.a OR task.b AND task.c'],
    ['(task.a OR task.b) and task.c', '(task.a OR task.b) AND task.c'],
    ['task.a AND (task.b AND task.c)', 'task.a AND (task.b AND task.c)'],
    ['((task.a AND task.b)) AND task.c', '(task.a AND task.b) AND task.c'],
    ['not (task.a == 1)', 'NOT (task.a == 1)'],
    ['NOT task.a == 1', 'NOT task.a == 1'],
    ['NOT (task.a AND task.b)', 'NOT (task.a AND task.b)'],
    ['task.a == (task.b == 1)', 'task.a == (task.b == 1)'],
    ["task['x-sku'] > 3", "task['x-sku'] > 3"],
    ['agent.languages["0"]', 'agent.languages[0]'],
    ["task['a.b']['it''s']".replace("''", "\\'"), "task['a.b']['it\\'s']"],
    ['"dq"', "'dq'"],
    ['TRUE OR False OR NULL', 'true OR false OR null'],
    ['-0', '-0'],
    ['1e21', '1e+21'],
    ['0.000001', '0.000001'],
    ['1e-7', '1e-7'],
    ["task.a not in ['x']", "task.a NOT IN ['x']"],
    ["'\\u0001\\u2028\\n\\t\\r\\\\'", "'\\u0001\\u2028\\n\\t\\r\\\\'"],
  ];

  it.each(canonical)('%j prints as %j', (source, expected) => {
    const printed = formatExpression(parseExpression(source));
    expect(printed).toBe(expected);
    expect(stripOffsets(parseExpression(printed))).toEqual(stripOffsets(parseExpression(source)));
  });

  it('escapes lone surrogates and keeps pairs', () => {
    const ast = { kind: 'literal', value: '\ud800x\udc00😀', start: 0, end: 0 } as const;
    const printed = formatExpression(ast);
    expect(printed).toBe("'\\uD800x\\uDC00😀'");
    expect((parseExpression(printed) as { value: string }).value).toBe('\ud800x\udc00😀');
  });

  it('rejects malformed ASTs with a ValidationError naming the path', () => {
    const bad: [unknown, RegExp][] = [
      [null, /expected a node object/],
      [{ kind: 'nope' }, /at kind/],
      [{ kind: 'path', root: 'user', segments: [] }, /at root/],
      [{ kind: 'path', root: 'task', segments: [1] }, /at segments\.0/],
      [{ kind: 'literal', value: Number.NaN }, /finite/],
      [{ kind: 'literal', value: {} }, /at value/],
      [{ kind: 'list', items: [{ kind: 'path', root: 'task', segments: [] }] }, /at items\.0/],
      [{ kind: 'and', operands: [{ kind: 'literal', value: 1 }] }, /at least two/],
      [{ kind: 'comparison', operator: '=', left: {}, right: {} }, /at operator/],
      [
        {
          kind: 'or',
          operands: [
            { kind: 'literal', value: 1 },
            { kind: 'not', operand: { kind: 'x' } },
          ],
        },
        /at operands\.1\.operand\.kind/,
      ],
    ];
    for (const [node, message] of bad) {
      expect(() => formatExpression(node as ExpressionNode)).toThrow(ValidationError);
      expect(() => formatExpression(node as ExpressionNode)).toThrow(message);
    }
  });

  it('rejects cyclic and exponentially shared ASTs without hanging', () => {
    const cyclic: { kind: 'not'; operand: unknown; start: number; end: number } = {
      kind: 'not',
      operand: null,
      start: 0,
      end: 0,
    };
    cyclic.operand = cyclic;
    expect(() => formatExpression(cyclic as ExpressionNode)).toThrow(ValidationError);
    let shared: ExpressionNode = { kind: 'literal', value: true, start: 0, end: 0 };
    for (let i = 0; i < 60; i++) shared = { kind: 'and', operands: [shared, shared], start: 0, end: 0 };
    expect(() => formatExpression(shared)).toThrow(/more than 512 nodes/);
  });
});

describe('tokenize', () => {
  it('returns the tokens with offsets and an eof', () => {
    const tokens = tokenize("task.vip == true && agent.x IN ['a']");
    expect(tokens.map((t) => t.kind)).toEqual([
      'identifier',
      '.',
      'identifier',
      '==',
      'identifier',
      '&&',
      'identifier',
      '.',
      'identifier',
      'identifier',
      '[',
      'string',
      ']',
      'eof',
    ]);
    expect(tokens[11]).toMatchObject({ start: 32, end: 35, value: 'a' });
  });
});
