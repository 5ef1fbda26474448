/** Rows and count of one statement. */
export interface SqlResult<R> {
  rows: R[];
  rowCount: number;
}

/** Anything that runs SQL with positional parameters ($1, $2…). */
export interface Queryable {
  /**
   * Runs one statement. `name` makes it a prepared statement on the connection, planned
   * once and reused: only for hot statements whose text never changes and whose generic
   * plan cannot degrade as tables grow (lookups by unique index, no joins to choose).
   */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[], name?: string): Promise<SqlResult<R>>;
}

/** A dedicated database session (advisory locks and LISTEN are per session). */
export interface SqlSession extends Queryable {
  /** Runs a script of several statements (no parameters), e.g. a migration. */
  exec(script: string): Promise<void>;
  /** Subscribes to NOTIFY payloads on a channel (the session LISTENs). */
  listen(channel: string, handler: (payload: string) => void): Promise<void>;
  /** Called once if the session breaks (connection lost, server gone). */
  onLost(handler: (error: unknown) => void): void;
  /** Ends the session (its advisory locks and LISTENs end with it). */
  release(): Promise<void>;
}

/**
 * The two drivers' common ground: the same SQL runs on a PostgreSQL server through `pg`
 * and on embedded PGlite. Everything above this interface is driver-agnostic.
 */
export interface SqlDriver extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** The schema every table lives in (search_path of every connection). */
  readonly schema: string;
  /** Runs `fn` on one connection between BEGIN and COMMIT; ROLLBACK if it throws. */
  transaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Opens a dedicated session. */
  session(): Promise<SqlSession>;
  close(): Promise<void>;
}

/** Schema names are interpolated into SQL, so only plain lowercase identifiers pass. */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new RangeError(`schema must be a lowercase identifier, got ${JSON.stringify(schema)}`);
  }
  return schema;
}
