/**
 * What the bench's processes share: names and secrets of the bench tenant, the IPC
 * request/answer helpers between the parent (`run.ts`) and its children, the clock every
 * process stamps messages with, and small statistics helpers.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const TENANT = 'ten_bench';
export const SITE = 'site_bench';
export const QUEUE = 'support';
export const TOKEN_SECRET = 'bench-site-token-secret-0123456789abcdef';
export const AGENT_SECRET = 'bench-agent-secret-0123456789abcdefghij';
export const agentId = (index: number) => `agt_bench_${index}`;

/**
 * Wall-clock milliseconds with sub-millisecond resolution. Every process of the run lives
 * on the same host clock, so a stamp taken in one process and read in another gives the
 * delivery latency (each process's `timeOrigin` is exact to well under a millisecond).
 */
export const wallNow = (): number => performance.timeOrigin + performance.now();

/**
 * Options of the bench's client sockets. Clients must mask what they send; an all-zero
 * mask is a valid one that `ws` then skips applying, and the bench trusts the server's
 * UTF-8: both leave the shared CPU to the server being measured.
 */
export const LEAN_CLIENT = {
  perMessageDeflate: false,
  skipUTF8Validation: true,
  generateMask: (mask: Buffer) => {
    mask.fill(0);
  },
} as const;

/** The `q`-quantile of ascending samples (nearest rank). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** A growable array of doubles (latency samples without boxing). */
export class Samples {
  private data = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** A copy of the samples taken (what goes over IPC). */
  take(): Float64Array {
    return this.data.slice(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }
}

/** A request from the parent to a child: `cmd` names the handler. */
export interface Request {
  rid: number;
  cmd: string;
  [key: string]: unknown;
}

/** A child's answer to a request, or an unsolicited report (`rid` 0). */
interface Answer {
  rid: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** Inside a child process: answers the parent's requests with `handlers`; exits when the parent goes. */
export function serveParent(handlers: Record<string, (request: Request) => unknown>): void {
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (raw) => {
    const request = raw as Request;
    const handler = request.cmd === 'cpu' ? cpuMs : handlers[request.cmd];
    let answer: Answer;
    try {
      if (!handler) throw new Error(`unknown command ${request.cmd}`);
      answer = { rid: request.rid, ok: true, value: await handler(request) };
    } catch (error) {
      answer = {
        rid: request.rid,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      };
    }
    process.send?.(answer);
  });
}

/** CPU time this process used so far, user + system, in ms (every child answers `cpu`). */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Tells the parent the child is up (with whatever it needs to know, e.g. a port). */
export function reportReady(value: unknown): void {
  process.send?.({ rid: 0, ok: true, value });
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** In the parent: one child process and request/answer over its IPC channel. */
export class Child {
  readonly process: ChildProcess;
  readonly ready: Promise<unknown>;
  private nextRid = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited = false;

  constructor(
    readonly name: string,
    file: string,
    options: { args?: string[]; execArgv?: string[]; env?: NodeJS.ProcessEnv } = {},
  ) {
    this.process = fork(here(file), options.args ?? [], {
      execArgv: ['--conditions=@hotline/source', '--import', 'tsx', ...(options.execArgv ?? [])],
      // Structured clone over IPC: latency samples travel as typed arrays.
      serialization: 'advanced',
      // Stdout carries the bench's JSON lines: whatever a child prints goes to stderr.
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      env: { ...process.env, ...options.env },
    });
    this.process.stdout?.pipe(process.stderr);
    let readyResolve: (v: unknown) => void = () => {};
    let readyReject: (e: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    this.process.on('message', (raw) => {
      const answer = raw as Answer;
      if (answer.rid === 0) {
        readyResolve(answer.value);
        return;
      }
      const waiter = this.waiting.get(answer.rid);
      if (!waiter) return;
      this.waiting.delete(answer.rid);
      if (answer.ok) waiter.resolve(answer.value);
      else waiter.reject(new Error(`${this.name}: ${answer.error}`));
    });
    this.process.on('exit', (code, signal) => {
      this.exited = true;
      const error = new Error(`${this.name} exited (${signal ?? code})`);
      readyReject(error);
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  request<T = unknown>(cmd: string, fields: Record<string, unknown> = {}): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} is not running`));
    const rid = this.nextRid++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(rid, { resolve: resolve as (v: unknown) => void, reject });
      this.process.send({ rid, cmd, ...fields });
    });
  }

  /** Asks the child to exit (so a `--cpu-prof` profile gets written), then kills it by pid. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.request('exit').catch(() => {});
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, graceMs))]);
    this.kill();
  }

  /** Kills the child by its pid. */
  kill(): void {
    if (this.exited || this.process.pid === undefined) return;
    try {
      process.kill(this.process.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
