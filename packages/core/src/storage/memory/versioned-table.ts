import { AlreadyExistsError, NotFoundError, ValidationError } from '../../errors/hotline-error.js';
import { frozenCopy } from '../../util/freeze.js';
import { versionConflict } from '../../util/read-modify-write.js';
import type { MemoryContext } from './context.js';

type Versioned = { id: string; tenantId: string; version: number };

/** Hooks a table runs inside a write, e.g. to keep a secondary index in step. */
export interface TableHooks<T> {
  /** Called before storing; throw to refuse. Runs synchronously inside the write. */
  beforeWrite?(next: T, previous: T | undefined): void;
  /** Called after storing or deleting; `next` is undefined on delete. */
  afterWrite?(next: T | undefined, previous: T | undefined): void;
}

/**
 * Records of one type, per tenant, with optimistic concurrency. Shared by every memory
 * repository so the create / update / delete rules are written once.
 */
export class VersionedTable<T extends Versioned> {
  private readonly byTenant = new Map<string, Map<string, T>>();

  constructor(
    readonly entity: string,
    private readonly hooks: TableHooks<T> = {},
  ) {}

  get(tenantId: string, id: string): T | undefined {
    return this.byTenant.get(tenantId)?.get(id);
  }

  values(tenantId: string): Iterable<T> {
    return this.byTenant.get(tenantId)?.values() ?? [];
  }

  /** Every tenant's records; for system-scope operations only. */
  *allValues(): Iterable<T> {
    for (const table of this.byTenant.values()) yield* table.values();
  }

  create(ctx: MemoryContext, record: T): T {
    if (record.version !== 1) {
      throw new ValidationError(
        `${this.entity} ${record.id}: a new record must have version 1`,
        [{ path: 'version', message: 'must be 1' }],
        {
          details: { entity: this.entity, id: record.id, version: record.version },
        },
      );
    }
    if (this.get(record.tenantId, record.id)) throw new AlreadyExistsError(this.entity, record.id);
    const stored = frozenCopy(record);
    this.write(ctx, stored, undefined);
    return stored;
  }

  update(ctx: MemoryContext, record: T, expectedVersion: number): T {
    const previous = this.get(record.tenantId, record.id);
    if (!previous) throw new NotFoundError(this.entity, record.id);
    if (previous.version !== expectedVersion) {
      throw versionConflict(this.entity, record.id, expectedVersion, previous.version);
    }
    const stored = frozenCopy({ ...record, version: expectedVersion + 1 });
    this.write(ctx, stored, previous);
    return stored;
  }

  delete(ctx: MemoryContext, tenantId: string, id: string, expectedVersion: number): void {
    const previous = this.get(tenantId, id);
    if (!previous) throw new NotFoundError(this.entity, id);
    if (previous.version !== expectedVersion) {
      throw versionConflict(this.entity, id, expectedVersion, previous.version);
    }
    this.hooks.afterWrite?.(undefined, previous);
    this.byTenant.get(tenantId)?.delete(id);
    ctx.onRollback(() => this.put(previous, undefined));
  }

  private write(ctx: MemoryContext, next: T, previous: T | undefined): void {
    this.hooks.beforeWrite?.(next, previous);
    this.put(next, previous);
    ctx.onRollback(() => {
      if (previous) this.put(previous, next);
      else this.remove(next);
    });
  }

  private put(next: T, previous: T | undefined): void {
    let table = this.byTenant.get(next.tenantId);
    if (!table) {
      table = new Map();
      this.byTenant.set(next.tenantId, table);
    }
    table.set(next.id, next);
    this.hooks.afterWrite?.(next, previous);
  }

  private remove(record: T): void {
    this.byTenant.get(record.tenantId)?.delete(record.id);
    this.hooks.afterWrite?.(undefined, record);
  }
}
