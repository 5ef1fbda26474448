import { type Clock, systemClock } from '../clock/clock.js';
import { AlreadyExistsError, HotlineError } from '../errors/hotline-error.js';
import type { Unsubscribe } from '../events/event-bus.js';
import { newId } from '../ids/ids.js';
import type { TimerRecord } from '../schemas/records.js';
import type { Storage } from '../storage/ports.js';
import { parseInput } from '../validation/parse.js';
import { DEFAULT_TIMER_RETRY, type TimerRetryOptions, timerBackoffMs } from './backoff.js';
import { ClockAlarm } from './clock-alarm.js';
import { DueIndex } from './due-index.js';
import {
  type ScheduleTimerInput,
  scheduleTimerInputSchema,
  timerKeySchema,
  timerKindSchema,
  timerSchedulerSettingsSchema,
} from './timer-inputs.js';

/**
 * Runs when a timer of its kind comes due. It may be async; a throw (or rejection) makes
 * the timer retry with backoff. Delivery is at least once: a handler that outlives the
 * lease, or a process that dies after the handler's work but before `complete`, means the
 * timer fires again, so handlers MUST be idempotent. A handler MUST NOT await `stop()` or
 * `runDue()` of its own scheduler (both wait for the handler); scheduling and canceling
 * timers from a handler is fine.
 */
export type TimerHandler = (timer: Readonly<TimerRecord>) => void | Promise<void>;

/** Why the scheduler called `onError`. */
export type TimerErrorReason =
  /** The handler threw; the timer was released and will be retried at `retryAt`. */
  | 'handler_failed'
  /** No handler is registered for the timer's kind in this process; retried at `retryAt`. */
  | 'no_handler'
  /** The handler failed `retry.maxAttempts` times; the timer was completed (removed). */
  | 'dead_letter'
  /** A storage call failed; leases make the affected timers claimable again later. */
  | 'storage_failed';

/** What {@link TimerSchedulerOptions.onError} receives. */
export interface TimerErrorReport {
  reason: TimerErrorReason;
  error: unknown;
  /** The timer concerned, as it was claimed (`attempts` counts this attempt). */
  timer?: TimerRecord;
  /** When the timer becomes due again (ms since epoch); absent when it will not be retried by this call. */
  retryAt?: number;
}

/** Options of {@link TimerScheduler}. */
export interface TimerSchedulerOptions {
  /** Where timers live. Several schedulers (processes) may share one storage. */
  storage: Pick<Storage, 'timers'>;
  /** @default systemClock */
  clock?: Clock;
  /** This process's name in claims (`claimedBy`), 1–200 characters. @default a new `sched_…` id */
  owner?: string;
  /**
   * How long a claim holds, in ms. If this process dies (or a handler hangs) the timer
   * becomes claimable by another scheduler after this long. Keep it well above the
   * slowest handler: a handler still running when its lease ends may fire twice.
   * @default 30000
   */
  leaseMs?: number;
  /** Timers claimed per `claimDue` call (1–1000); their handlers run concurrently. @default 100 */
  batchSize?: number;
  /**
   * The scheduler polls storage at least this often (ms), so timers scheduled by other
   * processes sharing the database, and claims of crashed processes whose lease ran out,
   * are picked up within this delay. Timers scheduled through this instance fire on time
   * regardless.
   * @default 1000
   */
  pollIntervalMs?: number;
  /**
   * Retry with exponential backoff for failing handlers.
   * @default `{ baseMs: 1000, maxMs: 300000, maxAttempts: 10 }`
   */
  retry?: TimerRetryOptions;
  /**
   * Receives handler failures, dead letters, missing handlers and storage failures. It
   * must not throw (a throw is swallowed). Dead-lettered timers are gone from storage, so
   * persist them here if they matter.
   * @default logs with `console.error`
   */
  onError?: (report: TimerErrorReport) => void;
}

/** Options of {@link TimerScheduler.schedule} and {@link TimerScheduler.cancel}. */
export interface TimerWriteOptions {
  /**
   * Write through this storage instead, typically the `tx` of a transaction, so the timer
   * commits or rolls back with the change that caused it.
   * @default the scheduler's storage
   */
  storage?: Pick<Storage, 'timers'>;
}

type State = 'idle' | 'starting' | 'started' | 'stopped';

/** Page size when loading stored timers at start. */
const SCAN_PAGE = 1000;

/**
 * Durable timers (reservation timeouts, SLA deadlines, snooze) on one clock timer.
 *
 * Timers are stored through the storage's `TimerRepository`, so they survive restarts. The
 * process keeps a min-heap of `(dueAt, tenantId, id)` and arms exactly one clock timer,
 * for the earlier of the heap's top and the next poll. When it rings, the scheduler claims
 * due timers in batches with `claimDue` (which also returns claims whose lease expired),
 * runs each kind's handler, and `complete`s the timer. Because every firing goes through an
 * atomic claim, several schedulers on one storage never fire a timer twice while its lease
 * holds, and a stale heap entry (a canceled or rescheduled timer) costs one empty claim.
 *
 * Failures: a throwing handler is released with `dueAt = now + min(maxMs, baseMs *
 * 2^(attempts - 1))` and `lastError`; once a timer has been attempted `retry.maxAttempts`
 * times it is dead-lettered — completed and reported to `onError` with reason
 * `dead_letter`. A timer whose kind has no handler here is released with the same
 * backoff and reported (`no_handler`) but never dead-lettered, since another process or
 * a later deployment may handle it.
 *
 * @example
 * ```ts
 * const scheduler = new TimerScheduler({ storage, clock });
 * const off = scheduler.handle('conversation.snooze', async (timer) => {
 *   await conversations.apply(timer.tenantId, String(timer.payload.conversationId), { type: 'wake' });
 * });
 * await scheduler.start();
 * await scheduler.schedule({
 *   tenantId: 'ten_1',
 *   id: 'snooze:cnv_1',
 *   kind: 'conversation.snooze',
 *   dueAt: clock.now() + 3_600_000,
 *   payload: { conversationId: 'cnv_1' },
 * });
 * // on shutdown
 * off();
 * await scheduler.stop();
 * ```
 */
export class TimerScheduler {
  /** This scheduler's name in claims. */
  readonly owner: string;
  private readonly storage: Pick<Storage, 'timers'>;
  private readonly clock: Clock;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly retry: Required<TimerRetryOptions>;
  private readonly onError: (report: TimerErrorReport) => void;
  private readonly handlers = new Map<string, TimerHandler>();
  private readonly due = new DueIndex();
  private state: State = 'idle';
  private starting: Promise<void> | undefined;
  private readonly alarm: ClockAlarm;
  private lastRunAt = 0;
  private running: Promise<number> | undefined;
  private rerun = false;

  constructor(options: TimerSchedulerOptions) {
    const settings = parseInput(
      timerSchedulerSettingsSchema,
      {
        owner: options.owner ?? newId('sched'),
        leaseMs: options.leaseMs ?? 30_000,
        batchSize: options.batchSize ?? 100,
        pollIntervalMs: options.pollIntervalMs ?? 1000,
        retry: { ...DEFAULT_TIMER_RETRY, ...options.retry },
      },
      'timer scheduler options',
    );
    this.storage = options.storage;
    this.clock = options.clock ?? systemClock;
    this.alarm = new ClockAlarm(this.clock, () => void this.runDue());
    this.owner = settings.owner;
    this.leaseMs = settings.leaseMs;
    this.batchSize = settings.batchSize;
    this.pollIntervalMs = settings.pollIntervalMs;
    this.retry = settings.retry;
    this.onError =
      options.onError ??
      ((report) => console.error(`[hotline] timer ${report.timer?.kind ?? ''} ${report.reason}`, report.error));
  }

  /**
   * Registers the handler of one timer kind. A kind has at most one handler per
   * scheduler; registering a second throws `AlreadyExistsError` until the first is removed.
   *
   * @returns a function that removes the handler
   */
  handle(kind: string, handler: TimerHandler): Unsubscribe {
    parseInput(timerKindSchema, kind, 'timer kind');
    if (this.handlers.has(kind)) throw new AlreadyExistsError('timer handler', kind);
    this.handlers.set(kind, handler);
    return () => {
      if (this.handlers.get(kind) === handler) this.handlers.delete(kind);
    };
  }

  /**
   * Loads every stored timer (paged `scan`) into the heap and arms the clock timer.
   * Overdue timers fire on the first tick. Calling it while started does nothing; after
   * {@link TimerScheduler.stop} it starts again from storage.
   */
  start(): Promise<void> {
    if (this.state === 'started') return Promise.resolve();
    if (this.state === 'starting' && this.starting) return this.starting;
    this.state = 'starting';
    this.due.clear();
    const starting = this.load()
      .then(
        () => {
          if (this.state !== 'starting') return; // stopped while loading
          this.state = 'started';
          this.lastRunAt = this.clock.now();
          this.arm();
        },
        (error: unknown) => {
          if (this.state === 'starting') this.state = 'idle';
          throw error;
        },
      )
      .finally(() => {
        if (this.starting === starting) this.starting = undefined;
      });
    this.starting = starting;
    return starting;
  }

  /**
   * Stores a timer (replacing one with the same `tenantId` and `id`) and makes sure the
   * clock timer rings by its due time. Invalid input throws `ValidationError` and stores
   * nothing.
   *
   * @returns the stored record
   */
  async schedule(input: ScheduleTimerInput, options: TimerWriteOptions = {}): Promise<TimerRecord> {
    const parsed = parseInput(scheduleTimerInputSchema, input, 'timer');
    const record = await (options.storage ?? this.storage).timers.schedule({
      tenantId: parsed.tenantId,
      id: parsed.id ?? newId('timer'),
      kind: parsed.kind,
      dueAt: parsed.dueAt,
      payload: parsed.payload,
    });
    this.due.upsert({ tenantId: record.tenantId, id: record.id, dueAt: record.dueAt });
    this.arm();
    return record;
  }

  /**
   * Deletes a timer so it never fires (a handler already running for it is not
   * interrupted; its `complete` then finds nothing).
   *
   * @returns whether a timer was deleted
   */
  async cancel(tenantId: string, id: string, options: TimerWriteOptions = {}): Promise<boolean> {
    parseInput(timerKeySchema, { tenantId, id }, 'timer key');
    const removed = await (options.storage ?? this.storage).timers.cancel(tenantId, id);
    // The heap entry stays behind (lazy deletion); forgetting the key makes it stale.
    this.due.forget(tenantId, id);
    return removed;
  }

  /**
   * Claims and fires every timer due now, batch after batch, and resolves when their
   * handlers have settled. The armed clock timer calls it; tests may call it directly.
   * A call while a run is in progress joins that run (which then makes one more pass).
   * Never rejects: failures go to `onError`.
   *
   * @returns how many timers were claimed
   */
  runDue(): Promise<number> {
    if (this.state === 'stopped') return Promise.resolve(0);
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    const run = this.drain()
      .catch((error: unknown) => {
        this.report({ reason: 'storage_failed', error });
        return 0;
      })
      .finally(() => {
        this.running = undefined;
        // A request that arrived as the run was finishing gets its own pass.
        if (this.rerun) void this.runDue();
        else this.arm();
      });
    this.running = run;
    return run;
  }

  /**
   * Clears the clock timer, stops claiming, and resolves once running handlers have
   * settled. Timers stay in storage for the next start (of this or another process).
   */
  async stop(): Promise<void> {
    this.state = 'stopped';
    this.alarm.disarm();
    while (this.running) await this.running;
  }

  private async load(): Promise<void> {
    let after: { dueAt: number; tenantId: string; id: string } | undefined;
    for (;;) {
      const page = await this.storage.timers.scan({
        dueBefore: Number.MAX_SAFE_INTEGER,
        limit: SCAN_PAGE,
        ...(after ? { after } : {}),
      });
      for (const timer of page) {
        // A claimed timer becomes claimable again when its lease runs out.
        const readyAt = timer.claimToken === undefined ? timer.dueAt : (timer.claimExpiresAt ?? timer.dueAt);
        this.due.upsert({ tenantId: timer.tenantId, id: timer.id, dueAt: readyAt });
      }
      const last = page.at(-1);
      if (page.length < SCAN_PAGE || !last) return;
      after = { dueAt: last.dueAt, tenantId: last.tenantId, id: last.id };
    }
  }

  private async drain(): Promise<number> {
    let claimed = 0;
    do {
      this.rerun = false;
      for (;;) {
        if (this.state === 'stopped') return claimed;
        const now = this.clock.now();
        this.lastRunAt = now;
        this.due.takeDue(now);
        const batch = await this.storage.timers.claimDue({
          now,
          limit: this.batchSize,
          owner: this.owner,
          leaseMs: this.leaseMs,
        });
        claimed += batch.length;
        await Promise.all(batch.map((timer) => this.fire(timer)));
        if (batch.length < this.batchSize) break;
      }
    } while (this.rerun);
    return claimed;
  }

  private async fire(timer: TimerRecord): Promise<void> {
    const token = timer.claimToken;
    if (token === undefined) {
      this.report({
        reason: 'storage_failed',
        error: new HotlineError('INTERNAL', 'claimDue returned no claimToken'),
        timer,
      });
      return;
    }
    const handler = this.handlers.get(timer.kind);
    if (!handler) {
      const error = new HotlineError('NOT_FOUND', `no handler for timer kind '${timer.kind}'`, {
        details: { kind: timer.kind },
      });
      await this.retryLater(timer, token, error, 'no_handler');
      return;
    }
    try {
      await handler(timer);
    } catch (error) {
      if (timer.attempts >= this.retry.maxAttempts) {
        await this.store(timer, () => this.storage.timers.complete(timer.tenantId, timer.id, token));
        this.report({ reason: 'dead_letter', error, timer });
      } else {
        await this.retryLater(timer, token, error, 'handler_failed');
      }
      return;
    }
    // `false` means the timer was rescheduled, canceled or taken over meanwhile: nothing to do.
    await this.store(timer, () => this.storage.timers.complete(timer.tenantId, timer.id, token));
  }

  private async retryLater(timer: TimerRecord, token: string, error: unknown, reason: TimerErrorReason): Promise<void> {
    const retryAt = this.clock.now() + timerBackoffMs(timer.attempts, this.retry);
    const released = await this.store(timer, () =>
      this.storage.timers.release(timer.tenantId, timer.id, token, { dueAt: retryAt, error: describeError(error) }),
    );
    if (released) {
      this.due.upsert({ tenantId: timer.tenantId, id: timer.id, dueAt: retryAt });
      this.report({ reason, error, timer, retryAt });
    } else {
      this.report({ reason, error, timer });
    }
  }

  /** Runs a storage write for one timer; a failure is reported and read as "not done". */
  private async store(timer: TimerRecord, write: () => Promise<boolean>): Promise<boolean> {
    try {
      return await write();
    } catch (error) {
      this.report({ reason: 'storage_failed', error, timer });
      return false;
    }
  }

  /** Keeps the one clock timer armed for min(next heap entry, next poll). */
  private arm(): void {
    if (this.state !== 'started' || this.running) return;
    this.alarm.armAt(Math.min(this.due.peekDueAt() ?? Number.POSITIVE_INFINITY, this.lastRunAt + this.pollIntervalMs));
  }

  private report(report: TimerErrorReport): void {
    try {
      this.onError(report);
    } catch {
      // A failing reporter must not stop timers from firing.
    }
  }
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 2000);
}
