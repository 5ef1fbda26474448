import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Clock, Dispatcher, Hotline } from '@hotline/core';
import type { BlobStore } from '../blob/blob-store.js';
import type { JtiStore } from './identity.js';
import type { WebchatLimits } from './limits.js';
import type { WebchatSite, WebchatSiteResolver } from './sites.js';

/** Options for {@link createWebchatGateway}. */
export interface WebchatGatewayOptions {
  /** Core services (storage, bus, conversations, contacts). */
  hotline: Hotline;
  /** Routing: new conversations are enqueued here; agents accept, reject, end and resolve through it. */
  dispatcher: Dispatcher;
  /**
   * The HTTP(S) server to attach to: its `upgrade` event for the WebSocket paths and its
   * `request` event for the upload and download paths. Other paths stay the host's: the
   * `request` listeners already on the server (`http.createServer(app)`) receive every
   * other request; add yours before creating the gateway. Without a server, call
   * `handleUpgrade` and `handleRequest` from your own.
   * @default undefined
   */
  server?: HttpServer | HttpsServer;
  /** Where the gateway lives: customers at `{path}`, agents at `{path}/agent`, files under `{path}/upload` and `{path}/files/`. @default '/hotline/webchat' */
  path?: string;
  /** The widget installations: a list, or a function that looks a site up (results are cached for 30 s). */
  sites: readonly WebchatSite[] | WebchatSiteResolver;
  /** Verifies agent tokens (HS256, ≥ 32 bytes); see `signAgentToken`. */
  agentSecret: string | Uint8Array;
  /**
   * Signs download links (≥ 32 bytes). Every process serving the same files needs the same one.
   * @default derived from `agentSecret`
   */
  urlSecret?: string | Uint8Array;
  /** Where attachments are stored. @default a filesystem store in `uploadDir` */
  blobStore?: BlobStore;
  /** Directory of the default filesystem blob store. @default '.hotline/uploads' */
  uploadDir?: string;
  /**
   * The public origin of the gateway, e.g. `https://chat.example.com`, put in front of
   * download links. Without it links are relative (`/hotline/webchat/files/…`) and clients
   * resolve them against the gateway's address.
   * @default undefined
   */
  publicUrl?: string;
  /** How long a download link works. @default 86_400_000 (24 h) */
  downloadUrlTtlMs?: number;
  /** Limits; anything left out keeps its default (see `DEFAULT_WEBCHAT_LIMITS`). @default DEFAULT_WEBCHAT_LIMITS */
  limits?: Partial<WebchatLimits>;
  /** How often clients ping; a connection silent for twice as long is dropped. @default 25_000 */
  heartbeatMs?: number;
  /** How long a new connection has to send `hello`. @default 10_000 */
  helloTimeoutMs?: number;
  /** Remembers identity JWT ids (replay protection). Share one between processes. @default in-process */
  jtiStore?: JtiStore;
  /**
   * The client's address, for per-IP limits. Behind a proxy, read the header it sets (and
   * only if the proxy overwrites it).
   * @default the socket's remote address
   */
  clientIp?: (req: IncomingMessage) => string;
  /** Time, for tokens, rate limits and heartbeats. @default hotline.clock */
  clock?: Clock;
  /** Receives unexpected errors (a bug, a storage failure while pushing). @default console.error */
  onError?: (error: unknown, context: string) => void;
}

/** Numbers about a running gateway. */
export interface WebchatGatewayStats {
  /** Open WebSocket connections (customers and agents, authenticated or not). */
  connections: number;
  /** Authenticated customer connections. */
  customers: number;
  /** Authenticated agent connections. */
  agents: number;
  /** Conversations with at least one listening connection. */
  conversations: number;
  /** Client addresses being tracked for per-IP limits. */
  addresses: number;
}
