import {
  type Agent,
  type AgentRepository,
  AlreadyExistsError,
  ConflictError,
  type Contact,
  type ContactRepository,
  type Conversation,
  type ConversationRepository,
  DEFAULT_PAGE_SIZE,
  type ListOptions,
  MAX_PAGE_SIZE,
  NotFoundError,
  type Page,
  type Queue,
  type QueueRepository,
  type Task,
  type TaskRepository,
  type Tenant,
  type TenantRepository,
  ValidationError,
} from '@hotline/core';
import { type Draft, key, type Run, type TableName } from './tables.js';

type Versioned = { id: string; version: number };
type Scoped = Versioned & { tenantId: string };
/** Runs inside a write after every check passed; keeps an index in step (contacts). */
type OnWrite<T> = (draft: Draft, next: T | undefined, previous: T | undefined) => void;

// Every method checks everything before its first write: inside a transaction a caller
// may catch our error and carry on, and a half-done write would then be committed.

function createRow<T extends Versioned>(draft: Draft, table: TableName, k: string, record: T, onWrite?: OnWrite<T>): T {
  if (record.version !== 1) {
    throw new ValidationError(`${table} ${record.id}: a new record has version 1`, [
      { path: 'version', message: 'must be 1' },
    ]);
  }
  if (draft.get(table, k)) throw new AlreadyExistsError(table, record.id);
  onWrite?.(draft, record, undefined);
  return draft.put(table, k, record);
}

function current<T extends Versioned>(
  draft: Draft,
  table: TableName,
  k: string,
  id: string,
  expectedVersion: number,
): T {
  const previous = draft.get<T>(table, k);
  if (!previous) throw new NotFoundError(table, id);
  if (previous.version !== expectedVersion) {
    throw new ConflictError(`${table} ${id} was changed by someone else`, {
      details: { reason: 'version', id, expectedVersion, actualVersion: previous.version },
    });
  }
  return previous;
}

function updateRow<T extends Versioned>(
  draft: Draft,
  table: TableName,
  k: string,
  record: T,
  expectedVersion: number,
  onWrite?: OnWrite<T>,
): T {
  const previous = current<T>(draft, table, k, record.id, expectedVersion);
  const next = { ...record, version: expectedVersion + 1 };
  onWrite?.(draft, next, previous);
  return draft.put(table, k, next);
}

/** The page size asked for, capped at {@link MAX_PAGE_SIZE}. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ValidationError('limit must be a positive integer', [{ path: 'limit', message: 'positive integer' }]);
  }
  return Math.min(limit, MAX_PAGE_SIZE);
}

/** Pages by id; the cursor is the last id of the previous page, so pages stay stable under inserts. */
export function pageById<T extends { id: string }>(rows: Iterable<T>, options: ListOptions = {}): Page<T> {
  const limit = pageLimit(options.limit);
  const { cursor } = options;
  const sorted = [...rows].filter((r) => cursor === undefined || r.id > cursor).sort((a, b) => (a.id < b.id ? -1 : 1));
  const items = sorted.slice(0, limit);
  const last = items[items.length - 1];
  return sorted.length > limit && last ? { items, nextCursor: last.id } : { items };
}

/** get / create / update / list of one tenant-scoped table; rows are keyed `(tenantId, id)`. */
function scoped<T extends Scoped>(run: Run, table: TableName, onWrite?: OnWrite<T>) {
  return {
    get: (tenantId: string, id: string) => run((d) => d.get<T>(table, key(tenantId, id))),
    create: (record: T) => run((d) => createRow(d, table, key(record.tenantId, record.id), record, onWrite)),
    update: (record: T, expectedVersion: number) =>
      run((d) => updateRow(d, table, key(record.tenantId, record.id), record, expectedVersion, onWrite)),
    /** Rows of one tenant, filtered; the prefix scan is what keeps tenants apart. */
    select: (tenantId: string, where: (row: T) => boolean, options?: ListOptions) =>
      run((d) => pageById([...d.rows<T>(table, key(tenantId, ''))].filter(where), options)),
  };
}

function deletable<T extends Scoped>(run: Run, table: TableName) {
  const { select, ...repository } = scoped<T>(run, table);
  return {
    ...repository,
    list: (tenantId: string, options?: ListOptions) => select(tenantId, () => true, options),
    delete: (tenantId: string, id: string, expectedVersion: number) =>
      run((d) => {
        current(d, table, key(tenantId, id), id, expectedVersion);
        d.delete(table, key(tenantId, id));
      }),
  };
}

/**
 * The identity index: `(tenant, channel, address)` → the unmerged contact holding it. A
 * merged contact holds nothing, so its survivor can take its identities over.
 */
const indexIdentities: OnWrite<Contact> = (draft, next, previous) => {
  const held = (c: Contact | undefined) =>
    c && c.mergedInto === undefined
      ? c.identities.map((i) => ({ ...i, k: key(c.tenantId, i.channel, i.address) }))
      : [];
  const wanted = held(next);
  for (const identity of wanted) {
    const holder = draft.get<string>('identities', identity.k);
    if (holder !== undefined && holder !== next?.id) {
      throw new ConflictError(`identity ${identity.channel}:${identity.address} belongs to another contact`, {
        details: { reason: 'identity_taken', contactId: holder, channel: identity.channel },
      });
    }
  }
  for (const identity of held(previous)) draft.delete('identities', identity.k);
  for (const identity of wanted) draft.put('identities', identity.k, next?.id);
};

export function tenantRepository(run: Run): TenantRepository {
  return {
    get: (id) => run((d) => d.get<Tenant>('tenants', id)),
    create: (tenant) => run((d) => createRow(d, 'tenants', tenant.id, tenant)),
    update: (tenant, expectedVersion) => run((d) => updateRow(d, 'tenants', tenant.id, tenant, expectedVersion)),
    list: (options) => run((d) => pageById(d.rows<Tenant>('tenants'), options)),
  };
}

export function contactRepository(run: Run): ContactRepository {
  const { select, ...repository } = scoped<Contact>(run, 'contacts', indexIdentities);
  return {
    ...repository,
    findByIdentity: (tenantId, channel, address) =>
      run((d) => {
        const holder = d.get<string>('identities', key(tenantId, channel, address));
        return holder === undefined ? undefined : d.get<Contact>('contacts', key(tenantId, holder));
      }),
    list: (tenantId, options) => select(tenantId, () => true, options),
  };
}

export function conversationRepository(run: Run): ConversationRepository {
  const { select, ...repository } = scoped<Conversation>(run, 'conversations');
  return {
    ...repository,
    list: (tenantId, filter = {}, options) =>
      select(
        tenantId,
        (c) =>
          (!filter.contactIds || filter.contactIds.includes(c.contactId)) &&
          (!filter.status || filter.status.includes(c.status)) &&
          (filter.queueId === undefined || c.queueId === filter.queueId) &&
          (filter.assigneeId === undefined || c.assigneeId === filter.assigneeId),
        options,
      ),
  };
}

export function taskRepository(run: Run): TaskRepository {
  const { select, ...repository } = scoped<Task>(run, 'tasks');
  return {
    ...repository,
    list: (tenantId, filter = {}, options) =>
      select(
        tenantId,
        (t) =>
          (!filter.status || filter.status.includes(t.status)) &&
          (filter.queueId === undefined || t.queueId === filter.queueId) &&
          (filter.agentId === undefined || t.agentId === filter.agentId) &&
          (filter.conversationId === undefined || t.conversationId === filter.conversationId),
        options,
      ),
  };
}

export const agentRepository = (run: Run): AgentRepository => deletable<Agent>(run, 'agents');
export const queueRepository = (run: Run): QueueRepository => deletable<Queue>(run, 'queues');
