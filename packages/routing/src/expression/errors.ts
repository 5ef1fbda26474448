import { ValidationError } from '@hotline/core';

/** Where and why an expression failed to parse; the `details` of {@link ExpressionSyntaxError}. */
export interface ExpressionSyntaxErrorDetails {
  /** 0-based UTF-16 offset into the source. */
  position: number;
  /** 1-based line (lines are separated by `\n`). */
  line: number;
  /** 1-based column, in UTF-16 code units. */
  column: number;
  /** What the parser expected there, e.g. `a value` or `')'`. */
  expected: string;
  /** What it found, e.g. `end of input`, `'='` or `string 'abc'`. */
  found: string;
  /** The offending line (shortened around the position if long) and a caret under the position. */
  excerpt: string;
}

/**
 * A routing expression is not well formed (or exceeds a limit in `EXPRESSION_LIMITS`).
 * Code `VALIDATION_FAILED`; `details` holds {@link ExpressionSyntaxErrorDetails} plus the
 * usual `issues`.
 *
 * @example
 * ```ts
 * try {
 *   parseExpression('task.language == ');
 * } catch (err) {
 *   if (err instanceof ExpressionSyntaxError) {
 *     err.message; // "Expected a value at line 1, column 17: task.language == "
 *     err.syntax.excerpt; // "task.language == \n                ^"
 *     err.syntax.found; // "end of input"
 *   }
 * }
 * ```
 */
export class ExpressionSyntaxError extends ValidationError {
  /** The same facts as `details`, typed. */
  readonly syntax: Readonly<ExpressionSyntaxErrorDetails>;

  constructor(message: string, syntax: ExpressionSyntaxErrorDetails) {
    super(message, [{ path: '', message, code: 'expression_syntax' }], { details: { ...syntax } });
    // `ValidationError` declares `name` as the literal 'ValidationError'; refine it at runtime.
    Object.defineProperty(this, 'name', {
      value: 'ExpressionSyntaxError',
      enumerable: false,
      configurable: true,
      writable: false,
    });
    this.syntax = Object.freeze({ ...syntax });
  }
}

/**
 * What to report: `summary` defaults to `Expected <expected>` (plus `but found <found>`).
 * @internal
 */
export interface SyntaxProblem {
  expected: string;
  found: string;
  summary?: string;
}

const EXCERPT_BEFORE = 60;
const EXCERPT_AFTER = 40;

/**
 * Computes line, column and excerpt for `position` in `source` and builds the error.
 * @internal
 */
export function syntaxErrorAt(source: string, position: number, problem: SyntaxProblem): ExpressionSyntaxError {
  const at = Math.max(0, Math.min(position, source.length));
  // (`lastIndexOf` clamps a negative start to 0, so position 0 needs its own case.)
  const lineStart = at === 0 ? 0 : source.lastIndexOf('\n', at - 1) + 1;
  let lineEnd = source.indexOf('\n', at);
  if (lineEnd === -1) lineEnd = source.length;
  let line = 1;
  for (let i = source.indexOf('\n'); i !== -1 && i < lineStart; i = source.indexOf('\n', i + 1)) line++;
  const column = at - lineStart + 1;

  let text = source.slice(lineStart, lineEnd);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  const offset = at - lineStart;
  const from = Math.max(0, offset - EXCERPT_BEFORE);
  const to = Math.min(text.length, offset + EXCERPT_AFTER);
  const lead = from > 0 ? '…' : '';
  const visible = `${lead}${text.slice(from, to)}${to < text.length ? '…' : ''}`;
  let caretPad = lead === '' ? '' : ' ';
  for (let i = from; i < offset; i++) caretPad += text[i] === '\t' ? '\t' : ' ';
  const excerpt = `${visible}\n${caretPad}^`;

  const summary =
    problem.summary ??
    (problem.found === END_OF_INPUT
      ? `Expected ${problem.expected}`
      : `Expected ${problem.expected} but found ${problem.found}`);
  const message = `${summary} at line ${line}, column ${column}: ${visible}`;
  return new ExpressionSyntaxError(message, {
    position: at,
    line,
    column,
    expected: problem.expected,
    found: problem.found,
    excerpt,
  });
}

/** The `found` of an error at the end of the source. */
export const END_OF_INPUT = 'end of input';
