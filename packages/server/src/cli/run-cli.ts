import { isHotlineError, ValidationError } from '@hotline/core';
import { type CliConfig, parseCli, usage } from './cli-args.js';
import { seedDemo } from './demo-seed.js';
import { openStorage } from './open-storage.js';
import { type CliIo, serve } from './serve.js';

/** Exit codes of `hotline`. */
export const EXIT_CODES = { ok: 0, failed: 1, usage: 2 } as const;

async function migrateCommand(config: CliConfig, io: CliIo): Promise<number> {
  // Opening migrates: up-only, checksummed, under a lock (see @hotline/storage-postgres).
  const opened = await openStorage(config);
  try {
    const { from, to, applied } = opened.storage.migration;
    io.stdout(
      applied.length === 0
        ? `${opened.location}: schema already at version ${to}\n`
        : `${opened.location}: schema ${from} → ${to} (${applied.map((m) => `${m.version} ${m.name}`).join(', ')})\n`,
    );
  } finally {
    await opened.close();
  }
  return EXIT_CODES.ok;
}

async function seedDemoCommand(config: CliConfig, io: CliIo): Promise<number> {
  const opened = await openStorage(config);
  try {
    const report = await seedDemo(opened.storage);
    for (const line of report.created) io.stdout(`created ${line}\n`);
    io.stdout(
      `demo tenant ${report.tenantId}: ${report.created.length} created, ${report.existing.length} already there (${opened.location})\n`,
    );
    if (report.created.length > 0) io.stdout('a running `hotline serve` sees new queues after a restart\n');
  } finally {
    await opened.close();
  }
  return EXIT_CODES.ok;
}

const defaultIo = (): CliIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  signals: process,
  exit: (code) => process.exit(code),
  version: '0.0.0',
});

/**
 * Runs `hotline` with `argv` (without `node` and the script): `serve`, `migrate`,
 * `seed-demo`, `--help`, `--version`. Resolves with the exit code ({@link EXIT_CODES}):
 * 0 done, 1 failed (the database unreachable, the port taken…), 2 a bad command line or
 * environment. Errors are printed as one line on stderr; nothing throws.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2));
 * ```
 */
export async function runCli(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const out: CliIo = { ...defaultIo(), ...io };
  let config: CliConfig;
  try {
    const request = parseCli(argv, out.env, out.cwd);
    if (request.kind === 'help') {
      out.stdout(usage(request.command));
      return EXIT_CODES.ok;
    }
    if (request.kind === 'version') {
      out.stdout(`${out.version}\n`);
      return EXIT_CODES.ok;
    }
    config = request.config;
  } catch (error) {
    return report(error, out);
  }
  try {
    switch (config.command) {
      case 'serve':
        return await serve(config, out);
      case 'migrate':
        return await migrateCommand(config, out);
      case 'seed-demo':
        return await seedDemoCommand(config, out);
    }
  } catch (error) {
    return report(error, out);
  }
}

function report(error: unknown, io: CliIo): number {
  if (error instanceof ValidationError) {
    io.stderr(`hotline: ${error.message}\nRun \`hotline --help\` for usage.\n`);
    return EXIT_CODES.usage;
  }
  if (isHotlineError(error)) {
    io.stderr(`hotline: ${error.message}\n`);
    return EXIT_CODES.failed;
  }
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    io.stderr(`hotline: cannot listen: ${(error as Error).message}\n`);
    return EXIT_CODES.failed;
  }
  // Not one of ours: a bug or an environment problem; the stack helps either way.
  io.stderr(`hotline: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT_CODES.failed;
}
