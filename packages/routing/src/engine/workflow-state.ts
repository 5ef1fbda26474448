import type { CompiledExpression } from '../expression/compile.js';
import type { WorkflowDefinition } from './definitions.js';
import type { Step } from './step.js';

/** A workflow compiled for routing. */
export interface WorkflowState {
  readonly definition: WorkflowDefinition;
  readonly filters: readonly {
    name: string;
    match: CompiledExpression | undefined;
    priority: number | undefined;
    steps: Step[];
  }[];
  readonly defaultSteps: Step[] | undefined;
  readonly taskTimeoutMs: number | undefined;
}
