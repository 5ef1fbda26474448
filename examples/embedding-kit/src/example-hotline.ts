/**
 * What the framework examples share: the options of their `startApp`, the app they
 * return, and the Hotline server they mount (in-memory storage unless given one). Each
 * example's own file shows only what differs: how its framework hands requests and
 * WebSocket upgrades to Hotline.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStorage, type Storage } from '@hotline/core';
import { createHotlineServer, type HotlineServer } from '@hotline/server';

/** What an example's `startApp` needs; secrets come from the environment in a real deployment. */
export interface AppOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default in-memory storage (use `createPgliteStorage` or `createPostgresStorage` to keep data) */
  storage?: Storage;
  jwtSecret: string;
  agentSecret: string;
}

/** A running example app. */
export interface App {
  url: string;
  hotline: HotlineServer;
  close(): Promise<void>;
}

/** The paths Hotline answers, for frameworks that route by path (the web chat under its default path). */
export const HOTLINE_PATHS = [
  '/api/v1',
  '/api/v1/*',
  '/openapi.json',
  '/healthz',
  '/readyz',
  '/metrics',
  '/hotline/webchat/*',
] as const;

/** The Hotline server an example mounts. */
export function createExampleHotline(options: AppOptions): HotlineServer {
  return createHotlineServer({
    storage: options.storage ?? createMemoryStorage(),
    jwtSecret: options.jwtSecret,
    webchat: { sites: [], agentSecret: options.agentSecret },
  });
}

/** The host's own products, the same in every example. */
export const PRODUCTS = [{ sku: 'tea-1', name: 'Green tea', price: 12 }];

/**
 * Hotline attached to the host's listening HTTP server (the web chat's WebSocket
 * upgrades), and the app that closes both: Hotline first (it says bye to WebSocket clients,
 * drains requests in flight and closes the storage), then the host.
 */
export function attachedApp(server: Server, hotline: HotlineServer, closeHost: () => Promise<void>): App {
  hotline.attach(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hotline,
    async close() {
      await hotline.close();
      await closeHost();
    },
  };
}

/** Closes a Node HTTP server. */
export const closeServer = (server: Server) => (): Promise<void> =>
  new Promise<void>((resolve) => server.close(() => resolve()));

/**
 * An example's `main`: starts the app on `PORT` (default 3000) with secrets from the
 * environment (generated per run when unset) and closes it on SIGINT/SIGTERM.
 */
export async function runExample(framework: string, startApp: (options: AppOptions) => Promise<App>): Promise<App> {
  const secret = (name: string) => process.env[name] ?? randomBytes(32).toString('hex');
  const app = await startApp({
    port: Number(process.env['PORT'] ?? 3000),
    host: process.env['HOST'] ?? '127.0.0.1',
    jwtSecret: secret('HOTLINE_JWT_SECRET'),
    agentSecret: secret('HOTLINE_AGENT_SECRET'),
  });
  console.log(`${framework} app with Hotline on ${app.url} (try ${app.url}/shop/products and ${app.url}/openapi.json)`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close());
  return app;
}
