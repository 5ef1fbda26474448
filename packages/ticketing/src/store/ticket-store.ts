/**
 * The ticket store port: the contract between the ticket service and a database.
 *
 * The in-memory adapter (`createMemoryTicketStore`) implements it; other adapters prove
 * they do by running `describeTicketStoreConformance` from `@hotline/ticketing/testing`.
 * The key words MUST, MUST NOT and SHOULD are used as in RFC 2119. The rules of core's
 * storage ports apply here too:
 *
 * - **Tenancy.** Every method takes a `tenantId` (or a record carrying one) and MUST NOT
 *   read, return or change anything of another tenant; another tenant's ticket MUST behave
 *   exactly as if it did not exist (`undefined`, `NotFoundError`, empty lists).
 * - **Isolation of values.** Adapters MUST NOT keep references to objects passed in;
 *   callers MUST NOT mutate returned objects (the memory adapter freezes them).
 * - **Optimistic concurrency.** A ticket's `version` is 1 on create and +1 on every write.
 *   `update(write, expectedVersion)` MUST store only if the stored version equals
 *   `expectedVersion`, otherwise throw `ConflictError` with `details.reason === 'version'`
 *   and change nothing.
 * - **Atomic writes.** A write is the ticket, its one history entry and the comments it
 *   adds: they MUST commit together or not at all.
 * - **Durability.** A returned promise resolves only once the write is durable.
 * - **Errors.** Adapters throw `HotlineError`s: `NotFoundError`, `ConflictError`,
 *   `AlreadyExistsError`, `ValidationError` for a malformed write, `UnavailableError` for
 *   connection loss.
 * - **Validation.** The service validates records with the model's zod schemas before
 *   they reach the store; adapters MAY trust shapes but MUST enforce tenancy, versions and
 *   the uniqueness rules below.
 *
 * Not in scope yet: a PostgreSQL adapter (the contract is written so one can be added with
 * a `tickets`, `ticket_history` and `ticket_comments` table and a per-tenant counter).
 *
 * @packageDocumentation
 */
import type { ListOptions, Page } from '@hotline/core';
import type { TicketComment } from '../model/comment.js';
import type { HistoryEntry } from '../model/history.js';
import type { Ticket, TicketStatus } from '../model/ticket.js';

/** Filters of {@link TicketStore.list}; every given filter must match. */
export interface TicketListFilter {
  /** Tickets in any of these statuses. */
  status?: readonly TicketStatus[];
  assigneeId?: string;
  groupId?: string;
  requesterId?: string;
  /** Tickets carrying this tag. */
  tag?: string;
}

/** Options of {@link TicketStore.history}. */
export interface HistoryOptions {
  /** Only entries with `version > afterVersion` (what a writer holding that version has not seen). */
  afterVersion?: number;
  /** At most this many entries. @default every entry */
  limit?: number;
}

/**
 * One write: the ticket as it will be stored, the history entry describing it, and the
 * comments it adds. `entry.version` MUST equal the version the ticket is stored with.
 */
export interface TicketWrite {
  ticket: Ticket;
  entry: HistoryEntry;
  /** Comments this write adds (one for a reply; several when merge or split copies them). */
  comments?: readonly TicketComment[];
}

/**
 * Tickets with their history and comments.
 *
 * Uniqueness, per tenant: ticket ids, ticket `number`s, comment ids, and
 * `clientCommentId` per ticket. A write that would break one MUST throw
 * `AlreadyExistsError` (with `details.reason` `'id'`, `'number'`, `'comment_id'` or
 * `'client_comment_id'` and, for the last, `details.commentId` of the holder) and store
 * nothing.
 */
export interface TicketStore {
  /**
   * Stores a new ticket with its first history entry and comments. MUST throw
   * `ValidationError` unless `ticket.version` and `entry.version` are 1 and every record
   * names the ticket's tenant and id.
   */
  create(write: TicketWrite): Promise<Ticket>;
  /**
   * Replaces a ticket if its stored version equals `expectedVersion`, storing it with
   * version `expectedVersion + 1` (whatever `write.ticket.version` says), appending the
   * entry and comments, and returning what was stored. MUST throw `NotFoundError` if the
   * ticket is absent, `ConflictError` on a version mismatch, and `ValidationError` unless
   * `entry.version === expectedVersion + 1`.
   */
  update(write: TicketWrite, expectedVersion: number): Promise<Ticket>;
  /** The ticket, or `undefined`. */
  get(tenantId: string, id: string): Promise<Ticket | undefined>;
  /** The ticket with this human number, or `undefined`. */
  getByNumber(tenantId: string, number: number): Promise<Ticket | undefined>;
  /**
   * Tickets matching `filter`, ordered by `id` ascending (ids are time-sortable: creation
   * order). `limit` defaults to 100 and MUST be capped at 1000; `nextCursor` is absent on
   * the last page, and pages MUST stay stable while tickets are added.
   */
  list(tenantId: string, filter?: TicketListFilter, options?: ListOptions): Promise<Page<Ticket>>;
  /**
   * Reserves the tenant's next ticket number: 1, then strictly increasing. Numbers MUST
   * NOT repeat, even under concurrency; gaps are allowed (a reserved number whose create
   * failed), except that a number reserved inside a transaction that rolls back MAY be
   * handed out again.
   */
  nextNumber(tenantId: string): Promise<number>;
  /** The ticket's history entries, ascending by version (empty for an unknown ticket). */
  history(tenantId: string, ticketId: string, options?: HistoryOptions): Promise<HistoryEntry[]>;
  /**
   * The ticket's comments, ordered by `createdAt`, then `id`. `limit` defaults to 100,
   * capped at 1000.
   */
  comments(tenantId: string, ticketId: string, options?: ListOptions): Promise<Page<TicketComment>>;
  /** One comment by id, or `undefined`. */
  getComment(tenantId: string, commentId: string): Promise<TicketComment | undefined>;
  /** The ticket's comment with this idempotency key, or `undefined`. */
  findCommentByClientId(
    tenantId: string,
    ticketId: string,
    clientCommentId: string,
  ): Promise<TicketComment | undefined>;
  /**
   * Runs `fn` so that every write made through the `tx` store it is given commits
   * together or not at all (a throw rolls everything back and is rethrown). Inside `fn`,
   * callers MUST use `tx`; `tx.transaction` joins the running transaction. A write refused
   * inside (a conflict the caller catches) MUST change nothing and MUST NOT spoil the
   * transaction. After the transaction, calls through `tx` MUST fail with
   * `UnavailableError`.
   */
  transaction<T>(fn: (tx: TicketStore) => Promise<T>): Promise<T>;
}
