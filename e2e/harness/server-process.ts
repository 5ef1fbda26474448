/**
 * Starts the web chat test server (`webchat-server.ts`) as a child process on a temporary
 * data directory, SIGKILLs and restarts it on the same directory and port, and cleans up
 * with `stopWebchatServers()` (in `afterAll`).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChildServer, startChildServer, stopChildServers } from './child-server.js';
import { STORED_PATH, type StoredMessage, WEBCHAT_PATH } from './webchat-config.js';

/** The e2e workspace, where `tsx` and the `@hotline/source` condition resolve. */
const E2E_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A running (or killed, then restartable) test server. */
export interface WebchatServer extends ChildServer {
  /** The gateway for Node clients (`ws://127.0.0.1:<port>/hotline/webchat`). */
  readonly wsUrl: string;
  /** The stored messages of a conversation, from the server's storage. */
  stored(conversationId: string): Promise<StoredMessage[]>;
}

/** Starts a server on a fresh temporary directory and a free port. */
export async function startWebchatServer(): Promise<WebchatServer> {
  const child = await startChildServer({
    name: 'webchat server',
    cwd: E2E_DIR,
    args: (dataDir, port) => [join('harness', 'webchat-server.ts'), dataDir, String(port)],
    ready: /^READY (\d+)$/m,
  });
  return {
    dataDir: child.dataDir,
    get port() {
      return child.port;
    },
    get pid() {
      return child.pid;
    },
    kill: () => child.kill(),
    stop: () => child.stop(),
    restart: () => child.restart(),
    log: () => child.log(),
    get origin() {
      return child.origin;
    },
    get wsUrl() {
      return `ws://127.0.0.1:${child.port}${WEBCHAT_PATH}`;
    },
    async stored(conversationId: string) {
      const response = await fetch(
        `http://127.0.0.1:${child.port}${STORED_PATH}/${encodeURIComponent(conversationId)}`,
      );
      if (!response.ok) throw new Error(`stored messages: HTTP ${response.status}`);
      return (await response.json()) as StoredMessage[];
    },
  };
}

/** Stops every server this module started (by pid) and removes their directories. */
export const stopWebchatServers = stopChildServers;
