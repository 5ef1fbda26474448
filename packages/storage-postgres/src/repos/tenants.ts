import {
  AlreadyExistsError,
  NotFoundError,
  type Tenant,
  type TenantRepository,
  ValidationError,
  versionConflict,
} from '@hotline/core';
import type { Runner } from '../runner.js';
import { pageLimit, toPage } from './versioned.js';

/** The tenant registry on SQL (system scope). */
export function tenantRepository(run: Runner): TenantRepository {
  return {
    async get(id) {
      const { rows } = await run.query<{ data: Tenant }>('SELECT data FROM hl_tenants WHERE id = $1', [id]);
      return rows[0]?.data;
    },
    async create(tenant) {
      if (tenant.version !== 1) {
        throw new ValidationError(`tenant ${tenant.id}: a new record must have version 1`, [
          { path: 'version', message: 'must be 1' },
        ]);
      }
      const { rows } = await run.query<{ data: Tenant }>(
        'INSERT INTO hl_tenants (id, version, data) VALUES ($1, 1, $2) ON CONFLICT (id) DO NOTHING RETURNING data',
        [tenant.id, JSON.stringify(tenant)],
      );
      if (!rows[0]) throw new AlreadyExistsError('tenant', tenant.id);
      return rows[0].data;
    },
    async update(tenant, expectedVersion) {
      const next = { ...tenant, version: expectedVersion + 1 };
      const { rows } = await run.query<{ data: Tenant }>(
        'UPDATE hl_tenants SET version = $3, data = $4 WHERE id = $1 AND version = $2 RETURNING data',
        [tenant.id, expectedVersion, expectedVersion + 1, JSON.stringify(next)],
      );
      if (rows[0]) return rows[0].data;
      const current = await run.query<{ version: number }>('SELECT version FROM hl_tenants WHERE id = $1', [tenant.id]);
      const actual = current.rows[0]?.version;
      throw actual === undefined
        ? new NotFoundError('tenant', tenant.id)
        : versionConflict('tenant', tenant.id, expectedVersion, actual);
    },
    async list(options = {}) {
      const limit = pageLimit(options.limit);
      const { rows } = await run.query<{ id: string; data: Tenant }>(
        'SELECT id, data FROM hl_tenants WHERE id > $1 ORDER BY id LIMIT $2',
        [options.cursor ?? '', limit + 1],
      );
      const page = toPage(rows, limit);
      const items = page.items.map((r) => r.data);
      return page.nextCursor === undefined ? { items } : { items, nextCursor: page.nextCursor };
    },
  };
}
