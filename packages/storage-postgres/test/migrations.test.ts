/**
 * Migrations, on the PostgreSQL server (fresh schema per test) and on in-memory PGlite: the version table and its
 * checksums, idempotence, concurrent starts, and the refusals (a newer database, a changed migration), which must
 * leave the database untouched.
 */
import { PGlite } from '@electric-sql/pglite';
import { isHotlineError, sha256Hex } from '@hotline/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createPgDriver,
  createPgliteDriver,
  createPgliteStorage,
  createPostgresStorage,
  MIGRATIONS,
  type Migration,
  migrate,
  SchemaMismatchError,
  type SqlBackedStorage,
  type SqlDriver,
} from '../src/index.js';
import { describeWithPostgres, sharedPostgresUrl } from './pg-available.js';
import { dropSchema, freshSchemaName } from './schema.js';

/** The advisory lock key migrate() takes (src/migrations/migrate.ts). */
const MIGRATION_LOCK = 7_331_400_001;
const LATEST = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

interface MigrationRow {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date | string;
}

/** One database to migrate: drivers on it (each opened driver is closed after the test) and storages. */
interface Db {
  readonly schema: string;
  driver(): Promise<SqlDriver>;
  storage(): Promise<SqlBackedStorage>;
}

async function migrationRows(driver: SqlDriver): Promise<MigrationRow[]> {
  return (await driver.query<MigrationRow>('SELECT version, name, checksum, applied_at FROM hl_migrations ORDER BY 1'))
    .rows;
}

async function tables(driver: SqlDriver): Promise<string[]> {
  const { rows } = await driver.query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
    [driver.schema],
  );
  return rows.map((r) => r.table_name);
}

/** What `promise` rejected with; fails if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('resolved, but should have been refused');
}

function expectSchemaMismatch(error: unknown, details: Record<string, unknown>): void {
  expect(error).toBeInstanceOf(SchemaMismatchError);
  expect(isHotlineError(error, 'CONFLICT')).toBe(true);
  expect((error as SchemaMismatchError).details).toMatchObject({ reason: 'schema_mismatch', ...details });
}

/** The cases both backends share. */
function migrationCases(db: () => Db): void {
  it('a fresh schema migrates to the latest version, recorded in hl_migrations with each checksum', async () => {
    const driver = await db().driver();
    const report = await migrate(driver);
    expect(report).toEqual({
      from: 0,
      to: LATEST,
      applied: MIGRATIONS.map(({ version, name }) => ({ version, name })),
    });
    const rows = await migrationRows(driver);
    expect(rows.map(({ version, name, checksum }) => ({ version, name, checksum }))).toEqual(
      await Promise.all(
        MIGRATIONS.map(async (m) => ({ version: m.version, name: m.name, checksum: await sha256Hex(m.sql) })),
      ),
    );
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
    expect(await tables(driver)).toEqual(
      expect.arrayContaining(['hl_migrations', 'hl_conversations', 'hl_messages', 'hl_message_counters', 'hl_timers']),
    );
  });

  it('migrating again is a no-op: nothing applied, nothing rewritten', async () => {
    const driver = await db().driver();
    await migrate(driver);
    const before = await migrationRows(driver);
    const again = await migrate(driver);
    expect(again).toEqual({ from: LATEST, to: LATEST, applied: [] });
    expect(await migrationRows(driver)).toEqual(before);
    // A storage opened on it reports the same.
    const storage = await db().storage();
    expect(storage.migration).toEqual({ from: LATEST, to: LATEST, applied: [] });
  });

  it('a database at a version newer than this code knows is refused, and left as it was', async () => {
    const driver = await db().driver();
    await migrate(driver);
    await driver.query("INSERT INTO hl_migrations (version, name, checksum) VALUES (999, 'from-the-future', 'f')");
    const rowsBefore = await migrationRows(driver);
    const tablesBefore = await tables(driver);

    expectSchemaMismatch(await rejection(migrate(driver)), { databaseVersion: 999, knownVersion: LATEST });
    expectSchemaMismatch(await rejection(db().storage()), { databaseVersion: 999 });
    expect(await migrationRows(driver)).toEqual(rowsBefore);
    expect(await tables(driver)).toEqual(tablesBefore);
  });

  it('a newer database is refused before anything is created in it', async () => {
    const driver = await db().driver();
    await driver.query(`CREATE TABLE hl_migrations (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    await driver.query("INSERT INTO hl_migrations (version, name, checksum) VALUES (999, 'from-the-future', 'f')");
    expectSchemaMismatch(await rejection(migrate(driver)), { databaseVersion: 999 });
    expect(await tables(driver)).toEqual(['hl_migrations']);
    expect((await migrationRows(driver)).map((r) => r.version)).toEqual([999]);
  });

  it('an applied migration whose checksum changed is refused, and nothing changes', async () => {
    const driver = await db().driver();
    await migrate(driver);
    await driver.query("UPDATE hl_migrations SET checksum = 'edited' WHERE version = 1");
    const rowsBefore = await migrationRows(driver);
    expectSchemaMismatch(await rejection(migrate(driver)), { version: 1 });
    expect(await migrationRows(driver)).toEqual(rowsBefore);

    // Likewise when the code's copy of a released migration was edited.
    await driver.query('UPDATE hl_migrations SET checksum = $1 WHERE version = 1', [
      await sha256Hex((MIGRATIONS[0] as Migration).sql),
    ]);
    const edited = MIGRATIONS.map((m) => (m.version === 1 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    expectSchemaMismatch(await rejection(migrate(driver, edited)), { version: 1 });
    expect((await migrate(driver)).applied).toEqual([]);
  });

  it('a custom list applies only its new migration; then the released list refuses the newer database', async () => {
    const driver = await db().driver();
    await migrate(driver);
    const extra: Migration = { version: LATEST + 1, name: 'x', sql: 'CREATE TABLE hl_extra (id integer PRIMARY KEY);' };
    const report = await migrate(driver, [...MIGRATIONS, extra]);
    expect(report).toEqual({ from: LATEST, to: LATEST + 1, applied: [{ version: LATEST + 1, name: 'x' }] });
    expect(await tables(driver)).toContain('hl_extra');
    const rows = await migrationRows(driver);
    expect(rows.map((r) => r.version)).toEqual([...MIGRATIONS.map((m) => m.version), LATEST + 1]);
    expect(rows[rows.length - 1]?.checksum).toBe(await sha256Hex(extra.sql));
    expect((await migrate(driver, [...MIGRATIONS, extra])).applied).toEqual([]);
    expectSchemaMismatch(await rejection(migrate(driver)), { databaseVersion: LATEST + 1, knownVersion: LATEST });
  });

  it('a migration that fails is rolled back whole and not recorded; a fixed one then applies', async () => {
    const driver = await db().driver();
    await migrate(driver);
    const broken: Migration = {
      version: LATEST + 1,
      name: 'broken',
      sql: 'CREATE TABLE hl_half (id integer); SELECT 1 / 0;',
    };
    const error = await rejection(migrate(driver, [...MIGRATIONS, broken]));
    expect(error).toBeDefined();
    expect(await tables(driver)).not.toContain('hl_half');
    expect((await migrationRows(driver)).map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const fixed: Migration = { ...broken, name: 'fixed', sql: 'CREATE TABLE hl_half (id integer);' };
    expect((await migrate(driver, [...MIGRATIONS, fixed])).applied).toEqual([{ version: LATEST + 1, name: 'fixed' }]);
  });
}

describeWithPostgres('migrations on PostgreSQL', () => {
  let schema: string;
  let opened: { close(): Promise<void> }[];

  beforeEach(() => {
    schema = freshSchemaName();
    opened = [];
  });

  afterEach(async () => {
    await Promise.all(opened.map((each) => each.close().catch(() => undefined)));
    await dropSchema(sharedPostgresUrl(), schema);
  });

  const db = (): Db => ({
    schema,
    async driver() {
      const driver = createPgDriver({ connectionString: sharedPostgresUrl(), schema, maxConnections: 2 });
      opened.push(driver);
      // migrate() creates the schema; the refusal cases write into it before migrating.
      await driver.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      return driver;
    },
    async storage() {
      const storage = await createPostgresStorage({ connectionString: sharedPostgresUrl(), schema, maxConnections: 2 });
      opened.push(storage);
      return storage;
    },
  });

  migrationCases(db);

  it('5 storages created at once on a fresh schema all start, and the migration ran once', async () => {
    const storages = await Promise.all(Array.from({ length: 5 }, () => db().storage()));
    const reports = storages.map((s) => s.migration);
    expect(reports.filter((r) => r.applied.length > 0)).toEqual([
      { from: 0, to: LATEST, applied: MIGRATIONS.map(({ version, name }) => ({ version, name })) },
    ]);
    expect(reports.filter((r) => r.applied.length === 0).every((r) => r.from === LATEST && r.to === LATEST)).toBe(true);
    const rows = await migrationRows(storages[0]?.driver as SqlDriver);
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    // And they all work on the one schema.
    await Promise.all(
      storages.map((s, k) => s.timers.schedule({ tenantId: 't', id: `tmr_${k}`, kind: 'k', dueAt: 1, payload: {} })),
    );
    expect((await storages[4]?.timers.scan({ dueBefore: 2, limit: 10 }))?.length).toBe(5);
  });

  it('migrate() waits for the advisory lock another process holds, then migrates', async () => {
    const holder = await (await db().driver()).session();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      const driver = await db().driver();
      let settled = false;
      const migrating = migrate(driver).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(settled).toBe(false);
      expect(await tables(driver)).not.toContain('hl_messages');
      await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      expect((await migrating).to).toBe(LATEST);
    } finally {
      await holder.release();
    }
  });
});

describe('migrations on PGlite (in memory)', () => {
  let instance: PGlite;
  let opened: { close(): Promise<void> }[];

  beforeEach(() => {
    instance = new PGlite();
    opened = [];
  });

  afterEach(async () => {
    await Promise.all(opened.map((each) => each.close().catch(() => undefined)));
    await instance.close();
  });

  const db = (): Db => ({
    schema: 'hotline',
    async driver() {
      const driver = await createPgliteDriver({ instance });
      opened.push(driver);
      return driver;
    },
    async storage() {
      const storage = await createPgliteStorage({ instance });
      opened.push(storage);
      return storage;
    },
  });

  migrationCases(db);

  it('5 storages created at once on one instance all start, and the migration ran once', async () => {
    const storages = await Promise.all(Array.from({ length: 5 }, () => db().storage()));
    expect(storages.filter((s) => s.migration.applied.length > 0).length).toBe(1);
    const rows = await migrationRows(storages[0]?.driver as SqlDriver);
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });
});
