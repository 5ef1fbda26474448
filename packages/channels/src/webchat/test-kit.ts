import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Agent,
  type AgentHelloResult,
  type Clock,
  type ConversationRepository,
  type CustomerHelloResult,
  createHotline,
  type Hotline,
  type MessageRepository,
  type ServerFrame,
  type Storage,
  systemClock,
  type WireError,
} from '@hotline/core';
import { type ConversationDispatcher, createConversationDispatcher, RoutingEngine } from '@hotline/routing';
import { WebSocket } from 'ws';
import { type BlobStore, createMemoryBlobStore } from '../blob/blob-store.js';
import { signAgentToken } from './agent-tokens.js';
import { createWebchatGateway, type WebchatGateway } from './gateway.js';
import type { WebchatGatewayOptions } from './gateway-options.js';
import type { WebchatSite } from './sites.js';

/** Test-only helpers: a real gateway on a real HTTP server on loopback, and real `ws` clients. */

export const TENANT = 'ten_acme';
export const OTHER_TENANT = 'ten_other';
export const SITE = 'site_acme';
export const OTHER_SITE = 'site_other';
export const TOKEN_SECRET = 'acme-site-token-secret-0123456789abcdef';
export const IDENTITY_SECRET = 'acme-identity-secret-0123456789abcdefgh';
export const AGENT_SECRET = 'agent-secret-for-tests-0123456789abcdef';

type AnyFrame = ServerFrame | WireError;

/** The server frame of a type. */
export type Frame<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

/** A WebSocket client that records every frame and answers requests by id. */
export class TestClient {
  readonly frames: AnyFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: { match: (frame: AnyFrame) => boolean; resolve: (frame: AnyFrame) => void }[] = [];
  private taken = new Set<AnyFrame>();
  private nextId = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as AnyFrame;
      this.frames.push(frame);
      const waiter = this.waiters.find((w) => w.match(frame));
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        this.taken.add(frame);
        waiter.resolve(frame);
      }
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    socket.on('error', () => {});
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
    const socket = new WebSocket(url, { headers });
    const client = new TestClient(socket);
    await once(socket, 'open');
    return client;
  }

  /** Sends a frame (objects as JSON, strings and buffers as they are). */
  send(frame: object | string | Buffer, options?: { binary?: boolean }): void {
    const data = typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame);
    this.socket.send(data, { binary: options?.binary ?? false });
  }

  /** Sends a request with a fresh id and waits for its reply or error. */
  async request<T = unknown>(frame: Record<string, unknown>): Promise<{ reply?: T; error?: WireError }> {
    const id = typeof frame['id'] === 'string' ? (frame['id'] as string) : `r${++this.nextId}`;
    this.send({ ...frame, id });
    const answer = await this.next((f) => (f.type === 'reply' || f.type === 'error') && 're' in f && f.re === id);
    return answer.type === 'reply' ? { reply: answer.result as T } : { error: answer as WireError };
  }

  /** Sends a request that must succeed and returns its result. */
  async call<T = unknown>(frame: Record<string, unknown>): Promise<T> {
    const { reply, error } = await this.request<T>(frame);
    if (error) throw new Error(`${String(frame['type'])} failed: ${error.code} ${error.reason} ${error.message}`);
    return reply as T;
  }

  /** The first frame (received or to come) matching, not taken before. */
  next<F extends AnyFrame = AnyFrame>(match: (frame: AnyFrame) => boolean, timeoutMs = 5000): Promise<F> {
    const seen = this.frames.find((f) => !this.taken.has(f) && match(f));
    if (seen) {
      this.taken.add(seen);
      return Promise.resolve(seen as F);
    }
    return new Promise<F>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.match !== match);
        reject(new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`));
      }, timeoutMs);
      this.waiters.push({
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame as F);
        },
      });
    });
  }

  /** The next frame of a type. */
  nextOfType<T extends AnyFrame['type']>(type: T, timeoutMs?: number): Promise<Extract<AnyFrame, { type: T }>> {
    return this.next((f) => f.type === type, timeoutMs);
  }

  /** Frames of a type received so far. */
  ofType<T extends AnyFrame['type']>(type: T): Extract<AnyFrame, { type: T }>[] {
    return this.frames.filter((f) => f.type === type) as Extract<AnyFrame, { type: T }>[];
  }

  close(): void {
    this.socket.close();
  }
}

/** Waits until `check` holds (polling), failing after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A clock the test can move forward; timers run on real time. */
export function shiftableClock(): Clock & { shift: (ms: number) => void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    setTimer: systemClock.setTimer,
    clearTimer: systemClock.clearTimer,
    shift: (ms) => {
      offset += ms;
    },
  };
}

/** A storage whose repositories' methods are replaced where given (to slow or hold calls back). */
export function overrideStorage(
  inner: Storage,
  overrides: {
    messages?: Partial<MessageRepository>;
    conversations?: Partial<ConversationRepository>;
    transaction?: Storage['transaction'];
  },
): Storage {
  const wrap = <T extends object>(target: T, replaced: Partial<T> | undefined): T =>
    new Proxy(target, {
      get(object, prop) {
        const own = replaced?.[prop as keyof T];
        if (own !== undefined) return own;
        const value = Reflect.get(object, prop, object);
        return typeof value === 'function' ? value.bind(object) : value;
      },
    });
  const messages = wrap(inner.messages, overrides.messages);
  const conversations = wrap(inner.conversations, overrides.conversations);
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'messages') return messages;
      if (prop === 'conversations') return conversations;
      if (prop === 'transaction' && overrides.transaction) return overrides.transaction;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A core agent record that can take three chats. */
export function agentRecord(id: string, name: string, tenantId: string, now: number): Agent {
  const at = new Date(now).toISOString();
  return {
    id,
    tenantId,
    version: 1,
    createdAt: at,
    updatedAt: at,
    name,
    skills: {},
    languages: ['en'],
    capacity: { webchat: 3 },
    activity: 'available',
    activityChangedAt: at,
    attributes: {},
  };
}

/** Options of {@link startGateway}. */
export interface GatewayKitOptions {
  gateway?: Partial<WebchatGatewayOptions>;
  sites?: WebchatSite[];
  hotline?: Hotline;
}

/** A gateway with core (memory storage), a routing engine with a `support` queue, and a real dispatcher. */
export async function startGateway(options: GatewayKitOptions = {}) {
  const hotline = options.hotline ?? createHotline();
  const engines = [TENANT, OTHER_TENANT].map((tenantId) => {
    const engine = new RoutingEngine({ tenantId, clock: hotline.clock });
    engine.defineQueue({ id: 'support' });
    return engine;
  });
  const dispatcher: ConversationDispatcher = createConversationDispatcher({ hotline, engines });
  await dispatcher.start();
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('host app');
  });
  const blobPuts: string[] = [];
  const inner: BlobStore = options.gateway?.blobStore ?? createMemoryBlobStore();
  const blobStore: BlobStore = {
    put: (key, bytes, meta) => inner.put(key, bytes, meta).then(() => void blobPuts.push(key)),
    get: (key) => inner.get(key),
    head: (key) => inner.head(key),
    delete: (key) => inner.delete(key),
  };
  const sites = options.sites ?? [
    { siteId: SITE, tenantId: TENANT, tokenSecret: TOKEN_SECRET, identitySecret: IDENTITY_SECRET, queueId: 'support' },
    { siteId: OTHER_SITE, tenantId: OTHER_TENANT, tokenSecret: `${TOKEN_SECRET}-other`, queueId: 'support' },
  ];
  const errors: unknown[] = [];
  const gateway: WebchatGateway = createWebchatGateway({
    hotline,
    dispatcher,
    server,
    sites,
    agentSecret: AGENT_SECRET,
    onError: (error) => errors.push(error),
    ...options.gateway,
    blobStore,
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const base = `127.0.0.1:${port}`;
  const customerUrl = `ws://${base}${gateway.path}`;
  const agentUrl = `ws://${base}${gateway.path}/agent`;
  const clients: TestClient[] = [];

  const track = (client: TestClient) => {
    clients.push(client);
    return client;
  };

  return {
    hotline,
    dispatcher,
    engine: engines[0] as RoutingEngine,
    server,
    gateway,
    blobStore,
    /** Keys stored in the blob store, in order. */
    blobPuts,
    errors,
    httpBase: `http://${base}`,
    customerUrl,
    agentUrl,
    /** Opens a raw customer socket (no hello). */
    openCustomer: async (headers?: Record<string, string>) => track(await TestClient.open(customerUrl, headers)),
    /** Opens a customer socket and says hello; `hello` fields override the defaults. */
    async customer(hello: Record<string, unknown> = {}, headers?: Record<string, string>) {
      const client = track(await TestClient.open(customerUrl, headers));
      const result = await client.call<CustomerHelloResult>({ type: 'hello', v: 1, siteId: SITE, ...hello });
      return { client, hello: result };
    },
    /** Stores an agent record. */
    addAgent: (id: string, name = `Agent ${id}`, tenantId = TENANT) =>
      hotline.storage.agents.create(agentRecord(id, name, tenantId, hotline.clock.now())),
    agentToken: (agentId: string, tenantId = TENANT, extra: { ttlMs?: number; now?: number } = {}) =>
      signAgentToken({ agentId, tenantId, ...extra }, AGENT_SECRET),
    /** Opens an agent socket and says hello (with the token's `roles`, when given). */
    async agent(agentId: string, tenantId = TENANT, roles?: string[]) {
      const client = track(await TestClient.open(agentUrl));
      const agentToken = await signAgentToken({ agentId, tenantId, ...(roles ? { roles } : {}) }, AGENT_SECRET);
      const result = await client.call<AgentHelloResult>({ type: 'hello', v: 1, agentToken });
      return { client, hello: result };
    },
    async close() {
      for (const client of clients) client.socket.terminate();
      await gateway.close({ graceMs: 200 });
      await dispatcher.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (errors.length > 0) throw new Error(`the gateway reported errors: ${errors.map(String).join('; ')}`);
    },
  };
}

/** What {@link startGateway} returns. */
export type GatewayKit = Awaited<ReturnType<typeof startGateway>>;
