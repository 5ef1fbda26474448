export {
  CALL_EVENT_TYPES,
  CALL_STATES,
  callMachine,
  canTransitionCall,
  transitionCall,
} from './softphone/call-machine.js';
export { Call } from './softphone/call.js';
export { Conference } from './softphone/conference.js';
export { TypedEmitter } from './softphone/emitter.js';
export { glareRetryDelayMs, REQUEST_PENDING, retryOnGlare } from './softphone/glare-retry.js';
export { estimateMos } from './softphone/mos.js';
export { runPreflight } from './softphone/preflight.js';
export { QualityWarningTracker, readQualityFigures, startQualitySampling } from './softphone/quality.js';
export { createSoftphone, Softphone } from './softphone/softphone.js';
export {
  flowAttributeValueSchema,
  flowDefinitionSchema,
  flowNodeSchema,
  localeSchema,
  localizedKeywordsSchema,
  localizedTextSchema,
} from './flows/index.js';
export { flowInputSchema } from './flows/index.js';
export { FLOW_STATE_FORMAT, serializedFlowStateSchema } from './flows/index.js';
export { localize, matchesKeyword, resolveLocale } from './flows/index.js';
export { createFlowMachine } from './flows/index.js';
export { parseFlowDefinition, resumeFlow, startFlow } from './flows/index.js';
export { BOT_AUTHOR, CHAT_FLOW_ATTRIBUTE, chatFlowRecordSchema, withChatFlow } from './chat/index.js';

export type {
  CallEndReason,
  CallMachineContext,
  CallMachineEvent,
  CallState,
  CallStatus,
  ResumableCallState,
} from './softphone/call-machine.js';
export type { CallEvents, DtmfTransport } from './softphone/call.js';
export type {
  AudioContextLike,
  AudioNodeLike,
  ConferenceEvents,
  ConferenceOptions,
  GainNodeLike,
  MediaStreamDestinationLike,
} from './softphone/conference.js';
export type { Unsubscribe } from './softphone/emitter.js';
export type { GlareRetryOptions, ReinviteOutcome } from './softphone/glare-retry.js';
export type { MosInput } from './softphone/mos.js';
export type { AudioSinkLike, SoftphoneOptions } from './softphone/options.js';
export type {
  MicrophoneCheck,
  PreflightOptions,
  PreflightReport,
  PreflightSocket,
  ServerCheck,
} from './softphone/preflight.js';
export type {
  InboundCounters,
  QualitySample,
  QualitySamplingOptions,
  QualityThresholds,
  QualityWarningChange,
  QualityWarningName,
  StatsReportLike,
} from './softphone/quality.js';
export type {
  AudioDevices,
  CallOptions,
  ConnectionState,
  RegistrationState,
  SoftphoneEvents,
} from './softphone/softphone.js';
export type {
  JsSipListener,
  JsSipModuleLike,
  ReinviteHandlers,
  SipResponseLike,
  SipSessionLike,
  SipUaConfiguration,
  SipUaLike,
} from './softphone/jssip-types.js';
export type { Timers } from './softphone/timers.js';
export type {
  FlowAttributeValue,
  FlowDefinition,
  FlowDefinitionInput,
  FlowNode,
  LocalizedKeywords,
  LocalizedText,
  WaitingNode,
} from './flows/index.js';
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
} from './flows/index.js';
export type { SerializedFlowState } from './flows/index.js';
export type { FlowContext } from './flows/index.js';
export type { FlowMachine, FlowMachineInput } from './flows/index.js';
export type { FlowRunner, StartFlowOptions } from './flows/index.js';
export type {
  ChatFlowControls,
  ChatFlowDispatcher,
  ChatFlowErrorContext,
  ChatFlowOptions,
  ChatFlowRecord,
} from './chat/index.js';
