import { createHmac, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { InMemoryEventBus, type TimerHandle, ValidationError } from '@hotline/core';
import { WebSocketServer } from 'ws';
import { createFsBlobStore } from '../blob/fs-blob-store.js';
import { DownloadUrls } from '../uploads/download-urls.js';
import { UploadHandler } from '../uploads/uploads.js';
import { AgentSession } from './agent-session.js';
import { AgentTokenVerifier } from './agent-tokens.js';
import { ConnectionIndex } from './connection-index.js';
import { ConnectionManager } from './connection-manager.js';
import type { GatewayContext } from './context.js';
import { CustomerSession } from './customer-session.js';
import { DeliveryLedger } from './delivery-ledger.js';
import type { WebchatGatewayOptions, WebchatGatewayStats } from './gateway-options.js';
import { MemoryJtiStore } from './identity.js';
import { resolveLimits } from './limits.js';
import { PushHub } from './push-hub.js';
import { IpTable } from './rate-limit.js';
import { secretBytes } from './secrets.js';
import { SiteDirectory } from './sites.js';
import { WireViews } from './wire-views.js';

/** The path the gateway serves when none is given. */
export const DEFAULT_WEBCHAT_PATH = '/hotline/webchat';
const DEFAULT_HEARTBEAT_MS = 25_000;
const DEFAULT_HELLO_TIMEOUT_MS = 10_000;
const DEFAULT_DOWNLOAD_TTL_MS = 24 * 3600 * 1000;
/** The sweep runs this often at most (hello timeouts, heartbeats, forgetting idle state). */
const MAX_SWEEP_MS = 1000;
/** Frames above `maxFrameBytes` up to this are read and answered `PAYLOAD_TOO_LARGE`; past it `ws` cuts them off (1009). */
const HARD_FRAME_CAP = 2 * 1024 * 1024;

/** A running web chat gateway. */
export interface WebchatGateway {
  /** The path it serves (customers), `{path}/agent` (agents), `{path}/upload` and `{path}/files/`. */
  readonly path: string;
  /** Connection and index counts. */
  stats(): WebchatGatewayStats;
  /**
   * Takes an HTTP upgrade when it is for the gateway's paths; returns whether it did. The
   * gateway calls it itself when given a `server`.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Answers an HTTP request when it is an upload or download; returns whether it did (else pass it on). */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  /** A fresh signed download link for an attachment (for e-mails, transcripts, the agent desk's REST). */
  attachmentUrl(attachmentId: string): string;
  /**
   * Stops: sends `bye` (with `retryAfterMs`) to every connection, closes them, stops the
   * sweep and detaches from the server. Storage and the dispatcher stay open.
   */
  close(options?: { retryAfterMs?: number; graceMs?: number }): Promise<void>;
}

/**
 * Creates the web chat gateway: a WebSocket server for customers (`{path}`) and agents
 * (`{path}/agent`) speaking the wire protocol of `@hotline/core` (see
 * `docs/webchat-protocol.md`), plus attachment upload and download over HTTP.
 *
 * @example
 * ```ts
 * import http from 'node:http';
 * import { createHotline } from '@hotline/core';
 * import { createConversationDispatcher } from '@hotline/routing';
 * import { createWebchatGateway } from '@hotline/channels';
 *
 * const hotline = createHotline();
 * const dispatcher = createConversationDispatcher({ hotline });
 * const server = http.createServer(app);
 * const gateway = createWebchatGateway({
 *   hotline,
 *   dispatcher,
 *   server,
 *   sites: [{ siteId: 'site_acme', tenantId, tokenSecret: process.env.SITE_SECRET!, allowedOrigins: ['https://acme.com'] }],
 *   agentSecret: process.env.AGENT_SECRET!,
 * });
 * server.listen(8080);
 * // later: await gateway.close();
 * ```
 */
export function createWebchatGateway(options: WebchatGatewayOptions): WebchatGateway {
  const path = checkPath(options.path ?? DEFAULT_WEBCHAT_PATH);
  const { hotline, dispatcher } = options;
  const clock = options.clock ?? hotline.clock;
  const limits = resolveLimits(options.limits);
  const heartbeatMs = positive(options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS, 'heartbeatMs');
  const helloTimeoutMs = positive(options.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS, 'helloTimeoutMs');
  const agentSecret = secretBytes(options.agentSecret, 'agentSecret');
  const urlKey =
    options.urlSecret === undefined
      ? createHmac('sha256', agentSecret).update('hotline webchat download links').digest()
      : secretBytes(options.urlSecret, 'urlSecret');
  const publicUrl = (options.publicUrl ?? '').replace(/\/+$/, '');
  const urls = new DownloadUrls(
    urlKey,
    `${publicUrl}${path}/files/`,
    positive(options.downloadUrlTtlMs ?? DEFAULT_DOWNLOAD_TTL_MS, 'downloadUrlTtlMs'),
  );
  const jtis = options.jtiStore ?? new MemoryJtiStore();
  const report =
    options.onError ?? ((error: unknown, context: string) => console.error(`[hotline] ${context} failed`, error));
  const clientIp = options.clientIp ?? ((req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown');
  const ctx: GatewayContext = {
    hotline,
    dispatcher,
    clock,
    limits,
    heartbeatMs,
    sites: new SiteDirectory(options.sites, () => clock.now()),
    agentTokens: new AgentTokenVerifier(agentSecret),
    jtis,
    index: new ConnectionIndex(),
    ledger: new DeliveryLedger(),
    views: new WireViews(hotline.storage, clock, urls),
    ips: new IpTable(limits),
    blobStore: options.blobStore ?? createFsBlobStore({ directory: options.uploadDir ?? '.hotline/uploads' }),
    urls,
    instanceId: randomUUID(),
    crossProcess: !(hotline.bus instanceof InMemoryEventBus),
    report,
  };
  const hub = new PushHub(ctx);
  const manager = new ConnectionManager(ctx, new CustomerSession(ctx, hub), new AgentSession(ctx, hub), helloTimeoutMs);
  const uploads = new UploadHandler(ctx, path, clientIp);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: Math.max(HARD_FRAME_CAP, limits.maxFrameBytes * 4),
    // Compression costs ~300 KB of zlib state per socket; chat frames are small.
    perMessageDeflate: false,
    clientTracking: false,
  });
  hub.start();

  // A quarter of the shortest deadline keeps timeouts within 25 % of their value.
  const sweepMs = Math.max(50, Math.min(MAX_SWEEP_MS, Math.min(heartbeatMs, helloTimeoutMs) / 4));
  let closed = false;
  let sweeps = 0;
  let timer: TimerHandle | undefined;
  const sweep = () => {
    const now = clock.now();
    try {
      manager.sweep(now);
      ctx.ledger.sweep(now);
      if (++sweeps % Math.ceil(10_000 / sweepMs) === 0) {
        ctx.ips.sweep(now);
        if (jtis instanceof MemoryJtiStore) jtis.sweep(now);
      }
    } catch (error) {
      report(error, 'webchat sweep');
    }
    if (!closed) timer = clock.setTimer(sweep, sweepMs);
  };
  timer = clock.setTimer(sweep, sweepMs);

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    const pathname = (req.url ?? '').split('?')[0];
    const role = pathname === path ? 'customer' : pathname === `${path}/agent` ? 'agent' : undefined;
    if (role === undefined) return false;
    socket.on('error', () => socket.destroy());
    if (closed) {
      socket.destroy();
      return true;
    }
    try {
      const ip = clientIp(req);
      wss.handleUpgrade(req, socket, head, (ws) => manager.open(ws, req, role, ip));
    } catch (error) {
      report(error, 'webchat upgrade');
      socket.destroy();
    }
    return true;
  };
  const handleRequest = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (closed) return false;
    try {
      return uploads.handle(req, res);
    } catch (error) {
      report(error, 'webchat request');
      if (!res.headersSent) res.writeHead(500, { Connection: 'close' });
      res.end();
      return true;
    }
  };

  const server = options.server;
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Nobody else listens for upgrades: a socket for another path would hang forever.
    if (!handleUpgrade(req, socket, head) && server?.listenerCount('upgrade') === 1) socket.destroy();
  };
  // The host's own request handlers run for every other path; ours answer ours alone.
  const hostHandlers = server ? (server.listeners('request') as ((...args: unknown[]) => void)[]) : [];
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (handleRequest(req, res)) return;
    if (hostHandlers.length === 0) {
      res.writeHead(404).end();
      return;
    }
    for (const handler of hostHandlers) handler.call(server, req, res);
  };
  if (server) {
    server.removeAllListeners('request');
    server.on('request', onRequest);
    server.on('upgrade', onUpgrade);
  }

  return {
    path,
    stats: () => {
      let customers = 0;
      let agents = 0;
      for (const connection of manager.connections) {
        if (!connection.authenticated) continue;
        if (connection.role === 'agent') agents += 1;
        else customers += 1;
      }
      return {
        connections: manager.connections.size,
        customers,
        agents,
        conversations: ctx.index.conversationCount,
        addresses: ctx.ips.size,
      };
    },
    handleUpgrade,
    handleRequest,
    attachmentUrl: (attachmentId) => urls.url(attachmentId, clock.now()),
    async close(closeOptions = {}) {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clock.clearTimer(timer);
      if (server) {
        server.off('upgrade', onUpgrade);
        server.off('request', onRequest);
        for (const handler of hostHandlers) server.on('request', handler);
      }
      await manager.closeAll(closeOptions.retryAfterMs ?? 1000, closeOptions.graceMs ?? 2000);
      await hub.stop();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function checkPath(path: string): string {
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(path) || path.endsWith('/') || path.includes('//')) {
    throw new ValidationError(`path '${path}' must start with / and not end with /`, [
      { path: 'path', message: 'an absolute URL path such as /hotline/webchat' },
    ]);
  }
  return path;
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new ValidationError(`${name} must be a positive number`, [{ path: name, message: 'a positive number' }]);
  }
  return value;
}
