import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UnavailableError } from '@hotline/core';
import { assertBlobKey, type BlobMeta, type BlobStore, type StoredBlob } from './blob-store.js';

/** Options for {@link createFsBlobStore}. */
export interface FsBlobStoreOptions {
  /** The directory holding the blobs; created when missing. */
  directory: string;
}

/**
 * A blob store in a directory. File names are hashes of the keys (never a name a client
 * chose, and the same on case-insensitive filesystems), spread over 256 subdirectories;
 * every write goes to a temporary file renamed into place, so a crash leaves the old blob
 * or the new one, never half of one. The meta file is renamed last: a blob exists once
 * its meta does.
 *
 * @example
 * ```ts
 * const blobStore = createFsBlobStore({ directory: './.hotline/uploads' });
 * ```
 */
export function createFsBlobStore(options: FsBlobStoreOptions): BlobStore {
  const root = resolve(options.directory);

  function paths(key: string) {
    assertBlobKey(key);
    const hash = createHash('sha256').update(key).digest('hex');
    const dir = join(root, hash.slice(0, 2));
    return { dir, bytes: join(dir, `${hash}.bin`), meta: join(dir, `${hash}.json`) };
  }

  async function readMeta(file: string, key: string): Promise<BlobMeta | undefined> {
    const text = await readIfExists(file, 'utf8');
    if (text === undefined) return undefined;
    const stored = JSON.parse(text) as { key: string; meta: BlobMeta };
    // A hash collision is not going to happen, but a file that names another key is not this blob.
    return stored.key === key ? stored.meta : undefined;
  }

  return {
    async put(key, bytes, meta) {
      const where = paths(key);
      await guard(async () => {
        await mkdir(where.dir, { recursive: true, mode: 0o700 });
        const tmpBytes = join(where.dir, `.tmp-${randomBytes(8).toString('hex')}`);
        const tmpMeta = join(where.dir, `.tmp-${randomBytes(8).toString('hex')}`);
        try {
          await writeFile(tmpBytes, bytes, { flag: 'wx', mode: 0o600 });
          await writeFile(tmpMeta, JSON.stringify({ key, meta }), { flag: 'wx', mode: 0o600 });
          await rename(tmpBytes, where.bytes);
          await rename(tmpMeta, where.meta);
        } catch (error) {
          await Promise.all([rm(tmpBytes, { force: true }), rm(tmpMeta, { force: true })]);
          throw error;
        }
      });
    },
    async head(key) {
      const where = paths(key);
      return guard(() => readMeta(where.meta, key));
    },
    async get(key): Promise<StoredBlob | undefined> {
      const where = paths(key);
      return guard(async () => {
        const meta = await readMeta(where.meta, key);
        if (!meta) return undefined;
        const bytes = await readIfExists(where.bytes);
        return bytes === undefined ? undefined : { meta, bytes: new Uint8Array(bytes) };
      });
    },
    async delete(key) {
      const where = paths(key);
      return guard(async () => {
        const existed = await unlinkIfExists(where.meta);
        await unlinkIfExists(where.bytes);
        return existed;
      });
    },
  };
}

async function readIfExists(file: string): Promise<Buffer | undefined>;
async function readIfExists(file: string, encoding: 'utf8'): Promise<string | undefined>;
async function readIfExists(file: string, encoding?: 'utf8'): Promise<Buffer | string | undefined> {
  try {
    return encoding === undefined ? await readFile(file) : await readFile(file, encoding);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function unlinkIfExists(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Disk errors are the storage being unavailable, which callers may retry. */
async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Error && 'code' in error && typeof (error as NodeJS.ErrnoException).errno === 'number') {
      throw new UnavailableError(`blob store: ${(error as NodeJS.ErrnoException).code}`, { cause: error });
    }
    throw error;
  }
}
