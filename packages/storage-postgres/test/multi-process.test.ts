/**
 * Several OS processes on one PostgreSQL database (server only: PGlite is one process). Children are real
 * `node` processes running test/fixtures/appender.ts and test/fixtures/claimer.ts, each with its own pool.
 */
import type { Message, OutboxEntry, TimerRecord } from '@hotline/core';
import { makeConversation } from '@hotline/core/testing';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createPostgresStorage, type SqlBackedStorage } from '../src/index.js';
import { type Child, expectSuccess, killAllChildren, spawnFixture, startTogether } from './fixtures/children.js';
import { acksOf, expectAcksStored, expectGapFree } from './fixtures/messages.js';
import { describeWithPostgres, sharedPostgresUrl } from './pg-available.js';
import { dropSchema, freshSchemaName } from './schema.js';

const TENANT = 'ten_multi';

describeWithPostgres('several OS processes on one PostgreSQL database', () => {
  let url: string;
  let schema: string;
  let storage: SqlBackedStorage;

  beforeEach(async () => {
    url = sharedPostgresUrl();
    schema = freshSchemaName();
    storage = await createPostgresStorage({ connectionString: url, schema, maxConnections: 4 });
  });

  afterEach(async () => {
    await killAllChildren();
    await storage?.close();
    await dropSchema(url, schema);
  });

  it('appends from 3 processes (16 in flight each) number every conversation 1..n, each key once', async () => {
    const WRITERS = 3;
    const PER_WRITER = 300;
    const SHARED_EVERY = 5;
    const conversations = [makeConversation(TENANT), makeConversation(TENANT)];
    for (const conversation of conversations) await storage.conversations.create(conversation);
    const ids = conversations.map((c) => c.id).join(',');

    const writers = Array.from({ length: WRITERS }, (_, w) =>
      spawnFixture(
        'appender.ts',
        [url, schema, TENANT, ids, String(PER_WRITER), `w${w}`, '--concurrency=16', `--shared-every=${SHARED_EVERY}`],
        `appender w${w}`,
      ),
    );
    await startTogether(writers);
    await Promise.all(writers.map((writer) => expectSuccess(writer)));

    const acks = writers.flatMap((writer) => acksOf(writer.lines));
    // Every append of every writer was acknowledged (the children exited normally).
    for (const writer of writers) {
      expect(new Set(acksOf(writer.lines).map((a) => a.i)).size, writer.name).toBe(PER_WRITER);
    }

    const stored: Message[] = [];
    for (const conversation of conversations) {
      const messages = await expectGapFree(storage, TENANT, conversation.id);
      expect(messages.every((m) => m.conversationId === conversation.id)).toBe(true);
      stored.push(...messages);
    }
    expectAcksStored(acks, stored);
    // The processes really wrote at the same time: in seq order, the writer changes often.
    const writerOrder = stored.map((m) => m.id.split('_')[1]);
    const switches = writerOrder.filter((w, k) => k > 0 && w !== writerOrder[k - 1]).length;
    expect(switches).toBeGreaterThan(20);

    // Writer-unique keys: all created. Shared keys: one message, every writer was answered with it, one `created`.
    const sharedKeys = PER_WRITER / SHARED_EVERY;
    const uniquePerWriter = PER_WRITER - sharedKeys;
    expect(stored.length).toBe(WRITERS * uniquePerWriter + sharedKeys);
    expect(new Set(stored.map((m) => m.id)).size).toBe(stored.length);
    expect(acks.filter((a) => !a.cm.startsWith('shared_')).every((a) => a.created)).toBe(true);
    const byKey = new Map<string, typeof acks>();
    for (const ack of acks.filter((a) => a.cm.startsWith('shared_'))) {
      byKey.set(ack.cm, [...(byKey.get(ack.cm) ?? []), ack]);
    }
    expect(byKey.size).toBe(sharedKeys);
    for (const [key, group] of byKey) {
      expect(group.length, key).toBe(WRITERS);
      expect(group.filter((a) => a.created).length, key).toBe(1);
      expect(new Set(group.map((a) => `${a.id}@${a.seq}`)).size, key).toBe(1);
      expect(stored.filter((m) => m.clientMessageId === key).length, key).toBe(1);
    }
    // Every stored message was acknowledged to someone: nothing appeared that no writer was told about.
    const ackedIds = new Set(acks.map((a) => a.id));
    expect(stored.filter((m) => !ackedIds.has(m.id)).map((m) => m.id)).toEqual([]);
  });

  it('500 timers and 500 outbox entries claimed by 3 processes (4 loops each): each exactly once', async () => {
    const N = 500;
    const now = Date.now();
    const tenants = ['ten_a', 'ten_b'];
    for (let k = 0; k < N; k++) {
      const tenantId = tenants[k % 2] as string;
      await storage.timers.schedule({
        tenantId,
        id: `tmr_${k}`,
        kind: 'test.fire',
        dueAt: now - 60_000 + k,
        payload: {},
      });
      await storage.outbox.enqueue({
        tenantId,
        id: `obx_${k}`,
        topic: 'webhook',
        payload: { k },
        createdAt: new Date(now).toISOString(),
        availableAt: now - 60_000 + k,
      });
    }

    const claimers = Array.from({ length: 3 }, (_, n) =>
      spawnFixture(
        'claimer.ts',
        [url, schema, `claimer-${n}`, '--batch=5', '--lease-ms=60000', '--loops=4'],
        `claimer ${n}`,
      ),
    );
    await startTogether(claimers);
    await Promise.all(claimers.map((claimer) => expectSuccess(claimer)));

    const claims = claimers.flatMap((claimer) => claimer.lines.filter((line) => line['kind'] !== undefined));
    for (const kind of ['timer', 'outbox']) {
      const ofKind = claims.filter((line) => line['kind'] === kind);
      const keys = ofKind.map((line) => `${line['tenantId']}/${line['id']}`);
      const duplicates = keys.filter((key, index) => keys.indexOf(key) !== index);
      expect(duplicates, `${kind}s claimed twice`).toEqual([]);
      expect(keys.length, kind).toBe(N);
      const prefix = kind === 'timer' ? 'tmr' : 'obx';
      expect(new Set(keys)).toEqual(new Set(Array.from({ length: N }, (_, k) => `${tenants[k % 2]}/${prefix}_${k}`)));
      expect(ofKind.every((line) => line['attempts'] === 1 && line['completed'] === true)).toBe(true);
    }
    // The work was shared: every process claimed some (they started together, in batches of 5).
    for (const claimer of claimers) {
      expect(claimer.lines.filter((line) => line['kind'] !== undefined).length, claimer.name).toBeGreaterThan(0);
    }
    expect(await storage.timers.scan({ dueBefore: now + 60_000, limit: 1000 })).toEqual([]);
    for (const tenantId of tenants) {
      const page = await storage.outbox.list(tenantId, { status: ['pending', 'inflight', 'dead'] });
      expect(page.items).toEqual([]);
      const delivered = await storage.outbox.list(tenantId, { status: ['delivered'] }, { limit: 1000 });
      expect(delivered.items.length).toBe(N / 2);
    }
  });

  it('work claimed by a process that was SIGKILLed is claimed again after its lease, with attempts 2', async () => {
    const N = 30;
    const HELD = 10;
    const LEASE_MS = 2_000;
    const now = Date.now();
    for (let k = 0; k < N; k++) {
      await storage.timers.schedule({
        tenantId: TENANT,
        id: `tmr_${k}`,
        kind: 'test.fire',
        dueAt: now - N + k,
        payload: {},
      });
      await storage.outbox.enqueue({
        tenantId: TENANT,
        id: `obx_${k}`,
        topic: 'webhook',
        payload: { k },
        createdAt: new Date(now).toISOString(),
        availableAt: now - N + k,
      });
    }

    const crashing: Child = spawnFixture(
      'claimer.ts',
      [url, schema, 'doomed', `--batch=${HELD}`, `--lease-ms=${LEASE_MS}`, '--hold', '--no-wait'],
      'doomed claimer',
    );
    await crashing.waitFor((line) => line['held'] === true);
    await crashing.kill();
    const held = crashing.lines.filter((line) => line['kind'] !== undefined);
    const heldTimers = held.filter((line) => line['kind'] === 'timer');
    const heldEntries = held.filter((line) => line['kind'] === 'outbox');
    // Earliest due first: the crashed claimer took the first HELD of each.
    expect(heldTimers.map((line) => line['id'])).toEqual(Array.from({ length: HELD }, (_, k) => `tmr_${k}`));
    expect(heldEntries.map((line) => line['id'])).toEqual(Array.from({ length: HELD }, (_, k) => `obx_${k}`));
    const expiresAt = Math.max(...held.map((line) => Number(line['claimExpiresAt'])));

    // While the dead process's lease holds, its work is not handed out; the rest is. (Claims take the caller's
    // "now": asking at the last instant of the lease keeps this check independent of how slow the machine is.)
    const survivor = { owner: 'survivor', leaseMs: 60_000 };
    const early = await claimAll(storage, Math.min(Date.now(), expiresAt - 1), survivor);
    expect(early.timers.map((t) => t.id).sort()).toEqual(idRange('tmr', HELD, N));
    expect(early.entries.map((e) => e.id).sort()).toEqual(idRange('obx', HELD, N));
    for (const timer of early.timers) {
      expect(timer.attempts).toBe(1);
      expect(await storage.timers.complete(TENANT, timer.id, timer.claimToken ?? '')).toBe(true);
    }
    for (const entry of early.entries) {
      expect(await storage.outbox.complete(TENANT, entry.id, entry.claimToken ?? '', new Date().toISOString())).toBe(
        true,
      );
    }

    // After the lease: exactly the crashed claimer's items come back, on their second attempt.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now() + 50)));
    const late = await claimAll(storage, Date.now(), survivor);
    expect(late.timers.map((t) => t.id).sort()).toEqual(idRange('tmr', 0, HELD));
    expect(late.entries.map((e) => e.id).sort()).toEqual(idRange('obx', 0, HELD));
    expect(late.timers.every((t) => t.attempts === 2 && t.claimedBy === 'survivor')).toBe(true);
    expect(late.entries.every((e) => e.attempts === 2 && e.claimedBy === 'survivor')).toBe(true);

    // The dead claimer's tokens are void; the new ones complete.
    for (const line of heldTimers) {
      expect(await storage.timers.complete(TENANT, String(line['id']), String(line['token']))).toBe(false);
    }
    for (const line of heldEntries) {
      expect(
        await storage.outbox.complete(TENANT, String(line['id']), String(line['token']), new Date().toISOString()),
      ).toBe(false);
    }
    for (const timer of late.timers) {
      expect(await storage.timers.complete(TENANT, timer.id, timer.claimToken ?? '')).toBe(true);
    }
    for (const entry of late.entries) {
      expect(await storage.outbox.complete(TENANT, entry.id, entry.claimToken ?? '', new Date().toISOString())).toBe(
        true,
      );
    }
    expect(await storage.timers.scan({ dueBefore: Date.now() + 60_000, limit: 100 })).toEqual([]);
    const delivered = await storage.outbox.list(TENANT, { status: ['delivered'] });
    expect(delivered.items.length).toBe(N);
    expect(
      delivered.items
        .filter((e) => e.attempts === 2)
        .map((e) => e.id)
        .sort(),
    ).toEqual(idRange('obx', 0, HELD));
  });
});

/** Claims everything claimable at `now`, timers and outbox entries. */
async function claimAll(
  storage: SqlBackedStorage,
  now: number,
  options: { owner: string; leaseMs: number },
): Promise<{ timers: TimerRecord[]; entries: OutboxEntry[] }> {
  const timers = await storage.timers.claimDue({ now, limit: 1000, ...options });
  const entries = await storage.outbox.claim({ now, limit: 1000, ...options });
  return { timers, entries };
}

/** `prefix_from` … `prefix_(to-1)`, sorted as strings. */
function idRange(prefix: string, from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, k) => `${prefix}_${from + k}`).sort();
}
