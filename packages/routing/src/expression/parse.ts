import { ValidationError } from '@hotline/core';
import {
  type ComparisonOperator,
  EXPRESSION_ROOTS,
  type ExpressionNode,
  type ExpressionRoot,
  type ListNode,
  type LiteralNode,
  type PathNode,
} from './ast.js';
import { END_OF_INPUT, type SyntaxProblem, syntaxErrorAt } from './errors.js';
import { EXPRESSION_LIMITS } from './limits.js';
import { describeToken, Lexer, type Token, type TokenKind } from './tokens.js';

type Keyword = 'AND' | 'OR' | 'NOT' | 'HAS' | 'IN' | 'CONTAINS' | 'TRUE' | 'FALSE' | 'NULL';

const KEYWORDS: ReadonlySet<string> = new Set<Keyword>([
  'AND',
  'OR',
  'NOT',
  'HAS',
  'IN',
  'CONTAINS',
  'TRUE',
  'FALSE',
  'NULL',
]);

const ROOTS: ReadonlySet<string> = new Set<string>(EXPRESSION_ROOTS);

const SYMBOL_OPERATORS: Partial<Record<TokenKind, ComparisonOperator>> = {
  '==': '==',
  '!=': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

/** A canonical array index segment, as in `agent.languages[0]`. */
const INDEX_SEGMENT = /^(?:0|[1-9][0-9]{0,8})$/;

/** 1-based line and column of `position`. */
function lineColumn(source: string, position: number): string {
  const lineStart = position === 0 ? 0 : source.lastIndexOf('\n', position - 1) + 1;
  let line = 1;
  for (let i = source.indexOf('\n'); i !== -1 && i < lineStart; i = source.indexOf('\n', i + 1)) line++;
  return `line ${line}, column ${position - lineStart + 1}`;
}

class Parser {
  private readonly lexer: Lexer;
  private tok: Token;
  private ahead: Token | undefined;
  private depth = 0;
  private parens = 0;
  private nodes = 0;
  /** Whether the last comparison-level expression was a bare operand (an operator may follow). */
  private lastBare = false;

  constructor(
    private readonly source: string,
    maxLength: number,
  ) {
    this.lexer = new Lexer(source, maxLength);
    this.tok = this.lexer.next();
  }

  parse(): ExpressionNode {
    if (this.kind() === 'eof') {
      throw this.error(0, { summary: 'Empty expression', expected: 'an expression', found: END_OF_INPUT });
    }
    const node = this.parseOr();
    if (this.kind() !== 'eof') throw this.unexpectedAfterOperand(undefined);
    return node;
  }

  // ---- tokens -------------------------------------------------------------------------

  private advance(): void {
    if (this.ahead !== undefined) {
      this.tok = this.ahead;
      this.ahead = undefined;
    } else {
      this.tok = this.lexer.next();
    }
  }

  /** The current token's kind (a method, so that TypeScript does not narrow across `advance()`). */
  private kind(): TokenKind {
    return this.tok.kind;
  }

  private peekAhead(): Token {
    this.ahead ??= this.lexer.next();
    return this.ahead;
  }

  private keyword(token: Token): Keyword | undefined {
    if (token.kind !== 'identifier') return undefined;
    const upper = (token.value as string).toUpperCase();
    return KEYWORDS.has(upper) ? (upper as Keyword) : undefined;
  }

  // ---- errors and limits --------------------------------------------------------------

  private error(position: number, problem: SyntaxProblem) {
    return syntaxErrorAt(this.source, position, problem);
  }

  private found(token: Token = this.tok): string {
    return describeToken(this.source, token);
  }

  private enter(position: number): void {
    this.depth++;
    if (this.depth > EXPRESSION_LIMITS.maxDepth) {
      throw this.error(position, {
        summary: `Nesting too deep (more than ${EXPRESSION_LIMITS.maxDepth} levels of parentheses, NOT and lists)`,
        expected: `at most ${EXPRESSION_LIMITS.maxDepth} nested levels`,
        found: `level ${this.depth}`,
      });
    }
  }

  private leave(): void {
    this.depth--;
  }

  private count(position: number): void {
    this.nodes++;
    if (this.nodes > EXPRESSION_LIMITS.maxNodes) {
      throw this.error(position, {
        summary: `Expression too complex (more than ${EXPRESSION_LIMITS.maxNodes} nodes)`,
        expected: `at most ${EXPRESSION_LIMITS.maxNodes} nodes`,
        found: `node ${this.nodes}`,
      });
    }
  }

  /** The current token cannot follow a complete operand; `open` is the enclosing '(' if any. */
  private unexpectedAfterOperand(open: Token | undefined) {
    const closer = open === undefined ? END_OF_INPUT : "')'";
    const expected = `${this.lastBare ? 'an operator, ' : ''}AND, OR or ${closer}`;
    const found = this.found();
    if (open === undefined && this.kind() === ')') {
      return this.error(this.tok.start, { summary: "Unmatched ')'", expected, found });
    }
    if (open !== undefined && this.kind() === 'eof') {
      return this.error(this.tok.start, {
        summary: `Missing ')' to close the '(' from ${lineColumn(this.source, open.start)}`,
        expected,
        found,
      });
    }
    return this.error(this.tok.start, { expected, found });
  }

  // ---- grammar ------------------------------------------------------------------------

  private parseOr(): ExpressionNode {
    const first = this.parseAnd();
    if (!this.isOr()) return first;
    this.count(this.tok.start);
    const operands = [first];
    while (this.isOr()) {
      this.advance();
      operands.push(this.parseAnd());
    }
    return { kind: 'or', operands, start: first.start, end: (operands.at(-1) as ExpressionNode).end };
  }

  private isOr(): boolean {
    return this.kind() === '||' || this.keyword(this.tok) === 'OR';
  }

  private parseAnd(): ExpressionNode {
    const first = this.parseComparison();
    if (!this.isAnd()) return first;
    this.count(this.tok.start);
    const operands = [first];
    while (this.isAnd()) {
      this.advance();
      operands.push(this.parseComparison());
    }
    return { kind: 'and', operands, start: first.start, end: (operands.at(-1) as ExpressionNode).end };
  }

  private isAnd(): boolean {
    return this.kind() === '&&' || this.keyword(this.tok) === 'AND';
  }

  private parseComparison(): ExpressionNode {
    const left = this.parseUnary();
    const operatorStart = this.tok.start;
    const operator = this.comparisonOperator();
    if (operator === undefined) {
      this.lastBare = true;
      return left;
    }
    this.count(operatorStart);
    const right = this.parseUnary();
    if (this.startsComparison()) {
      throw this.error(this.tok.start, {
        summary: 'Comparisons cannot be chained; combine them with AND, OR or parentheses',
        expected: `AND, OR or ${this.parens > 0 ? "')'" : END_OF_INPUT}`,
        found: this.found(),
      });
    }
    this.lastBare = false;
    return { kind: 'comparison', operator, left, right, start: left.start, end: right.end };
  }

  /** Consumes a comparison operator if one is next. */
  private comparisonOperator(): ComparisonOperator | undefined {
    const symbol = SYMBOL_OPERATORS[this.kind()];
    if (symbol !== undefined) {
      this.advance();
      return symbol;
    }
    const keyword = this.keyword(this.tok);
    if (keyword === 'HAS' || keyword === 'IN' || keyword === 'CONTAINS') {
      this.advance();
      return keyword;
    }
    if (keyword !== 'NOT') return undefined;
    const next = this.peekAhead();
    const negated = this.keyword(next);
    if (negated === 'HAS' || negated === 'IN' || negated === 'CONTAINS') {
      this.advance();
      this.advance();
      return `NOT ${negated}`;
    }
    const found = this.found(next);
    const butFound = next.kind === 'eof' ? '' : ` but found ${found}`;
    throw this.error(next.start, {
      summary: `Expected HAS, IN or CONTAINS after NOT${butFound} (to negate a value, put NOT before it)`,
      expected: 'HAS, IN or CONTAINS after NOT',
      found,
    });
  }

  private startsComparison(): boolean {
    if (SYMBOL_OPERATORS[this.kind()] !== undefined) return true;
    const keyword = this.keyword(this.tok);
    return keyword === 'HAS' || keyword === 'IN' || keyword === 'CONTAINS' || keyword === 'NOT';
  }

  private parseUnary(): ExpressionNode {
    if (this.kind() === '!' || this.keyword(this.tok) === 'NOT') {
      const start = this.tok.start;
      this.enter(start);
      this.count(start);
      this.advance();
      const operand = this.parseUnary();
      this.leave();
      return { kind: 'not', operand, start, end: operand.end };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): ExpressionNode {
    const tok = this.tok;
    switch (tok.kind) {
      case '(': {
        this.enter(tok.start);
        this.parens++;
        this.advance();
        const inner = this.parseOr();
        if (this.kind() !== ')') throw this.unexpectedAfterOperand(tok);
        this.parens--;
        this.leave();
        this.advance();
        return inner;
      }
      case '[':
        return this.parseList();
      case 'number':
      case 'string':
        return this.parseLiteral();
      case 'identifier': {
        const keyword = this.keyword(tok);
        if (keyword === 'TRUE' || keyword === 'FALSE' || keyword === 'NULL') return this.parseLiteral();
        if (keyword !== undefined) throw this.error(tok.start, { expected: 'a value', found: this.found() });
        const name = tok.value as string;
        if (ROOTS.has(name)) return this.parsePath(name as ExpressionRoot);
        throw this.error(tok.start, {
          summary: `Unknown root '${name}'; paths start with task, agent or time`,
          expected: 'task, agent or time',
          found: this.found(),
        });
      }
      default:
        throw this.error(tok.start, { expected: 'a value', found: this.found() });
    }
  }

  /** A literal at the current token, or `undefined` if it is not one. */
  private literalValue(): { value: LiteralNode['value'] } | undefined {
    const tok = this.tok;
    if (tok.kind === 'number' || tok.kind === 'string') return { value: tok.value as number | string };
    const keyword = this.keyword(tok);
    if (keyword === 'TRUE') return { value: true };
    if (keyword === 'FALSE') return { value: false };
    if (keyword === 'NULL') return { value: null };
    return undefined;
  }

  private parseLiteral(): LiteralNode {
    const tok = this.tok;
    const literal = this.literalValue();
    if (literal === undefined) {
      throw this.error(tok.start, {
        expected: 'a literal (string, number, true, false or null)',
        found: this.found(),
      });
    }
    this.count(tok.start);
    this.advance();
    return { kind: 'literal', value: literal.value, start: tok.start, end: tok.end };
  }

  private parseList(): ListNode {
    const open = this.tok;
    this.enter(open.start);
    this.count(open.start);
    this.advance();
    const items: LiteralNode[] = [];
    if (this.kind() !== ']') {
      for (;;) {
        if (items.length >= EXPRESSION_LIMITS.maxListItems && this.literalValue() !== undefined) {
          throw this.error(this.tok.start, {
            summary: `List too long (more than ${EXPRESSION_LIMITS.maxListItems} items)`,
            expected: `at most ${EXPRESSION_LIMITS.maxListItems} items`,
            found: `item ${items.length + 1}`,
          });
        }
        items.push(this.parseLiteral());
        if (this.kind() === ',') {
          this.advance();
          continue;
        }
        if (this.kind() === ']') break;
        throw this.error(this.tok.start, {
          summary:
            this.kind() === 'eof'
              ? `Missing ']' to close the '[' from ${lineColumn(this.source, open.start)}`
              : undefined,
          expected: "',' or ']'",
          found: this.found(),
        });
      }
    }
    const end = this.tok.end;
    this.advance();
    this.leave();
    return { kind: 'list', items, start: open.start, end };
  }

  private parsePath(root: ExpressionRoot): PathNode {
    const start = this.tok.start;
    let end = this.tok.end;
    this.count(start);
    this.advance();
    const segments: string[] = [];
    for (;;) {
      if (this.kind() === '.') {
        this.advance();
        if (this.kind() !== 'identifier') {
          throw this.error(this.tok.start, { expected: "a property name after '.'", found: this.found() });
        }
        segments.push(this.tok.value as string);
        end = this.tok.end;
        this.advance();
      } else if (this.kind() === '[') {
        this.advance();
        const tok = this.tok;
        const raw = this.source.slice(tok.start, tok.end);
        if (tok.kind === 'string') segments.push(tok.value as string);
        else if (tok.kind === 'number' && INDEX_SEGMENT.test(raw)) segments.push(raw);
        else {
          throw this.error(tok.start, {
            expected: "a quoted property name or an array index after '['",
            found: this.found(),
          });
        }
        this.advance();
        if (this.kind() !== ']') throw this.error(this.tok.start, { expected: "']'", found: this.found() });
        end = this.tok.end;
        this.advance();
      } else {
        return { kind: 'path', root, segments, start, end };
      }
    }
  }
}

/**
 * Parses a routing expression into its AST. The language (full reference in
 * `src/expression/README.md`):
 *
 * - **Paths** `task.language`, `task.customer.tier`, `agent.skills.billing`, `time.hour`:
 *   rooted at `task`, `agent` or `time`, then `.name` segments (`[A-Za-z_][A-Za-z0-9_]*`,
 *   keywords allowed), `['any key']` / `["any key"]` segments for other keys, and `[0]`
 *   array indexes. A bare root (`agent`) is a path too.
 * - **Literals** `42`, `-1.5`, `1e3`, `'text'`, `"text"` (escapes `\n \r \t \b \f \v \0
 *   \\ \' \" \/ \uXXXX \u{X}`), `true`, `false`, `null`, lists of literals `['en', 'zh']`.
 * - **Operators**, loosest first: `OR` / `||`; `AND` / `&&`; comparisons `== != < <= > >=
 *   HAS IN CONTAINS` and `NOT HAS`, `NOT IN`, `NOT CONTAINS` (not chainable); `NOT` / `!`;
 *   parentheses. Keywords and `true`/`false`/`null` are case-insensitive; roots and names
 *   are case-sensitive.
 * - **Limits** ({@link EXPRESSION_LIMITS}): 4096 characters, 64 nested levels of
 *   parentheses / `NOT` / lists, 256 list items, 512 AST nodes.
 *
 * @throws {ExpressionSyntaxError} when the source is not well formed or exceeds a limit,
 *   with the position, line, column, what was expected and found, and an excerpt.
 * @example
 * ```ts
 * const ast = parseExpression("task.language IN ['en', 'de'] AND agent.skills HAS 'billing'");
 * ast.kind; // 'and'
 * ```
 */
export function parseExpression(source: string): ExpressionNode {
  if (typeof source !== 'string') {
    const message = 'An expression source must be a string';
    throw new ValidationError(message, [{ path: '', message, code: 'invalid_type' }]);
  }
  return new Parser(source, EXPRESSION_LIMITS.maxLength).parse();
}

/**
 * Parses canonical text printed from an AST: every limit applies except the length limit
 * (printing can lengthen a source, e.g. `&&` becomes `AND`).
 * @internal
 */
export function parseTrustedExpression(source: string): ExpressionNode {
  return new Parser(source, Number.POSITIVE_INFINITY).parse();
}
