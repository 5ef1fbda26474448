/**
 * Hard limits of the routing expression language. Parsing enforces the first four, so a
 * hostile or accidental input is rejected quickly and without deep recursion; evaluation
 * enforces the last.
 */
export const EXPRESSION_LIMITS = Object.freeze({
  /** Longest accepted source text, in UTF-16 code units. */
  maxLength: 4096,
  /** Deepest nesting of parentheses, `NOT`s and list brackets. */
  maxDepth: 64,
  /** Most items in one list literal. */
  maxListItems: 256,
  /** Most AST nodes in one expression (each list item counts). */
  maxNodes: 512,
  /**
   * Most elements `HAS` / `IN` examine in an array read from the context; elements past
   * this index are ignored, so evaluation time stays bounded whatever the data.
   */
  maxArrayScan: 4096,
});
