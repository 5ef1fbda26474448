export { withChatFlow } from './chat-flow.js';
export { BOT_AUTHOR } from './chat-flow-options.js';
export { CHAT_FLOW_ATTRIBUTE, chatFlowRecordSchema } from './flow-record.js';

export type {
  ChatFlowControls,
  ChatFlowDispatcher,
  ChatFlowErrorContext,
  ChatFlowOptions,
} from './chat-flow-options.js';
export type { ChatFlowRecord } from './flow-record.js';
