/**
 * `@hotline/storage-postgres/testing`: a throwaway PostgreSQL server on loopback for
 * tests and benchmarks (Debian's `postgresql` binaries, a temporary cluster, a free port).
 *
 * @example
 * ```ts
 * import { startPostgres } from '@hotline/storage-postgres/testing';
 * import { createPostgresStorage } from '@hotline/storage-postgres';
 *
 * const pg = await startPostgres();
 * const storage = await createPostgresStorage({ connectionString: pg.url });
 * // …
 * await storage.close();
 * await pg.stop();
 * ```
 * @packageDocumentation
 */
export {
  findPostgresBinaries,
  MIN_POSTGRES_MAJOR,
  PostgresNotFoundError,
  startPostgres,
} from './postgres-server.js';
export type { PostgresBinaries, PostgresServer, StartPostgresOptions } from './postgres-server.js';
