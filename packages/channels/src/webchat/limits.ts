import { MAX_MESSAGE_TEXT, ValidationError, type WireLimits } from '@hotline/core';

/** The MIME types accepted for upload when none are configured. */
export const DEFAULT_ALLOWED_MIME_TYPES: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
];

/** MIME types the gateway refuses whatever the configuration says: browsers run scripts in them. */
export const NEVER_ALLOWED_MIME_TYPES: readonly string[] = [
  'text/html',
  'application/xhtml+xml',
  'image/svg+xml',
  'text/xml',
  'application/xml',
  'text/javascript',
  'application/javascript',
];

/** The limits a gateway enforces. Every field has a default; see {@link DEFAULT_WEBCHAT_LIMITS}. */
export interface WebchatLimits {
  /** Largest WebSocket frame, in bytes; a larger one is `PAYLOAD_TOO_LARGE` and closes with 4413. @default 65_536 */
  maxFrameBytes: number;
  /** Longest text of one message, in UTF-16 code units (at most core's `MAX_MESSAGE_TEXT`). @default 10_000 */
  maxTextLength: number;
  /** Messages (`send`, `start`, `offline`, `csat`, `transcript`) per second per connection, sustained. @default 5 */
  messagesPerSecond: number;
  /** Messages a connection may send at once before the sustained rate applies. @default 20 */
  messageBurst: number;
  /** Frames of any kind per second per connection, sustained. @default 20 */
  framesPerSecond: number;
  /**
   * Frames a connection may send at once. A connection that keeps sending after this many
   * refused frames is flooding and is closed with 4429. @default 60
   */
  frameBurst: number;
  /** Customer messages per second from one IP address, all its connections together. @default 50 */
  ipMessagesPerSecond: number;
  /** Customer messages one IP address may send at once. @default 200 */
  ipMessageBurst: number;
  /** Open customer connections per IP address. @default 100 */
  connectionsPerIp: number;
  /** Open agent connections per IP address (a call centre is often one address). @default 1000 */
  agentConnectionsPerIp: number;
  /** Largest upload, in bytes. @default 10_485_760 (10 MiB) */
  maxUploadBytes: number;
  /** Uploads per minute from one IP address. @default 30 */
  uploadsPerMinutePerIp: number;
  /** MIME types accepted for upload (checked against the content). @default {@link DEFAULT_ALLOWED_MIME_TYPES} */
  allowedMimeTypes: readonly string[];
}

/** The default limits. */
export const DEFAULT_WEBCHAT_LIMITS: Readonly<WebchatLimits> = Object.freeze({
  maxFrameBytes: 64 * 1024,
  maxTextLength: 10_000,
  messagesPerSecond: 5,
  messageBurst: 20,
  framesPerSecond: 20,
  frameBurst: 60,
  ipMessagesPerSecond: 50,
  ipMessageBurst: 200,
  connectionsPerIp: 100,
  agentConnectionsPerIp: 1000,
  maxUploadBytes: 10 * 1024 * 1024,
  uploadsPerMinutePerIp: 30,
  allowedMimeTypes: DEFAULT_ALLOWED_MIME_TYPES,
});

const POSITIVE_KEYS = [
  'maxFrameBytes',
  'maxTextLength',
  'messagesPerSecond',
  'messageBurst',
  'framesPerSecond',
  'frameBurst',
  'ipMessagesPerSecond',
  'ipMessageBurst',
  'connectionsPerIp',
  'agentConnectionsPerIp',
  'uploadsPerMinutePerIp',
] as const;

/** Fills in defaults and refuses nonsense (a zero rate would lock everyone out silently). */
export function resolveLimits(partial: Partial<WebchatLimits> = {}): WebchatLimits {
  const limits: WebchatLimits = { ...DEFAULT_WEBCHAT_LIMITS, ...partial };
  for (const key of POSITIVE_KEYS) {
    const value = limits[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) invalidLimit(key, 'a positive number');
  }
  if (!Number.isInteger(limits.maxUploadBytes) || limits.maxUploadBytes < 0) {
    invalidLimit('maxUploadBytes', 'an integer ≥ 0');
  }
  if (limits.maxTextLength > MAX_MESSAGE_TEXT) invalidLimit('maxTextLength', `at most ${MAX_MESSAGE_TEXT}`);
  const types = limits.allowedMimeTypes.map((type) => type.toLowerCase());
  for (const type of types) {
    if (!/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(type)) invalidLimit('allowedMimeTypes', `'${type}' is not a MIME type`);
    if (NEVER_ALLOWED_MIME_TYPES.includes(type)) invalidLimit('allowedMimeTypes', `'${type}' can run scripts`);
  }
  return { ...limits, allowedMimeTypes: Object.freeze([...new Set(types)]) };
}

function invalidLimit(key: string, expected: string): never {
  throw new ValidationError(`limits.${key} must be ${expected}`, [{ path: `limits.${key}`, message: expected }]);
}

/** The limits as the `hello` reply tells them to clients. */
export function toWireLimits(limits: WebchatLimits): WireLimits {
  return {
    maxFrameBytes: limits.maxFrameBytes,
    maxTextLength: limits.maxTextLength,
    maxUploadBytes: limits.maxUploadBytes,
    allowedMimeTypes: [...limits.allowedMimeTypes],
    messagesPerSecond: limits.messagesPerSecond,
  };
}
