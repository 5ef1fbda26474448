import { type Clock, systemClock } from '../../clock/clock.js';
import { NotFoundError } from '../../errors/hotline-error.js';
import type { Agent } from '../../schemas/agent.js';
import type { Contact } from '../../schemas/contact.js';
import type { Conversation } from '../../schemas/conversation.js';
import type { Queue } from '../../schemas/queue.js';
import type { Task } from '../../schemas/task.js';
import type { Tenant } from '../../schemas/tenant.js';
import type {
  AgentRepository,
  AuditRepository,
  ContactRepository,
  ConversationFilter,
  ConversationRepository,
  MessageRepository,
  OutboxRepository,
  QueueRepository,
  Storage,
  TaskFilter,
  TaskRepository,
  TenantRepository,
  TimerRepository,
} from '../ports.js';
import { MemoryContext } from './context.js';
import { MemoryData } from './memory-data.js';
import { paginateById } from './pagination.js';
import type { VersionedTable } from './versioned-table.js';

/** Options for {@link createMemoryStorage}. */
export interface MemoryStorageOptions {
  /** Supplies "now" for outbox entries enqueued without `availableAt`. @default systemClock */
  clock?: Clock;
}

/** Tenants live in a tenant-keyed table under one fixed pseudo-tenant. */
const REGISTRY = '\u0000tenants';

/**
 * The in-memory reference adapter. Everything lives in this process and is gone when it
 * exits; use it for tests, simulations and trying Hotline out. It passes the same
 * conformance suite as the database adapters.
 *
 * @example
 * ```ts
 * import { createMemoryStorage } from '@hotline/core';
 * const storage = createMemoryStorage();
 * ```
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): Storage {
  const data = new MemoryData();
  return bind(data, new MemoryContext(data.gate, false), options.clock ?? systemClock);
}

function bind(data: MemoryData, ctx: MemoryContext, clock: Clock): Storage {
  /**
   * Runs a repository method once the context may enter. Outside transactions with the
   * gate open (the common case) it runs at once: awaiting `enter` would cost two promises
   * and a turn of the microtask queue per call for nothing.
   */
  const run = <T>(fn: () => T): Promise<T> => {
    if (ctx.inTransaction || data.gate.busy || data.gate.closed) return ctx.enter().then(fn);
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error);
    }
  };

  function versioned<T extends { id: string; tenantId: string; version: number }>(table: VersionedTable<T>) {
    return {
      get: (tenantId: string, id: string) => run(() => table.get(tenantId, id)),
      create: (record: T) => run(() => table.create(ctx, record)),
      update: (record: T, expectedVersion: number) => run(() => table.update(ctx, record, expectedVersion)),
    };
  }
  function deletable<T extends { id: string; tenantId: string; version: number }>(table: VersionedTable<T>) {
    return {
      ...versioned(table),
      delete: (tenantId: string, id: string, expectedVersion: number) =>
        run(() => table.delete(ctx, tenantId, id, expectedVersion)),
      list: (tenantId: string, options?: Parameters<typeof paginateById>[1]) =>
        run(() => paginateById(table.values(tenantId), options)),
    };
  }

  const toRegistry = (tenant: Tenant) => ({ ...tenant, tenantId: REGISTRY });
  const fromRegistry = (row: (Tenant & { tenantId: string }) | undefined): Tenant | undefined => {
    if (!row) return undefined;
    const { tenantId: _registry, ...tenant } = row;
    return tenant as Tenant;
  };

  const tenants: TenantRepository = {
    get: (id) => run(() => fromRegistry(data.tenants.get(REGISTRY, id))),
    create: (tenant) => run(() => fromRegistry(data.tenants.create(ctx, toRegistry(tenant))) as Tenant),
    update: (tenant, expectedVersion) =>
      run(() => fromRegistry(data.tenants.update(ctx, toRegistry(tenant), expectedVersion)) as Tenant),
    list: (options) =>
      run(() => {
        const page = paginateById(data.tenants.values(REGISTRY), options);
        return { ...page, items: page.items.map((row) => fromRegistry(row) as Tenant) };
      }),
  };

  const contacts: ContactRepository = {
    ...versioned<Contact>(data.contacts),
    findByIdentity: (tenantId, channel, address) =>
      run(() => {
        const holder = data.identityIndex.holder(tenantId, channel, address);
        return holder === undefined ? undefined : data.contacts.get(tenantId, holder);
      }),
    list: (tenantId, options) => run(() => paginateById(data.contacts.values(tenantId), options)),
  };

  const conversations: ConversationRepository = {
    ...versioned<Conversation>(data.conversations),
    list: (tenantId, filter: ConversationFilter = {}, options) =>
      run(() => {
        const matches = [...data.conversations.values(tenantId)].filter(
          (c) =>
            (!filter.contactIds || filter.contactIds.includes(c.contactId)) &&
            (!filter.status || filter.status.includes(c.status)) &&
            (filter.queueId === undefined || c.queueId === filter.queueId) &&
            (filter.assigneeId === undefined || c.assigneeId === filter.assigneeId),
        );
        return paginateById(matches, options);
      }),
  };

  const messages: MessageRepository = {
    append: (message) =>
      run(() => {
        if (!data.conversations.get(message.tenantId, message.conversationId)) {
          throw new NotFoundError('conversation', message.conversationId);
        }
        return data.messages.append(ctx, message);
      }),
    get: (tenantId, id) => run(() => data.messages.get(tenantId, id)),
    list: (tenantId, conversationId, options) => run(() => data.messages.list(tenantId, conversationId, options)),
    findByProviderMessageId: (tenantId, channel, providerMessageId) =>
      run(() => data.messages.byProvider(tenantId, channel, providerMessageId)),
    lastSeq: (tenantId, conversationId) => run(() => data.messages.lastSeq(tenantId, conversationId)),
    updateStatus: (tenantId, id, status) => run(() => data.messages.updateStatus(ctx, tenantId, id, status)),
  };

  const tasks: TaskRepository = {
    ...versioned<Task>(data.tasks),
    list: (tenantId, filter: TaskFilter = {}, options) =>
      run(() => {
        const matches = [...data.tasks.values(tenantId)].filter(
          (t) =>
            (!filter.status || filter.status.includes(t.status)) &&
            (filter.queueId === undefined || t.queueId === filter.queueId) &&
            (filter.agentId === undefined || t.agentId === filter.agentId) &&
            (filter.conversationId === undefined || t.conversationId === filter.conversationId),
        );
        return paginateById(matches, options);
      }),
  };

  const agents: AgentRepository = deletable<Agent>(data.agents);
  const queues: QueueRepository = deletable<Queue>(data.queues);

  const audit: AuditRepository = {
    append: (entry) => run(() => data.audit.append(ctx, entry)),
    head: (tenantId) => run(() => data.audit.head(tenantId)),
    list: (tenantId, options = {}) => run(() => data.audit.list(tenantId, options.fromSeq, options.limit)),
  };

  const timers: TimerRepository = {
    schedule: (timer) => run(() => data.timers.schedule(ctx, timer)),
    cancel: (tenantId, id) => run(() => data.timers.cancel(ctx, tenantId, id)),
    get: (tenantId, id) => run(() => data.timers.get(tenantId, id)),
    scan: (options) => run(() => data.timers.scan(options.dueBefore, options.limit, options.after)),
    claimDue: (options) => run(() => data.timers.claimDue(ctx, options)),
    complete: (tenantId, id, token) => run(() => data.timers.complete(ctx, tenantId, id, token)),
    release: (tenantId, id, token, retry) => run(() => data.timers.release(ctx, tenantId, id, token, retry)),
  };

  const outbox: OutboxRepository = {
    enqueue: (entry) => run(() => data.outbox.enqueue(ctx, entry, clock.now())),
    get: (tenantId, id) => run(() => data.outbox.get(tenantId, id)),
    list: (tenantId, filter = {}, options) => run(() => data.outbox.list(tenantId, filter.status, options)),
    claim: (options) => run(() => data.outbox.claim(ctx, options)),
    complete: (tenantId, id, token, deliveredAt) =>
      run(() => data.outbox.complete(ctx, tenantId, id, token, deliveredAt)),
    fail: (tenantId, id, token, failure) => run(() => data.outbox.fail(ctx, tenantId, id, token, failure)),
  };

  const storage: Storage = {
    tenants,
    contacts,
    conversations,
    messages,
    tasks,
    agents,
    queues,
    audit,
    timers,
    outbox,
    async transaction(fn) {
      if (ctx.inTransaction) return fn(storage);
      await ctx.enter();
      return data.gate.hold(async () => {
        const txCtx = new MemoryContext(data.gate, true);
        const tx = bind(data, txCtx, clock);
        try {
          return await fn(tx);
        } catch (error) {
          txCtx.rollback();
          throw error;
        } finally {
          txCtx.end();
        }
      });
    },
    async close() {
      data.gate.closed = true;
    },
  };
  return storage;
}
