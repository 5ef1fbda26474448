/**
 * `@hotline/storage-postgres`: Hotline's storage on PostgreSQL (through `pg`) and on
 * embedded PGlite, with the same SQL: every core storage port, versioned migrations,
 * group-committed message appends, durable timers and an outbox claimed with
 * `FOR UPDATE SKIP LOCKED`, an event bus over LISTEN/NOTIFY and leases over advisory locks.
 *
 * @packageDocumentation
 */
export { createPgliteStorage, createPostgresStorage } from './create-storage.js';
export { createSqlStorage } from './sql-storage.js';
export { createPgDriver } from './driver/pg-driver.js';
export { createPgliteDriver } from './driver/pglite-driver.js';
export { migrate, SchemaMismatchError } from './migrations/migrate.js';
export { MIGRATIONS } from './migrations/migrations.js';
export { mapDbError } from './errors.js';
export { createNotifyEventBus, NOTIFY_INLINE_LIMIT_BYTES } from './bus/notify-event-bus.js';
export { advisoryLockKey, createAdvisoryLeaseManager } from './lease/advisory-lease-manager.js';

export type { PgliteStorageOptions, PostgresStorageOptions, SqlBackedStorage } from './create-storage.js';
export type { SqlStorageOptions } from './sql-storage.js';
export type { PgDriverOptions } from './driver/pg-driver.js';
export type { PgliteDriverOptions } from './driver/pglite-driver.js';
export type { Queryable, SqlDriver, SqlResult, SqlSession } from './driver/sql-driver.js';
export type { MigrationReport } from './migrations/migrate.js';
export type { Migration } from './migrations/migrations.js';
export type { NotifyEventBus, NotifyEventBusOptions } from './bus/notify-event-bus.js';
export type { AdvisoryLeaseManagerOptions } from './lease/advisory-lease-manager.js';
