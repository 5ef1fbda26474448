/**
 * The abstract syntax tree of the routing expression language. Every node is a plain,
 * JSON-serialisable object discriminated on `kind`, with the `[start, end)` UTF-16 offsets
 * of the source text it was parsed from (parentheses are not nodes: a parenthesised
 * expression keeps the offsets of its inner expression).
 *
 * @module
 */

/** The roots a path may start from. */
export const EXPRESSION_ROOTS = ['task', 'agent', 'time'] as const;

/** A path root: `task`, `agent` or `time`. */
export type ExpressionRoot = (typeof EXPRESSION_ROOTS)[number];

/** The value of a literal. Numbers are always finite. */
export type LiteralValue = string | number | boolean | null;

/**
 * The binary comparison operators, in their canonical (upper-case) spelling. `NOT HAS`,
 * `NOT IN` and `NOT CONTAINS` are the exact negations of `HAS`, `IN` and `CONTAINS`.
 */
export const COMPARISON_OPERATORS = [
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'HAS',
  'IN',
  'CONTAINS',
  'NOT HAS',
  'NOT IN',
  'NOT CONTAINS',
] as const;

/** One of {@link COMPARISON_OPERATORS}. */
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/** Source offsets shared by every node: `source.slice(start, end)` is the node's text. */
export interface NodeSpan {
  readonly start: number;
  readonly end: number;
}

/** `task.customer.tier`, `agent.skills['x-sku']`, or a bare root such as `agent`. */
export interface PathNode extends NodeSpan {
  readonly kind: 'path';
  readonly root: ExpressionRoot;
  /** Property names below the root, already unquoted; empty for a bare root. */
  readonly segments: readonly string[];
}

/** A string, number, boolean or `null` literal. */
export interface LiteralNode extends NodeSpan {
  readonly kind: 'literal';
  readonly value: LiteralValue;
}

/** A list of literals, such as `['en', 'zh']`. */
export interface ListNode extends NodeSpan {
  readonly kind: 'list';
  readonly items: readonly LiteralNode[];
}

/** `NOT operand` (also written `!operand`). */
export interface NotNode extends NodeSpan {
  readonly kind: 'not';
  readonly operand: ExpressionNode;
}

/** `left operator right`. Comparisons do not chain: `a == b == c` is a syntax error. */
export interface ComparisonNode extends NodeSpan {
  readonly kind: 'comparison';
  readonly operator: ComparisonOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
}

/**
 * `a AND b AND c` (`kind: 'and'`) or `a OR b OR c` (`kind: 'or'`), with at least two
 * operands. A chain of the same operator is one node; `a AND (b AND c)` stays nested.
 */
export interface LogicalNode extends NodeSpan {
  readonly kind: 'and' | 'or';
  readonly operands: readonly ExpressionNode[];
}

/** Any node of a routing expression. */
export type ExpressionNode = PathNode | LiteralNode | ListNode | NotNode | ComparisonNode | LogicalNode;

/** The `kind`s of {@link ExpressionNode}. */
export type ExpressionNodeKind = ExpressionNode['kind'];

/**
 * The roots an expression reads, in `task`, `agent`, `time` order.
 *
 * @example
 * ```ts
 * rootsOf(parseExpression("agent.skills HAS 'billing' AND task.vip")); // ['task', 'agent']
 * ```
 */
export function rootsOf(node: ExpressionNode): ExpressionRoot[] {
  const seen = new Set<ExpressionRoot>();
  collectRoots(node, seen);
  return EXPRESSION_ROOTS.filter((root) => seen.has(root));
}

function collectRoots(node: ExpressionNode, seen: Set<ExpressionRoot>): void {
  switch (node.kind) {
    case 'path':
      seen.add(node.root);
      return;
    case 'literal':
    case 'list':
      return;
    case 'not':
      collectRoots(node.operand, seen);
      return;
    case 'comparison':
      collectRoots(node.left, seen);
      collectRoots(node.right, seen);
      return;
    case 'and':
    case 'or':
      for (const operand of node.operands) collectRoots(operand, seen);
      return;
  }
}
