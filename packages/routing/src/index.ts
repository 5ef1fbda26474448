/**
 * `@hotline/routing`: the skills-based routing engine — queues, workflows with bullseye
 * steps, agents with per-channel capacity, reservations, strategies, overflow, business
 * hours, live statistics and `explain` — the routing expression language, and the
 * `ConversationDispatcher` that implements core's `Dispatcher` port on the engine.
 * Staffing (Erlang C/A) and simulation are in `@hotline/routing/staffing`.
 *
 * @packageDocumentation
 */

// Engine
export { RoutingEngine } from './engine/routing-engine.js';
export {
  activityDefinitionSchema,
  adoptTaskInputSchema,
  closedActionSchema,
  DEFAULT_ACTIVITIES,
  engineSettingsSchema,
  overflowTargetSchema,
  preferredAgentSchema,
  queueDefinitionSchema,
  routingAgentInputSchema,
  routingStrategySchema,
  skillRequirementsSchema,
  stepDefinitionSchema,
  taskInputSchema,
  workflowDefinitionSchema,
} from './engine/definitions.js';

// Dispatching conversations (core's Dispatcher port)
export { ConversationDispatcher, createConversationDispatcher } from './dispatch/conversation-dispatcher.js';

// Expression language
export { compileExpression, splitByRoots } from './expression/compile.js';
export { parseExpression } from './expression/parse.js';
export { formatExpression } from './expression/format.js';
export { ExpressionSyntaxError } from './expression/errors.js';
export { EXPRESSION_LIMITS } from './expression/limits.js';
export { COMPARISON_OPERATORS, EXPRESSION_ROOTS } from './expression/ast.js';

// Types
export type { RoutingEngineOptions } from './engine/routing-engine.js';
export type {
  ActivityDefinition,
  AdoptTaskInput,
  ClosedAction,
  OverflowTarget,
  QueueDefinition,
  QueueDefinitionInput,
  QueueHours,
  RoutingAgentInput,
  RoutingStrategy,
  SkillRequirements,
  StepDefinition,
  TaskInput,
  WorkflowDefinition,
  WorkflowDefinitionInput,
} from './engine/definitions.js';
export type { AgentStats, AgentView, TaskView } from './engine/views.js';
export type { QueueCounters, QueueStats } from './engine/queue-state.js';
export type { AgentPresence } from './engine/agent-state.js';
export type { RoutingTaskStatus } from './engine/task-state.js';
export type { ReservationStatus } from './engine/reservation.js';
export type { CandidateExplanation, DecisionRecord, TaskExplanation } from './engine/explain.js';
export type { TimeView } from './engine/time-context.js';
export type { RoutingEventMap } from './engine/events.js';
export type {
  ConversationDispatcherOptions,
  DispatcherHotline,
  DispatchErrorContext,
  RestoreReport,
  RoutingAgentProfile,
} from './dispatch/options.js';
export type { CompiledExpression, ExpressionContext } from './expression/compile.js';
export type { ExpressionSyntaxErrorDetails } from './expression/errors.js';
export type {
  ComparisonNode,
  ComparisonOperator,
  ExpressionNode,
  ExpressionRoot,
  ListNode,
  LiteralNode,
  LiteralValue,
  LogicalNode,
  NotNode,
  PathNode,
} from './expression/ast.js';
