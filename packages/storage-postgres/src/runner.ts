import { UnavailableError } from '@hotline/core';
import type { Queryable, SqlDriver } from './driver/sql-driver.js';

/**
 * Where repository calls run. Outside a transaction, single statements go to the pool and
 * multi-statement operations get a short transaction. Inside `storage.transaction`, every
 * call runs under its own SAVEPOINT: a refused write (a conflict the caller catches) is
 * rolled back alone and the transaction goes on — PostgreSQL would otherwise abort it.
 */
export interface Runner {
  readonly inTransaction: boolean;
  /** A single statement. */
  query: Queryable['query'];
  /** Several statements that must commit together. */
  atomic<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Fails with `UnavailableError` if the storage is closed or the transaction has ended. */
  check(): void;
}

/** The runner outside transactions. */
export function poolRunner(driver: SqlDriver, state: { closed: boolean }): Runner {
  const check = () => {
    if (state.closed) throw new UnavailableError('storage is closed');
  };
  return {
    inTransaction: false,
    check,
    query: (text, params) => {
      check();
      return driver.query(text, params);
    },
    atomic: (fn) => {
      check();
      return driver.transaction(fn);
    },
  };
}

let savepointCounter = 0;

/** The runner inside a transaction on connection `q`. */
export function transactionRunner(q: Queryable, state: { ended: boolean; closed: boolean }): Runner {
  const check = () => {
    if (state.ended) throw new UnavailableError('the transaction has ended; use the outer storage');
    if (state.closed) throw new UnavailableError('storage is closed');
  };
  const atomic = async <T>(fn: (q: Queryable) => Promise<T>): Promise<T> => {
    check();
    const name = `hl_sp_${++savepointCounter}`;
    await q.query(`SAVEPOINT ${name}`);
    try {
      const result = await fn(q);
      await q.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await q.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    }
  };
  return {
    inTransaction: true,
    check,
    atomic,
    query: (text, params) => atomic((inner) => inner.query(text, params)),
  };
}
