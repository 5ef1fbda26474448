import type { Storage } from '@hotline/core';
import { createPgDriver, type PgDriverOptions } from './driver/pg-driver.js';
import { createPgliteDriver, type PgliteDriverOptions } from './driver/pglite-driver.js';
import type { SqlDriver } from './driver/sql-driver.js';
import { type MigrationReport, migrate } from './migrations/migrate.js';
import { createSqlStorage, type SqlStorageOptions } from './sql-storage.js';

/** A storage on SQL, with its driver (for the event bus and leases) and what migration did. */
export interface SqlBackedStorage extends Storage {
  readonly driver: SqlDriver;
  readonly migration: MigrationReport;
}

/** Options of {@link createPostgresStorage}. */
export interface PostgresStorageOptions extends PgDriverOptions, SqlStorageOptions {}

/** Options of {@link createPgliteStorage}. */
export interface PgliteStorageOptions extends PgliteDriverOptions, SqlStorageOptions {}

async function open(driver: SqlDriver, options: SqlStorageOptions): Promise<SqlBackedStorage> {
  let migration: MigrationReport;
  try {
    migration = await migrate(driver);
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
  return Object.assign(createSqlStorage(driver, options), { driver, migration });
}

/**
 * Storage on a PostgreSQL server. Migrates the schema on start (safe when several
 * processes start at once) and refuses a database written by a newer Hotline.
 *
 * @example
 * ```ts
 * const storage = await createPostgresStorage({ connectionString: process.env.DATABASE_URL! });
 * const hotline = createHotline({ storage });
 * ```
 */
export async function createPostgresStorage(options: PostgresStorageOptions): Promise<SqlBackedStorage> {
  return open(createPgDriver(options), options);
}

/**
 * Storage on embedded PGlite: in a directory (durable) or in memory. What `hotline serve`
 * and the demo use by default; move to PostgreSQL when several processes need one database.
 *
 * @example
 * ```ts
 * const storage = await createPgliteStorage({ dataDir: './.hotline/db' });
 * ```
 */
export async function createPgliteStorage(options: PgliteStorageOptions = {}): Promise<SqlBackedStorage> {
  return open(await createPgliteDriver(options), options);
}
