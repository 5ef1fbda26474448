export { CustomerChat } from './customer-chat.js';
export { AgentDesk } from './agent-desk.js';
export { ClientError } from './errors.js';
export { Emitter } from './emitter.js';
export { backoffDelay } from './transport/backoff.js';

export type {
  ChatMessage,
  CustomerChatEvents,
  CustomerChatOptions,
  MessageStatus,
  OfflineMessage,
  SentMessage,
  StartOptions,
} from './chat-types.js';
export type { AgentDeskEvents, AgentDeskOptions } from './agent-desk.js';
export type { ClientErrorOptions } from './errors.js';
export type { Unsubscribe } from './emitter.js';
export type { StorageLike } from './storage.js';
export type {
  ConnectionState,
  ReconnectOptions,
  Timers,
  TransportOptions,
  WebSocketConstructor,
  WebSocketLike,
} from './transport/types.js';
export type {
  AgentStateView,
  Attachment,
  IdentityClaim,
  QueueStatsView,
  ReadHorizon,
  StatsSnapshot,
  TransferTarget,
  VisitorAttributes,
  WatchResult,
  WireConversation,
  WireError,
  WireLimits,
  WireMessage,
  WireOffer,
  WrapUp,
} from '@hotline/core';
