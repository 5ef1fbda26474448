export {
  flowAttributeValueSchema,
  flowDefinitionSchema,
  flowNodeSchema,
  localeSchema,
  localizedKeywordsSchema,
  localizedTextSchema,
} from './definition-schema.js';
export { flowInputSchema } from './flow-io.js';
export { FLOW_STATE_FORMAT, serializedFlowStateSchema } from './flow-state.js';
export { localize, matchesKeyword, resolveLocale } from './localize.js';
export { createFlowMachine } from './machine.js';
export { parseFlowDefinition, resumeFlow, startFlow } from './runner.js';

export type {
  FlowAttributeValue,
  FlowDefinition,
  FlowDefinitionInput,
  FlowNode,
  LocalizedKeywords,
  LocalizedText,
  WaitingNode,
} from './definition-schema.js';
export type {
  FlowCallbackOutput,
  FlowChannel,
  FlowChoice,
  FlowEndOutput,
  FlowEndReason,
  FlowInput,
  FlowOutput,
  FlowPromptOutput,
  FlowRouteOutput,
  FlowSayOutput,
} from './flow-io.js';
export type { SerializedFlowState } from './flow-state.js';
export type { FlowContext } from './interpreter.js';
export type { FlowMachine, FlowMachineInput } from './machine.js';
export type { FlowRunner, StartFlowOptions } from './runner.js';
