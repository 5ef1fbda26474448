import { ValidationError } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import type { ExpressionNode, LogicalNode } from './ast.js';
import { compileExpression, type ExpressionContext, splitByRoots } from './compile.js';
import { ExpressionSyntaxError } from './errors.js';
import { parseExpression } from './parse.js';

const task = {
  language: 'en',
  priority: 5,
  vip: true,
  score: 0,
  note: '',
  nothing: null,
  tags: ['a', 'b', 1, true, null],
  customer: { tier: 'gold', since: 2019, 'x-sku': 'S-1' },
  'x-sku': 'A-9',
};
const agent = {
  skills: { billing: 3, sales: 0 },
  languages: ['en', 'de'],
  level: 4,
  name: 'Ada Lovelace',
};
const time = { hour: 10, weekday: 'mon' };
const ctx: ExpressionContext = { task, agent, time };

const test = (source: string, context: ExpressionContext = ctx) => compileExpression(source).test(context);
const value = (source: string, context: ExpressionContext = ctx) => compileExpression(source).value(context);

describe('compileExpression: comparisons', () => {
  it.each([
    ["task.language == 'en'", true],
    ["task.language == 'de'", false],
    ["'en' == task.language", true],
    ['task.priority == 5', true],
    ['task.priority == 5.0', true],
    ["task.priority == '5'", false],
    ['task.vip == true', true],
    ['task.vip == 1', false],
    ['task.nothing == null', true],
    ['task.missing == null', false],
    ['task.missing == task.other', false],
    ['task.customer == task.customer', false],
    ["task.tags == ['a', 'b', 1, true, null]", false],
    ['task.priority == agent.level', false],
    ['agent.level == agent.level', true],
    ["task.language != 'de'", true],
    ["task.language != 'en'", false],
    ["task.missing != 'x'", true],
    ["task.priority != '5'", true],
    ['task.nothing != null', false],
    ['task.missing != null', true],
  ] as const)('%s is %s', (source, expected) => {
    expect(test(source)).toBe(expected);
  });

  it.each([
    ['task.priority < 6', true],
    ['task.priority < 5', false],
    ['task.priority <= 5', true],
    ['task.priority > 4.5', true],
    ['task.priority >= 6', false],
    ['-1 < task.priority', true],
    ['agent.level > task.priority', false],
    ['agent.level < task.priority', true],
    ["task.language < 'fr'", true],
    ["task.language > 'en'", false],
    ["task.language >= 'en'", true],
    ["'B' < 'a'", true],
    ["task.priority < '6'", false],
    ['task.language < 6', false],
    ['task.missing < 6', false],
    ['task.missing >= 6', false],
    ['task.vip > false', false],
    ['task.customer > 1', false],
    ['task.nothing < 1', false],
  ] as const)('%s is %s', (source, expected) => {
    expect(test(source)).toBe(expected);
  });

  it('never coerces objects (valueOf and toString are not called)', () => {
    const hostile = {
      valueOf() {
        throw new Error('valueOf');
      },
      toString() {
        throw new Error('toString');
      },
    };
    const context = { task: { o: hostile } };
    for (const op of ['<', '<=', '>', '>=', '==', '!=', 'CONTAINS', 'HAS', 'IN']) {
      expect(() => test(`task.o ${op} 1`, context)).not.toThrow();
      expect(() => test(`'x' ${op} task.o`, context)).not.toThrow();
    }
    expect(test('task.o < 1', context)).toBe(false);
  });

  it('HAS tests array elements and object keys', () => {
    expect(test("agent.languages HAS 'en'")).toBe(true);
    expect(test("agent.languages HAS 'fr'")).toBe(false);
    expect(test('task.tags HAS 1')).toBe(true);
    expect(test("task.tags HAS '1'")).toBe(false);
    expect(test('task.tags HAS true')).toBe(true);
    expect(test('task.tags HAS null')).toBe(true);
    expect(test("agent.skills HAS 'billing'")).toBe(true);
    expect(test("agent.skills HAS 'sales'")).toBe(true);
    expect(test("agent.skills HAS 'legal'")).toBe(false);
    expect(test("agent.skills HAS 'toString'")).toBe(false);
    expect(test("agent.skills HAS 'constructor'")).toBe(false);
    expect(test('agent.skills HAS 1')).toBe(false);
    expect(test("task.language HAS 'e'")).toBe(false);
    expect(test("task.missing HAS 'a'")).toBe(false);
    expect(test('agent.languages HAS agent.languages')).toBe(false);
    expect(test("['en', 'de'] HAS task.language")).toBe(true);
    expect(test("task HAS 'x-sku'")).toBe(true);
    expect(test("task.customer HAS 'x-sku'")).toBe(true);
  });

  it('IN is HAS reversed', () => {
    expect(test("task.language IN ['en', 'de']")).toBe(true);
    expect(test("task.language in ['fr']")).toBe(false);
    expect(test('task.language IN []')).toBe(false);
    expect(test("'en' IN agent.languages")).toBe(true);
    expect(test('task.language IN agent.languages')).toBe(true);
    expect(test("'billing' IN agent.skills")).toBe(true);
    expect(test("task.missing IN ['en']")).toBe(false);
    expect(test('task.nothing IN [null]')).toBe(true);
    expect(test('task.priority IN [1, 5, 9]')).toBe(true);
    expect(test("task.priority IN ['5']")).toBe(false);
    expect(test("task.tags IN ['a', 'b']")).toBe(false);
    expect(test("task.language IN 'english'")).toBe(false);
    const many = Array.from({ length: 100 }, (_, i) => `'l${i}'`).join(', ');
    expect(test(`task.language IN [${many}, 'en']`)).toBe(true);
    expect(test(`task.language IN [${many}]`)).toBe(false);
    expect(test(`task.customer IN [${many}]`)).toBe(false);
  });

  it('CONTAINS tests substrings of strings only', () => {
    expect(test("agent.name CONTAINS 'Love'")).toBe(true);
    expect(test("agent.name CONTAINS 'love'")).toBe(false);
    expect(test("agent.name CONTAINS ''")).toBe(true);
    expect(test("agent.languages CONTAINS 'en'")).toBe(false);
    expect(test('task.priority CONTAINS 5')).toBe(false);
    expect(test("task.missing CONTAINS 'a'")).toBe(false);
  });

  it('NOT HAS / NOT IN / NOT CONTAINS are exact negations', () => {
    expect(test("agent.languages NOT HAS 'fr'")).toBe(true);
    expect(test("task.language NOT IN ['en']")).toBe(false);
    expect(test("task.missing NOT IN ['en']")).toBe(true);
    expect(test("agent.name NOT CONTAINS 'x'")).toBe(true);
    expect(test("task.missing NOT CONTAINS 'x'")).toBe(true);
  });
});

describe('compileExpression: logic and truthiness', () => {
  it.each([
    ['task.vip', true],
    ['task.score', false],
    ['task.note', false],
    ['task.nothing', false],
    ['task.missing', false],
    ['task.tags', true],
    ['task.customer', true],
    ['task', true],
    ['0', false],
    ['-0', false],
    ["''", false],
    ["'0'", true],
    ['[]', true],
    ['null', false],
    ['NOT task.missing', true],
    ['!task.vip', false],
    ['task.vip AND task.priority', true],
    ['task.vip AND task.score', false],
    ['task.score OR task.vip', true],
    ['task.score OR task.note', false],
    ['task.vip && task.priority > 3 && agent.level >= 4', true],
    ['task.score || task.note || task.missing || task.vip', true],
    ['task.score || task.note || task.missing', false],
    ['task.a AND task.b AND task.c AND task.vip', false],
    ['task.vip AND task.priority AND agent.level AND time.hour', true],
    ['task.vip OR task.b OR task.c OR task.d', true],
  ] as const)('%s is %s', (source, expected) => {
    expect(test(source)).toBe(expected);
  });

  it('applies the documented precedence', () => {
    // NOT binds tighter than ==: (NOT task.score) == true.
    expect(test('NOT task.score == true')).toBe(true);
    expect(test('NOT (task.score == true)')).toBe(true);
    expect(test('NOT task.vip == true')).toBe(false);
    expect(test('NOT (task.vip == false)')).toBe(true);
    // AND binds tighter than OR.
    expect(test('task.vip OR task.score AND task.missing')).toBe(true);
    expect(test('(task.vip OR task.score) AND task.missing')).toBe(false);
    // Comparisons bind tighter than AND.
    expect(test("task.priority == 5 AND task.language == 'en'")).toBe(true);
  });

  it('returns raw values from value()', () => {
    expect(value('task.customer.tier')).toBe('gold');
    expect(value('task.customer')).toBe(task.customer);
    expect(value('task.missing')).toBeUndefined();
    expect(value("['a', 1]")).toEqual(['a', 1]);
    expect(Object.isFrozen(value("['a', 1]"))).toBe(true);
    expect(value('42')).toBe(42);
    expect(value('task.priority > 1')).toBe(true);
    expect(value('task.vip AND task.priority')).toBe(true);
    expect(value('NOT task.priority')).toBe(false);
    expect(value("task['x-sku']")).toBe('A-9');
    expect(value("task.customer['x-sku']")).toBe('S-1');
    expect(value('task.tags[0]')).toBe('a');
    expect(value('task.tags[4]')).toBeNull();
    expect(value('task.tags[5]')).toBeUndefined();
    expect(value('time.weekday')).toBe('mon');
  });

  it('reads deep paths (more than three segments)', () => {
    const context = { task: { a: { b: { c: { d: { e: 'deep' } } } } } };
    expect(value('task.a.b.c.d.e', context)).toBe('deep');
    expect(value('task.a.b.x.d.e', context)).toBeUndefined();
    expect(value('task.a.b.c', context)).toEqual({ d: { e: 'deep' } });
  });
});

describe('compileExpression: the compiled object', () => {
  it('exposes source, a frozen AST and the roots', () => {
    const source = "agent.skills HAS 'billing' AND time.hour < 18";
    const expr = compileExpression(source);
    expect(expr.source).toBe(source);
    expect(expr.ast).toEqual(parseExpression(source));
    expect(Object.isFrozen(expr.ast)).toBe(true);
    expect(Object.isFrozen((expr.ast as LogicalNode).operands[0])).toBe(true);
    expect([...expr.roots]).toEqual(['agent', 'time']);
    expect(Object.isFrozen(expr)).toBe(true);
    const { test: detached } = expr;
    expect(detached({ agent: { skills: { billing: 1 } }, time: { hour: 9 } })).toBe(true);
  });

  it('compiles an AST to its canonical source, with offsets into that source', () => {
    const ast = parseExpression("task.language in ['en','de'] && !task.vip");
    const expr = compileExpression(ast);
    expect(expr.source).toBe("task.language IN ['en', 'de'] AND NOT task.vip");
    const second = (expr.ast as LogicalNode).operands[1] as ExpressionNode;
    expect(expr.source.slice(second.start, second.end)).toBe('NOT task.vip');
    expect(expr.test({ task: { language: 'de' } })).toBe(true);
  });

  it('compiles a hand-built AST and rejects malformed ones', () => {
    const ast: ExpressionNode = {
      kind: 'comparison',
      operator: 'IN',
      left: { kind: 'path', root: 'task', segments: ['language'], start: 0, end: 0 },
      right: { kind: 'list', items: [{ kind: 'literal', value: 'en', start: 0, end: 0 }], start: 0, end: 0 },
      start: 0,
      end: 0,
    };
    expect(compileExpression(ast).source).toBe("task.language IN ['en']");
    expect(() => compileExpression({ kind: 'path', root: 'user', segments: [] } as unknown as ExpressionNode)).toThrow(
      ValidationError,
    );
  });

  it('does not apply the length limit to the canonical text of an AST', () => {
    // `!a&&1||…` expands when printed (`NOT a AND 1 OR …`): 3,719 characters become 4,679.
    const source = Array.from({ length: 120 }, (_, i) => `!task.a${String(i).padStart(19, '0')}&&1`).join('||');
    expect(source.length).toBeLessThanOrEqual(4096);
    const expr = compileExpression(source);
    const again = compileExpression(expr.ast);
    expect(again.source.length).toBeGreaterThan(4096);
    expect(splitByRoots(compileExpression(`agent.x AND (${source})`)).rest?.source.length).toBeGreaterThan(4096);
    expect(again.test({ task: {} })).toBe(true);
  });

  it('throws ExpressionSyntaxError for bad sources', () => {
    expect(() => compileExpression('task.a ==')).toThrow(ExpressionSyntaxError);
  });
});

describe('compileExpression: hostile contexts', () => {
  const sources = [
    "task.language == 'en'",
    "task.language != 'en'",
    'task.a.b.c.d < 3',
    "agent.skills HAS 'billing'",
    "agent.languages HAS 'en'",
    "'en' IN agent.languages",
    "task.language IN ['en', 'de']",
    "task.name CONTAINS 'x'",
    'task.a AND agent.b OR NOT time.c',
    'task',
    'task.x.y.z.w.v',
    'task.constructor',
  ];

  const thrower = () => {
    throw new Error('boom');
  };
  const throwingProxy = new Proxy(
    {},
    {
      get: thrower,
      has: thrower,
      getOwnPropertyDescriptor: thrower,
      ownKeys: thrower,
      getPrototypeOf: thrower,
    },
  );
  const revocable = Proxy.revocable([], {});
  revocable.revoke();
  const cyclic: Record<string, unknown> = {};
  cyclic.a = cyclic;
  cyclic.b = cyclic;
  cyclic.language = cyclic;
  const getters = {
    get language(): string {
      throw new Error('getter');
    },
    get skills(): never {
      throw new Error('getter');
    },
  };
  const lying = new Proxy(
    {},
    {
      // Reports a non-configurable property the target does not have: a TypeError.
      getOwnPropertyDescriptor: () => ({ value: 1, configurable: false, enumerable: true, writable: true }),
    },
  );

  const contexts: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a string', 'task'],
    ['a function', () => ({ task: 1 })],
    ['a throwing proxy', throwingProxy],
    ['throwing proxies as roots', { task: throwingProxy, agent: throwingProxy, time: throwingProxy }],
    ['a revoked proxy', revocable.proxy],
    ['revoked proxies as roots', { task: revocable.proxy, agent: { languages: revocable.proxy } }],
    ['getters that throw', { task: getters, agent: getters }],
    ['getter roots', Object.defineProperty({}, 'task', { get: thrower, enumerable: true })],
    ['cycles', { task: cyclic, agent: { skills: cyclic, languages: [cyclic, cyclic] }, time: cyclic }],
    ['lying proxies', { task: lying, agent: { skills: lying, languages: lying } }],
    ['arrays everywhere', { task: [1, 2], agent: [[], ['en']], time: [] }],
    ['symbols and bigints', { task: { language: Symbol('en'), a: 1n, name: 2n }, agent: { skills: Symbol('x') } }],
  ];

  it.each(contexts)('never throws on %s', (_label, context) => {
    for (const source of sources) {
      const expr = compileExpression(source);
      expect(() => expr.test(context as ExpressionContext)).not.toThrow();
      expect(() => expr.value(context as ExpressionContext)).not.toThrow();
      expect(typeof expr.test(context as ExpressionContext)).toBe('boolean');
    }
  });

  it('never invokes getters, on objects or array elements', () => {
    let calls = 0;
    const counting = {
      get language() {
        calls++;
        return 'en';
      },
    };
    const languages = ['fr'];
    Object.defineProperty(languages, 1, {
      enumerable: true,
      get() {
        calls++;
        return 'en';
      },
    });
    const context = { task: counting, agent: { languages } };
    expect(test("task.language == 'en'", context)).toBe(false);
    expect(test("agent.languages HAS 'en'", context)).toBe(false);
    expect(test("agent.languages HAS 'fr'", context)).toBe(true);
    expect(value('agent.languages[1]', context)).toBeUndefined();
    expect(calls).toBe(0);
  });

  it('reads nothing from the prototype chain or non-enumerable properties', () => {
    const inherited = Object.create({ language: 'en' }) as object;
    expect(test("task.language == 'en'", { task: inherited })).toBe(false);
    expect(value('task.constructor', { task: {} })).toBeUndefined();
    expect(value('task.__proto__', { task: {} })).toBeUndefined();
    expect(value('task.toString', { task: {} })).toBeUndefined();
    expect(value('agent.languages.length', { agent: { languages: ['en'] } })).toBeUndefined();
    expect(test("task HAS 'hasOwnProperty'", { task: {} })).toBe(false);
    const hidden = Object.defineProperty({}, 'language', { value: 'en', enumerable: false });
    expect(test("task.language == 'en'", { task: hidden })).toBe(false);
    const context = Object.create({ task: { language: 'en' } }) as ExpressionContext;
    expect(test("task.language == 'en'", context)).toBe(false);
  });

  it('reads own "__proto__" data keys (as from JSON.parse) and null-prototype objects', () => {
    const parsed = JSON.parse('{"__proto__": {"x": 1}, "language": "en"}') as unknown;
    expect(value('task.__proto__.x', { task: parsed })).toBe(1);
    const bare = Object.assign(Object.create(null) as object, { language: 'en' });
    expect(test("task.language == 'en'", { task: bare })).toBe(true);
    class View {
      language = 'en';
    }
    expect(test("task.language == 'en'", { task: new View() })).toBe(true);
  });

  it('bounds the work on huge or lying arrays', () => {
    const sparse: unknown[] = [];
    sparse.length = 2 ** 32 - 1;
    const lyingLength = new Proxy(['en'], {
      get: (target, key) => (key === 'length' ? 1e12 : Reflect.get(target, key)),
    });
    const started = performance.now();
    expect(test("agent.languages HAS 'en'", { agent: { languages: sparse } })).toBe(false);
    expect(test("agent.languages HAS 'en'", { agent: { languages: lyingLength } })).toBe(true);
    expect(test("agent.languages HAS 'xx'", { agent: { languages: lyingLength } })).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
    const big = Array.from({ length: 5000 }, (_, i) => i);
    expect(test('agent.languages HAS 4095', { agent: { languages: big } })).toBe(true);
    expect(test('agent.languages HAS 4096', { agent: { languages: big } })).toBe(false);
  });
});

describe('splitByRoots', () => {
  const split = (source: string) => {
    const parts = splitByRoots(compileExpression(source));
    return { agentOnly: parts.agentOnly?.source, rest: parts.rest?.source };
  };

  it('separates agent-only conjuncts from the rest', () => {
    expect(split("agent.skills HAS 'billing' AND task.language IN agent.languages AND agent.level > 2")).toEqual({
      agentOnly: "agent.skills HAS 'billing' AND agent.level > 2",
      rest: 'task.language IN agent.languages',
    });
    expect(split('agent.a AND time.hour < 9')).toEqual({ agentOnly: 'agent.a', rest: 'time.hour < 9' });
  });

  it('counts literal-only conjuncts as agent-only and flattens nested ANDs', () => {
    expect(split('true AND (agent.a AND task.b) AND (agent.c OR task.d)')).toEqual({
      agentOnly: 'true AND agent.a',
      rest: 'task.b AND (agent.c OR task.d)',
    });
  });

  it('returns the expression itself when there is nothing to split', () => {
    const agentOnly = compileExpression('agent.a AND agent.b');
    expect(splitByRoots(agentOnly)).toEqual({ agentOnly });
    const mixed = compileExpression('agent.a OR task.b');
    expect(splitByRoots(mixed)).toEqual({ rest: mixed });
    const literal = compileExpression('true');
    expect(splitByRoots(literal)).toEqual({ agentOnly: literal });
  });

  it('keeps roots accurate on the parts', () => {
    const parts = splitByRoots(compileExpression('agent.a AND task.b AND time.c'));
    expect([...(parts.agentOnly?.roots ?? [])]).toEqual(['agent']);
    expect([...(parts.rest?.roots ?? [])]).toEqual(['task', 'time']);
  });
});

describe('performance (sanity only)', () => {
  it('evaluates a 3-clause expression 100,000 times well under 500 ms', () => {
    const expr = compileExpression(
      "task.language IN ['en', 'de'] AND agent.skills HAS 'billing' AND task.priority > 3",
    );
    const contexts = Array.from({ length: 16 }, (_, i) => ({
      task: { language: i % 2 ? 'en' : 'fr', priority: i },
      agent: { skills: { billing: 2 } },
    }));
    let hits = 0;
    for (let i = 0; i < 10_000; i++) if (expr.test(contexts[i & 15] as ExpressionContext)) hits++;
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) if (expr.test(contexts[i & 15] as ExpressionContext)) hits++;
    expect(performance.now() - started).toBeLessThan(500);
    expect(hits).toBe(6 * 6875);
  });
});
