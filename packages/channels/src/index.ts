/**
 * `@hotline/channels`: channel adapters. The web chat gateway — a WebSocket server on
 * `ws` for customers and agents speaking the versioned wire protocol of `@hotline/core`
 * (see `docs/webchat-protocol.md`), visitor identity by signed tokens, HMAC or JWT, rate
 * limits, and attachments by HTTP upload into a blob store.
 *
 * @packageDocumentation
 */

// Web chat gateway
export { createWebchatGateway, DEFAULT_WEBCHAT_PATH } from './webchat/gateway.js';
export { DEFAULT_ALLOWED_MIME_TYPES, DEFAULT_WEBCHAT_LIMITS, NEVER_ALLOWED_MIME_TYPES } from './webchat/limits.js';
export { CLOSE_CODES } from './webchat/wire-errors.js';
export { DEFAULT_VISITOR_TOKEN_TTL_MS } from './webchat/sites.js';
export { computeIdentityHash, MAX_IDENTITY_JWT_TTL_MS, MemoryJtiStore } from './webchat/identity.js';
export { signAgentToken } from './webchat/agent-tokens.js';
export { VISITOR_TOKEN_TYPE } from './webchat/visitor-tokens.js';
export { MIN_SECRET_BYTES } from './webchat/secrets.js';

// Blob stores
export { assertBlobKey, BLOB_KEY_PATTERN, createMemoryBlobStore } from './blob/blob-store.js';
export { createFsBlobStore } from './blob/fs-blob-store.js';
export { normalizeMimeType, sniffMimeType } from './uploads/sniff.js';
export { sendJson } from './uploads/http-io.js';

// Types
export type { WebchatGateway } from './webchat/gateway.js';
export type { WebchatGatewayOptions, WebchatGatewayStats } from './webchat/gateway-options.js';
export type { WebchatLimits } from './webchat/limits.js';
export type { WebchatSite, WebchatSiteResolver } from './webchat/sites.js';
export type { JtiStore } from './webchat/identity.js';
export type { AgentTokenInput } from './webchat/agent-tokens.js';
export type { ActivityResult } from './webchat/agent-session.js';
export type { OkResult } from './webchat/session-common.js';
export type { WebchatEventMap } from './webchat/events.js';
export type { BlobMeta, BlobStore, StoredBlob } from './blob/blob-store.js';
export type { FsBlobStoreOptions } from './blob/fs-blob-store.js';
