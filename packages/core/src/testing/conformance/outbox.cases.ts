import type { NewOutboxEntry } from '../../storage/ports.js';
import { check, checkEqual } from '../assert.js';
import { FIXTURE_TIME } from '../fixtures.js';
import { defineCases } from './case.js';

const T0 = Date.UTC(2026, 0, 5, 9);
const entry = (tenantId: string, id: string, extra: Partial<NewOutboxEntry> = {}): NewOutboxEntry => ({
  tenantId,
  id,
  topic: 'webhook',
  payload: { id },
  createdAt: FIXTURE_TIME,
  availableAt: T0,
  ...extra,
});
const claim = (now: number, extra: { topics?: string[]; limit?: number; owner?: string } = {}) => ({
  now,
  limit: extra.limit ?? 10,
  owner: extra.owner ?? 'relay',
  leaseMs: 1000,
  ...(extra.topics ? { topics: extra.topics } : {}),
});

export const outboxCases = defineCases('outbox', {
  'enqueue stores a pending entry': async (ctx) => {
    const stored = await ctx.storage.outbox.enqueue(entry(ctx.tenantId, 'obx_1'));
    checkEqual(
      stored,
      {
        tenantId: ctx.tenantId,
        id: 'obx_1',
        topic: 'webhook',
        payload: { id: 'obx_1' },
        status: 'pending',
        attempts: 0,
        availableAt: T0,
        createdAt: FIXTURE_TIME,
      },
      'pending entry',
    );
    checkEqual(await ctx.storage.outbox.get(ctx.tenantId, 'obx_1'), stored, 'get');
  },
  'enqueue with a used key returns the first entry': async (ctx) => {
    const first = await ctx.storage.outbox.enqueue(entry(ctx.tenantId, 'obx_1', { key: 'order-1:shipped' }));
    const again = await ctx.storage.outbox.enqueue(entry(ctx.tenantId, 'obx_2', { key: 'order-1:shipped' }));
    checkEqual(again, first, 'first entry returned');
    checkEqual(await ctx.storage.outbox.get(ctx.tenantId, 'obx_2'), undefined, 'no second entry');
    const other = await ctx.storage.outbox.enqueue(entry(ctx.otherTenantId, 'obx_3', { key: 'order-1:shipped' }));
    checkEqual(other.id, 'obx_3', 'keys are per tenant');
  },
  'claim hands out available entries oldest first, once while leased': async (ctx) => {
    await ctx.storage.outbox.enqueue(entry(ctx.tenantId, 'obx_b', { availableAt: T0 + 1 }));
    await ctx.storage.outbox.enqueue(entry(ctx.tenantId, 'obx_a', { availableAt: T0 }));
    await ctx.storage.outbox.enqueue(entry(ctx.tenantId, 'obx_later', { availableAt: T0 + 5000 }));
    const claimed = await ctx.storage.outbox.claim(claim(T0 + 1));
    checkEqual(
      claimed.map((e) => [e.id, e.status, e.attempts]),
      [
        ['obx_a', 'inflight', 1],
        ['obx_b', 'inflight', 1],
      ],
      'claimed',
    );
    checkEqual(await ctx.storage.outbox.claim(claim(T0 + 1)), [], 'not again while leased');
    const retaken = await ctx.storage.outbox.claim(claim(T0 + 1001, { owner: 'relay-2' }));
    checkEqual(
      retaken.map((e) => [e.id, e.attempts]),
      [
        ['obx_a', 2],
        ['obx_b', 2],
      ],
      'expired leases handed out again',
    );
  },
  'complete and fail need the current claim token': async (ctx) => {
    await ctx.storage.outbox.enqueue(entry(ctx.tenantId, 'obx_1'));
    await ctx.storage.outbox.enqueue(entry(ctx.tenantId, 'obx_2'));
    await ctx.storage.outbox.enqueue(entry(ctx.tenantId, 'obx_3'));
    const [one, two, three] = await ctx.storage.outbox.claim(claim(T0));
    check(one && two && three, 'three claimed');
    checkEqual(await ctx.storage.outbox.complete(ctx.tenantId, one.id, 'wrong', FIXTURE_TIME), false, 'wrong token');
    checkEqual(
      await ctx.storage.outbox.complete(ctx.tenantId, one.id, one.claimToken ?? '', FIXTURE_TIME),
      true,
      'completed',
    );
    checkEqual((await ctx.storage.outbox.get(ctx.tenantId, one.id))?.status, 'delivered', 'delivered');
    checkEqual(
      await ctx.storage.outbox.complete(ctx.tenantId, one.id, one.claimToken ?? '', FIXTURE_TIME),
      false,
      'only once',
    );
    checkEqual(
      await ctx.storage.outbox.fail(ctx.tenantId, two.id, two.claimToken ?? '', { retryAt: T0 + 60, error: '500' }),
      true,
      'failed',
    );
    const retry = await ctx.storage.outbox.get(ctx.tenantId, two.id);
    checkEqual(
      [retry?.status, retry?.availableAt, retry?.lastError],
      ['pending', T0 + 60, '500'],
      'back to pending at retryAt',
    );
    await ctx.storage.outbox.fail(ctx.tenantId, three.id, three.claimToken ?? '', {
      retryAt: T0,
      error: 'gone',
      dead: true,
    });
    checkEqual((await ctx.storage.outbox.get(ctx.tenantId, three.id))?.status, 'dead', 'dead letter');
    checkEqual((await ctx.storage.outbox.claim(claim(T0 + 59))).length, 0, 'nothing before retryAt, dead never');
    checkEqual(
      (await ctx.storage.outbox.claim(claim(T0 + 60))).map((e) => e.id),
      [two.id],
      'retried entry',
    );
  },
  'claim can filter by topic': async (ctx) => {
    await ctx.storage.outbox.enqueue(entry(ctx.tenantId, 'obx_1', { topic: 'webhook' }));
    await ctx.storage.outbox.enqueue(entry(ctx.tenantId, 'obx_2', { topic: 'email.send' }));
    checkEqual(
      (await ctx.storage.outbox.claim(claim(T0, { topics: ['email.send'] }))).map((e) => e.id),
      ['obx_2'],
      'only email',
    );
    checkEqual(
      (await ctx.storage.outbox.claim(claim(T0))).map((e) => e.id),
      ['obx_1'],
      'the webhook is still there',
    );
  },
  'concurrent claimers never receive the same entry': async (ctx) => {
    const n = ctx.concurrency;
    for (let i = 0; i < n; i++)
      await ctx.storage.outbox.enqueue(entry(ctx.tenantId, `obx_${String(i).padStart(5, '0')}`));
    const batches = await Promise.all(
      Array.from({ length: 8 }, (_, w) =>
        ctx.storage.outbox.claim(claim(T0, { limit: Math.ceil(n / 4), owner: `w${w}` })),
      ),
    );
    const ids = batches.flat().map((e) => e.id);
    checkEqual([ids.length, new Set(ids).size], [n, n], 'each entry claimed exactly once');
  },
  'list filters by status': async (ctx) => {
    await ctx.storage.outbox.enqueue(entry(ctx.tenantId, 'obx_1'));
    await ctx.storage.outbox.enqueue(entry(ctx.tenantId, 'obx_2'));
    const [claimed] = await ctx.storage.outbox.claim(claim(T0, { limit: 1 }));
    await ctx.storage.outbox.complete(ctx.tenantId, claimed?.id ?? '', claimed?.claimToken ?? '', FIXTURE_TIME);
    checkEqual(
      (await ctx.storage.outbox.list(ctx.tenantId, { status: ['pending'] })).items.map((e) => e.id),
      ['obx_2'],
      'pending',
    );
    checkEqual(
      (await ctx.storage.outbox.list(ctx.tenantId, { status: ['delivered'] })).items.map((e) => e.id),
      ['obx_1'],
      'delivered',
    );
    checkEqual((await ctx.storage.outbox.list(ctx.tenantId)).items.length, 2, 'all');
  },
});
