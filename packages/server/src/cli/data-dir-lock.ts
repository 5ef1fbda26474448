import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError } from '@hotline/core';

/** The lock file in the data directory while a process has its embedded database open. */
export const LOCK_FILE = 'hotline.lock';

/** A held lock; `release()` is idempotent. */
export interface DataDirLock {
  readonly file: string;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data directory for this process. PGlite is one process's database: a second
 * process opening the same directory would corrupt it, so `hotline migrate` next to a
 * running `hotline serve` (or the demo) is refused instead. A lock left by a process that
 * no longer runs is taken over.
 *
 * @throws ConflictError (`details.reason: 'data_dir_in_use'`, `details.pid`) while another
 *   live process holds it.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      let released = false;
      return {
        file,
        async release() {
          if (released) return;
          released = true;
          await rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
      throw new ConflictError(
        `${dataDir} is in use by process ${holder}; stop it first, or use another --data-dir (the embedded database serves one process; use PostgreSQL for several)`,
        { details: { reason: 'data_dir_in_use', pid: holder } },
      );
    }
    // Stale (its process is gone) or unreadable: remove it and try again.
    await rm(file, { force: true });
  }
  throw new ConflictError(`could not lock ${dataDir}`, { details: { reason: 'data_dir_in_use' } });
}
