import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@hotline/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSecrets, SECRETS_FILE, siteTokenSecret } from './secrets.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hotline-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const LONG = 'x'.repeat(32);

describe('loadSecrets', () => {
  it('generates the secrets once, in a file only its owner reads', async () => {
    const dataDir = join(dir, 'data');
    const first = await loadSecrets(dataDir, {});
    expect(first.generated).toEqual(['jwtSecret', 'agentSecret', 'siteSecret']);
    expect(first.file).toBe(join(dataDir, SECRETS_FILE));
    expect(statSync(first.file as string).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(new Set(Object.values(first.secrets)).size).toBe(3);
    for (const secret of Object.values(first.secrets)) expect(secret.length).toBeGreaterThanOrEqual(43);
    const second = await loadSecrets(dataDir, {});
    expect(second.secrets).toEqual(first.secrets);
    expect(second.generated).toEqual([]);
    expect(second.warnings).toEqual([]);
  });

  it('agrees on one file when several processes start at once', async () => {
    const all = await Promise.all([1, 2, 3, 4].map(() => loadSecrets(dir, {})));
    for (const loaded of all) expect(loaded.secrets).toEqual(all[0]?.secrets);
  });

  it('takes each secret from the environment first, and writes no file when all are there', async () => {
    const env = { HOTLINE_JWT_SECRET: `j${LONG}`, HOTLINE_AGENT_SECRET: `a${LONG}`, HOTLINE_SITE_SECRET: `s${LONG}` };
    const loaded = await loadSecrets(join(dir, 'none'), env);
    expect(loaded).toEqual({
      secrets: { jwtSecret: `j${LONG}`, agentSecret: `a${LONG}`, siteSecret: `s${LONG}` },
      generated: [],
      warnings: [],
    });
    const mixed = await loadSecrets(dir, { HOTLINE_JWT_SECRET: `j${LONG}` });
    expect(mixed.secrets.jwtSecret).toBe(`j${LONG}`);
    expect(JSON.parse(readFileSync(join(dir, SECRETS_FILE), 'utf8')).jwtSecret).not.toBe(`j${LONG}`);
  });

  it('refuses a short secret, naming where it came from but not its value', async () => {
    const error = await loadSecrets(dir, { HOTLINE_AGENT_SECRET: 'short-s3cret' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe('HOTLINE_AGENT_SECRET must be at least 32 bytes');
    expect(JSON.stringify(error)).not.toContain('short-s3cret');
    writeFileSync(join(dir, SECRETS_FILE), JSON.stringify({ jwtSecret: 'tiny' }));
    await expect(loadSecrets(dir, {})).rejects.toThrow(/secrets.json#jwtSecret must be at least 32 bytes/);
    writeFileSync(join(dir, SECRETS_FILE), '{ not json');
    await expect(loadSecrets(dir, {})).rejects.toThrow(/is not valid JSON/);
  });

  it('completes a file that lacks a secret, keeping the others, and warns when others can read it', async () => {
    const file = join(dir, SECRETS_FILE);
    writeFileSync(file, JSON.stringify({ jwtSecret: `j${LONG}` }), { mode: 0o644 });
    const loaded = await loadSecrets(dir, {});
    expect(loaded.secrets.jwtSecret).toBe(`j${LONG}`);
    expect(loaded.generated).toEqual(['agentSecret', 'siteSecret']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    chmodSync(file, 0o644);
    expect((await loadSecrets(dir, {})).warnings).toEqual([
      `${file} is readable by other users; run: chmod 600 ${file}`,
    ]);
  });
});

describe('siteTokenSecret', () => {
  it('derives a distinct, stable secret per site', () => {
    const a = siteTokenSecret(LONG, 'site_a');
    expect(a).toBe(siteTokenSecret(LONG, 'site_a'));
    expect(a).not.toBe(siteTokenSecret(LONG, 'site_b'));
    expect(a).not.toBe(siteTokenSecret(`y${LONG}`, 'site_a'));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});
