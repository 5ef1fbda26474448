import { HotlineError, sha256Hex } from '@hotline/core';
import { quoteIdent } from '../driver/pg-driver.js';
import type { SqlDriver } from '../driver/sql-driver.js';
import { MIGRATIONS, type Migration } from './migrations.js';

/** The database was written by a newer Hotline, or a released migration was changed. */
export class SchemaMismatchError extends HotlineError {
  override readonly name = 'SchemaMismatchError';
  constructor(message: string, details: Record<string, unknown>) {
    super('CONFLICT', message, { details: { reason: 'schema_mismatch', ...details } });
  }
}

/** What {@link migrate} did. */
export interface MigrationReport {
  /** The schema version before. */
  from: number;
  /** The schema version now. */
  to: number;
  applied: { version: number; name: string }[];
}

/** Every process takes this advisory lock while migrating, so concurrent starts are safe. */
const MIGRATION_LOCK = 7_331_400_001;

/**
 * Brings the schema up to date: up-only, versioned, checksummed migrations, each in its
 * own transaction, under an advisory lock so several processes starting at once migrate
 * once. A database with a version this code does not know (written by a newer Hotline),
 * or whose applied migrations differ from the released ones, is refused untouched.
 */
export function migrate(driver: SqlDriver, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationReport> {
  if (driver.kind !== 'pglite') return migrateLocked(driver, migrations);
  // On PGlite every driver of an instance shares one backend, where advisory locks are
  // re-entrant and exclude nothing: storages opened at once on one instance would run the
  // same migration together. Within the process, one migration at a time.
  const run = pgliteMigrations.then(() => migrateLocked(driver, migrations));
  pgliteMigrations = run.catch(() => undefined);
  return run;
}

let pgliteMigrations: Promise<unknown> = Promise.resolve();

async function migrateLocked(driver: SqlDriver, migrations: readonly Migration[]): Promise<MigrationReport> {
  const session = await driver.session();
  try {
    // The lock first: concurrent `CREATE SCHEMA IF NOT EXISTS` of one new schema can fail
    // with a unique violation in PostgreSQL.
    await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await session.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(driver.schema)}`);
      await session.query(`SET search_path TO ${quoteIdent(driver.schema)}`);
      await session.query(`CREATE TABLE IF NOT EXISTS hl_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const applied = (
        await session.query<{ version: number; name: string; checksum: string }>(
          'SELECT version, name, checksum FROM hl_migrations ORDER BY version',
        )
      ).rows;
      const latest = migrations[migrations.length - 1]?.version ?? 0;
      const current = applied[applied.length - 1]?.version ?? 0;
      if (current > latest) {
        throw new SchemaMismatchError(
          `the database schema is at version ${current}, newer than this Hotline knows (${latest}); upgrade Hotline`,
          { databaseVersion: current, knownVersion: latest },
        );
      }
      for (const row of applied) {
        const known = migrations.find((m) => m.version === row.version);
        const checksum = known ? await sha256Hex(known.sql) : undefined;
        if (!known || checksum !== row.checksum) {
          throw new SchemaMismatchError(`migration ${row.version} (${row.name}) differs from the released one`, {
            version: row.version,
          });
        }
      }
      const report: MigrationReport = { from: current, to: current, applied: [] };
      for (const migration of migrations) {
        if (migration.version <= current) continue;
        const checksum = await sha256Hex(migration.sql);
        await session.query('BEGIN');
        try {
          await session.exec(migration.sql);
          await session.query('INSERT INTO hl_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            checksum,
          ]);
          await session.query('COMMIT');
        } catch (error) {
          await session.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
        report.applied.push({ version: migration.version, name: migration.name });
        report.to = migration.version;
      }
      return report;
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  } finally {
    await session.release();
  }
}
