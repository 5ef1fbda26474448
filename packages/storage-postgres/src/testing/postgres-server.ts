/**
 * Test harness for a real PostgreSQL (≥ 15) server on loopback (DESIGN.md, "Tests and real components").
 *
 * `startPostgres()` creates a throwaway cluster in its own temporary directory, listening on 127.0.0.1 only, on a
 * free port, with its unix socket inside that directory. fsync stays on: crash tests rely on real durability.
 * PostgreSQL refuses to run as root, so when we are root every server binary runs as the `postgres` OS user through
 * `runuser`; otherwise it runs as the current user. Each call gets its own port and directory, so several vitest
 * workers can start servers at once.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { accessSync, chownSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Client } from 'pg';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The oldest major version the harness accepts. */
export const MIN_POSTGRES_MAJOR = 15;

const PROVISION_HINT = 'run scripts/provision (as root) to install Debian\'s "postgresql" package';
const READY_TIMEOUT_MS = 20_000;
const PG_CTL_TIMEOUT_S = 30;
const START_ATTEMPTS = 4;

/** Where the server binaries live. */
export interface PostgresBinaries {
  readonly binDir: string;
  readonly major: number;
  readonly initdb: string;
  readonly pgCtl: string;
  readonly postgres: string;
}

export interface StartPostgresOptions {
  /** A directory holding `initdb`, `pg_ctl` and `postgres`; found automatically when omitted. */
  readonly binDir?: string;
  /** A fixed port; a free one is chosen when omitted. */
  readonly port?: number;
  /** Extra `postgresql.conf` settings, written after (and so overriding) the harness's own. */
  readonly settings?: Readonly<Record<string, string | number | boolean>>;
}

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication, no password). */
  readonly url: string;
  readonly port: number;
  /** The cluster's data directory (inside `tempDir`). */
  readonly dataDir: string;
  /** The temporary directory holding the data directory, the unix socket and the log. */
  readonly tempDir: string;
  /** The server's log file. */
  readonly logFile: string;
  /** Fast shutdown, then removes `tempDir`. Safe to call more than once, and after `kill()`. */
  stop(): Promise<void>;
  /** Starts the server again on the same port and data directory (after `kill()`), and waits until it is ready. */
  restart(): Promise<void>;
  /** Simulates a crash: immediate shutdown (no checkpoint; crash recovery runs on `restart()`). Keeps the data. */
  kill(): Promise<void>;
}

/** Thrown when no usable PostgreSQL installation is found. */
export class PostgresNotFoundError extends Error {
  constructor(detail: string) {
    super(`PostgreSQL ≥ ${MIN_POSTGRES_MAJOR} server binaries not found (${detail}): ${PROVISION_HINT}`);
    this.name = 'PostgresNotFoundError';
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function binariesIn(binDir: string, major: number): PostgresBinaries | undefined {
  const found = {
    binDir,
    major,
    initdb: join(binDir, 'initdb'),
    pgCtl: join(binDir, 'pg_ctl'),
    postgres: join(binDir, 'postgres'),
  };
  return isExecutable(found.initdb) && isExecutable(found.pgCtl) && isExecutable(found.postgres) ? found : undefined;
}

/** The major version `postgres --version` reports ("postgres (PostgreSQL) 15.18 (Debian …)"), if it runs. */
function majorVersionOf(postgres: string): number | undefined {
  const result = spawnSync(postgres, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const match = /\(PostgreSQL\)\s+(\d+)/.exec(result.stdout ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

let cachedBinaries: PostgresBinaries | null | undefined;

/**
 * Finds the server binaries: the highest `/usr/lib/postgresql/<major>/bin` with major ≥ 15 (Debian's layout), else
 * `pg_ctl` on the PATH when its `postgres` is new enough. Returns `undefined` when there is none.
 */
export function findPostgresBinaries(binDir?: string): PostgresBinaries | undefined {
  if (binDir !== undefined) {
    const major = majorVersionOf(join(binDir, 'postgres'));
    return major === undefined || major < MIN_POSTGRES_MAJOR ? undefined : binariesIn(binDir, major);
  }
  if (cachedBinaries !== undefined) return cachedBinaries ?? undefined;
  cachedBinaries = searchBinaries() ?? null;
  return cachedBinaries ?? undefined;
}

function searchBinaries(): PostgresBinaries | undefined {
  const root = '/usr/lib/postgresql';
  let majors: number[] = [];
  try {
    majors = readdirSync(root)
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((major) => major >= MIN_POSTGRES_MAJOR)
      .sort((a, b) => b - a);
  } catch {
    // Not Debian's layout; try the PATH.
  }
  for (const major of majors) {
    const found = binariesIn(join(root, String(major), 'bin'), major);
    if (found !== undefined) return found;
  }
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '' || !isExecutable(join(dir, 'pg_ctl'))) continue;
    const major = majorVersionOf(join(dir, 'postgres'));
    if (major !== undefined && major >= MIN_POSTGRES_MAJOR) {
      const found = binariesIn(dir, major);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const isRoot = process.getuid?.() === 0;

interface OsUser {
  readonly uid: number;
  readonly gid: number;
}

function postgresOsUser(): OsUser {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new PostgresNotFoundError('running as root, and there is no "postgres" OS user to run the server as');
  }
}

interface RunResult {
  readonly status: number | null;
  readonly output: string;
}

/** Runs a server binary, as the `postgres` OS user when we are root. Never rejects; the caller reads the status. */
function run(binary: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<RunResult> {
  const [command, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, [...args]];
  return new Promise((resolve) => {
    // `pg_ctl start -l` points the postmaster's stdout/stderr at the log file, so these pipes close when pg_ctl exits.
    const child = spawn(command, argv, {
      cwd,
      env: { ...process.env, LC_ALL: 'C', LANG: 'C', PGTZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.once('error', (error) => resolve({ status: null, output: `${output}${String(error)}`.trim() }));
    child.once('close', (status, signal) => {
      resolve({ status, output: `${output}${signal === null ? '' : `(killed by ${signal})`}`.trim() });
    });
  });
}

function tailOf(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A port that is free on 127.0.0.1 right now, below the Linux ephemeral range so clients' sockets never take it. */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 15_000 + Math.floor(Math.random() * 17_000);
    if (await canBind(port)) return port;
  }
  throw new Error('could not find a free port on 127.0.0.1');
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function waitUntilReady(url: string, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      lastError = error;
      await sleep(100);
    } finally {
      await client.end().catch(() => {});
    }
  }
  throw new Error(
    `PostgreSQL did not accept connections at ${url} within ${READY_TIMEOUT_MS} ms: ${String(lastError)}\n` +
      `log ${logFile}:\n${tailOf(logFile)}`,
  );
}

/** Servers this process started and has not stopped: shut down if the process exits without stopping them. */
const live = new Set<{ pgCtl: string; dataDir: string; tempDir: string }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const server of live) {
      const args = ['stop', '-D', server.dataDir, '-m', 'immediate', '-w', '-t', '10'];
      const [command, argv] = isRoot
        ? ['runuser', ['-u', 'postgres', '--', server.pgCtl, ...args]]
        : [server.pgCtl, args];
      spawnSync(command, argv, { cwd: server.tempDir, stdio: 'ignore', timeout: 15_000 });
      rmSync(server.tempDir, { recursive: true, force: true });
    }
    live.clear();
  });
}

function formatSetting(value: string | number | boolean): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return `'${value.replaceAll("'", "''")}'`;
}

/** Starts a throwaway PostgreSQL server on 127.0.0.1 and resolves once it accepts connections. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bins = findPostgresBinaries(options.binDir);
  if (bins === undefined) {
    throw new PostgresNotFoundError(
      options.binDir === undefined ? `looked in /usr/lib/postgresql/*/bin and on the PATH` : `in ${options.binDir}`,
    );
  }
  const owner = isRoot ? postgresOsUser() : undefined;

  // A short path: the unix socket (<tempDir>/.s.PGSQL.<port>) must fit in sun_path (107 bytes).
  const base = join(tmpdir(), 'hotline-pg-').length > 80 ? '/tmp' : tmpdir();
  const tempDir = mkdtempSync(join(base, 'hotline-pg-'));
  const dataDir = join(tempDir, 'data');
  const logFile = join(tempDir, 'postgres.log');
  const record = { pgCtl: bins.pgCtl, dataDir, tempDir };
  installExitHook();
  live.add(record);

  const fail = (message: string): never => {
    const log = tailOf(logFile);
    live.delete(record);
    rmSync(tempDir, { recursive: true, force: true });
    throw new Error(`${message}\nlog ${logFile}:\n${log}`);
  };

  if (owner !== undefined) {
    chownSync(tempDir, owner.uid, owner.gid);
    const access = await run('/usr/bin/test', ['-w', tempDir, '-a', '-x', tempDir], tempDir, 10_000);
    if (access.status !== 0) {
      fail(`the "postgres" OS user cannot write ${tempDir}; point TMPDIR at a directory it can reach`);
    }
  }

  const initdb = await run(
    bins.initdb,
    ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--no-locale'],
    tempDir,
    120_000,
  );
  if (initdb.status !== 0) fail(`initdb failed (exit ${initdb.status}):\n${initdb.output}`);

  const pgCtl = (args: readonly string[]): Promise<RunResult> =>
    run(bins.pgCtl, ['-D', dataDir, ...args], tempDir, (PG_CTL_TIMEOUT_S + 15) * 1000);

  let port = options.port ?? (await freePort());
  const writeConfig = (chosenPort: number): Promise<void> => {
    const settings: Record<string, string | number | boolean> = {
      port: chosenPort,
      listen_addresses: '127.0.0.1',
      unix_socket_directories: tempDir,
      fsync: true,
      synchronous_commit: true,
      full_page_writes: true,
      max_connections: 200,
      shared_buffers: '32MB',
      logging_collector: false,
      log_destination: 'stderr',
      log_min_messages: 'warning',
      log_timezone: 'UTC',
      timezone: 'UTC',
      ...options.settings,
    };
    const lines = Object.entries(settings).map(([key, value]) => `${key} = ${formatSetting(value)}`);
    // Appended to initdb's postgresql.conf; the last occurrence of a setting wins, so a retry can change the port.
    return appendFile(join(dataDir, 'postgresql.conf'), `\n# hotline test harness\n${lines.join('\n')}\n`);
  };
  const start = (): Promise<RunResult> => pgCtl(['start', '-w', '-t', String(PG_CTL_TIMEOUT_S), '-l', logFile]);

  // Another process may take the port between our check and the server's bind: try again on a new one.
  for (let attempt = 1; ; attempt += 1) {
    await writeConfig(port);
    const started = await start();
    if (started.status === 0) break;
    const bindFailed = /could not (bind|create listen socket)/i.test(tailOf(logFile, 50));
    if (!bindFailed || options.port !== undefined || attempt >= START_ATTEMPTS) {
      fail(`pg_ctl start failed (exit ${started.status}):\n${started.output}`);
    }
    port = await freePort();
  }

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitUntilReady(url, logFile);
  } catch (error) {
    await pgCtl(['stop', '-m', 'immediate', '-w']);
    fail(error instanceof Error ? error.message : String(error));
  }

  let running = true;
  let removed = false;
  return {
    url,
    port,
    dataDir,
    tempDir,
    logFile,
    async stop() {
      if (removed) return;
      if (running) {
        const stopped = await pgCtl(['stop', '-m', 'fast', '-w', '-t', String(PG_CTL_TIMEOUT_S)]);
        if (stopped.status !== 0) await pgCtl(['stop', '-m', 'immediate', '-w']);
        running = false;
      }
      removed = true;
      live.delete(record);
      rmSync(tempDir, { recursive: true, force: true });
    },
    async kill() {
      if (removed) throw new Error('kill(): the server was stopped and its directory removed');
      if (!running) return;
      const killed = await pgCtl(['stop', '-m', 'immediate', '-w', '-t', String(PG_CTL_TIMEOUT_S)]);
      if (killed.status !== 0) {
        throw new Error(`pg_ctl stop -m immediate failed:\n${killed.output}\nlog ${logFile}:\n${tailOf(logFile)}`);
      }
      running = false;
    },
    async restart() {
      if (removed) throw new Error('restart(): the server was stopped and its directory removed');
      if (running) {
        const stopped = await pgCtl(['stop', '-m', 'fast', '-w', '-t', String(PG_CTL_TIMEOUT_S)]);
        if (stopped.status !== 0) throw new Error(`pg_ctl stop failed:\n${stopped.output}`);
        running = false;
      }
      const started = await start();
      if (started.status !== 0) {
        throw new Error(`pg_ctl start failed (exit ${started.status}):\n${started.output}\nlog:\n${tailOf(logFile)}`);
      }
      running = true;
      await waitUntilReady(url, logFile);
    },
  };
}
