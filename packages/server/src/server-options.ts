import type { WebchatGatewayOptions } from '@hotline/channels';
import type { Clock, PolicyOptions, Storage } from '@hotline/core';
import type { TicketingOptions } from '@hotline/ticketing';
import type { ApiKeyConfig } from './auth/authenticate.js';
import type { OpenApiInfo } from './openapi/openapi.js';

/** Where the server reports what it cannot answer to a client. */
export interface ServerLogger {
  error(message: string, error?: unknown): void;
  info?(message: string): void;
}

/** The web chat gateway's options, less what the server composes itself. */
export type ServerWebchatOptions = Omit<WebchatGatewayOptions, 'hotline' | 'dispatcher' | 'server'>;

/** Options of {@link createHotlineServer}. */
export interface HotlineServerOptions {
  /** Where everything is stored (memory, PGlite or PostgreSQL); opened by the caller. */
  storage: Storage;
  /** @default systemClock */
  clock?: Clock;
  /** Verifies the REST API's access tokens (HS256, at least 32 bytes). */
  jwtSecret: string | Uint8Array;
  /** Integrations' keys, sent as `X-Api-Key`. @default [] */
  apiKeys?: readonly ApiKeyConfig[];
  /** The web chat gateway: sites, agent secret, upload directory… */
  webchat: ServerWebchatOptions;
  /**
   * Ticketing options (SLA, rules, webhooks, store). The guard defaults to one on the
   * server's RBAC policy.
   * @default in-memory tickets with the server's guard
   */
  ticketing?: Omit<TicketingOptions, 'hotline'>;
  /** Extra RBAC roles, or replacements for built-in ones. @default {} */
  roles?: PolicyOptions['roles'];
  /** The largest JSON request body, in bytes. @default 1_048_576 */
  bodyLimitBytes?: number;
  /** Title, version and servers of `/openapi.json`. @default { title: 'Hotline API' } */
  openapi?: OpenApiInfo;
  /** Serve Prometheus metrics at `/metrics`. @default true */
  metrics?: boolean;
  /** How long `close()` waits for requests in flight before cutting connections. @default 5_000 */
  shutdownGraceMs?: number;
  /** Close `storage` at the end of `close()`. @default true */
  closeStorage?: boolean;
  /** @default errors to `console.error` */
  logger?: ServerLogger;
}
