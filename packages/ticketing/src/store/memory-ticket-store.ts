import {
  AlreadyExistsError,
  DEFAULT_PAGE_SIZE,
  type ListOptions,
  MAX_PAGE_SIZE,
  MemoryContext,
  MemoryGate,
  NotFoundError,
  type Page,
  ValidationError,
  versionConflict,
} from '@hotline/core';
import type { TicketComment } from '../model/comment.js';
import type { HistoryEntry } from '../model/history.js';
import type { Ticket } from '../model/ticket.js';
import type { HistoryOptions, TicketListFilter, TicketStore, TicketWrite } from './ticket-store.js';

/** One tenant's tables. */
interface TenantTables {
  tickets: Map<string, Ticket>;
  byNumber: Map<number, string>;
  history: Map<string, HistoryEntry[]>;
  comments: Map<string, TicketComment[]>;
  commentById: Map<string, TicketComment>;
  lastNumber: number;
}

/** A deep-frozen copy, without `undefined` keys (as a database would give it back). */
function frozen<T>(value: T): T {
  const copy = JSON.parse(JSON.stringify(value)) as T;
  const stack: unknown[] = [copy];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item !== 'object' || item === null || Object.isFrozen(item)) continue;
    Object.freeze(item);
    for (const child of Object.values(item)) stack.push(child);
  }
  return copy;
}

function limitOf(options: ListOptions | undefined): number {
  const limit = options?.limit;
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ValidationError('limit must be a positive integer', [{ path: 'limit', message: 'positive integer' }]);
  }
  return Math.min(limit, MAX_PAGE_SIZE);
}

function malformed(message: string, path: string): ValidationError {
  return new ValidationError(`Malformed ticket write: ${message}`, [{ path, message }]);
}

function commentKey(comment: TicketComment): string {
  return `${comment.createdAt}|${comment.id}`;
}

/**
 * The in-memory ticket store: for tests, simulations and trying Hotline out. Everything is
 * gone when the process exits. It passes the ticket store conformance suite.
 *
 * @example
 * ```ts
 * import { createHotline } from '@hotline/core';
 * import { createMemoryTicketStore, createTicketService } from '@hotline/ticketing';
 *
 * const hotline = createHotline();
 * const tickets = createTicketService({ hotline, store: createMemoryTicketStore() });
 * ```
 */
export function createMemoryTicketStore(): TicketStore {
  const tenants = new Map<string, TenantTables>();
  const gate = new MemoryGate();
  return bind(tenants, new MemoryContext(gate, false));
}

function bind(tenants: Map<string, TenantTables>, scope: MemoryContext): TicketStore {
  const tables = (tenantId: string): TenantTables => {
    let found = tenants.get(tenantId);
    if (!found) {
      found = {
        tickets: new Map(),
        byNumber: new Map(),
        history: new Map(),
        comments: new Map(),
        commentById: new Map(),
        lastNumber: 0,
      };
      tenants.set(tenantId, found);
    }
    return found;
  };
  const peek = (tenantId: string) => tenants.get(tenantId);
  const run = async <T>(fn: () => T): Promise<T> => {
    await scope.enter();
    return fn();
  };

  function checkWrite(write: TicketWrite, version: number): void {
    const { ticket, entry } = write;
    if (entry.version !== version) throw malformed(`the entry must have version ${version}`, 'entry.version');
    if (entry.tenantId !== ticket.tenantId || entry.ticketId !== ticket.id) {
      throw malformed('the entry must name the ticket', 'entry.ticketId');
    }
    const t = peek(ticket.tenantId);
    const seen = new Set<string>();
    for (const [index, comment] of (write.comments ?? []).entries()) {
      if (comment.tenantId !== ticket.tenantId || comment.ticketId !== ticket.id) {
        throw malformed('comments must name the ticket', `comments.${index}.ticketId`);
      }
      if (seen.has(comment.id) || t?.commentById.has(comment.id)) {
        throw new AlreadyExistsError('comment', comment.id, { details: { reason: 'comment_id' } });
      }
      seen.add(comment.id);
      if (comment.clientCommentId === undefined) continue;
      const holder = t?.comments.get(ticket.id)?.find((c) => c.clientCommentId === comment.clientCommentId);
      if (holder) {
        throw new AlreadyExistsError('comment', comment.id, {
          details: { reason: 'client_comment_id', commentId: holder.id, clientCommentId: comment.clientCommentId },
        });
      }
    }
  }

  function apply(write: TicketWrite, stored: Ticket, previous: Ticket | undefined): void {
    const t = tables(stored.tenantId);
    t.tickets.set(stored.id, stored);
    t.byNumber.set(stored.number, stored.id);
    const history = t.history.get(stored.id) ?? [];
    t.history.set(stored.id, history);
    history.push(frozen(write.entry));
    const list = t.comments.get(stored.id) ?? [];
    t.comments.set(stored.id, list);
    const added = (write.comments ?? []).map((comment) => frozen(comment));
    for (const comment of added) {
      list.push(comment);
      t.commentById.set(comment.id, comment);
    }
    if (added.length > 0) list.sort((a, b) => (commentKey(a) < commentKey(b) ? -1 : 1));
    scope.onRollback(() => {
      if (previous) {
        t.tickets.set(previous.id, previous);
        if (previous.number !== stored.number) t.byNumber.delete(stored.number);
        t.byNumber.set(previous.number, previous.id);
      } else {
        t.tickets.delete(stored.id);
        t.byNumber.delete(stored.number);
      }
      history.pop();
      for (const comment of added) {
        t.commentById.delete(comment.id);
        list.splice(list.indexOf(comment), 1);
      }
    });
  }

  const store: TicketStore = {
    create: (write) =>
      run(() => {
        const { ticket } = write;
        if (ticket.version !== 1) throw malformed('a new ticket must have version 1', 'ticket.version');
        checkWrite(write, 1);
        const t = peek(ticket.tenantId);
        if (t?.tickets.has(ticket.id)) throw new AlreadyExistsError('ticket', ticket.id, { details: { reason: 'id' } });
        if (t?.byNumber.has(ticket.number)) {
          throw new AlreadyExistsError('ticket', ticket.id, { details: { reason: 'number', number: ticket.number } });
        }
        const stored = frozen(ticket);
        apply(write, stored, undefined);
        return stored;
      }),

    update: (write, expectedVersion) =>
      run(() => {
        const { ticket } = write;
        const previous = peek(ticket.tenantId)?.tickets.get(ticket.id);
        if (!previous) throw new NotFoundError('ticket', ticket.id);
        if (previous.version !== expectedVersion) {
          throw versionConflict('ticket', ticket.id, expectedVersion, previous.version);
        }
        checkWrite(write, expectedVersion + 1);
        const t = tables(ticket.tenantId);
        const holder = t.byNumber.get(ticket.number);
        if (holder !== undefined && holder !== ticket.id) {
          throw new AlreadyExistsError('ticket', ticket.id, { details: { reason: 'number', number: ticket.number } });
        }
        const stored = frozen({ ...ticket, version: expectedVersion + 1 });
        apply(write, stored, previous);
        return stored;
      }),

    get: (tenantId, id) => run(() => peek(tenantId)?.tickets.get(id)),

    getByNumber: (tenantId, number) =>
      run(() => {
        const t = peek(tenantId);
        const id = t?.byNumber.get(number);
        return id === undefined ? undefined : t?.tickets.get(id);
      }),

    list: (tenantId, filter: TicketListFilter = {}, options) =>
      run(() => {
        const limit = limitOf(options);
        const after = options?.cursor;
        const matches = [...(peek(tenantId)?.tickets.values() ?? [])]
          .filter(
            (ticket) =>
              (after === undefined || ticket.id > after) &&
              (!filter.status || filter.status.includes(ticket.status)) &&
              (filter.assigneeId === undefined || ticket.assigneeId === filter.assigneeId) &&
              (filter.groupId === undefined || ticket.groupId === filter.groupId) &&
              (filter.requesterId === undefined || ticket.requesterId === filter.requesterId) &&
              (filter.tag === undefined || ticket.tags.includes(filter.tag)),
          )
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const items = matches.slice(0, limit);
        const last = items.at(-1);
        return matches.length > limit && last ? { items, nextCursor: last.id } : { items };
      }),

    nextNumber: (tenantId) =>
      run(() => {
        const t = tables(tenantId);
        t.lastNumber += 1;
        // A rolled-back reservation may be handed out again; stored numbers never repeat.
        scope.onRollback(() => {
          t.lastNumber -= 1;
        });
        return t.lastNumber;
      }),

    history: (tenantId, ticketId, options: HistoryOptions = {}) =>
      run(() => {
        const entries = peek(tenantId)?.history.get(ticketId) ?? [];
        const after = options.afterVersion ?? 0;
        // Entry n has version n, so the entries after `after` start at index `after`.
        const from = entries.slice(Math.max(0, after));
        return options.limit === undefined ? from : from.slice(0, Math.max(0, options.limit));
      }),

    comments: (tenantId, ticketId, options): Promise<Page<TicketComment>> =>
      run(() => {
        const limit = limitOf(options);
        const list = peek(tenantId)?.comments.get(ticketId) ?? [];
        const after = options?.cursor;
        const rest = after === undefined ? list : list.filter((comment) => commentKey(comment) > after);
        const items = rest.slice(0, limit);
        const last = items.at(-1);
        return rest.length > limit && last ? { items, nextCursor: commentKey(last) } : { items };
      }),

    getComment: (tenantId, commentId) => run(() => peek(tenantId)?.commentById.get(commentId)),

    findCommentByClientId: (tenantId, ticketId, clientCommentId) =>
      run(() =>
        peek(tenantId)
          ?.comments.get(ticketId)
          ?.find((c) => c.clientCommentId === clientCommentId),
      ),

    async transaction(fn) {
      if (scope.inTransaction) return fn(store);
      await scope.enter();
      return scope.gate.hold(async () => {
        const inner = new MemoryContext(scope.gate, true);
        const tx = bind(tenants, inner);
        try {
          return await fn(tx);
        } catch (error) {
          inner.rollback();
          throw error;
        } finally {
          inner.end();
        }
      });
    },
  };
  return store;
}
