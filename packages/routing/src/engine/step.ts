import type { ClosedAction } from './definitions.js';
import type { Target } from './target.js';

/** A workflow step compiled for routing: its target and the step's own rules. */
export interface Step {
  readonly target: Target;
  readonly timeoutMs: number | undefined;
  readonly priority: number | undefined;
  readonly skipIf: 'no_members' | 'no_available' | undefined;
  readonly whenClosed: ClosedAction;
}
