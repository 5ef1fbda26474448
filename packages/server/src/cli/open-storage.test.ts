import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage, optionalImport } from './open-storage.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('openStorage', () => {
  it('says what to install when @hotline/storage-postgres is missing, and lets other failures through', async () => {
    const missing = Object.assign(new Error("Cannot find package '@hotline/storage-postgres' imported from x"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await optionalImport(() => Promise.reject(missing)).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'UNAVAILABLE',
      message: 'the hotline CLI needs @hotline/storage-postgres: run `npm install @hotline/storage-postgres`',
      details: { reason: 'missing_dependency', package: '@hotline/storage-postgres' },
      cause: missing,
    });
    // A module missing inside the package (a broken install) is not reported as the package missing.
    const inner = Object.assign(new Error("Cannot find package 'pg' imported from x"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(optionalImport(() => Promise.reject(inner))).rejects.toBe(inner);
  });

  it('opens PGlite in <dataDir>/db, migrated, and frees the directory on close', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hotline-open-'));
    dirs.push(dataDir);
    const opened = await openStorage({ dataDir });
    expect(opened.kind).toBe('pglite');
    expect(opened.location).toBe(`PGlite in ${join(dataDir, 'db')}`);
    expect(opened.storage.migration.from).toBe(0);
    const tickets = await opened.ticketStore();
    expect(await tickets.list('ten_x', {})).toMatchObject({ items: [] });
    await opened.close();
    await opened.close();
    const again = await openStorage({ dataDir });
    expect(again.storage.migration.applied).toEqual([]);
    await again.close();
  });
});
