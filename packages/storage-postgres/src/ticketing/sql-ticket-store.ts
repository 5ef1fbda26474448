import { NotFoundError, type Page, ValidationError, versionConflict } from '@hotline/core';
import type {
  HistoryEntry,
  HistoryOptions,
  Ticket,
  TicketComment,
  TicketListFilter,
  TicketStore,
  TicketWrite,
} from '@hotline/ticketing';
import type { SqlBackedStorage } from '../create-storage.js';
import type { Queryable, SqlDriver } from '../driver/sql-driver.js';
import { migrate } from '../migrations/migrate.js';
import { pageLimit } from '../repos/versioned.js';
import { poolRunner, type Runner, transactionRunner } from '../runner.js';
import { appendEntryAndComments, checkTicketWrite, numberTaken, ticketIdTaken } from './ticket-writes.js';

/** Where the ticket store keeps its tables: a storage's database, or a driver of its own. */
export type SqlTicketStoreSource = SqlBackedStorage | SqlDriver;

/**
 * The `TicketStore` of `@hotline/ticketing` on PostgreSQL or PGlite, in the same schema as
 * the storage (migration 2 adds `hl_tickets`, `hl_ticket_counters`, `hl_ticket_history`
 * and `hl_ticket_comments`). Every write of a ticket, its history entry and its comments
 * is one transaction, guarded by the version in the UPDATE's WHERE. `transaction()` works
 * as the storage's does: one database transaction, each call inside it under its own
 * SAVEPOINT so a refused write does not spoil it.
 *
 * Given a storage, the schema is already migrated; given a bare driver, it is migrated
 * first. The store owns nothing: close the storage (or driver) when done.
 *
 * @example
 * ```ts
 * import { createHotline } from '@hotline/core';
 * import { createPgliteStorage } from '@hotline/storage-postgres';
 * import { createSqlTicketStore } from '@hotline/storage-postgres/ticketing';
 * import { createTicketService } from '@hotline/ticketing';
 *
 * const storage = await createPgliteStorage({ dataDir: './.hotline/db' });
 * const hotline = createHotline({ storage });
 * const tickets = createTicketService({ hotline, store: await createSqlTicketStore(storage) });
 * ```
 */
export async function createSqlTicketStore(source: SqlTicketStoreSource): Promise<TicketStore> {
  const driver = isStorage(source) ? source.driver : source;
  if (!isStorage(source)) await migrate(driver);
  return bind(driver, poolRunner(driver, { closed: false }));
}

function isStorage(source: SqlTicketStoreSource): source is SqlBackedStorage {
  return 'driver' in source && 'migration' in source;
}

interface Row<T> {
  data: T;
}

function bind(driver: SqlDriver, run: Runner): TicketStore {
  const one = async <T>(sql: string, params: unknown[]): Promise<T | undefined> =>
    (await run.query<Row<T>>(sql, params)).rows[0]?.data;

  /** After a version-guarded UPDATE matched nothing: missing, or changed by someone else. */
  const whyNot = async (q: Queryable, ticket: Ticket, expected: number): Promise<Error> => {
    const { rows } = await q.query<{ version: number }>(
      'SELECT version FROM hl_tickets WHERE tenant_id = $1 AND id = $2',
      [ticket.tenantId, ticket.id],
    );
    const actual = rows[0]?.version;
    return actual === undefined
      ? new NotFoundError('ticket', ticket.id)
      : versionConflict('ticket', ticket.id, expected, actual);
  };

  const store: TicketStore = {
    async create(write: TicketWrite) {
      const { ticket } = write;
      if (ticket.version !== 1) {
        throw new ValidationError('Malformed ticket write: a new ticket must have version 1', [
          { path: 'ticket.version', message: 'a new ticket must have version 1' },
        ]);
      }
      checkTicketWrite(write, 1);
      return run.atomic(async (q) => {
        // DO NOTHING covers both unique rules (id, number) without aborting the transaction.
        const { rows } = await q.query<Row<Ticket>>(
          `INSERT INTO hl_tickets (tenant_id, id, version, data) VALUES ($1, $2, 1, $3)
           ON CONFLICT DO NOTHING RETURNING data`,
          [ticket.tenantId, ticket.id, JSON.stringify(ticket)],
        );
        const stored = rows[0]?.data;
        if (!stored) {
          const { rowCount } = await q.query('SELECT 1 FROM hl_tickets WHERE tenant_id = $1 AND id = $2', [
            ticket.tenantId,
            ticket.id,
          ]);
          if (rowCount > 0) throw ticketIdTaken(ticket.id);
          throw numberTaken(ticket.id, ticket.number);
        }
        await appendEntryAndComments(q, write);
        return stored;
      });
    },

    async update(write: TicketWrite, expectedVersion: number) {
      const { ticket } = write;
      checkTicketWrite(write, expectedVersion + 1);
      const next = { ...ticket, version: expectedVersion + 1 };
      return run.atomic(async (q) => {
        let rows: Row<Ticket>[];
        try {
          ({ rows } = await q.query<Row<Ticket>>(
            `UPDATE hl_tickets SET version = $4, data = $5
             WHERE tenant_id = $1 AND id = $2 AND version = $3 RETURNING data`,
            [ticket.tenantId, ticket.id, expectedVersion, expectedVersion + 1, JSON.stringify(next)],
          ));
        } catch (error) {
          throw isNumberViolation(error) ? numberTaken(ticket.id, ticket.number) : error;
        }
        const stored = rows[0]?.data;
        if (!stored) throw await whyNot(q, ticket, expectedVersion);
        await appendEntryAndComments(q, write);
        return stored;
      });
    },

    get: (tenantId, id) => one<Ticket>('SELECT data FROM hl_tickets WHERE tenant_id = $1 AND id = $2', [tenantId, id]),

    getByNumber: (tenantId, number) =>
      one<Ticket>('SELECT data FROM hl_tickets WHERE tenant_id = $1 AND number = $2', [tenantId, number]),

    async list(tenantId, filter: TicketListFilter = {}, options = {}) {
      const limit = pageLimit(options.limit);
      const params: unknown[] = [tenantId, options.cursor ?? '', limit + 1];
      const clauses: string[] = [];
      const add = (sql: string, value: unknown) => {
        params.push(value);
        clauses.push(sql.replace('?', `$${params.length}`));
      };
      if (filter.status) add('AND status = ANY(?::text[])', [...filter.status]);
      if (filter.assigneeId !== undefined) add('AND assignee_id = ?', filter.assigneeId);
      if (filter.groupId !== undefined) add('AND group_id = ?', filter.groupId);
      if (filter.requesterId !== undefined) add('AND requester_id = ?', filter.requesterId);
      if (filter.tag !== undefined) add(`AND data->'tags' @> jsonb_build_array(?::text)`, filter.tag);
      const { rows } = await run.query<Row<Ticket>>(
        `SELECT data FROM hl_tickets WHERE tenant_id = $1 AND id > $2 ${clauses.join(' ')} ORDER BY id LIMIT $3`,
        params,
      );
      const items = rows.slice(0, limit).map((r) => r.data);
      const last = items.at(-1);
      return rows.length > limit && last ? { items, nextCursor: last.id } : { items };
    },

    async nextNumber(tenantId) {
      // One statement: the counter row's lock serialises concurrent reservations.
      const { rows } = await run.query<{ last_number: string | number }>(
        `INSERT INTO hl_ticket_counters (tenant_id, last_number) VALUES ($1, 1)
         ON CONFLICT (tenant_id) DO UPDATE SET last_number = hl_ticket_counters.last_number + 1
         RETURNING last_number`,
        [tenantId],
      );
      return Number(rows[0]?.last_number);
    },

    async history(tenantId, ticketId, options: HistoryOptions = {}) {
      const limit = options.limit === undefined ? null : Math.max(0, options.limit);
      const { rows } = await run.query<Row<HistoryEntry>>(
        `SELECT data FROM hl_ticket_history WHERE tenant_id = $1 AND ticket_id = $2 AND version > $3
         ORDER BY version LIMIT $4`,
        [tenantId, ticketId, options.afterVersion ?? 0, limit],
      );
      return rows.map((r) => r.data);
    },

    async comments(tenantId, ticketId, options = {}): Promise<Page<TicketComment>> {
      const limit = pageLimit(options.limit);
      const [afterTime, afterId] = splitCommentCursor(options.cursor);
      const { rows } = await run.query<Row<TicketComment>>(
        `SELECT data FROM hl_ticket_comments WHERE tenant_id = $1 AND ticket_id = $2 AND (created_at, id) > ($3, $4)
         ORDER BY created_at, id LIMIT $5`,
        [tenantId, ticketId, afterTime, afterId, limit + 1],
      );
      const items = rows.slice(0, limit).map((r) => r.data);
      const last = items.at(-1);
      return rows.length > limit && last ? { items, nextCursor: `${last.createdAt}|${last.id}` } : { items };
    },

    getComment: (tenantId, commentId) =>
      one<TicketComment>('SELECT data FROM hl_ticket_comments WHERE tenant_id = $1 AND id = $2', [tenantId, commentId]),

    findCommentByClientId: (tenantId, ticketId, clientCommentId) =>
      one<TicketComment>(
        'SELECT data FROM hl_ticket_comments WHERE tenant_id = $1 AND ticket_id = $2 AND client_comment_id = $3',
        [tenantId, ticketId, clientCommentId],
      ),

    async transaction(fn) {
      if (run.inTransaction) return fn(store);
      run.check();
      return driver.transaction(async (q) => {
        const state = { ended: false, closed: false };
        try {
          return await fn(bind(driver, transactionRunner(q, state)));
        } finally {
          state.ended = true;
        }
      });
    },
  };
  return store;
}

/** Comment cursors are `createdAt|id`: timestamps hold no `|`. */
function splitCommentCursor(cursor: string | undefined): [string, string] {
  if (cursor === undefined) return ['', ''];
  const bar = cursor.indexOf('|');
  return bar === -1 ? [cursor, ''] : [cursor.slice(0, bar), cursor.slice(bar + 1)];
}

function isNumberViolation(error: unknown): boolean {
  return (error as { details?: Record<string, unknown> })?.details?.['constraint'] === 'hl_tickets_number';
}
