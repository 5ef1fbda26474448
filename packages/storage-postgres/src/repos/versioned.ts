import {
  AlreadyExistsError,
  DEFAULT_PAGE_SIZE,
  type ListOptions,
  MAX_PAGE_SIZE,
  NotFoundError,
  type Page,
  ValidationError,
  versionConflict,
} from '@hotline/core';
import type { Queryable } from '../driver/sql-driver.js';
import type { Runner } from '../runner.js';

type Versioned = { id: string; tenantId: string; version: number };

/** The page size to use, capped at `MAX_PAGE_SIZE`. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ValidationError('limit must be a positive integer', [{ path: 'limit', message: 'positive integer' }]);
  }
  return Math.min(limit, MAX_PAGE_SIZE);
}

/** Turns `limit + 1` rows into a page with a cursor. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, nextCursor: (items[items.length - 1] as T).id };
}

/**
 * Create / get / update / delete / list of one record type stored as JSONB beside its key
 * and version. Every statement names the tenant: another tenant's row is invisible.
 */
export class VersionedTable<T extends Versioned> {
  constructor(
    readonly entity: string,
    readonly table: string,
  ) {}

  async get(run: Runner, tenantId: string, id: string): Promise<T | undefined> {
    const { rows } = await run.query<{ data: T }>(`SELECT data FROM ${this.table} WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      id,
    ]);
    return rows[0]?.data;
  }

  /** Inserts; `hooks.afterWrite` runs in the same transaction (identity rows). */
  async create(run: Runner, record: T, afterWrite?: (q: Queryable, stored: T) => Promise<void>): Promise<T> {
    if (record.version !== 1) {
      throw new ValidationError(`${this.entity} ${record.id}: a new record must have version 1`, [
        { path: 'version', message: 'must be 1' },
      ]);
    }
    const insert = async (q: Queryable) => {
      const { rows } = await q.query<{ data: T }>(
        `INSERT INTO ${this.table} (tenant_id, id, version, data) VALUES ($1, $2, 1, $3)
         ON CONFLICT (tenant_id, id) DO NOTHING RETURNING data`,
        [record.tenantId, record.id, JSON.stringify(record)],
      );
      const stored = rows[0]?.data;
      if (!stored) throw new AlreadyExistsError(this.entity, record.id);
      if (afterWrite) await afterWrite(q, stored);
      return stored;
    };
    return afterWrite ? run.atomic(insert) : insert({ query: run.query });
  }

  async update(
    run: Runner,
    record: T,
    expectedVersion: number,
    afterWrite?: (q: Queryable, stored: T) => Promise<void>,
  ): Promise<T> {
    const next = { ...record, version: expectedVersion + 1 };
    const write = async (q: Queryable) => {
      const { rows } = await q.query<{ data: T }>(
        `UPDATE ${this.table} SET version = $4, data = $5
         WHERE tenant_id = $1 AND id = $2 AND version = $3 RETURNING data`,
        [record.tenantId, record.id, expectedVersion, expectedVersion + 1, JSON.stringify(next)],
      );
      const stored = rows[0]?.data;
      if (!stored) throw await this.whyNot(q, record.tenantId, record.id, expectedVersion);
      if (afterWrite) await afterWrite(q, stored);
      return stored;
    };
    return afterWrite ? run.atomic(write) : write({ query: run.query });
  }

  async delete(run: Runner, tenantId: string, id: string, expectedVersion: number): Promise<void> {
    const { rowCount } = await run.query(
      `DELETE FROM ${this.table} WHERE tenant_id = $1 AND id = $2 AND version = $3`,
      [tenantId, id, expectedVersion],
    );
    if (rowCount === 0) throw await this.whyNot({ query: run.query }, tenantId, id, expectedVersion);
  }

  /** Lists by id with an optional extra condition on the generated columns. */
  async list(
    run: Runner,
    tenantId: string,
    options: ListOptions = {},
    where = '',
    params: unknown[] = [],
  ): Promise<Page<T>> {
    const limit = pageLimit(options.limit);
    const cursor = options.cursor ?? '';
    const { rows } = await run.query<{ id: string; data: T }>(
      `SELECT id, data FROM ${this.table} WHERE tenant_id = $1 AND id > $2 ${where} ORDER BY id LIMIT $3`,
      [tenantId, cursor, limit + 1, ...params],
    );
    const page = toPage(rows, limit);
    return page.nextCursor === undefined
      ? { items: page.items.map((r) => r.data) }
      : { items: page.items.map((r) => r.data), nextCursor: page.nextCursor };
  }

  /** After a version-guarded write matched nothing: missing, or changed by someone else. */
  private async whyNot(q: Queryable, tenantId: string, id: string, expected: number): Promise<Error> {
    const { rows } = await q.query<{ version: number }>(
      `SELECT version FROM ${this.table} WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    const actual = rows[0]?.version;
    return actual === undefined
      ? new NotFoundError(this.entity, id)
      : versionConflict(this.entity, id, expected, actual);
  }
}
