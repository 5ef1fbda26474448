/**
 * A test server run as a child process on a temporary data directory: started until its
 * stdout says it is ready (and on which port), SIGKILLed or SIGTERMed, restarted on the same
 * directory and port. `stopChildServers()` (in `afterAll`) ends every child this module
 * started, by its pid, and removes their directories.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Starting means compiling the sources with tsx and opening PGlite: slow on a loaded machine. */
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

/** How to run one kind of server. */
export interface ChildServerSpec {
  /** For messages and the temporary directory's name. */
  name: string;
  /** Where `tsx` and the `@hotline/source` condition resolve. */
  cwd: string;
  /** The arguments after `node --conditions=@hotline/source --import tsx`. */
  args(dataDir: string, port: number): string[];
  /** Extra environment. @default {} */
  env?(dataDir: string, port: number): Record<string, string>;
  /** Matches stdout once ready; its first group is the port. */
  ready: RegExp;
}

/** A running (or stopped, then restartable) child server. */
export interface ChildServer {
  /** Kept across restarts, removed by `stopChildServers`. */
  readonly dataDir: string;
  readonly port: number;
  /** `http://localhost:<port>`: pages must come from localhost. */
  readonly origin: string;
  /** The current child's pid, undefined while down. */
  readonly pid: number | undefined;
  /** SIGKILL: no shutdown, no flush; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit (SIGKILL after 20 s). */
  stop(): Promise<void>;
  /** Starts the server again on the same directory and port; resolves when it is ready. */
  restart(): Promise<void>;
  /** What the server wrote on stdout and stderr, over all its runs (for failure messages). */
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

function launch(
  spec: ChildServerSpec,
  dataDir: string,
  port: number,
  onLog: (text: string) => void,
): Promise<Running & { port: number }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@hotline/source', '--import', 'tsx', ...spec.args(dataDir, port)],
    // stdin stays open as a lifeline: a server may exit when it closes (this process died).
    {
      cwd: spec.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '', ...spec.env?.(dataDir, port) },
    },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr?.setEncoding('utf8').on('data', onLog);
  return new Promise((resolve, reject) => {
    let out = '';
    let ready = false;
    const fail = (why: string) => {
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      reject(new Error(`${spec.name} (pid ${child.pid}) ${why}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    const early = (code: number | null, signal: string | null) =>
      fail(`exited before it was ready (${code ?? signal})`);
    child.once('exit', early);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      onLog(chunk);
      if (ready) return;
      out += chunk;
      const match = spec.ready.exec(out);
      if (match) {
        ready = true;
        clearTimeout(timer);
        child.off('exit', early);
        resolve({ child, exited, port: Number(match[1]) });
      }
    });
  });
}

/** Starts a server on a fresh temporary directory and a free port. */
export async function startChildServer(spec: ChildServerSpec): Promise<ChildServer> {
  const dataDir = mkdtempSync(join(tmpdir(), `hotline-e2e-${spec.name.replace(/\W+/g, '-')}-`));
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
    const launched = await launch(spec, dataDir, port, onLog);
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
  const server: ChildServer = {
    dataDir,
    get port() {
      return port;
    },
    get origin() {
      return `http://localhost:${port}`;
    },
    get pid() {
      return running?.child.pid;
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
    restart: async () => {
      if (running) throw new Error(`the ${spec.name} is still running`);
      await start();
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
export async function stopChildServers(): Promise<void> {
  const all = [...servers];
  servers.clear();
  await Promise.all(all.map((s) => s.stop()));
  for (const s of all) rmSync(s.dataDir, { recursive: true, force: true });
}
