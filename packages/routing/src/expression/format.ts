import { ValidationError } from '@hotline/core';
import { COMPARISON_OPERATORS, EXPRESSION_ROOTS, type ExpressionNode } from './ast.js';
import { EXPRESSION_LIMITS } from './limits.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INDEX_SEGMENT = /^(?:0|[1-9][0-9]{0,8})$/;
const ROOTS: ReadonlySet<unknown> = new Set<unknown>(EXPRESSION_ROOTS);
const OPERATORS: ReadonlySet<unknown> = new Set<unknown>(COMPARISON_OPERATORS);
/** Far deeper than any parsed AST (64 nesting levels), shallow enough for the stack. */
const MAX_AST_DEPTH = 1024;

/** Binding strength: a child binding looser than its parent needs parentheses. */
function level(node: ExpressionNode): number {
  switch (node.kind) {
    case 'or':
      return 1;
    case 'and':
      return 2;
    case 'comparison':
      return 3;
    case 'not':
      return 4;
    default:
      return 5;
  }
}

function invalid(path: string, message: string): ValidationError {
  const full = `Invalid expression AST${path === '' ? '' : ` at ${path}`}: ${message}`;
  return new ValidationError(full, [{ path, message, code: 'invalid_ast' }]);
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

/** Quotes a string literal with single quotes so that the lexer reads back the same string. */
export function quoteString(value: string): string {
  let out = "'";
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const char = value[i] as string;
    if (char === "'") out += "\\'";
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += value.slice(i, i + 2);
        i++;
      } else {
        out += unicodeEscape(code);
      }
    } else if (
      code < 0x20 ||
      code === 0x7f ||
      (code >= 0x80 && code <= 0x9f) ||
      (code >= 0xdc00 && code <= 0xdfff) ||
      code === 0x2028 ||
      code === 0x2029
    ) {
      out += unicodeEscape(code);
    } else {
      out += char;
    }
  }
  return `${out}'`;
}

function unicodeEscape(code: number): string {
  return `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function formatNumber(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

class Printer {
  private nodes = 0;

  print(node: unknown, depth: number, path: string): { text: string; level: number } {
    if (depth > MAX_AST_DEPTH) throw invalid(path, `nested deeper than ${MAX_AST_DEPTH} levels (or cyclic)`);
    if (typeof node !== 'object' || node === null) throw invalid(path, 'expected a node object');
    this.nodes++;
    if (this.nodes > EXPRESSION_LIMITS.maxNodes) {
      throw invalid(path, `more than ${EXPRESSION_LIMITS.maxNodes} nodes`);
    }
    const n = node as ExpressionNode;
    switch (n.kind) {
      case 'path': {
        if (!ROOTS.has(n.root)) throw invalid(join(path, 'root'), 'expected task, agent or time');
        if (!Array.isArray(n.segments)) throw invalid(join(path, 'segments'), 'expected an array of strings');
        let text: string = n.root;
        n.segments.forEach((segment: unknown, index) => {
          if (typeof segment !== 'string') throw invalid(join(join(path, 'segments'), index), 'expected a string');
          if (IDENTIFIER.test(segment)) text += `.${segment}`;
          else if (INDEX_SEGMENT.test(segment)) text += `[${segment}]`;
          else text += `[${quoteString(segment)}]`;
        });
        return { text, level: 5 };
      }
      case 'literal':
        return { text: this.literal(n.value, join(path, 'value')), level: 5 };
      case 'list': {
        if (!Array.isArray(n.items)) throw invalid(join(path, 'items'), 'expected an array of literal nodes');
        const items = n.items.map((item: unknown, index) => {
          const itemPath = join(join(path, 'items'), index);
          if (typeof item !== 'object' || item === null || (item as { kind?: unknown }).kind !== 'literal') {
            throw invalid(itemPath, 'expected a literal node');
          }
          this.nodes++;
          return this.literal((item as { value?: unknown }).value, join(itemPath, 'value'));
        });
        return { text: `[${items.join(', ')}]`, level: 5 };
      }
      case 'not':
        return { text: `NOT ${this.operand(n.operand, 4, depth, join(path, 'operand'))}`, level: 4 };
      case 'comparison': {
        if (!OPERATORS.has(n.operator)) throw invalid(join(path, 'operator'), 'expected a comparison operator');
        const left = this.operand(n.left, 4, depth, join(path, 'left'));
        const right = this.operand(n.right, 4, depth, join(path, 'right'));
        return { text: `${left} ${n.operator} ${right}`, level: 3 };
      }
      case 'and':
      case 'or': {
        if (!Array.isArray(n.operands) || n.operands.length < 2) {
          throw invalid(join(path, 'operands'), 'expected an array of at least two nodes');
        }
        const min = n.kind === 'and' ? 3 : 2;
        const parts = n.operands.map((operand: unknown, index) =>
          this.operand(operand, min, depth, join(join(path, 'operands'), index)),
        );
        return { text: parts.join(n.kind === 'and' ? ' AND ' : ' OR '), level: level(n) };
      }
      default:
        throw invalid(join(path, 'kind'), 'expected path, literal, list, not, comparison, and or or');
    }
  }

  /** Prints a child, in parentheses if it binds looser than `min`. */
  private operand(node: unknown, min: number, depth: number, path: string): string {
    const printed = this.print(node, depth + 1, path);
    return printed.level < min ? `(${printed.text})` : printed.text;
  }

  private literal(value: unknown, path: string): string {
    if (typeof value === 'string') return quoteString(value);
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw invalid(path, 'numbers must be finite');
      return formatNumber(value);
    }
    if (value === true) return 'true';
    if (value === false) return 'false';
    if (value === null) return 'null';
    throw invalid(path, 'expected a string, finite number, boolean or null');
  }
}

/**
 * Prints an AST as canonical source: keywords upper-case (`AND`, `OR`, `NOT`, `HAS`…),
 * strings single-quoted, single spaces around operators, and parentheses only where the
 * tree needs them. `parseExpression(formatExpression(ast))` gives back `ast` (offsets
 * aside), so the output suits storage, diffs and `explain()`.
 *
 * @throws {ValidationError} if `node` is not a well-formed AST (wrong shapes, non-finite
 *   numbers, more than `EXPRESSION_LIMITS.maxNodes` nodes, cycles).
 * @example
 * ```ts
 * formatExpression(parseExpression("task.language in ['en','de'] && !task.vip"));
 * // "task.language IN ['en', 'de'] AND NOT task.vip"
 * ```
 */
export function formatExpression(node: ExpressionNode): string {
  return new Printer().print(node, 0, '').text;
}
