import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hotline, removeTempDirs, serveUntilListening, tempDir } from './test-kit.js';

afterAll(removeTempDirs);

describe('the hotline CLI', () => {
  it('prints help with exit code 0', async () => {
    const result = await hotline(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: hotline <command> [options]');
    const serveHelp = await hotline(['serve', '--help']);
    expect(serveHelp.code).toBe(0);
    expect(serveHelp.stdout).toContain('--database-url URL');
  });

  it('refuses a bad flag or command with exit code 2 and a message naming it', async () => {
    const badFlag = await hotline(['serve', '--prot', '80']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('unknown option --prot for "hotline serve" (did you mean --port?)');
    expect(badFlag.stdout).toBe('');
    const noCommand = await hotline([]);
    expect(noCommand.code).toBe(2);
    expect(noCommand.stderr).toContain('a command is needed');
    const badEnv = await hotline(['migrate'], { DATABASE_URL: 'mysql://root:pw@db/x' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).not.toContain('pw@');
  });

  it('migrates once; a second migrate finds the schema up to date', async () => {
    const dataDir = tempDir();
    const first = await hotline(['migrate', '--data-dir', dataDir]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/schema 0 → \d+ \(1 initial/);
    const second = await hotline(['migrate', '--data-dir', dataDir]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/schema already at version \d+/);
  });

  it('seeds the demo once; a second seed creates nothing', async () => {
    const dataDir = tempDir();
    const first = await hotline(['seed-demo'], { HOTLINE_DATA_DIR: dataDir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created queue que_support_zh');
    expect(first.stdout).toMatch(/demo tenant ten_demo: 20 created, 0 already there/);
    const second = await hotline(['seed-demo'], { HOTLINE_DATA_DIR: dataDir });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/demo tenant ten_demo: 0 created, 20 already there/);
  });

  it('serves /healthz, keeps its data directory to itself, and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDir();
    const { child, base, output, done } = await serveUntilListening(['--data-dir', dataDir]);
    try {
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      expect(output().stdout).toContain(`secrets: generated into ${join(dataDir, 'secrets.json')}`);

      const second = await hotline(['migrate', '--data-dir', dataDir]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`is in use by process ${child.pid}`);

      child.kill('SIGTERM');
      const result = await done;
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('SIGTERM: stopping');
      expect(result.stdout).toContain('stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    // The lock went with it: the directory is free again.
    expect((await hotline(['migrate', '--data-dir', dataDir])).code).toBe(0);
  });

  it('fails with exit code 1 when the port is taken', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const result = await hotline(['serve', '--host', '127.0.0.1', '--data-dir', tempDir()], { PORT: String(port) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('cannot listen');
    } finally {
      blocker.close();
    }
  });
});
