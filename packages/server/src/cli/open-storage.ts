import { join } from 'node:path';
import { UnavailableError } from '@hotline/core';
import type { SqlBackedStorage } from '@hotline/storage-postgres';
import type { TicketStore } from '@hotline/ticketing';
import { lockDataDir } from './data-dir-lock.js';

/** Where the data lives: PostgreSQL when `databaseUrl` is given, else PGlite in `<dataDir>/db`. */
export interface StorageTarget {
  dataDir: string;
  /** `postgres://user:password@host:5432/database` @default undefined (embedded PGlite) */
  databaseUrl?: string;
}

/** An open, migrated SQL storage and what it runs on. */
export interface OpenedStorage {
  readonly storage: SqlBackedStorage;
  readonly kind: 'pglite' | 'postgres';
  /** For logs: the PGlite directory, or the PostgreSQL host and database (never the password). */
  readonly location: string;
  /** The ticket store in the same database. */
  ticketStore(): Promise<TicketStore>;
  /** Closes the storage (if still open) and releases the data directory. Idempotent. */
  close(): Promise<void>;
}

const PACKAGE = '@hotline/storage-postgres';

function missingPackage(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    String((error as Error).message).includes(PACKAGE)
  );
}

/**
 * Loads an optional peer dependency. The server does not depend on it (it runs on any
 * storage), but `hotline serve` and its commands need it; without it they say what to
 * install rather than fail with a bare module error.
 */
export async function optionalImport<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!missingPackage(error)) throw error;
    throw new UnavailableError(`the hotline CLI needs ${PACKAGE}: run \`npm install ${PACKAGE}\``, {
      details: { reason: 'missing_dependency', package: PACKAGE },
      cause: error,
    });
  }
}

function describePostgres(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `PostgreSQL at ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

/**
 * Opens (and migrates) the SQL storage of `hotline`: PostgreSQL at `databaseUrl`, or PGlite
 * in `<dataDir>/db`, locked for this process while open. `@hotline/storage-postgres` is
 * loaded here, on demand.
 *
 * @throws UnavailableError when `@hotline/storage-postgres` is not installed, or the database
 *   cannot be reached; ConflictError when another process holds the PGlite directory or the
 *   schema is newer than this Hotline.
 *
 * @example
 * ```ts
 * const opened = await openStorage({ dataDir: './.hotline' });
 * console.log(opened.storage.migration); // { from: 0, to: 2, applied: [...] }
 * await opened.close();
 * ```
 */
export async function openStorage(target: StorageTarget): Promise<OpenedStorage> {
  const sql = await optionalImport(() => import('@hotline/storage-postgres'));
  const ticketing = () => optionalImport(() => import('@hotline/storage-postgres/ticketing'));
  if (target.databaseUrl !== undefined) {
    const storage = await sql.createPostgresStorage({ connectionString: target.databaseUrl });
    return opened(storage, 'postgres', describePostgres(target.databaseUrl), ticketing, async () => undefined);
  }
  const lock = await lockDataDir(target.dataDir);
  const dataDir = join(target.dataDir, 'db');
  try {
    const storage = await sql.createPgliteStorage({ dataDir });
    return opened(storage, 'pglite', `PGlite in ${dataDir}`, ticketing, () => lock.release());
  } catch (error) {
    await lock.release();
    throw error;
  }
}

function opened(
  storage: SqlBackedStorage,
  kind: OpenedStorage['kind'],
  location: string,
  ticketing: () => Promise<typeof import('@hotline/storage-postgres/ticketing')>,
  release: () => Promise<void>,
): OpenedStorage {
  let closed: Promise<void> | undefined;
  return {
    storage,
    kind,
    location,
    ticketStore: async () => (await ticketing()).createSqlTicketStore(storage),
    close() {
      closed ??= (async () => {
        try {
          // The server closes its storage itself; a second close must not fail.
          await storage.close().catch(() => undefined);
        } finally {
          await release();
        }
      })();
      return closed;
    },
  };
}
