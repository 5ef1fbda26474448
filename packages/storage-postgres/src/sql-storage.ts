import {
  type Agent,
  type Clock,
  type Conversation,
  type ConversationFilter,
  type ListOptions,
  type Queue,
  type Storage,
  systemClock,
  type Task,
  type TaskFilter,
} from '@hotline/core';
import type { SqlDriver } from './driver/sql-driver.js';
import { AppendBatcher } from './repos/append-batcher.js';
import { auditRepository } from './repos/audit.js';
import { contactRepository } from './repos/contacts.js';
import { messageRepository } from './repos/messages.js';
import { outboxRepository } from './repos/outbox.js';
import { tenantRepository } from './repos/tenants.js';
import { timerRepository } from './repos/timers.js';
import { VersionedTable } from './repos/versioned.js';
import { poolRunner, type Runner, transactionRunner } from './runner.js';

const conversations = new VersionedTable<Conversation>('conversation', 'hl_conversations');
const tasks = new VersionedTable<Task>('task', 'hl_tasks');
const agents = new VersionedTable<Agent>('agent', 'hl_agents');
const queues = new VersionedTable<Queue>('queue', 'hl_queues');

/** Options of {@link createSqlStorage}. */
export interface SqlStorageOptions {
  /** Supplies "now" for outbox entries enqueued without `availableAt`. @default systemClock */
  clock?: Clock;
  /** Group concurrent appends into shared commits. @default true */
  groupCommit?: boolean;
}

/** Storage on a driver whose schema is migrated. `close()` also closes the driver. */
export function createSqlStorage(driver: SqlDriver, options: SqlStorageOptions = {}): Storage {
  const clock = options.clock ?? systemClock;
  const state = { closed: false };
  const pool = poolRunner(driver, state);
  const batcher =
    options.groupCommit === false
      ? undefined
      : new AppendBatcher(
          async (fn) => {
            pool.check();
            await fn({ query: driver.query });
          },
          // One embedded connection: more batches in flight would only queue behind it.
          driver.kind === 'pglite' ? 1 : undefined,
        );
  const storage = bind(pool, batcher, clock);
  return {
    ...storage,
    async transaction(fn) {
      pool.check();
      return driver.transaction(async (q) => {
        const txState = {
          ended: false,
          get closed() {
            return state.closed;
          },
        };
        const tx = bind(transactionRunner(q, txState), undefined, clock);
        const txStorage: Storage = {
          ...tx,
          transaction: (inner) => inner(txStorage),
          close: async () => {},
        };
        try {
          return await fn(txStorage);
        } finally {
          txState.ended = true;
        }
      });
    },
    async close() {
      if (state.closed) return;
      await batcher?.idle();
      state.closed = true;
      await driver.close();
    },
  };
}

type BoundRepositories = Omit<Storage, 'transaction' | 'close'>;

function bind(run: Runner, batcher: AppendBatcher | undefined, clock: Clock): BoundRepositories {
  return {
    tenants: tenantRepository(run),
    contacts: contactRepository(run),
    conversations: {
      get: (tenantId, id) => conversations.get(run, tenantId, id),
      create: (record) => conversations.create(run, record),
      update: (record, expected) => conversations.update(run, record, expected),
      list: (tenantId, filter: ConversationFilter = {}, options?: ListOptions) => {
        const clauses: string[] = [];
        const params: unknown[] = [];
        const add = (sql: string, value: unknown) => {
          params.push(value);
          clauses.push(sql.replace('?', `$${params.length + 3}`));
        };
        if (filter.contactIds) add('AND contact_id = ANY(?)', [...filter.contactIds]);
        if (filter.status) add('AND status = ANY(?)', [...filter.status]);
        if (filter.queueId !== undefined) add('AND queue_id = ?', filter.queueId);
        if (filter.assigneeId !== undefined) add('AND assignee_id = ?', filter.assigneeId);
        return conversations.list(run, tenantId, options, clauses.join(' '), params);
      },
    },
    messages: messageRepository(run, batcher),
    tasks: {
      get: (tenantId, id) => tasks.get(run, tenantId, id),
      create: (record) => tasks.create(run, record),
      update: (record, expected) => tasks.update(run, record, expected),
      list: (tenantId, filter: TaskFilter = {}, options?: ListOptions) => {
        const clauses: string[] = [];
        const params: unknown[] = [];
        const add = (sql: string, value: unknown) => {
          params.push(value);
          clauses.push(sql.replace('?', `$${params.length + 3}`));
        };
        if (filter.status) add('AND status = ANY(?)', [...filter.status]);
        if (filter.queueId !== undefined) add('AND queue_id = ?', filter.queueId);
        if (filter.agentId !== undefined) add('AND agent_id = ?', filter.agentId);
        if (filter.conversationId !== undefined) add('AND conversation_id = ?', filter.conversationId);
        return tasks.list(run, tenantId, options, clauses.join(' '), params);
      },
    },
    agents: {
      get: (tenantId, id) => agents.get(run, tenantId, id),
      create: (record) => agents.create(run, record),
      update: (record, expected) => agents.update(run, record, expected),
      delete: (tenantId, id, expected) => agents.delete(run, tenantId, id, expected),
      list: (tenantId, options) => agents.list(run, tenantId, options),
    },
    queues: {
      get: (tenantId, id) => queues.get(run, tenantId, id),
      create: (record) => queues.create(run, record),
      update: (record, expected) => queues.update(run, record, expected),
      delete: (tenantId, id, expected) => queues.delete(run, tenantId, id, expected),
      list: (tenantId, options) => queues.list(run, tenantId, options),
    },
    audit: auditRepository(run),
    timers: timerRepository(run),
    outbox: outboxRepository(run, () => clock.now()),
  };
}
