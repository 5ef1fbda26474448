import { PGlite } from '@electric-sql/pglite';
import { mapDbError } from '../errors.js';
import { quoteIdent } from './pg-driver.js';
import { checkSchemaName, type Queryable, type SqlDriver, type SqlSession } from './sql-driver.js';

/** Where PGlite keeps its data. */
export interface PgliteDriverOptions {
  /** A directory for a durable database; omit for an in-memory one. */
  dataDir?: string;
  /** @default 'hotline' */
  schema?: string;
  /** An existing PGlite instance to use instead (its lifetime stays the caller's). */
  instance?: PGlite;
}

/**
 * The embedded driver: PostgreSQL compiled to WebAssembly, in this process. One connection
 * serves everything, so transactions run one at a time (PGlite queues the rest); sessions
 * share the connection, which serves LISTEN within the process. Advisory locks are
 * re-entrant on that one backend, so they do not exclude sessions from each other: the
 * lease manager checks `pg_locks` itself. `search_path` is set on the instance, so drivers
 * sharing one `instance` must use the same schema.
 */
export async function createPgliteDriver(options: PgliteDriverOptions = {}): Promise<SqlDriver> {
  const schema = checkSchemaName(options.schema ?? 'hotline');
  const db = options.instance ?? (options.dataDir === undefined ? new PGlite() : new PGlite(options.dataDir));
  const owned = options.instance === undefined;
  let closed = false;
  const run = async <R>(q: Pick<PGlite, 'query'>, text: string, params?: readonly unknown[]) => {
    if (closed) throw mapDbError(new Error('PGlite is closed'));
    try {
      const result = await q.query<R>(text, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    } catch (error) {
      throw mapDbError(error);
    }
  };
  await run(db, `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  await run(db, `SET search_path TO ${quoteIdent(schema)}`);
  return {
    kind: 'pglite',
    schema,
    query: (text, params) => run(db, text, params),
    async transaction(fn) {
      try {
        return await db.transaction((tx) => fn({ query: (text, params) => run(tx, text, params) } satisfies Queryable));
      } catch (error) {
        throw mapDbError(error);
      }
    },
    async session(): Promise<SqlSession> {
      const unlisten: (() => Promise<void>)[] = [];
      return {
        query: (text, params) => run(db, text, params),
        async exec(script) {
          try {
            await db.exec(script);
          } catch (error) {
            throw mapDbError(error);
          }
        },
        async listen(channel, handler) {
          unlisten.push(await db.listen(channel, handler));
        },
        // The embedded database lives and dies with this process: a session is never lost.
        onLost() {},
        async release() {
          for (const stop of unlisten.splice(0)) await stop().catch(() => undefined);
        },
      };
    },
    async close() {
      closed = true;
      if (owned) await db.close();
    },
  };
}
