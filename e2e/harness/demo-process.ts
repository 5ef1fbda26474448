/**
 * Runs the demo (`examples/demo/server.ts`, what `npm start` runs) as a child process on a
 * fresh data directory and a free port, stoppable and restartable on the same directory
 * and port. Stop them all with `stopChildServers()` in `afterAll`.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChildServer, startChildServer } from './child-server.js';

const DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'demo');

/** The demo's password for every seeded agent. */
export const DEMO_PASSWORD = 'demo';

/** A running demo. */
export type DemoServer = ChildServer;

/** Starts the demo as `npm start` does, on loopback. */
export function startDemoServer(): Promise<DemoServer> {
  return startChildServer({
    name: 'demo server',
    cwd: DEMO_DIR,
    args: () => ['server.ts'],
    env: (dataDir, port) => ({ PORT: String(port), HOST: '127.0.0.1', HOTLINE_DATA_DIR: dataDir }),
    ready: /Shop \(customer chat\)\s+http:\/\/[^\s:/]+:(\d+)\//,
  });
}

/** Signs in through the demo login and returns the REST access token. */
export async function demoAccessToken(server: DemoServer, agentId: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${server.port}/demo/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agentId, password: DEMO_PASSWORD }),
  });
  if (!response.ok) throw new Error(`demo login of ${agentId}: HTTP ${response.status}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** A GET on the REST API with a token; the parsed body. */
export async function apiGet<T>(server: DemoServer, token: string, path: string): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${server.port}/api/v1${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
