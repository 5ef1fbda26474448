import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError } from '@hotline/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockDataDir } from './data-dir-lock.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hotline-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lockDataDir', () => {
  it('writes our pid, refuses while another live process holds it, and removes it on release', async () => {
    const lock = await lockDataDir(join(dir, 'data'));
    expect(readFileSync(lock.file, 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
    expect(existsSync(lock.file)).toBe(false);

    // Our parent process is alive and is not us.
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n`);
    const error = await lockDataDir(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toEqual({ reason: 'data_dir_in_use', pid: process.ppid });
    expect((error as Error).message).toContain(`is in use by process ${process.ppid}`);
  });

  it('takes over a lock whose process is gone, or that is unreadable', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(dir, LOCK_FILE), `${gone}\n`);
    const lock = await lockDataDir(dir);
    expect(readFileSync(lock.file, 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    await (await lockDataDir(dir)).release();
  });
});
