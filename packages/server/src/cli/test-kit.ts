import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The CLI tests run the real executable, as a user runs it: a separate process on the
// sources (tsx), with its exit code, stdout and stderr.

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];

/** A temporary directory, removed by {@link removeTempDirs}. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-cli-'));
  dirs.push(dir);
  return dir;
}

/** Removes the directories {@link tempDir} made (in `afterAll`). */
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Starts `hotline …args` with a clean environment (no HOTLINE_*, PORT or DATABASE_URL of the caller) plus `env`. */
export function start(args: string[], env: Record<string, string> = {}): ChildProcess {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith('HOTLINE_') && key !== 'PORT' && key !== 'DATABASE_URL',
    ),
  );
  return spawn(process.execPath, ['--conditions=@hotline/source', '--import', 'tsx', MAIN, ...args], {
    cwd: PACKAGE_DIR,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** How a run ended. */
export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The output so far, and the outcome once the process has exited. */
export function collect(child: ChildProcess): { output: () => Outcome; done: Promise<Outcome> } {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const output = () => ({ code: child.exitCode, stdout, stderr });
  const done = new Promise<Outcome>((resolve) => child.on('close', (code) => resolve({ ...output(), code })));
  return { output, done };
}

/** Runs `hotline …args` to its end. */
export const hotline = (args: string[], env?: Record<string, string>) => collect(start(args, env)).done;

/** Polls `probe` until it returns a value. */
export async function waitFor<T>(probe: () => T | undefined, what: string, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts `hotline serve` and waits for its "listening on" line: its base URL, output and end. */
export async function serveUntilListening(args: string[], env?: Record<string, string>) {
  const child = start(['serve', '--port', '0', '--host', '127.0.0.1', ...args], env);
  const { output, done } = collect(child);
  try {
    const base = await waitFor(
      () =>
        /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output().stdout)?.[1] ??
        (child.exitCode === null ? undefined : ''),
      'hotline serve',
    );
    if (base === '') throw new Error(`hotline serve exited: ${output().stderr}`);
    return { child, base, output, done };
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw error;
  }
}
