import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStorage, isoNow, type Storage } from '@hotline/core';
import { signAccessToken } from './auth/authenticate.js';
import { createHotlineServer, type HotlineServer } from './create-server.js';
import type { HotlineServerOptions, ServerWebchatOptions } from './server-options.js';

// Shared setup of the server tests: a server on 127.0.0.1:0 over memory storage, two
// tenants (A and B) each with an agent, and helpers for authenticated JSON requests.

export const JWT_SECRET = 'test-jwt-secret-0123456789abcdef-0123456789';
export const AGENT_SECRET = 'test-agent-secret-0123456789abcdef-01234567';
export const API_KEY = 'hk_test_integration_key_0123456789';
export const TENANT_A = 'ten_a';
export const TENANT_B = 'ten_b';
export const AGENT_A = 'agt_ann';
export const AGENT_B = 'agt_bob';

/** A running test server and how to call it. */
export interface TestServer {
  server: HotlineServer;
  storage: Storage;
  base: string;
  /** A token for `sub` in `tenantId` with `roles`. */
  token(roles: string[], options?: { sub?: string; tenantId?: string; expiresIn?: string | number }): Promise<string>;
  /** A JSON request; `auth` is a bearer token, or `{ apiKey }`. */
  call(
    method: string,
    path: string,
    options?: { auth?: string | { apiKey: string }; body?: unknown; rawBody?: string },
    // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies freely
  ): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/**
 * Starts a server with two seeded tenants, each with one agent. Give `storage` (with
 * `closeStorage: false` on the first server) to start again on what an earlier server
 * wrote: the seed is skipped when the tenants exist.
 */
export async function startTestServer(
  overrides: Partial<Omit<HotlineServerOptions, 'webchat'>> & { webchat?: Partial<ServerWebchatOptions> } = {},
): Promise<TestServer> {
  const { webchat, ...rest } = overrides;
  const storage = overrides.storage ?? createMemoryStorage();
  const uploadDir = mkdtempSync(join(tmpdir(), 'hotline-server-'));
  let server: HotlineServer;
  try {
    server = createHotlineServer({
      storage,
      jwtSecret: JWT_SECRET,
      apiKeys: [{ key: API_KEY, tenantId: TENANT_A, roles: ['integration'], id: 'int_crm' }],
      webchat: { sites: [], agentSecret: AGENT_SECRET, uploadDir, ...webchat },
      logger: { error: () => undefined },
      ...rest,
    });
  } catch (error) {
    rmSync(uploadDir, { recursive: true, force: true });
    throw error;
  }
  for (const [tenantId, agentId] of [
    [TENANT_A, AGENT_A],
    [TENANT_B, AGENT_B],
  ] as const) {
    if (await storage.tenants.get(tenantId)) continue;
    await server.hotline.tenants.create({ id: tenantId, name: tenantId });
    const at = isoNow(server.hotline.clock);
    await storage.agents.create({
      id: agentId,
      tenantId,
      version: 1,
      createdAt: at,
      updatedAt: at,
      name: agentId,
      skills: {},
      languages: ['en'],
      capacity: { webchat: 3 },
      activity: 'offline',
      activityChangedAt: at,
      attributes: {},
    });
  }
  const { port } = await server.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  return {
    server,
    storage,
    base,
    token: (roles, options = {}) =>
      signAccessToken(
        { sub: options.sub ?? AGENT_A, tenantId: options.tenantId ?? TENANT_A, roles },
        JWT_SECRET,
        options.expiresIn === undefined ? {} : { expiresIn: options.expiresIn },
      ),
    async call(method, path, options = {}) {
      const headers: Record<string, string> = {};
      if (typeof options.auth === 'string') headers.authorization = `Bearer ${options.auth}`;
      else if (options.auth) headers['x-api-key'] = options.auth.apiKey;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async stop() {
      await server.close();
      rmSync(uploadDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` every 10 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Starts a web chat conversation of `address` in tenant A and enqueues it on `queueId`;
 * `offer(agentId)` is the conversation's current offer to that agent, if any.
 */
export async function enqueueChat(server: HotlineServer, queueId: string, address: string) {
  const { hotline, dispatcher } = server;
  const { conversation } = await hotline.conversations.start({
    tenantId: TENANT_A,
    channel: 'webchat',
    contact: { identity: { channel: 'email', address } },
  });
  await dispatcher.enqueue({
    tenantId: TENANT_A,
    conversationId: conversation.id,
    channel: 'webchat',
    queueId,
    attributes: {},
  });
  return {
    conversationId: conversation.id,
    offer: (agentId: string) =>
      dispatcher.offersFor(TENANT_A, agentId).find((o) => o.conversationId === conversation.id),
  };
}
