import type { Storage, VersionedRepository } from '../../storage/ports.js';
import { check, checkEqual, checkRejects } from '../assert.js';
import {
  FIXTURE_TIME,
  fixtureId,
  makeAgent,
  makeContact,
  makeConversation,
  makeQueue,
  makeTask,
  makeTenant,
} from '../fixtures.js';
import { type CaseContext, defineCases } from './case.js';

type AnyRecord = { id: string; tenantId: string; version: number; updatedAt: string };
interface Kind {
  name: string;
  repo: (s: Storage) => VersionedRepository<AnyRecord>;
  make: (tenantId: string) => AnyRecord;
  /** A field to change in an update, and a value for it. */
  change: (record: AnyRecord) => AnyRecord;
}

/** The tenant-scoped versioned repositories, described once so every rule is checked on each. */
export const VERSIONED_KINDS: Kind[] = [
  {
    name: 'contacts',
    repo: (s) => s.contacts as unknown as VersionedRepository<AnyRecord>,
    make: (t) => makeContact(t),
    change: (r) => ({ ...r, name: 'Changed' }),
  },
  {
    name: 'conversations',
    repo: (s) => s.conversations as unknown as VersionedRepository<AnyRecord>,
    make: (t) => makeConversation(t),
    change: (r) => ({ ...r, subject: 'Changed' }),
  },
  {
    name: 'tasks',
    repo: (s) => s.tasks as unknown as VersionedRepository<AnyRecord>,
    make: (t) => makeTask(t),
    change: (r) => ({ ...r, priority: 7 }),
  },
  {
    name: 'agents',
    repo: (s) => s.agents as unknown as VersionedRepository<AnyRecord>,
    make: (t) => makeAgent(t),
    change: (r) => ({ ...r, activity: 'break' }),
  },
  {
    name: 'queues',
    repo: (s) => s.queues as unknown as VersionedRepository<AnyRecord>,
    make: (t) => makeQueue(t),
    change: (r) => ({ ...r, name: 'Changed' }),
  },
];

async function eachKind(_ctx: CaseContext, fn: (kind: Kind) => Promise<void>): Promise<void> {
  for (const kind of VERSIONED_KINDS) {
    try {
      await fn(kind);
    } catch (error) {
      if (error instanceof Error) error.message = `[${kind.name}] ${error.message}`;
      throw error;
    }
  }
}

export const recordCases = defineCases('records', {
  'create then get returns an equal record': (ctx) =>
    eachKind(ctx, async (kind) => {
      const record = kind.make(ctx.tenantId);
      const created = await kind.repo(ctx.storage).create(record);
      checkEqual(created, record, 'create returns what was stored');
      checkEqual(await kind.repo(ctx.storage).get(ctx.tenantId, record.id), record, 'get returns the record');
    }),
  'create refuses a version other than 1 with VALIDATION_FAILED': (ctx) =>
    eachKind(ctx, async (kind) => {
      const record = { ...kind.make(ctx.tenantId), version: 3 };
      await checkRejects(kind.repo(ctx.storage).create(record), 'VALIDATION_FAILED', 'version 3 on create');
      checkEqual(await kind.repo(ctx.storage).get(ctx.tenantId, record.id), undefined, 'nothing stored');
    }),
  'get of an unknown id is undefined': (ctx) =>
    eachKind(ctx, async (kind) => {
      checkEqual(await kind.repo(ctx.storage).get(ctx.tenantId, 'nope_1'), undefined, 'unknown id');
    }),
  'create with a taken id fails with ALREADY_EXISTS and keeps the first': (ctx) =>
    eachKind(ctx, async (kind) => {
      const record = kind.make(ctx.tenantId);
      await kind.repo(ctx.storage).create(record);
      await checkRejects(kind.repo(ctx.storage).create(kind.change(record)), 'ALREADY_EXISTS', 'duplicate create');
      checkEqual(await kind.repo(ctx.storage).get(ctx.tenantId, record.id), record, 'first record kept');
    }),
  'update with the current version stores version + 1': (ctx) =>
    eachKind(ctx, async (kind) => {
      const repo = kind.repo(ctx.storage);
      const record = await repo.create(kind.make(ctx.tenantId));
      const updated = await repo.update(kind.change(record), 1);
      checkEqual(updated.version, 2, 'version after the first update');
      checkEqual(updated, { ...kind.change(record), version: 2 }, 'update returns the stored record');
      checkEqual(await repo.get(ctx.tenantId, record.id), updated, 'get sees the update');
      const again = await repo.update({ ...updated, updatedAt: FIXTURE_TIME }, 2);
      checkEqual(again.version, 3, 'version after the second update');
    }),
  'update with a stale version fails with CONFLICT and changes nothing': (ctx) =>
    eachKind(ctx, async (kind) => {
      const repo = kind.repo(ctx.storage);
      const record = await repo.create(kind.make(ctx.tenantId));
      const v2 = await repo.update(kind.change(record), 1);
      const error = await checkRejects(repo.update(record, 1), 'CONFLICT', 'stale update');
      checkEqual((error as { details?: Record<string, unknown> }).details?.['reason'], 'version', 'details.reason');
      checkEqual(await repo.get(ctx.tenantId, record.id), v2, 'record unchanged by the losing write');
    }),
  'update of an unknown record fails with NOT_FOUND and creates nothing': (ctx) =>
    eachKind(ctx, async (kind) => {
      const repo = kind.repo(ctx.storage);
      const record = kind.make(ctx.tenantId);
      await checkRejects(repo.update(record, 1), 'NOT_FOUND', 'update of a missing record');
      checkEqual(await repo.get(ctx.tenantId, record.id), undefined, 'nothing created');
    }),
  'concurrent updates from one version: exactly one wins': (ctx) =>
    eachKind(ctx, async (kind) => {
      const repo = kind.repo(ctx.storage);
      const record = await repo.create(kind.make(ctx.tenantId));
      const attempts = Array.from({ length: 10 }, () => repo.update(kind.change(record), 1));
      const results = await Promise.allSettled(attempts);
      const won = results.filter((r) => r.status === 'fulfilled');
      checkEqual(won.length, 1, 'one winner among concurrent writers of the same version');
      checkEqual((await repo.get(ctx.tenantId, record.id))?.version, 2, 'one version bump');
    }),
  'stored records are isolated from the caller’s objects': (ctx) =>
    eachKind(ctx, async (kind) => {
      const repo = kind.repo(ctx.storage);
      const record = kind.make(ctx.tenantId);
      const snapshot = structuredClone(record);
      const returned = await repo.create(record);
      (record as Record<string, unknown>)['updatedAt'] = 'mutated-input';
      try {
        (returned as Record<string, unknown>)['updatedAt'] = 'mutated-output';
      } catch {
        // Frozen results are allowed (and encouraged).
      }
      checkEqual(await repo.get(ctx.tenantId, snapshot.id), snapshot, 'stored record unaffected by mutations');
    }),
  'the same id in two tenants is two records': (ctx) =>
    eachKind(ctx, async (kind) => {
      const repo = kind.repo(ctx.storage);
      const mine = kind.make(ctx.tenantId);
      const theirs = { ...kind.change(mine), tenantId: ctx.otherTenantId };
      await repo.create(mine);
      await repo.create(theirs);
      checkEqual(await repo.get(ctx.tenantId, mine.id), mine, 'first tenant’s record');
      checkEqual(await repo.get(ctx.otherTenantId, mine.id), theirs, 'second tenant’s record');
    }),
  'list pages through every record once, in id order': async (ctx) => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const agent = makeAgent(ctx.tenantId, { id: `agt_${String(i).padStart(4, '0')}` });
      ids.push(agent.id);
      await ctx.storage.agents.create(agent);
    }
    await ctx.storage.agents.create(makeAgent(ctx.otherTenantId, { id: 'agt_zzz' }));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await ctx.storage.agents.list(
        ctx.tenantId,
        cursor === undefined ? { limit: 10 } : { limit: 10, cursor },
      );
      check(page.items.length <= 10, 'page size respected');
      seen.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined && pages < 10);
    checkEqual(seen, ids, 'every record once, in id order, none of the other tenant');
    checkEqual(pages, 3, 'three pages of 10, 10, 5');
  },
  'list caps the page size at 1000': async (ctx) => {
    const page = await ctx.storage.queues.list(ctx.tenantId, { limit: 5000 });
    checkEqual(page.items, [], 'empty list with a large limit');
  },
  'delete removes agents and queues with the current version only': async (ctx) => {
    const agent = await ctx.storage.agents.create(makeAgent(ctx.tenantId));
    await checkRejects(ctx.storage.agents.delete(ctx.tenantId, agent.id, 7), 'CONFLICT', 'stale delete');
    check((await ctx.storage.agents.get(ctx.tenantId, agent.id)) !== undefined, 'still there after a stale delete');
    await ctx.storage.agents.delete(ctx.tenantId, agent.id, 1);
    checkEqual(await ctx.storage.agents.get(ctx.tenantId, agent.id), undefined, 'deleted');
    await checkRejects(ctx.storage.agents.delete(ctx.tenantId, agent.id, 1), 'NOT_FOUND', 'second delete');
    const queue = await ctx.storage.queues.create(makeQueue(ctx.tenantId));
    await ctx.storage.queues.delete(ctx.tenantId, queue.id, 1);
    checkEqual(await ctx.storage.queues.get(ctx.tenantId, queue.id), undefined, 'queue deleted');
  },
  'tenants: create, get, update with versions, list': async (ctx) => {
    const tenant = makeTenant({ id: fixtureId('ten') });
    await ctx.storage.tenants.create(tenant);
    checkEqual(await ctx.storage.tenants.get(tenant.id), tenant, 'get tenant');
    await checkRejects(ctx.storage.tenants.create(tenant), 'ALREADY_EXISTS', 'duplicate tenant');
    const updated = await ctx.storage.tenants.update({ ...tenant, name: 'Renamed' }, 1);
    checkEqual(updated.version, 2, 'tenant version');
    await checkRejects(ctx.storage.tenants.update({ ...tenant, name: 'Lost' }, 1), 'CONFLICT', 'stale tenant update');
    const page = await ctx.storage.tenants.list({ limit: 1000 });
    check(
      page.items.some((t) => t.id === tenant.id && t.name === 'Renamed'),
      'tenant listed',
    );
  },
  'conversation list filters by contacts, status, queue and assignee': async (ctx) => {
    const a = await ctx.storage.conversations.create(
      makeConversation(ctx.tenantId, { contactId: 'ctc_a', status: 'queued', queueId: 'q1' }),
    );
    const b = await ctx.storage.conversations.create(
      makeConversation(ctx.tenantId, { contactId: 'ctc_b', status: 'active', queueId: 'q1', assigneeId: 'agt_1' }),
    );
    const c = await ctx.storage.conversations.create(
      makeConversation(ctx.tenantId, { contactId: 'ctc_c', status: 'closed' }),
    );
    await ctx.storage.conversations.create(
      makeConversation(ctx.otherTenantId, { contactId: 'ctc_a', status: 'queued', queueId: 'q1' }),
    );
    const ids = async (filter: Parameters<Storage['conversations']['list']>[1]) =>
      (await ctx.storage.conversations.list(ctx.tenantId, filter)).items.map((x) => x.id).sort();
    checkEqual(await ids({ contactIds: ['ctc_a', 'ctc_c'] }), [a.id, c.id].sort(), 'by contacts');
    checkEqual(await ids({ status: ['queued', 'active'] }), [a.id, b.id].sort(), 'by status');
    checkEqual(await ids({ queueId: 'q1' }), [a.id, b.id].sort(), 'by queue');
    checkEqual(await ids({ assigneeId: 'agt_1' }), [b.id], 'by assignee');
    checkEqual(await ids({ queueId: 'q1', status: ['active'] }), [b.id], 'filters combine');
  },
  'task list filters by status, queue, agent and conversation': async (ctx) => {
    const a = await ctx.storage.tasks.create(
      makeTask(ctx.tenantId, { status: 'pending', queueId: 'q1', conversationId: 'cnv_1' }),
    );
    const b = await ctx.storage.tasks.create(
      makeTask(ctx.tenantId, { status: 'assigned', queueId: 'q1', agentId: 'agt_1' }),
    );
    await ctx.storage.tasks.create(makeTask(ctx.otherTenantId, { status: 'pending', queueId: 'q1' }));
    const ids = async (filter: Parameters<Storage['tasks']['list']>[1]) =>
      (await ctx.storage.tasks.list(ctx.tenantId, filter)).items.map((x) => x.id).sort();
    checkEqual(await ids({ status: ['pending'] }), [a.id], 'by status');
    checkEqual(await ids({ queueId: 'q1' }), [a.id, b.id].sort(), 'by queue');
    checkEqual(await ids({ agentId: 'agt_1' }), [b.id], 'by agent');
    checkEqual(await ids({ conversationId: 'cnv_1' }), [a.id], 'by conversation');
  },
});
