import { UnavailableError } from '@hotline/core';
import pg from 'pg';
import { mapDbError } from '../errors.js';
import { checkSchemaName, type Queryable, type SqlDriver, type SqlResult, type SqlSession } from './sql-driver.js';

/** Connection settings for a PostgreSQL server. */
export interface PgDriverOptions {
  /** `postgres://user:password@host:port/database` */
  connectionString: string;
  /** @default 'hotline' */
  schema?: string;
  /** Most pooled connections. @default 10 */
  maxConnections?: number;
  /** Give up connecting after this long (ms). @default 10000 */
  connectionTimeoutMs?: number;
  /** Close idle pooled connections after this long (ms). @default 30000 */
  idleTimeoutMs?: number;
  /** Cancel any statement that runs longer (ms). @default 60000 */
  statementTimeoutMs?: number;
}

/**
 * The `pg` driver: a pool for statements and transactions, dedicated clients for sessions.
 * A broken connection is dropped by the pool, and the next call connects again; the error
 * that surfaced is an `UnavailableError`, safe to retry.
 */
export function createPgDriver(options: PgDriverOptions): SqlDriver {
  const schema = checkSchemaName(options.schema ?? 'hotline');
  const config: pg.PoolConfig = {
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    keepAlive: true,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    // Client side too: a reply the network silently drops fails the call instead of hanging.
    query_timeout: (options.statementTimeoutMs ?? 60_000) + 5_000,
    idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
    // Every connection resolves unqualified table names in our schema.
    options: `-c search_path=${schema} -c statement_timeout=${options.statementTimeoutMs ?? 60_000}`,
  };
  const pool = new pg.Pool(config);
  // An idle client that breaks must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const run = async <R>(
    q: pg.Pool | pg.PoolClient | pg.Client,
    text: string,
    params?: readonly unknown[],
    name?: string,
  ) => {
    try {
      const values = params as unknown[] | undefined;
      const result = await (name === undefined ? q.query(text, values) : q.query({ name, text, values }));
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 } satisfies SqlResult<R>;
    } catch (error) {
      throw mapDbError(error);
    }
  };
  return {
    kind: 'postgres',
    schema,
    query: (text, params, name) => run(pool, text, params, name),
    async transaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw mapDbError(error);
      }
      const q: Queryable = { query: (text, params, name) => run(client, text, params, name) };
      let broken: unknown;
      // A checked-out client has no pool listener: without this, a connection lost mid-transaction
      // emits an unhandled 'error' and crashes the process (the failing query rejects on its own).
      const onError = (error: unknown) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await q.query('BEGIN');
        const result = await fn(q);
        await q.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError;
        }
        throw error;
      } finally {
        // A client whose rollback failed is broken: destroy it instead of pooling it.
        client.release(broken instanceof Error ? broken : undefined);
        // The pool listens again from release on.
        client.removeListener('error', onError);
      }
    },
    async session() {
      // keepAlive: a half-open socket (peer gone without FIN) is noticed by the OS.
      const client = new pg.Client({ ...config, keepAlive: true });
      let lost: ((error: unknown) => void) | undefined;
      let lostWith: unknown;
      let released = false;
      // 'error' and 'end' both fire on one loss: the handler hears of it once.
      const fail = (error: unknown) => {
        if (released || lostWith !== undefined) return;
        lostWith = error;
        lost?.(error);
      };
      const handlers = new Map<string, (payload: string) => void>();
      client.on('error', (error) => fail(mapDbError(error)));
      client.on('end', () => fail(new UnavailableError('database session ended')));
      client.on('notification', (message) => handlers.get(message.channel)?.(message.payload ?? ''));
      try {
        await client.connect();
      } catch (error) {
        throw mapDbError(error);
      }
      const session: SqlSession = {
        query: (text, params, name) => run(client, text, params, name),
        async exec(script) {
          await run(client, script);
        },
        async listen(channel, handler) {
          handlers.set(channel, handler);
          await run(client, `LISTEN ${quoteIdent(channel)}`);
        },
        onLost(handler) {
          lost = handler;
          // Registered after the loss: still told, once.
          if (lostWith !== undefined) handler(lostWith);
        },
        async release() {
          if (released) return;
          released = true;
          await client.end().catch(() => undefined);
        },
      };
      return session;
    },
    async close() {
      await pool.end();
    },
  };
}

/** Quotes a channel or identifier for SQL (LISTEN takes no parameters). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
