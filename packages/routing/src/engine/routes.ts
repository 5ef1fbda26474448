import {
  type CompiledExpression,
  compileExpression,
  type ExpressionContext,
  splitByRoots,
} from '../expression/compile.js';
import { admitAgentsTo } from './agent-ops.js';
import type {
  QueueDefinition,
  RoutingStrategy,
  SkillRequirements,
  StepDefinition,
  WorkflowDefinition,
} from './definitions.js';
import type { EngineState } from './engine-state.js';
import { QueueState } from './queue-state.js';
import type { Step } from './step.js';
import { Target, type TargetRequirements } from './target.js';
import type { WorkflowState } from './workflow-state.js';

/** Both predicates must hold; used to join a queue's and a step's expression parts. */
function both(a: CompiledExpression | undefined, b: CompiledExpression | undefined): CompiledExpression | undefined {
  if (!a) return b;
  if (!b) return a;
  return {
    source: `(${a.source}) AND (${b.source})`,
    ast: a.ast,
    roots: new Set([...a.roots, ...b.roots]),
    test: (context: ExpressionContext) => a.test(context) && b.test(context),
    value: (context: ExpressionContext) => a.test(context) && b.test(context),
  };
}

function split(source: string | undefined): { agentOnly?: CompiledExpression; rest?: CompiledExpression } {
  return source === undefined ? {} : splitByRoots(compileExpression(source));
}

function mergeSkills(a: SkillRequirements, b: SkillRequirements | undefined): SkillRequirements {
  const out: SkillRequirements = { ...a };
  for (const [skill, level] of Object.entries(b ?? {})) out[skill] = Math.max(out[skill] ?? 0, level);
  return out;
}

/**
 * The target for a queue plus optional step requirements, shared by every step with the
 * same signature so identical rings of different workflows index agents once.
 */
export function targetFor(
  s: EngineState,
  queue: QueueState,
  step: Pick<StepDefinition, 'skills' | 'languages' | 'expression' | 'strategy'> = {},
): Target {
  const skills = mergeSkills(queue.definition.skills, step.skills);
  const languages = step.languages ?? queue.definition.languages;
  const strategy: RoutingStrategy = step.strategy ?? queue.definition.strategy;
  const signature = JSON.stringify([
    queue.id,
    strategy,
    Object.entries(skills).sort(),
    languages ? [...languages].sort() : null,
    queue.definition.expression ?? null,
    step.expression ?? null,
  ]);
  const existing = s.targets.get(signature);
  if (existing) return existing;
  const fromQueue = split(queue.definition.expression);
  const fromStep = split(step.expression);
  const requirements: TargetRequirements = {
    skills,
    languages,
    agentFilter: both(fromQueue.agentOnly, fromStep.agentOnly),
    taskFilter: both(fromQueue.rest, fromStep.rest),
  };
  const target = new Target(s.targets.size, signature, queue, requirements, strategy);
  s.targets.set(signature, target);
  queue.targets.push(target);
  const skillNames = Object.keys(skills);
  if (skillNames.length === 0) s.targetsWithoutSkills.push(target);
  else {
    // Index by the least common skill, so membership checks start from a short list.
    const rarest = skillNames.reduce((best, skill) =>
      (s.targetsBySkill.get(skill)?.length ?? 0) < (s.targetsBySkill.get(best)?.length ?? 0) ? skill : best,
    );
    const list = s.targetsBySkill.get(rarest) ?? [];
    list.push(target);
    s.targetsBySkill.set(rarest, list);
  }
  admitAgentsTo(s, target);
  return target;
}

/** Creates a queue (and its base target) from a validated definition. */
export function createQueue(s: EngineState, definition: QueueDefinition): QueueState {
  const queue = new QueueState(definition, s.settings.statsWindowMinutes);
  s.queues.set(definition.id, queue);
  queue.base = targetFor(s, queue);
  queue.baseStep = {
    target: queue.base,
    timeoutMs: undefined,
    priority: undefined,
    skipIf: undefined,
    whenClosed: definition.whenClosed,
  };
  queue.baseRoute = Object.freeze([queue.baseStep]);
  s.dirtyQueues.add(queue);
  return queue;
}

function compileStep(s: EngineState, definition: StepDefinition): Step {
  const queue = s.queues.get(definition.queueId) as QueueState;
  return {
    target: targetFor(s, queue, definition),
    timeoutMs: definition.timeoutSeconds === undefined ? undefined : definition.timeoutSeconds * 1000,
    priority: definition.priority,
    skipIf: definition.skipIf,
    whenClosed: definition.whenClosed ?? queue.definition.whenClosed,
  };
}

/** Compiles a validated workflow whose queues exist. */
export function compileWorkflow(s: EngineState, definition: WorkflowDefinition): WorkflowState {
  return {
    definition,
    filters: definition.filters.map((filter, index) => ({
      name: filter.name ?? `filter ${index + 1}`,
      match: filter.match === undefined ? undefined : compileExpression(filter.match),
      priority: filter.priority,
      steps: filter.steps.map((step) => compileStep(s, step)),
    })),
    defaultSteps: definition.defaultSteps?.map((step) => compileStep(s, step)),
    taskTimeoutMs: definition.taskTimeoutSeconds === undefined ? undefined : definition.taskTimeoutSeconds * 1000,
  };
}
