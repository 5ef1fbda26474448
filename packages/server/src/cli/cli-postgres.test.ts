import { findPostgresBinaries, type PostgresServer, startPostgres } from '@hotline/storage-postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hotline, removeTempDirs, serveUntilListening, tempDir } from './test-kit.js';

// `--database-url` against a real PostgreSQL server (Debian's binaries, a throwaway cluster).
// Without them the suite is skipped with a SKIPPED line, except under CI=true where it fails.

const ci = !['', '0', 'false', undefined].includes(process.env.CI?.toLowerCase());
const available = findPostgresBinaries() !== undefined;
if (!available && !ci)
  console.warn('SKIPPED: hotline CLI on PostgreSQL: no PostgreSQL server binaries; run scripts/provision');

describe.runIf(available || ci)('the hotline CLI on PostgreSQL', () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
    removeTempDirs();
  });

  it('migrates, seeds and serves with DATABASE_URL, each twice without harm', async () => {
    const env = { DATABASE_URL: pg.url, HOTLINE_DATA_DIR: tempDir() };
    const first = await hotline(['migrate'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^PostgreSQL at 127\.0\.0\.1:\d+\/\w+: schema 0 → \d+/);
    expect(first.stdout).not.toContain('@'); // the URL's user and password stay out of the output
    expect((await hotline(['migrate'], env)).stdout).toMatch(/schema already at version/);
    expect((await hotline(['seed-demo'], env)).stdout).toMatch(/20 created, 0 already there/);
    expect((await hotline(['seed-demo'], env)).stdout).toMatch(/0 created, 20 already there/);

    const { child, base, done } = await serveUntilListening([], env);
    try {
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
      child.kill('SIGTERM');
      expect((await done).code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
