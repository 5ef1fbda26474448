import type { WebchatGatewayOptions } from '@hotline/channels';
import type { Clock, Dispatcher, Hotline, PolicyOptions, Storage } from '@hotline/core';
import type { TicketingOptions } from '@hotline/ticketing';
import type { ApiKeyConfig } from './auth/authenticate.js';
import type { ServerLogger } from './logging/logger.js';

export type { ServerLogger } from './logging/logger.js';

import type { OpenApiInfo } from './openapi/openapi.js';
import type { ServerVoiceOptions } from './voice/voice-options.js';
import type { ServerWebhook, ServerWebhookDelivery } from './webhooks/server-webhooks.js';

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
  /**
   * Routing settings of every tenant. `refusalCooldownSeconds`: an agent who declined or
   * missed a chat, or transferred it away, is not offered that chat again for this long.
   * The server's default is shorter than the engine's 5 minutes: in a small team the agents
   * who refused may be the only ones there, and a customer must not wait minutes beside
   * idle agents.
   * @default { refusalCooldownSeconds: 30 }
   */
  routing?: { refusalCooldownSeconds?: number };
  /** How long `close()` waits for requests in flight before cutting connections. @default 5_000 */
  shutdownGraceMs?: number;
  /** Close `storage` at the end of `close()`. @default true */
  closeStorage?: boolean;
  /**
   * Receives the server's structured log, one JSON line per call (`level`, `time`, `msg`,
   * and `reqId`, `tenantId`, `route`, `method`, `status`, `ms` for requests), with emails,
   * phone, card and ID numbers masked in every string. `console` works, as do pino and
   * winston loggers.
   * @default JSON lines on stdout (info) and stderr (warn, error)
   */
  logger?: ServerLogger;
  /**
   * Outbound webhooks: conversation, message and ticket events of a tenant, signed
   * (`X-Hotline-Signature: t=…,v1=<hex HMAC-SHA256 of "t.body">`) and delivered from
   * core's outbox with retries, each with an `X-Hotline-Delivery` id kept across retries.
   * Give this or `ticketing.webhooks`, not both.
   * @default []
   */
  webhooks?: readonly ServerWebhook[];
  /**
   * The voice routing bridge a SIP server (Kamailio) asks which agent takes an inbound
   * call: `POST /voice/v1/route` and `POST /voice/v1/events`, authenticated by a trunk
   * secret in `X-Hotline-Voice-Secret`. See `examples/kamailio`.
   * @default off (no `/voice/v1/` paths)
   */
  voice?: ServerVoiceOptions;
  /** How webhooks are delivered: timeouts, attempts, backoff, circuit breaker. @default the relay's defaults (8 attempts, 1 s doubling to 1 h) */
  webhookDelivery?: ServerWebhookDelivery;
  /**
   * Wraps the dispatcher the web chat gateway enqueues new chats through, for a host's
   * own step in front of routing, such as a bot (`withChatFlow` of `@hotline/telephony`).
   * It receives the dispatcher with the tenant's workflows already in it, so what the
   * wrapper hands on is still routed by the workflows. Return the same object for every
   * method but those you change (a `Proxy`, as `withChatFlow` does). It is called once,
   * while the server is built, with the server's core (`context.hotline`). The REST API, voice
   * and `start`/`close` keep using the unwrapped dispatcher: a wrapper with timers or
   * listeners of its own restores and closes them itself.
   * @default the dispatcher as is
   */
  wrapDispatcher?: (dispatcher: Dispatcher, context: { hotline: Hotline }) => Dispatcher;
}
