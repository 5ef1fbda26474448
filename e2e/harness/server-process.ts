/**
 * Starts the web chat test server (`webchat-server.ts`) as a child process on a temporary
 * data directory, SIGKILLs and restarts it on the same directory and port, and cleans up:
 * `stopWebchatServers()` (in `afterAll`) ends every child this module started, by its
 * pid, and removes their directories.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STORED_PATH, type StoredMessage, WEBCHAT_PATH } from './webchat-config.js';

/** The e2e workspace, where `tsx` and the `@hotline/source` condition resolve. */
const E2E_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Starting means compiling the sources with tsx and opening PGlite: slow on a loaded machine. */
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

/** A running (or killed, then restartable) test server. */
export interface WebchatServer {
  /** Where PGlite and uploads live; kept across restarts, removed by `stopWebchatServers`. */
  readonly dataDir: string;
  readonly port: number;
  /** `http://localhost:<port>`: pages must come from localhost. */
  readonly origin: string;
  /** The gateway for Node clients (`ws://127.0.0.1:<port>/hotline/webchat`). */
  readonly wsUrl: string;
  /** The current child's pid, undefined while down. */
  readonly pid: number | undefined;
  /** SIGKILL: no shutdown, no flush; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit (SIGKILL after 20 s). */
  stop(): Promise<void>;
  /** Starts the server again on the same directory and port; resolves when it is ready. */
  restart(): Promise<void>;
  /** The stored messages of a conversation, from the server's storage. */
  stored(conversationId: string): Promise<StoredMessage[]>;
  /** What the server wrote on stderr, over all its runs (for failure messages). */
  log(): string;
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
}

const servers = new Set<{ stop(): Promise<void>; dataDir: string }>();
/** Every child still running; SIGKILLed by pid should this process exit without `afterAll`. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function launch(dataDir: string, port: number, onLog: (text: string) => void): Promise<Running & { port: number }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@hotline/source', '--import', 'tsx', join('harness', 'webchat-server.ts'), dataDir, String(port)],
    // stdin stays open as a lifeline: the server exits when it closes (this process died).
    { cwd: E2E_DIR, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr?.setEncoding('utf8').on('data', onLog);
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      reject(new Error(`webchat server (pid ${child.pid}) ${why}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    const early = (code: number | null, signal: string | null) => fail(`exited before READY (${code ?? signal})`);
    child.once('exit', early);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const ready = /^READY (\d+)$/m.exec(out);
      if (ready) {
        clearTimeout(timer);
        child.off('exit', early);
        resolve({ child, exited, port: Number(ready[1]) });
      }
    });
  });
}

/** Starts a server on a fresh temporary directory and a free port. */
export async function startWebchatServer(): Promise<WebchatServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hotline-e2e-webchat-'));
  let logs = '';
  const onLog = (text: string) => {
    logs += text;
  };
  let running: Running | undefined;
  let port = 0;
  const entry = {
    dataDir,
    async stop() {
      await server.stop();
    },
  };
  servers.add(entry);
  const start = async () => {
    const launched = await launch(dataDir, port, onLog);
    running = launched;
    port = launched.port;
  };
  const end = async (signal: NodeJS.Signals) => {
    const current = running;
    if (!current) return;
    running = undefined;
    current.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        current.child.kill('SIGKILL');
        resolve();
      }, STOP_TIMEOUT_MS);
    });
    await Promise.race([current.exited, late]);
    clearTimeout(timer);
    await current.exited;
  };
  const server: WebchatServer = {
    dataDir,
    get port() {
      return port;
    },
    get origin() {
      return `http://localhost:${port}`;
    },
    get wsUrl() {
      return `ws://127.0.0.1:${port}${WEBCHAT_PATH}`;
    },
    get pid() {
      return running?.child.pid;
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
    restart: async () => {
      if (running) throw new Error('the webchat server is still running');
      await start();
    },
    async stored(conversationId) {
      const response = await fetch(`http://127.0.0.1:${port}${STORED_PATH}/${encodeURIComponent(conversationId)}`);
      if (!response.ok) throw new Error(`stored messages: HTTP ${response.status}`);
      return (await response.json()) as StoredMessage[];
    },
    log: () => logs,
  };
  try {
    await start();
  } catch (error) {
    servers.delete(entry);
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${logs}`);
  }
  return server;
}

/** Stops every server this module started (by pid) and removes their directories. */
export async function stopWebchatServers(): Promise<void> {
  const all = [...servers];
  servers.clear();
  await Promise.all(all.map((s) => s.stop()));
  for (const s of all) rmSync(s.dataDir, { recursive: true, force: true });
}
