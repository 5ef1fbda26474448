/**
 * Storage ports: the contract between Hotline's services and a database.
 *
 * Every adapter — the in-memory one in core, PGlite and PostgreSQL in
 * `@hotline/storage-postgres`, and third-party ones — implements {@link Storage} and
 * passes the conformance suite in `@hotline/core/testing`.
 *
 * Rules that apply to every method (the key words MUST, MUST NOT, SHOULD are used as in
 * RFC 2119):
 *
 * - **Tenancy.** Every record carries `tenantId`. A method that takes a `tenantId` MUST
 *   NOT read, return, change or delete a record of any other tenant; a record of another
 *   tenant MUST behave exactly as if it did not exist (`undefined`, `NotFoundError`, empty
 *   lists). Only the methods documented as *system scope* (timer and outbox claiming,
 *   the tenant registry) work across tenants; they exist for the process's own workers
 *   and MUST NOT be exposed to tenant principals.
 * - **Isolation of values.** Adapters MUST NOT keep references to objects passed in, and
 *   callers MUST NOT mutate returned objects (the memory adapter freezes them).
 * - **Optimistic concurrency.** Mutable records have `version`: 1 on create, +1 on every
 *   update. `update(record, expectedVersion)` MUST write only if the stored version equals
 *   `expectedVersion`, otherwise throw `ConflictError` (with `details.reason === 'version'`)
 *   and change nothing.
 * - **Durability.** A returned promise resolves only after the write is durable for the
 *   adapter (committed, for a database).
 * - **Errors.** Adapters throw `HotlineError`s: `NotFoundError`, `ConflictError`,
 *   `AlreadyExistsError`, and `UnavailableError` for connection loss (which callers may
 *   retry: every write here is either idempotent or guarded by a version).
 * - **Validation.** Services validate public input with the zod schemas before it reaches
 *   storage; adapters MAY trust record shapes but MUST enforce tenancy, versions and the
 *   uniqueness rules stated below.
 *
 * @packageDocumentation
 */
import type { Agent } from '../schemas/agent.js';
import type { Contact, IdentityChannel } from '../schemas/contact.js';
import type { Conversation, ConversationStatus } from '../schemas/conversation.js';
import type { Message, MessageStatus } from '../schemas/message.js';
import type { Queue } from '../schemas/queue.js';
import type { AuditEntry, OutboxEntry, TimerRecord } from '../schemas/records.js';
import type { Task, TaskStatus } from '../schemas/task.js';
import type { Tenant } from '../schemas/tenant.js';

/** Pagination for list methods. */
export interface ListOptions {
  /** Items per page. @default 100 (adapters MUST cap it at 1000) */
  limit?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
}

/** One page of a list. `nextCursor` is absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** The largest page any list method returns. */
export const MAX_PAGE_SIZE = 1000;
/** The page size when none is asked for. */
export const DEFAULT_PAGE_SIZE = 100;

/**
 * A repository of versioned records of one tenant-scoped type.
 * Lists are ordered by `id` ascending (ids are time-sortable, so this is creation order).
 */
export interface VersionedRepository<T extends { id: string; tenantId: string; version: number }> {
  /** The record, or `undefined` if it does not exist in this tenant. */
  get(tenantId: string, id: string): Promise<T | undefined>;
  /**
   * Stores a new record. MUST throw `ValidationError` unless `record.version` is 1, and
   * `AlreadyExistsError` if the id exists in the tenant.
   */
  create(record: T): Promise<T>;
  /**
   * Replaces a record if its stored version equals `expectedVersion`, storing it with
   * version `expectedVersion + 1` and returning what was stored.
   * MUST throw `NotFoundError` if absent, `ConflictError` on a version mismatch.
   */
  update(record: T, expectedVersion: number): Promise<T>;
}

/** A repository whose records may also be deleted (agents, queues). */
export interface DeletableRepository<T extends { id: string; tenantId: string; version: number }>
  extends VersionedRepository<T> {
  /**
   * Deletes a record if its stored version equals `expectedVersion`.
   * MUST throw `NotFoundError` if absent, `ConflictError` on a version mismatch.
   */
  delete(tenantId: string, id: string, expectedVersion: number): Promise<void>;
}

/**
 * The registry of tenants. *System scope*: used by the host's provisioning code.
 */
export interface TenantRepository {
  get(id: string): Promise<Tenant | undefined>;
  /** MUST throw `AlreadyExistsError` if the id exists. */
  create(tenant: Tenant): Promise<Tenant>;
  /** Same contract as {@link VersionedRepository.update}. */
  update(tenant: Tenant, expectedVersion: number): Promise<Tenant>;
  list(options?: ListOptions): Promise<Page<Tenant>>;
}

/**
 * Contacts and their identity index.
 *
 * Uniqueness: within a tenant, each `(channel, address)` identity belongs to at most one
 * *unmerged* contact (one without `mergedInto`). `create` and `update` MUST throw
 * `ConflictError` with `details.reason === 'identity_taken'` (and `details.contactId` of
 * the holder) rather than store a second holder. A merged contact holds no identity in
 * the index, so its survivor can take them over in the same transaction.
 */
export interface ContactRepository extends VersionedRepository<Contact> {
  /** The unmerged contact holding this identity, or `undefined`. */
  findByIdentity(tenantId: string, channel: IdentityChannel, address: string): Promise<Contact | undefined>;
  list(tenantId: string, options?: ListOptions): Promise<Page<Contact>>;
}

/** Filters for {@link ConversationRepository.list}; all given filters must match. */
export interface ConversationFilter {
  /** Conversations of any of these contacts. */
  contactIds?: readonly string[];
  status?: readonly ConversationStatus[];
  queueId?: string;
  assigneeId?: string;
}

/** Conversations. */
export interface ConversationRepository extends VersionedRepository<Conversation> {
  list(tenantId: string, filter?: ConversationFilter, options?: ListOptions): Promise<Page<Conversation>>;
}

/** A message about to be appended: everything but `seq`, which storage assigns. */
export type NewMessage = Omit<Message, 'seq'>;

/** What {@link MessageRepository.append} did. */
export interface AppendResult {
  /** The stored message: the new one, or the earlier one with the same idempotency key. */
  message: Message;
  /** `false` when an earlier message with the same key was returned instead. */
  created: boolean;
}

/** Options for reading a conversation's messages. */
export interface MessageListOptions {
  /** Only messages with `seq > afterSeq` (resume after the last one seen). */
  afterSeq?: number;
  /** Only messages with `seq < beforeSeq` (scroll back). */
  beforeSeq?: number;
  /** @default 100 (capped at 1000) */
  limit?: number;
  /** `asc` from the oldest, `desc` from the newest. @default 'asc' */
  order?: 'asc' | 'desc';
}

/**
 * Messages, ordered and idempotent.
 *
 * - `seq` MUST be assigned by `append`: the conversation's highest seq + 1 (1 for the
 *   first). Under any number of concurrent appends — in one process or many — the seqs of
 *   a conversation MUST be exactly 1..n with no gap and no duplicate.
 * - Idempotency: if `clientMessageId` is set and a message of the same conversation has
 *   it, or `providerMessageId` is set and a message of the same tenant and channel has it,
 *   `append` MUST return that message with `created: false` and MUST NOT use a seq.
 * - `append` MUST throw `NotFoundError` if the conversation does not exist in the tenant.
 * - `append` MUST throw `AlreadyExistsError` for a message `id` already used in the tenant
 *   (when no idempotency key matched first).
 * - Messages are immutable except `status`, which only moves forward: pending → sent →
 *   delivered → read; `failed` from pending or sent; a failed send may still become sent,
 *   delivered or read when a retry goes through (see `canAdvanceMessageStatus`).
 */
export interface MessageRepository {
  append(message: NewMessage): Promise<AppendResult>;
  get(tenantId: string, id: string): Promise<Message | undefined>;
  list(tenantId: string, conversationId: string, options?: MessageListOptions): Promise<Message[]>;
  findByProviderMessageId(
    tenantId: string,
    channel: Message['channel'],
    providerMessageId: string,
  ): Promise<Message | undefined>;
  /** The highest seq of the conversation, 0 if it has no messages. */
  lastSeq(tenantId: string, conversationId: string): Promise<number>;
  /**
   * Moves a message's status forward. A status that is not ahead of the stored one is
   * ignored (returns the message unchanged): receipts arrive out of order.
   * MUST throw `NotFoundError` if absent.
   */
  updateStatus(tenantId: string, id: string, status: MessageStatus): Promise<Message>;
}

/** Filters for {@link TaskRepository.list}. */
export interface TaskFilter {
  status?: readonly TaskStatus[];
  queueId?: string;
  agentId?: string;
  conversationId?: string;
}

/** Tasks. */
export interface TaskRepository extends VersionedRepository<Task> {
  list(tenantId: string, filter?: TaskFilter, options?: ListOptions): Promise<Page<Task>>;
}

/** Agents. */
export interface AgentRepository extends DeletableRepository<Agent> {
  list(tenantId: string, options?: ListOptions): Promise<Page<Agent>>;
}

/** Queues. */
export interface QueueRepository extends DeletableRepository<Queue> {
  list(tenantId: string, options?: ListOptions): Promise<Page<Queue>>;
}

/**
 * The append-only audit log, one hash chain per tenant. There is no update or delete.
 * `append` MUST store the entry only if `entry.seq` is the tenant's last seq + 1 (1 when
 * empty); otherwise it MUST throw `ConflictError` and store nothing. Entries MUST be stored
 * exactly as given (the hash covers them).
 */
export interface AuditRepository {
  append(entry: AuditEntry): Promise<AuditEntry>;
  /** The newest entry, or `undefined` for an empty log. */
  head(tenantId: string): Promise<AuditEntry | undefined>;
  /** Entries with `seq >= fromSeq`, ascending. */
  list(tenantId: string, options?: { fromSeq?: number; limit?: number }): Promise<AuditEntry[]>;
}

/** Options for claiming due work. */
export interface ClaimOptions {
  /** The current time, ms since the epoch (from the caller's clock). */
  now: number;
  /** At most this many. */
  limit: number;
  /** Who claims (process id); recorded for diagnosis. */
  owner: string;
  /** How long the claim holds; after that, another claimer may take the work. */
  leaseMs: number;
}

/**
 * Durable timers.
 *
 * - `schedule` upserts by `(tenantId, id)`: scheduling an existing id replaces its kind,
 *   due time and payload, clears any claim and resets attempts.
 * - `claimDue` (system scope) MUST atomically mark and return timers whose `dueAt <= now`
 *   and that are unclaimed or whose claim expired, earliest due first, setting `claimedBy`,
 *   a fresh unique `claimToken`, `claimExpiresAt = now + leaseMs` and `attempts + 1`.
 *   Concurrent claimers — in one process or many — MUST NOT receive the same timer while
 *   its claim holds.
 * - `complete` MUST delete the timer only if `claimToken` still matches (a claimer whose
 *   lease expired and was taken over gets `false`).
 * - `release` MUST put a claimed timer back (matching token) with a new `dueAt` and
 *   `lastError`, for retry with backoff.
 */
export interface TimerRepository {
  schedule(
    timer: Omit<TimerRecord, 'attempts' | 'claimedBy' | 'claimToken' | 'claimExpiresAt' | 'lastError'>,
  ): Promise<TimerRecord>;
  cancel(tenantId: string, id: string): Promise<boolean>;
  get(tenantId: string, id: string): Promise<TimerRecord | undefined>;
  /** System scope. Timers due at or before `dueBefore`, earliest first, claimed or not. */
  scan(options: {
    dueBefore: number;
    limit: number;
    after?: { dueAt: number; tenantId: string; id: string };
  }): Promise<TimerRecord[]>;
  /** System scope. */
  claimDue(options: ClaimOptions): Promise<TimerRecord[]>;
  complete(tenantId: string, id: string, claimToken: string): Promise<boolean>;
  release(tenantId: string, id: string, claimToken: string, retry: { dueAt: number; error?: string }): Promise<boolean>;
}

/** A new outbox entry. */
export type NewOutboxEntry = Pick<OutboxEntry, 'tenantId' | 'id' | 'topic' | 'payload' | 'createdAt'> & {
  key?: string;
  /** @default now */
  availableAt?: number;
};

/**
 * The transactional outbox. Enqueue inside the transaction that makes the change; a
 * relay claims and delivers entries at least once.
 *
 * - `enqueue` with a `key` already used in the tenant MUST return the existing entry and
 *   not add another.
 * - `claim` (system scope) MUST atomically mark `pending` entries with `availableAt <= now`,
 *   and `inflight` ones whose claim expired, as `inflight` for `leaseMs`, oldest first;
 *   concurrent claimers MUST NOT receive the same entry while its claim holds.
 * - `complete` marks it `delivered`, `fail` puts it back to `pending` at `retryAt` or,
 *   with `dead: true`, to `dead`. Both MUST do nothing and return `false` if the claim
 *   token no longer matches.
 */
export interface OutboxRepository {
  enqueue(entry: NewOutboxEntry): Promise<OutboxEntry>;
  get(tenantId: string, id: string): Promise<OutboxEntry | undefined>;
  list(
    tenantId: string,
    filter?: { status?: readonly OutboxEntry['status'][] },
    options?: ListOptions,
  ): Promise<Page<OutboxEntry>>;
  /** System scope. */
  claim(options: ClaimOptions & { topics?: readonly string[] }): Promise<OutboxEntry[]>;
  complete(tenantId: string, id: string, claimToken: string, deliveredAt: string): Promise<boolean>;
  fail(
    tenantId: string,
    id: string,
    claimToken: string,
    failure: { retryAt: number; error: string; dead?: boolean },
  ): Promise<boolean>;
}

/**
 * One storage object of repositories.
 *
 * `transaction(fn)` MUST run `fn` so that every write made through the `tx` storage it is
 * given commits together or not at all (if `fn` throws, nothing it wrote is visible and
 * the error is rethrown). Inside `fn`, callers MUST use `tx`, never the outer storage (an
 * adapter MAY serialise transactions, so using the outer one can deadlock). Calling
 * `tx.transaction` joins the running transaction. A write refused inside the transaction
 * (a conflict the caller catches) MUST change nothing and MUST NOT spoil the transaction:
 * later writes and the commit still work (SQL adapters use a savepoint per call). Once
 * the transaction has ended, every call through `tx` MUST fail with `UnavailableError`.
 */
export interface Storage {
  readonly tenants: TenantRepository;
  readonly contacts: ContactRepository;
  readonly conversations: ConversationRepository;
  readonly messages: MessageRepository;
  readonly tasks: TaskRepository;
  readonly agents: AgentRepository;
  readonly queues: QueueRepository;
  readonly audit: AuditRepository;
  readonly timers: TimerRepository;
  readonly outbox: OutboxRepository;
  transaction<T>(fn: (tx: Storage) => Promise<T>): Promise<T>;
  /** Releases connections and files. Further calls MUST fail with `UnavailableError`. */
  close(): Promise<void>;
}
