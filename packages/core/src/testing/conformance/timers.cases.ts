import type { Storage } from '../../storage/ports.js';
import { check, checkEqual } from '../assert.js';
import { defineCases } from './case.js';

const T0 = Date.UTC(2026, 0, 5, 9);

function schedule(storage: Storage, tenantId: string, id: string, dueAt: number, kind = 'test.fire') {
  return storage.timers.schedule({ tenantId, id, kind, dueAt, payload: { id } });
}

export const timerCases = defineCases('timers', {
  'schedule stores a timer; schedule again replaces it': async (ctx) => {
    const first = await schedule(ctx.storage, ctx.tenantId, 'tmr_1', T0);
    checkEqual(
      first,
      { tenantId: ctx.tenantId, id: 'tmr_1', kind: 'test.fire', dueAt: T0, payload: { id: 'tmr_1' }, attempts: 0 },
      'stored',
    );
    await ctx.storage.timers.schedule({
      tenantId: ctx.tenantId,
      id: 'tmr_1',
      kind: 'test.other',
      dueAt: T0 + 5,
      payload: {},
    });
    const got = await ctx.storage.timers.get(ctx.tenantId, 'tmr_1');
    checkEqual([got?.kind, got?.dueAt], ['test.other', T0 + 5], 'replaced');
  },
  'cancel removes a timer and says whether it existed': async (ctx) => {
    await schedule(ctx.storage, ctx.tenantId, 'tmr_1', T0);
    checkEqual(await ctx.storage.timers.cancel(ctx.tenantId, 'tmr_1'), true, 'canceled');
    checkEqual(await ctx.storage.timers.cancel(ctx.tenantId, 'tmr_1'), false, 'already gone');
    checkEqual(
      await ctx.storage.timers.claimDue({ now: T0 + 1000, limit: 10, owner: 'a', leaseMs: 1000 }),
      [],
      'never fires',
    );
  },
  'claimDue returns only due timers, earliest first, and marks them': async (ctx) => {
    await schedule(ctx.storage, ctx.tenantId, 'late', T0 + 100);
    await schedule(ctx.storage, ctx.tenantId, 'early', T0 - 100);
    await schedule(ctx.storage, ctx.tenantId, 'now', T0);
    const claimed = await ctx.storage.timers.claimDue({ now: T0, limit: 10, owner: 'worker-a', leaseMs: 1000 });
    checkEqual(
      claimed.map((t) => t.id),
      ['early', 'now'],
      'due ones, earliest first',
    );
    for (const timer of claimed) {
      checkEqual([timer.claimedBy, timer.claimExpiresAt, timer.attempts], ['worker-a', T0 + 1000, 1], 'claim marks');
      check(typeof timer.claimToken === 'string' && timer.claimToken.length > 0, 'claim token');
    }
    checkEqual(
      await ctx.storage.timers.claimDue({ now: T0, limit: 10, owner: 'worker-b', leaseMs: 1000 }),
      [],
      'held claims are not handed out again',
    );
  },
  'claimDue respects the limit': async (ctx) => {
    for (let i = 0; i < 5; i++) await schedule(ctx.storage, ctx.tenantId, `t${i}`, T0 + i);
    checkEqual(
      (await ctx.storage.timers.claimDue({ now: T0 + 10, limit: 3, owner: 'a', leaseMs: 100 })).map((t) => t.id),
      ['t0', 't1', 't2'],
      'first three',
    );
    checkEqual(
      (await ctx.storage.timers.claimDue({ now: T0 + 10, limit: 3, owner: 'a', leaseMs: 100 })).map((t) => t.id),
      ['t3', 't4'],
      'the rest',
    );
  },
  'an expired claim is handed out again (a crashed claimer’s work is not lost)': async (ctx) => {
    await schedule(ctx.storage, ctx.tenantId, 'tmr_1', T0);
    const [first] = await ctx.storage.timers.claimDue({ now: T0, limit: 1, owner: 'crashed', leaseMs: 1000 });
    checkEqual(
      await ctx.storage.timers.claimDue({ now: T0 + 999, limit: 1, owner: 'b', leaseMs: 1000 }),
      [],
      'still leased',
    );
    const [second] = await ctx.storage.timers.claimDue({ now: T0 + 1000, limit: 1, owner: 'b', leaseMs: 1000 });
    checkEqual([second?.id, second?.claimedBy, second?.attempts], ['tmr_1', 'b', 2], 're-claimed by b');
    check(first?.claimToken !== second?.claimToken, 'a new claim token');
    checkEqual(
      await ctx.storage.timers.complete(ctx.tenantId, 'tmr_1', first?.claimToken ?? ''),
      false,
      'the old claimer cannot complete',
    );
    checkEqual(
      await ctx.storage.timers.complete(ctx.tenantId, 'tmr_1', second?.claimToken ?? ''),
      true,
      'the new one can',
    );
    checkEqual(await ctx.storage.timers.get(ctx.tenantId, 'tmr_1'), undefined, 'completed timers are gone');
  },
  'release puts a timer back with a new due time and the error': async (ctx) => {
    await schedule(ctx.storage, ctx.tenantId, 'tmr_1', T0);
    const [claimed] = await ctx.storage.timers.claimDue({ now: T0, limit: 1, owner: 'a', leaseMs: 1000 });
    checkEqual(
      await ctx.storage.timers.release(ctx.tenantId, 'tmr_1', 'wrong-token', { dueAt: T0 + 50 }),
      false,
      'wrong token',
    );
    checkEqual(
      await ctx.storage.timers.release(ctx.tenantId, 'tmr_1', claimed?.claimToken ?? '', {
        dueAt: T0 + 50,
        error: 'boom',
      }),
      true,
      'released',
    );
    const back = await ctx.storage.timers.get(ctx.tenantId, 'tmr_1');
    checkEqual(
      [back?.dueAt, back?.lastError, back?.attempts, back?.claimToken],
      [T0 + 50, 'boom', 1, undefined],
      'back in line',
    );
    checkEqual(
      await ctx.storage.timers.claimDue({ now: T0 + 49, limit: 1, owner: 'a', leaseMs: 10 }),
      [],
      'not before the retry time',
    );
    checkEqual(
      (await ctx.storage.timers.claimDue({ now: T0 + 50, limit: 1, owner: 'a', leaseMs: 10 }))[0]?.attempts,
      2,
      'retried',
    );
  },
  'rescheduling a claimed timer clears the claim': async (ctx) => {
    await schedule(ctx.storage, ctx.tenantId, 'tmr_1', T0);
    const [claimed] = await ctx.storage.timers.claimDue({ now: T0, limit: 1, owner: 'a', leaseMs: 1000 });
    await schedule(ctx.storage, ctx.tenantId, 'tmr_1', T0 + 10);
    checkEqual(
      await ctx.storage.timers.complete(ctx.tenantId, 'tmr_1', claimed?.claimToken ?? ''),
      false,
      'old claim void',
    );
    checkEqual(
      (await ctx.storage.timers.claimDue({ now: T0 + 10, limit: 1, owner: 'b', leaseMs: 1000 }))[0]?.attempts,
      1,
      'fresh timer',
    );
  },
  'concurrent claimers never receive the same timer': async (ctx) => {
    const n = ctx.concurrency;
    for (let i = 0; i < n; i++) await schedule(ctx.storage, ctx.tenantId, `t${String(i).padStart(5, '0')}`, T0);
    const batches = await Promise.all(
      Array.from({ length: 8 }, (_, w) =>
        ctx.storage.timers.claimDue({ now: T0, limit: Math.ceil(n / 4), owner: `w${w}`, leaseMs: 60_000 }),
      ),
    );
    const ids = batches.flat().map((t) => t.id);
    checkEqual(ids.length, n, 'every due timer claimed');
    checkEqual(new Set(ids).size, n, 'no timer claimed twice');
  },
  'scan lists timers due before a time, in order, with paging': async (ctx) => {
    await schedule(ctx.storage, ctx.tenantId, 'b', T0 + 2);
    await schedule(ctx.storage, ctx.tenantId, 'a', T0 + 1);
    await schedule(ctx.storage, ctx.otherTenantId, 'c', T0 + 3);
    await schedule(ctx.storage, ctx.tenantId, 'z', T0 + 100);
    const first = await ctx.storage.timers.scan({ dueBefore: T0 + 50, limit: 2 });
    checkEqual(
      first.map((t) => t.id),
      ['a', 'b'],
      'first page',
    );
    const last = first[first.length - 1];
    const rest = await ctx.storage.timers.scan({
      dueBefore: T0 + 50,
      limit: 2,
      ...(last ? { after: { dueAt: last.dueAt, tenantId: last.tenantId, id: last.id } } : {}),
    });
    checkEqual(
      rest.map((t) => t.id),
      ['c'],
      'second page (system scope: every tenant)',
    );
  },
});
