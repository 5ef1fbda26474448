import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createWebchatGateway, sendJson, type WebchatGateway } from '@hotline/channels';
import {
  createHotline,
  createPolicy,
  type Hotline,
  type Policy,
  parseInput,
  systemClock,
  UnavailableError,
} from '@hotline/core';
import { type ConversationDispatcher, createConversationDispatcher, engineSettingsSchema } from '@hotline/routing';
import { createTicketGuard, createTicketing, type Ticketing, type TicketService } from '@hotline/ticketing';
import type { ApiDeps } from './api/api-deps.js';
import { apiRoutes } from './api/routes.js';
import { createAuthenticator } from './auth/authenticate.js';
import { serverRoles } from './auth/server-roles.js';
import { type ApiOutcome, handleApiRequest } from './http/handle-api.js';
import { sendError } from './http/respond.js';
import type { AnyRoute } from './http/route.js';
import { Router } from './http/router.js';
import { createServerLog, jsonLinesLogger } from './logging/logger.js';
import { requestIdOf } from './logging/request-id.js';
import { countErrors, createServerMetrics, type ServerMetrics } from './metrics/metrics.js';
import { timedMethods } from './metrics/timed.js';
import { timedStorage } from './metrics/timed-storage.js';
import { buildOpenApiDocument } from './openapi/openapi.js';
import { QueueHistory } from './reports/queue-history.js';
import { TenantRouting } from './routing/tenant-routing.js';
import { withWorkflows } from './routing/workflow-dispatcher.js';
import { TenantWorkflows } from './routing/workflows.js';
import type { HotlineServerOptions } from './server-options.js';
import { callEventsRoute } from './voice/call-events-route.js';
import { VoiceBridge } from './voice/voice-bridge.js';
import { handleVoiceRequest, VOICE_PREFIX } from './voice/voice-http.js';
import { VoicePresence } from './voice/voice-presence.js';
import { CallTimeline } from './voice/voice-timeline.js';
import { serverWebhookOptions } from './webhooks/server-webhooks.js';

const API_PREFIX = '/api/v1/';
/** Dispatcher methods that are reads or plumbing, not routing operations. */
const UNTIMED_DISPATCHER: ReadonlySet<PropertyKey> = new Set([
  'subscribe',
  'isOpen',
  'activityOf',
  'offersFor',
  'stats',
  'close',
]);
/** See `HotlineServerOptions.routing`. */
const DEFAULT_REFUSAL_COOLDOWN_SECONDS = 30;
const DEFAULT_BODY_LIMIT = 1_048_576;
const READY_TIMEOUT_MS = 2_000;

/** A running (or ready to run) Hotline server. */
export interface HotlineServer {
  /**
   * The request listener: the REST API, `/openapi.json`, `/healthz`, `/readyz`,
   * `/metrics` and the web chat's upload and download paths. Mount it at the root of any
   * Node framework through its raw `req`/`res` (Express: `app.use((req, res) => server.handler(req, res))`).
   */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Takes the web chat's WebSocket upgrades on a host's HTTP server. */
  attach(server: Server): void;
  /** Starts (if needed) and listens on its own HTTP server. @default port 0 (a free port), host '127.0.0.1' */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** Loads routing for the stored tenants, starts timers, SLA and restores routed work. Idempotent. */
  start(): Promise<void>;
  /**
   * Graceful stop: refuses new requests (503), says `bye` to WebSocket clients, lets
   * requests in flight finish (up to `shutdownGraceMs`), then stops routing, ticketing and
   * timers and closes the storage. Idempotent.
   */
  close(): Promise<void>;
  readonly hotline: Hotline;
  readonly tickets: TicketService;
  readonly ticketing: Ticketing;
  readonly gateway: WebchatGateway;
  readonly dispatcher: ConversationDispatcher;
  readonly policy: Policy;
  /** The REST routes, for documentation and tests. */
  readonly routes: readonly AnyRoute[];
  /** The OpenAPI 3.1 document served at `/openapi.json`. */
  readonly openapi: Record<string, unknown>;
  /** The Prometheus registry, when metrics are on. */
  readonly metrics: ServerMetrics | undefined;
}

/**
 * Composes core, routing (one engine per tenant and the conversation dispatcher),
 * ticketing and the web chat gateway into one Node HTTP server with a REST API.
 *
 * @example
 * ```ts
 * import { createHotlineServer } from '@hotline/server';
 * import { createPgliteStorage } from '@hotline/storage-postgres';
 *
 * const server = createHotlineServer({
 *   storage: await createPgliteStorage({ dataDir: './.hotline/db' }),
 *   jwtSecret: process.env.HOTLINE_JWT_SECRET!,
 *   webchat: { sites: [{ siteId: 'site_shop', tenantId: 'ten_acme', tokenSecret }], agentSecret },
 * });
 * const { port } = await server.listen(8080, '0.0.0.0');
 * process.on('SIGTERM', () => server.close());
 * ```
 */
export function createHotlineServer(options: HotlineServerOptions): HotlineServer {
  const clock = options.clock ?? systemClock;
  // Checked now with routing's own schema: the engines are made later, one per tenant.
  const { refusalCooldownSeconds } = parseInput(
    engineSettingsSchema.pick({ refusalCooldownSeconds: true }),
    { refusalCooldownSeconds: options.routing?.refusalCooldownSeconds ?? DEFAULT_REFUSAL_COOLDOWN_SECONDS },
    'routing options',
  );
  const metrics =
    options.metrics === false
      ? undefined
      : createServerMetrics({
          // Read at scrape time, once everything below exists.
          connections: () => gateway.stats().connections,
          queueDepths: () => routing.queueDepths(),
        });
  const log = countErrors(createServerLog(options.logger ?? jsonLinesLogger, clock), metrics);
  const { storage } = options;
  const authenticate = createAuthenticator({
    jwtSecret: options.jwtSecret,
    ...(options.apiKeys ? { apiKeys: options.apiKeys } : {}),
    clock,
  });
  const policy = createPolicy({ clock, roles: serverRoles(options.roles) });
  const hotline = createHotline({ storage: metrics ? timedStorage(storage, metrics.observeStorage) : storage, clock });
  const routing = new TenantRouting(
    clock,
    (queue, error) =>
      log.warn('queue routing settings refused; queue routed without them', {
        tenantId: queue.tenantId,
        queueId: queue.id,
        error,
      }),
    { refusalCooldownSeconds },
  );
  // With voice on, an agent's voice capacity counts only while a softphone is registered.
  const voicePresence = options.voice ? new VoicePresence(hotline, routing.engineFor, clock) : undefined;
  const routingDispatcher = createConversationDispatcher({
    hotline,
    engineFor: routing.engineFor,
    ...(voicePresence ? { agentProfile: voicePresence.profile } : {}),
    onError: (error, context) => log.error('dispatcher error', error, { ...context }),
  });
  const dispatcher = metrics
    ? timedMethods(routingDispatcher, 'dispatcher', metrics.observeRouting, UNTIMED_DISPATCHER)
    : routingDispatcher;
  const webhooks = serverWebhookOptions(options, (error) => log.error('webhook relay error', error));
  const ticketing = createTicketing({
    ...options.ticketing,
    ...(webhooks ? { webhooks } : {}),
    hotline,
    guard: options.ticketing?.guard ?? createTicketGuard({ policy, audit: hotline.audit, bus: hotline.bus, clock }),
  });
  const workflows = new TenantWorkflows(storage, routing.hasQueue);
  const routed = withWorkflows(dispatcher, (request) => workflows.route(request));
  const chatDispatcher = options.wrapDispatcher ? options.wrapDispatcher(routed, { hotline }) : routed;
  const gateway = createWebchatGateway({
    clock,
    onError: (error, context) => log.error('web chat error', error, { context }),
    ...options.webchat,
    hotline,
    dispatcher: chatDispatcher,
  });
  const timeline = new CallTimeline(hotline);
  const voice =
    options.voice && voicePresence
      ? new VoiceBridge(hotline, dispatcher, options.voice, { presence: voicePresence, timeline })
      : undefined;
  const history = new QueueHistory(clock, () => routing.allEngines());
  const deps: ApiDeps = { hotline, tickets: ticketing.tickets, routing, dispatcher, policy, history };
  const router = new Router([...apiRoutes(deps), callEventsRoute(hotline, timeline)]);
  const openapi = buildOpenApiDocument(router.routes, options.openapi);
  const apiDeps = { router, authenticate, policy, bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT };

  let closing = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let started: Promise<void> | undefined;
  let closed: Promise<void> | undefined;
  const ownServers: Server[] = [];
  const attached = new Map<Server, (req: IncomingMessage, socket: Duplex, head: Buffer) => void>();

  async function ready(res: ServerResponse): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        storage.tenants.list({ limit: 1 }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new UnavailableError('storage did not answer in time')), READY_TIMEOUT_MS);
        }),
      ]);
      if (closing) throw new UnavailableError('shutting down');
      sendJson(res, 200, { status: 'ready' });
      return 200;
    } catch (error) {
      return sendError(res, error instanceof UnavailableError ? error : new UnavailableError('storage unreachable'));
    } finally {
      clearTimeout(timer);
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<ApiOutcome> {
    const path = url.pathname;
    if (req.method === 'GET' && path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return { route: path, status: 200 };
    }
    if (req.method === 'GET' && path === '/readyz') return { route: path, status: await ready(res) };
    if (req.method === 'GET' && path === '/openapi.json') {
      sendJson(res, 200, openapi, { 'cache-control': 'public, max-age=300' });
      return { route: path, status: 200 };
    }
    if (req.method === 'GET' && path === '/metrics' && metrics) {
      const text = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
      return { route: path, status: 200 };
    }
    if (closing) return { route: 'unmatched', status: sendError(res, new UnavailableError('server is shutting down')) };
    if (path.startsWith(API_PREFIX) || path === API_PREFIX.slice(0, -1))
      return handleApiRequest(apiDeps, req, res, url);
    if (voice && path.startsWith(VOICE_PREFIX)) return handleVoiceRequest(voice, req, res, path);
    sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `${path} not found`, details: {} } });
    return { route: 'unmatched', status: 404 };
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    if (!closing && gateway.handleRequest(req, res)) return;
    const startedAt = performance.now();
    inFlight++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const reqId = requestIdOf(req, hotline.ids);
    res.setHeader('x-request-id', reqId);
    const method = req.method ?? 'GET';
    route(req, res, url)
      .then(
        (outcome) => {
          const ms = performance.now() - startedAt;
          metrics?.observeRequest(method, outcome.route, outcome.status, ms / 1000);
          const fields = {
            reqId,
            tenantId: outcome.tenantId,
            route: outcome.route,
            method,
            status: outcome.status,
            ms: Math.round(ms * 10) / 10,
          };
          if (outcome.error !== undefined) log.error('request failed', outcome.error, fields);
          else log.info('request', fields);
        },
        (error: unknown) => {
          log.error('request failed', error, { reqId, method });
          sendError(res, error);
        },
      )
      .finally(() => {
        inFlight--;
        if (inFlight === 0) drained?.();
      });
  };

  function attach(server: Server): void {
    if (attached.has(server)) return;
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (closing || !gateway.handleUpgrade(req, socket, head)) {
        // Leave upgrades for other paths to the host's own listeners, if it has any.
        if (closing || server.listenerCount('upgrade') === 1) socket.destroy();
      }
    };
    attached.set(server, onUpgrade);
    server.on('upgrade', onUpgrade);
  }

  function start(): Promise<void> {
    started ??= (async () => {
      const tenantIds = await routing.load(storage);
      await ticketing.start();
      for (const tenantId of tenantIds) await dispatcher.restore(tenantId);
      history.start();
    })();
    return started;
  }

  async function listen(port = 0, host = '127.0.0.1'): Promise<AddressInfo> {
    await start();
    const server = createServer(handler);
    attach(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    ownServers.push(server);
    return server.address() as AddressInfo;
  }

  async function shutdown(): Promise<void> {
    closing = true;
    const grace = options.shutdownGraceMs ?? 5_000;
    const serversClosed = ownServers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    await gateway.close({ retryAfterMs: 1_000, graceMs: Math.min(grace, 1_000) });
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, grace);
        drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    for (const server of ownServers) server.closeAllConnections();
    for (const [server, onUpgrade] of attached) server.off('upgrade', onUpgrade);
    await Promise.all(serversClosed);
    if (started) await started.catch(() => undefined);
    history.stop();
    voice?.close();
    voicePresence?.close();
    await dispatcher.close();
    routing.stop();
    await ticketing.close();
    await hotline.stop();
    if (options.closeStorage !== false) await storage.close();
  }

  return {
    handler,
    attach,
    listen,
    start,
    close: () => {
      closed ??= shutdown();
      return closed;
    },
    hotline,
    tickets: ticketing.tickets,
    ticketing,
    gateway,
    dispatcher,
    policy,
    routes: router.routes,
    openapi,
    metrics,
  };
}
