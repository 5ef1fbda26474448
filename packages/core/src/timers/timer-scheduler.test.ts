import { describe, expect, it } from 'vitest';
import type { Clock, TimerHandle } from '../clock/clock.js';
import { SimulatedClock, settle } from '../clock/simulated-clock.js';
import { isHotlineError } from '../errors/hotline-error.js';
import type { TimerRecord } from '../schemas/records.js';
import { createMemoryStorage } from '../storage/memory/memory-storage.js';
import type { Storage } from '../storage/ports.js';
import { timerBackoffMs } from './backoff.js';
import { type TimerErrorReport, TimerScheduler, type TimerSchedulerOptions } from './timer-scheduler.js';

const T0 = Date.UTC(2026, 0, 1);
const TENANT = 'ten_1';

function setup(options: Partial<TimerSchedulerOptions> = {}) {
  const clock = new SimulatedClock(T0);
  const storage = createMemoryStorage({ clock });
  const reports: TimerErrorReport[] = [];
  const make = (extra: Partial<TimerSchedulerOptions> = {}) =>
    new TimerScheduler({ storage, clock, onError: (r) => reports.push(r), ...options, ...extra });
  return { clock, storage, reports, scheduler: make(), make };
}

async function allStored(storage: Storage): Promise<TimerRecord[]> {
  return storage.timers.scan({ dueBefore: Number.MAX_SAFE_INTEGER, limit: 1000 });
}

/** A clock that counts outstanding timers: armed and neither fired nor cleared. */
class CountingClock implements Clock {
  readonly outstanding = new Set<TimerHandle>();
  maxOutstanding = 0;
  setCalls = 0;
  constructor(readonly inner: SimulatedClock) {}
  now(): number {
    return this.inner.now();
  }
  setTimer(callback: () => void, delayMs: number): TimerHandle {
    this.setCalls++;
    const handle = this.inner.setTimer(() => {
      this.outstanding.delete(handle);
      callback();
    }, delayMs);
    this.outstanding.add(handle);
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding.size);
    return handle;
  }
  clearTimer(handle: TimerHandle): void {
    this.outstanding.delete(handle);
    this.inner.clearTimer(handle);
  }
}

describe('TimerScheduler: firing', () => {
  it('fires at the due instant, not before, and removes the timer', async () => {
    const { clock, storage, scheduler } = setup();
    const fired: { at: number; timer: TimerRecord }[] = [];
    scheduler.handle('conversation.snooze', (timer) => {
      fired.push({ at: clock.now(), timer });
    });
    await scheduler.start();
    const record = await scheduler.schedule({
      tenantId: TENANT,
      id: 'snooze:cnv_1',
      kind: 'conversation.snooze',
      dueAt: T0 + 5000,
      payload: { conversationId: 'cnv_1' },
    });
    expect(record).toMatchObject({ id: 'snooze:cnv_1', dueAt: T0 + 5000, attempts: 0 });

    await clock.advance(4999);
    expect(fired).toHaveLength(0);
    await clock.advance(1);
    expect(fired).toHaveLength(1);
    expect(fired[0]?.at).toBe(T0 + 5000);
    expect(fired[0]?.timer).toMatchObject({ tenantId: TENANT, payload: { conversationId: 'cnv_1' }, attempts: 1 });
    expect(await storage.timers.get(TENANT, 'snooze:cnv_1')).toBeUndefined();
    await scheduler.stop();
  });

  it('fires in dueAt order, each at its own instant', async () => {
    const { clock, scheduler } = setup();
    const fired: [string, number][] = [];
    scheduler.handle('t', (timer) => {
      fired.push([timer.id, clock.now()]);
    });
    await scheduler.start();
    const offsets = { e: 900, b: 200, d: 700, a: 100, c: 450 };
    for (const [id, offset] of Object.entries(offsets)) {
      await scheduler.schedule({ tenantId: TENANT, id, kind: 't', dueAt: T0 + offset });
    }
    await clock.advance(1000);
    expect(fired).toEqual([
      ['a', T0 + 100],
      ['b', T0 + 200],
      ['c', T0 + 450],
      ['d', T0 + 700],
      ['e', T0 + 900],
    ]);
    await scheduler.stop();
  });

  it('assigns an id and defaults the payload', async () => {
    const { scheduler } = setup();
    const record = await scheduler.schedule({ tenantId: TENANT, kind: 't', dueAt: T0 });
    expect(record.id).toMatch(/^tmr_/);
    expect(record.payload).toEqual({});
  });

  it('fires timers that are already overdue on the first tick', async () => {
    const { clock, scheduler } = setup();
    const fired: string[] = [];
    scheduler.handle('t', (timer) => {
      fired.push(timer.id);
    });
    await scheduler.start();
    await scheduler.schedule({ tenantId: TENANT, id: 'late', kind: 't', dueAt: T0 - 60_000 });
    await clock.advance(0);
    expect(fired).toEqual(['late']);
    await scheduler.stop();
  });

  it('runDue claims in batches until fewer than batchSize come back', async () => {
    const { clock, storage, scheduler } = setup({ batchSize: 3 });
    const fired: string[] = [];
    scheduler.handle('t', (timer) => {
      fired.push(timer.id);
    });
    for (let i = 0; i < 10; i++) await scheduler.schedule({ tenantId: TENANT, id: `t${i}`, kind: 't', dueAt: T0 });
    await scheduler.schedule({ tenantId: TENANT, id: 'later', kind: 't', dueAt: T0 + 1 });
    // Not started: runDue still works (tests, one-shot workers).
    expect(await scheduler.runDue()).toBe(10);
    expect(fired).toHaveLength(10);
    expect((await allStored(storage)).map((t) => t.id)).toEqual(['later']);
    clock.set(T0 + 1);
    expect(await scheduler.runDue()).toBe(1);
  });
});

describe('TimerScheduler: cancel and reschedule', () => {
  it('cancel prevents firing', async () => {
    const { clock, storage, scheduler } = setup();
    const fired: string[] = [];
    scheduler.handle('t', (timer) => {
      fired.push(timer.id);
    });
    await scheduler.start();
    await scheduler.schedule({ tenantId: TENANT, id: 'x', kind: 't', dueAt: T0 + 1000 });
    await scheduler.schedule({ tenantId: TENANT, id: 'y', kind: 't', dueAt: T0 + 1000 });
    expect(await scheduler.cancel(TENANT, 'x')).toBe(true);
    expect(await scheduler.cancel(TENANT, 'x')).toBe(false);
    await clock.advance(5000);
    expect(fired).toEqual(['y']);
    expect(await allStored(storage)).toEqual([]);
    await scheduler.stop();
  });

  it('rescheduling the same id replaces it (later and earlier)', async () => {
    const { clock, scheduler } = setup();
    const fired: [string, number, unknown][] = [];
    scheduler.handle('t', (timer) => {
      fired.push([timer.id, clock.now(), timer.payload.v]);
    });
    await scheduler.start();
    await scheduler.schedule({ tenantId: TENANT, id: 'later', kind: 't', dueAt: T0 + 1000, payload: { v: 1 } });
    await scheduler.schedule({ tenantId: TENANT, id: 'later', kind: 't', dueAt: T0 + 3000, payload: { v: 2 } });
    await scheduler.schedule({ tenantId: TENANT, id: 'sooner', kind: 't', dueAt: T0 + 5000, payload: { v: 3 } });
    await scheduler.schedule({ tenantId: TENANT, id: 'sooner', kind: 't', dueAt: T0 + 500, payload: { v: 4 } });
    await clock.advance(10_000);
    expect(fired).toEqual([
      ['sooner', T0 + 500, 4],
      ['later', T0 + 3000, 2],
    ]);
    await scheduler.stop();
  });

  it('a timer written in a rolled-back transaction never fires', async () => {
    const { clock, storage, scheduler } = setup();
    const fired: string[] = [];
    scheduler.handle('t', (timer) => {
      fired.push(timer.id);
    });
    await scheduler.start();
    await expect(
      storage.transaction(async (tx) => {
        await scheduler.schedule({ tenantId: TENANT, id: 'tx', kind: 't', dueAt: T0 + 100 }, { storage: tx });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await clock.advance(1000);
    expect(fired).toEqual([]);
    expect(await allStored(storage)).toEqual([]);
    await scheduler.stop();
  });
});

describe('TimerScheduler: durability', () => {
  it('re-arms from storage after a restart', async () => {
    const { clock, make } = setup();
    const a = make();
    await a.start();
    await a.schedule({ tenantId: TENANT, id: 'r1', kind: 't', dueAt: T0 + 2000 });
    await a.schedule({ tenantId: TENANT, id: 'r0', kind: 't', dueAt: T0 + 500 });
    await a.stop();
    expect(clock.nextDueAt()).toBeUndefined();

    await clock.advance(1000); // r0 comes due while no scheduler runs
    const b = make();
    const fired: [string, number][] = [];
    b.handle('t', (timer) => {
      fired.push([timer.id, clock.now()]);
    });
    await b.start();
    await clock.advance(0);
    expect(fired).toEqual([['r0', T0 + 1000]]);
    await clock.advance(1000);
    expect(fired).toEqual([
      ['r0', T0 + 1000],
      ['r1', T0 + 2000],
    ]);
    await b.stop();
  });

  it('a claim left by a crashed handler is fired by another scheduler once the lease ends', async () => {
    const { clock, storage, make } = setup({ leaseMs: 5000, pollIntervalMs: 60_000 });
    const a = make({ owner: 'process-a' });
    a.handle('t', () => new Promise<void>(() => {})); // hangs forever: the process "dies" here
    await a.start();
    await a.schedule({ tenantId: TENANT, id: 'c1', kind: 't', dueAt: T0 + 1000 });
    await clock.advance(1000);
    expect(await storage.timers.get(TENANT, 'c1')).toMatchObject({ claimedBy: 'process-a', attempts: 1 });

    // Process A is dropped without stop() or complete(); B starts on the same storage.
    const b = make({ owner: 'process-b' });
    const fired: [number, number][] = [];
    b.handle('t', (timer) => {
      fired.push([clock.now(), timer.attempts]);
    });
    await b.start();
    await clock.advance(4999);
    expect(fired).toEqual([]);
    await clock.advance(1);
    expect(fired).toEqual([[T0 + 6000, 2]]);
    expect(await storage.timers.get(TENANT, 'c1')).toBeUndefined();
    await b.stop();
  });

  it('polling picks up timers and expired claims written by other processes', async () => {
    const { clock, storage, make } = setup({ pollIntervalMs: 1000 });
    const b = make({ owner: 'process-b' });
    const fired: [string, number][] = [];
    b.handle('t', (timer) => {
      fired.push([timer.id, clock.now()]);
    });
    await b.start();
    // Another process schedules straight into the shared database…
    await storage.timers.schedule({ tenantId: TENANT, id: 'foreign', kind: 't', dueAt: T0 + 2500, payload: {} });
    // …and another one claims a timer, then crashes.
    await storage.timers.schedule({ tenantId: TENANT, id: 'orphan', kind: 't', dueAt: T0, payload: {} });
    await storage.timers.claimDue({ now: T0, limit: 10, owner: 'crashed', leaseMs: 4000 });

    await clock.advance(3000);
    expect(fired).toEqual([['foreign', T0 + 3000]]);
    await clock.advance(2000);
    expect(fired).toEqual([
      ['foreign', T0 + 3000],
      ['orphan', T0 + 4000],
    ]);
    await b.stop();
  });
});

describe('TimerScheduler: failures', () => {
  it('retries a failing handler with exponential backoff, then dead-letters it', async () => {
    const retry = { baseMs: 1000, maxMs: 4000, maxAttempts: 5 };
    const { clock, storage, reports, scheduler } = setup({ retry, pollIntervalMs: 60_000 });
    const attempts: [number, number][] = [];
    scheduler.handle('t', (timer) => {
      attempts.push([clock.now() - T0, timer.attempts]);
      throw new Error(`boom ${timer.attempts}`);
    });
    await scheduler.start();
    await scheduler.schedule({ tenantId: TENANT, id: 'f', kind: 't', dueAt: T0 + 100 });

    await clock.advance(100);
    expect(await storage.timers.get(TENANT, 'f')).toMatchObject({ dueAt: T0 + 1100, lastError: 'Error: boom 1' });
    await clock.advance(20_000);
    // 100, then +1000, +2000, +4000, +4000 (capped at maxMs).
    expect(attempts).toEqual([
      [100, 1],
      [1100, 2],
      [3100, 3],
      [7100, 4],
      [11_100, 5],
    ]);
    expect(reports.map((r) => [r.reason, r.retryAt === undefined ? undefined : r.retryAt - T0])).toEqual([
      ['handler_failed', 1100],
      ['handler_failed', 3100],
      ['handler_failed', 7100],
      ['handler_failed', 11_100],
      ['dead_letter', undefined],
    ]);
    expect(reports[4]?.timer).toMatchObject({ id: 'f', attempts: 5 });
    expect(String(reports[4]?.error)).toContain('boom 5');
    expect(await storage.timers.get(TENANT, 'f')).toBeUndefined();
    await scheduler.stop();
  });

  it('a handler that fails once succeeds on the retry', async () => {
    const { clock, storage, reports, scheduler } = setup({ retry: { baseMs: 50 } });
    let calls = 0;
    scheduler.handle('t', async () => {
      calls++;
      if (calls === 1) throw new Error('transient');
    });
    await scheduler.start();
    await scheduler.schedule({ tenantId: TENANT, id: 'once', kind: 't', dueAt: T0 });
    await clock.advance(100);
    expect(calls).toBe(2);
    expect(reports.map((r) => r.reason)).toEqual(['handler_failed']);
    expect(await storage.timers.get(TENANT, 'once')).toBeUndefined();
    await scheduler.stop();
  });

  it('keeps a timer whose kind has no handler, retrying it with backoff', async () => {
    const { clock, storage, reports, scheduler } = setup({ retry: { baseMs: 1000, maxMs: 2000, maxAttempts: 2 } });
    await scheduler.start();
    await scheduler.schedule({ tenantId: TENANT, id: 'orphan', kind: 'unknown.kind', dueAt: T0 });
    await clock.advance(10_000);
    // Never dead-lettered, however many attempts.
    expect(reports.length).toBeGreaterThanOrEqual(3);
    expect(reports.every((r) => r.reason === 'no_handler' && isHotlineError(r.error, 'NOT_FOUND'))).toBe(true);
    const stored = await storage.timers.get(TENANT, 'orphan');
    expect(stored).toMatchObject({ lastError: expect.stringContaining("no handler for timer kind 'unknown.kind'") });
    expect(stored?.claimToken).toBeUndefined();

    const fired: string[] = [];
    scheduler.handle('unknown.kind', (timer) => {
      fired.push(timer.id);
    });
    await clock.advance(2000);
    expect(fired).toEqual(['orphan']);
    expect(await storage.timers.get(TENANT, 'orphan')).toBeUndefined();
    await scheduler.stop();
  });

  it('backoff doubles from baseMs and caps at maxMs', () => {
    const retry = { baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5, 6, 2000].map((n) => timerBackoffMs(n, retry))).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000,
    ]);
  });
});

describe('TimerScheduler: several processes', () => {
  it('two schedulers on one storage fire each of 1,000 timers exactly once', async () => {
    const { clock, storage, make } = setup({ batchSize: 10 });
    const a = make({ owner: 'a' });
    const b = make({ owner: 'b' });
    const counts = new Map<string, number>();
    const by = { a: 0, b: 0 };
    for (const [name, scheduler] of [
      ['a', a],
      ['b', b],
    ] as const) {
      scheduler.handle('t', async (timer) => {
        counts.set(timer.id, (counts.get(timer.id) ?? 0) + 1);
        by[name]++;
        await settle(); // handlers take a while, so the two processes interleave
      });
    }
    await a.start();
    for (let i = 0; i < 1000; i++) {
      const scheduler = i % 2 === 0 ? a : b;
      await scheduler.schedule({ tenantId: `ten_${i % 3}`, id: `t${i}`, kind: 't', dueAt: T0 + (i % 20) * 50 });
    }
    await b.start(); // B loads all 1,000 from storage: both heaps know every timer
    await Promise.all([clock.advance(3000), a.runDue(), b.runDue()]);
    await Promise.all([a.stop(), b.stop()]);

    expect(counts.size).toBe(1000);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(by.a + by.b).toBe(1000);
    expect(by.a).toBeGreaterThan(0);
    expect(by.b).toBeGreaterThan(0);
    expect(await allStored(storage)).toEqual([]);
  });

  it('uses one clock timer however many timers are scheduled (10,000)', async () => {
    const inner = new SimulatedClock(T0);
    const clock = new CountingClock(inner);
    const storage = createMemoryStorage({ clock: inner });
    const scheduler = new TimerScheduler({ storage, clock, batchSize: 500, pollIntervalMs: 100 });
    let fired = 0;
    scheduler.handle('t', () => {
      fired++;
    });
    await scheduler.start();
    let seed = 7;
    for (let i = 0; i < 10_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      await scheduler.schedule({ tenantId: TENANT, id: `t${i}`, kind: 't', dueAt: T0 + 20 + (seed % 50) * 40 });
      expect(clock.outstanding.size).toBeLessThanOrEqual(1);
    }
    expect(clock.setCalls).toBeLessThan(50);
    for (let step = 0; step < 25; step++) {
      await inner.advance(100);
      expect(clock.outstanding.size).toBeLessThanOrEqual(1);
      expect(inner.pendingCount).toBeLessThanOrEqual(2);
    }
    expect(fired).toBe(10_000);
    expect(clock.maxOutstanding).toBe(1);
    await scheduler.stop();
    expect(clock.outstanding.size).toBe(0);
  });
});

describe('TimerScheduler: lifecycle and validation', () => {
  it('stop() clears the clock timer and waits for running handlers', async () => {
    const { clock, scheduler } = setup();
    let release!: () => void;
    let finished = false;
    scheduler.handle('t', async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      finished = true;
    });
    await scheduler.start();
    await scheduler.schedule({ tenantId: TENANT, id: 's', kind: 't', dueAt: T0 + 10 });
    await clock.advance(10);
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
    expect(clock.nextDueAt()).toBeUndefined();
    expect(await scheduler.runDue()).toBe(0);
  });

  it('start() is idempotent, also when called concurrently', async () => {
    const { clock, make } = setup();
    const a = make();
    await a.schedule({ tenantId: TENANT, id: 'x', kind: 't', dueAt: T0 + 10 });
    const fired: string[] = [];
    a.handle('t', (timer) => {
      fired.push(timer.id);
    });
    await Promise.all([a.start(), a.start()]);
    await a.start();
    expect(clock.pendingCount).toBe(1);
    await clock.advance(10);
    expect(fired).toEqual(['x']);
    await a.stop();
  });

  it('reports a failing storage and recovers on the next poll', async () => {
    const { clock, storage, reports } = setup();
    let failures = 1;
    const flaky: Pick<Storage, 'timers'> = {
      timers: {
        ...storage.timers,
        claimDue: (options) => {
          if (failures-- > 0) return Promise.reject(new Error('connection lost'));
          return storage.timers.claimDue(options);
        },
      },
    };
    const scheduler = new TimerScheduler({
      storage: flaky,
      clock,
      pollIntervalMs: 500,
      onError: (r) => reports.push(r),
    });
    const fired: number[] = [];
    scheduler.handle('t', () => {
      fired.push(clock.now() - T0);
    });
    await scheduler.start();
    await scheduler.schedule({ tenantId: TENANT, id: 'x', kind: 't', dueAt: T0 + 100 });
    await clock.advance(1000);
    expect(reports.map((r) => r.reason)).toEqual(['storage_failed']);
    expect(fired).toEqual([600]);
    await scheduler.stop();
  });

  it('rejects invalid input with VALIDATION_FAILED and stores nothing', async () => {
    const { storage, scheduler } = setup();
    const bad: unknown[] = [
      { tenantId: '', kind: 't', dueAt: T0 },
      { tenantId: 'bad tenant', kind: 't', dueAt: T0 },
      { tenantId: TENANT, id: 'no spaces', kind: 't', dueAt: T0 },
      { tenantId: TENANT, kind: '', dueAt: T0 },
      { tenantId: TENANT, kind: 'x'.repeat(101), dueAt: T0 },
      { tenantId: TENANT, kind: 't', dueAt: -1 },
      { tenantId: TENANT, kind: 't', dueAt: 1.5 },
      { tenantId: TENANT, kind: 't', dueAt: Number.NaN },
      { tenantId: TENANT, kind: 't', dueAt: '2026-01-01T00:00:00.000Z' },
      { tenantId: TENANT, kind: 't', dueAt: T0, payload: { 'bad key': 1 } },
      { kind: 't', dueAt: T0 },
    ];
    for (const input of bad) {
      const error = await scheduler.schedule(input as never).catch((e: unknown) => e);
      expect(isHotlineError(error, 'VALIDATION_FAILED'), JSON.stringify(input)).toBe(true);
    }
    await expect(scheduler.cancel('', 'x')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await allStored(storage)).toEqual([]);
  });

  it('rejects invalid options and duplicate handlers', () => {
    const { storage } = setup();
    for (const options of [
      { batchSize: 0 },
      { leaseMs: -1 },
      { pollIntervalMs: 0.5 },
      { retry: { baseMs: 10, maxMs: 5 } },
    ]) {
      expect(() => new TimerScheduler({ storage, ...options })).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED' }),
      );
    }
    const scheduler = new TimerScheduler({ storage });
    const off = scheduler.handle('t', () => {});
    expect(() => scheduler.handle('t', () => {})).toThrow(expect.objectContaining({ code: 'ALREADY_EXISTS' }));
    off();
    expect(() => scheduler.handle('t', () => {})).not.toThrow();
    expect(() => scheduler.handle('', () => {})).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('a throwing onError does not stop firing', async () => {
    const { clock, storage } = setup();
    const scheduler = new TimerScheduler({
      storage,
      clock,
      retry: { baseMs: 10, maxAttempts: 1 },
      onError: () => {
        throw new Error('reporter down');
      },
    });
    const fired: string[] = [];
    scheduler.handle('t', (timer) => {
      fired.push(timer.id);
      if (timer.id === 'bad') throw new Error('handler down');
    });
    await scheduler.start();
    await scheduler.schedule({ tenantId: TENANT, id: 'bad', kind: 't', dueAt: T0 + 1 });
    await scheduler.schedule({ tenantId: TENANT, id: 'good', kind: 't', dueAt: T0 + 2 });
    await clock.advance(10);
    expect(fired).toEqual(['bad', 'good']);
    expect(await allStored(storage)).toEqual([]);
    await scheduler.stop();
  });
});
