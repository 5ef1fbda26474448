import {
  type Clock,
  ClockAlarm,
  type EventBus,
  formatIsoInstant,
  systemClock,
  type TimerRecord,
  type TimerScheduler,
  type Unsubscribe,
  ValidationError,
} from '@hotline/core';
import type { HistoryEntry } from '../model/history.js';
import type { AfterWriteHook, WriteContext, WriteResult } from '../model/ports.js';
import type { Ticket } from '../model/ticket.js';
import { pendingAlarms, type SlaAlarm } from './alarms.js';
import { computeSla, type SlaCalendars, type SlaReport, toPolicySet } from './compute.js';
import { SlaDueIndex, type SlaDueView } from './due-index.js';
import { planEscalation, type SlaEscalationPort } from './escalation.js';
import type { SlaPolicySet } from './policy.js';

/** A ticket with its full history: what a replay needs. */
export interface SlaSubject {
  ticket: Ticket;
  history: readonly HistoryEntry[];
}

/** A tenant's SLA configuration, as the monitor reads it (keep it in memory; it is read on every recompute). */
export interface SlaConfig {
  /** A compiled set (`compileSlaPolicies`), or definitions (compiled once per array). */
  policies: SlaPolicySet | readonly unknown[];
  calendars: SlaCalendars;
}

/** Where the monitor reads tickets. */
export interface SlaTicketSource {
  /** One ticket with its history, or `undefined` if it no longer exists. */
  load(tenantId: string, ticketId: string): Promise<SlaSubject | undefined>;
  /** Every ticket whose SLA clocks may still fire (not closed, not merged), with histories. */
  loadOpen(): AsyncIterable<SlaSubject> | Iterable<SlaSubject>;
}

/** Where a monitor failure happened. */
export type SlaMonitorStage = 'recompute' | 'fire' | 'rebuild' | 'timer';

/** Options of {@link SlaMonitor}. */
export interface SlaMonitorOptions {
  /** @default systemClock */
  clock?: Clock;
  /** Receives `ticket.sla_warning` and `ticket.sla_breached`. */
  bus: Pick<EventBus, 'publish'>;
  /** The SLA policies and calendars of a tenant. */
  config: (tenantId: string) => SlaConfig;
  tickets: SlaTicketSource;
  /** Escalation writes and notifications, provided by the ticket service. */
  actions: SlaEscalationPort;
  /**
   * Durable timers. When given, every tracked ticket keeps one timer (`ticket.sla`, id
   * `sla.<ticketId>`) at its next alarm and the scheduler fires it: alarms survive restarts
   * without a rebuild and fire once across processes sharing the storage (claims). When
   * absent, the monitor arms one clock timer itself and `start()` rebuilds from
   * `loadOpen`.
   * @default undefined (in-process timing)
   */
  timers?: TimerScheduler;
  /** How long to wait before retrying a ticket whose recompute or firing failed (ms). @default 30000 */
  retryMs?: number;
  /** Tickets recomputed or fired concurrently by `runDue` and `rebuild`. @default 16 */
  concurrency?: number;
  /** @default logs with `console.error` */
  onError?: (error: unknown, context: { stage: SlaMonitorStage; tenantId?: string; ticketId?: string }) => void;
}

/** The durable timer kind of SLA alarms. */
export const SLA_TIMER_KIND = 'ticket.sla';

function alarmKey(alarm: SlaAlarm): string {
  return `${alarm.metric}@${alarm.cycle}:${alarm.event}`;
}

/** The durable timer id of a ticket's SLA alarms. */
export function slaTimerId(ticketId: string): string {
  return `sla.${ticketId}`;
}

interface Busy {
  dirty: boolean;
  force: boolean;
}

interface ProcessOptions {
  /** Rewrite the durable timer even if the instant did not move (the scheduler is about to delete it). */
  force: boolean;
  /** The ticket's slot in the index, when the caller took it from there. */
  slotHint?: number;
  /** The ticket as a rebuild read it: indexed without firing (what is due is indexed at now). */
  subject?: SlaSubject;
}

/**
 * The SLA runtime. After every write (its {@link SlaMonitor.hook}, named `sla`) it replays
 * the ticket with `computeSla` and keeps the ticket's next warning or breach in an
 * in-memory due index; when one comes due it recomputes again (never firing a stale
 * alarm: a metric fulfilled meanwhile does not fire), publishes `ticket.sla_warning` /
 * `ticket.sla_breached`, runs the policy's escalations through the
 * {@link SlaEscalationPort}, and stores the event in the ticket's history (kind `sla`).
 * Because stored events are part of the replay, each fires once per (ticket, metric,
 * cycle), across restarts too.
 *
 * `createTicketing` wires it for you; by hand, the ticket service is its port
 * (`createServiceSlaPort`: each event is one `recordSla` write) and the store its source.
 *
 * @example
 * ```ts
 * const monitor = new SlaMonitor({
 *   clock, bus: hotline.bus,
 *   config: (tenantId) => ({ policies: policySets.get(tenantId)!, calendars }),
 *   tickets: createStoreSlaSource({ store, tenants: () => ['ten_acme'] }),
 *   actions: createServiceSlaPort({ service: tickets, notify: pager.send }),
 *   timers: hotline.timers,
 * });
 * // register `monitor.hook` as one of the ticket service's `hooks`, then:
 * await monitor.start();
 * ```
 */
export class SlaMonitor {
  /** The after-write hook to register on the ticket service. */
  readonly hook: AfterWriteHook;
  private readonly clock: Clock;
  private readonly bus: Pick<EventBus, 'publish'>;
  private readonly config: (tenantId: string) => SlaConfig;
  private readonly tickets: SlaTicketSource;
  private readonly actions: SlaEscalationPort;
  private readonly timers: TimerScheduler | undefined;
  private readonly retryMs: number;
  private readonly concurrency: number;
  private readonly onError: NonNullable<SlaMonitorOptions['onError']>;
  private readonly index = new SlaDueIndex();
  /** Alarms fired here and not yet seen recorded, by tenant then ticket id. */
  private readonly firedHere = new Map<string, Map<string, Set<string>>>();
  /** Tickets being processed, by tenant then ticket id. */
  private readonly busy = new Map<string, Map<string, Busy>>();
  private started = false;
  private readonly alarm: ClockAlarm;
  private running: Promise<number> | undefined;
  private offTimer: Unsubscribe | undefined;
  private fired = 0;

  constructor(options: SlaMonitorOptions) {
    const retryMs = options.retryMs ?? 30_000;
    const concurrency = options.concurrency ?? 16;
    if (!Number.isInteger(retryMs) || retryMs < 1)
      throw new ValidationError('retryMs must be a positive integer', [{ path: 'retryMs', message: 'ms >= 1' }]);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024)
      throw new ValidationError('concurrency must be an integer from 1 to 1024', [
        { path: 'concurrency', message: '1..1024' },
      ]);
    this.clock = options.clock ?? systemClock;
    this.bus = options.bus;
    this.config = options.config;
    this.tickets = options.tickets;
    this.actions = options.actions;
    this.timers = options.timers;
    this.alarm = new ClockAlarm(this.clock, () => void this.runDue());
    this.retryMs = retryMs;
    this.concurrency = concurrency;
    this.onError =
      options.onError ?? ((error, context) => console.error(`[hotline] SLA ${context.stage} failed`, error));
    this.hook = {
      name: 'sla',
      afterWrite: (result: WriteResult) => this.track(result.ticket.tenantId, result.ticket.id),
    };
  }

  /** A read-only view of the due index (diagnostics: which tickets fire next, and when). */
  get due(): SlaDueView {
    return this.index;
  }

  /** Tickets with a pending alarm. */
  get size(): number {
    return this.index.size;
  }

  /** Alarms fired since construction. */
  get firedCount(): number {
    return this.fired;
  }

  /** The earliest pending alarm instant (epoch ms), if any. */
  nextDueAt(): number | undefined {
    return this.index.peekAt();
  }

  /** When a ticket's next alarm fires (epoch ms), if it has one. */
  dueAt(tenantId: string, ticketId: string): number | undefined {
    return this.index.dueAt(tenantId, ticketId);
  }

  /**
   * Registers the durable timer handler (with `timers`), rebuilds the index from
   * `loadOpen`, and arms the clock timer. Overdue alarms fire right after.
   */
  async start(): Promise<void> {
    if (this.started) return;
    if (this.timers !== undefined && this.offTimer === undefined)
      this.offTimer = this.timers.handle(SLA_TIMER_KIND, (timer) => this.onTimer(timer));
    this.started = true;
    await this.rebuild();
    this.arm();
  }

  /** Disarms the clock timer, unregisters the timer handler and waits for running work. */
  async stop(): Promise<void> {
    this.started = false;
    this.alarm.disarm();
    this.offTimer?.();
    this.offTimer = undefined;
    while (this.running) await this.running;
  }

  /**
   * Recomputes every open ticket (from `loadOpen`) into the index without firing: call it
   * after changing policies or calendars, so due times move to the corrected ones.
   *
   * @returns how many tickets have a pending alarm
   */
  async rebuild(): Promise<number> {
    const source = this.tickets.loadOpen();
    const iterator: AsyncIterator<SlaSubject> | Iterator<SlaSubject> =
      Symbol.asyncIterator in source
        ? (source as AsyncIterable<SlaSubject>)[Symbol.asyncIterator]()
        : (source as Iterable<SlaSubject>)[Symbol.iterator]();
    // A small pool of workers sharing one iterator (async generators queue concurrent `next` calls).
    const worker = async () => {
      for (;;) {
        const step = await iterator.next();
        if (step.done === true) return;
        const { ticket } = step.value;
        try {
          await this.process(ticket.tenantId, ticket.id, { force: this.timers !== undefined, subject: step.value });
        } catch (error) {
          this.onError(error, { stage: 'rebuild', tenantId: ticket.tenantId, ticketId: ticket.id });
        }
      }
    };
    await Promise.all(Array.from({ length: this.concurrency }, worker));
    this.arm();
    return this.index.size;
  }

  /**
   * Recomputes one ticket now: fires what is due, then tracks its next alarm. The
   * after-write hook calls it; call it yourself after changing something SLA reads
   * outside a ticket write. Failures are reported and retried after `retryMs`.
   */
  async track(tenantId: string, ticketId: string): Promise<void> {
    try {
      await this.process(tenantId, ticketId, { force: false });
    } catch (error) {
      this.onError(error, { stage: 'recompute', tenantId, ticketId });
      this.retryLater(tenantId, ticketId);
    }
  }

  /**
   * Fires every alarm due now according to the index (the armed clock timer calls it).
   * Each due ticket is recomputed before anything fires.
   *
   * @returns how many tickets were processed
   */
  runDue(): Promise<number> {
    if (this.running) return this.running.then(() => this.runDue());
    const run = this.drain().finally(() => {
      this.running = undefined;
      this.arm();
    });
    this.running = run;
    return run;
  }

  private async drain(): Promise<number> {
    const due = this.index.takeDue(this.clock.now());
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const entry = due[next++];
        if (entry === undefined) return;
        try {
          await this.process(entry.tenantId, entry.ticketId, { force: false, slotHint: entry.slot });
        } catch (error) {
          this.onError(error, { stage: 'fire', tenantId: entry.tenantId, ticketId: entry.ticketId });
          this.retryLater(entry.tenantId, entry.ticketId);
        }
      }
    };
    const workers: Promise<void>[] = [];
    for (let i = 0; i < Math.min(this.concurrency, due.length); i++) workers.push(worker());
    await Promise.all(workers);
    return due.length;
  }

  private async onTimer(timer: Readonly<TimerRecord>): Promise<void> {
    const ticketId = timer.payload.ticketId;
    if (typeof ticketId !== 'string') return;
    // Errors propagate: the scheduler retries with backoff.
    await this.process(timer.tenantId, ticketId, { force: true });
  }

  /**
   * Single flight per ticket: a call while the ticket is being processed (the escalation's
   * own write re-entering through the hook) marks it dirty, and the running call replays
   * it once more when done, instead of waiting (which would deadlock) or racing.
   */
  private async process(tenantId: string, ticketId: string, run: ProcessOptions): Promise<void> {
    let tenant = this.busy.get(tenantId);
    const running = tenant?.get(ticketId);
    if (running !== undefined) {
      running.dirty = true;
      running.force ||= run.force;
      return;
    }
    if (tenant === undefined) {
      tenant = new Map();
      this.busy.set(tenantId, tenant);
    }
    const slot: Busy = { dirty: true, force: run.force };
    tenant.set(ticketId, slot);
    // A rebuild hands over the ticket it already read, and only indexes it.
    let given = run.subject;
    try {
      while (slot.dirty) {
        slot.dirty = false;
        const subject = given ?? (await this.tickets.load(tenantId, ticketId));
        const fire = given === undefined;
        given = undefined;
        if (subject === undefined) {
          const fired = this.firedHere.get(tenantId);
          fired?.delete(ticketId);
          if (fired?.size === 0) this.firedHere.delete(tenantId);
          await this.untrack(tenantId, ticketId);
        } else await this.settle(subject, fire, slot.force, run.slotHint);
      }
    } finally {
      tenant.delete(ticketId);
      if (tenant.size === 0) this.busy.delete(tenantId);
    }
  }

  /**
   * Computes the ticket's clocks, fires the alarms due now (when `fire`), and tracks the
   * next one. `forceTimer` rewrites the durable timer even if the instant did not move
   * (the scheduler deletes a timer whose handler returned).
   */
  private async settle(subject: SlaSubject, fire: boolean, forceTimer: boolean, slotHint?: number): Promise<void> {
    const { ticket } = subject;
    const now = this.clock.now();
    const config = this.config(ticket.tenantId);
    const policies = toPolicySet(config.policies);
    const report = computeSla(ticket, subject.history, policies, config.calendars, now);
    const alarms = pendingAlarms(report, policies, config.calendars, now);
    const fired = this.firedHere.get(ticket.tenantId)?.get(ticket.id);
    if (fired !== undefined) this.forgetRecorded(ticket, fired, alarms);
    let next: number | undefined;
    for (const alarm of alarms) {
      const key = alarmKey(alarm);
      if (fired?.has(key) === true) continue;
      if (alarm.fireAt > now || !fire) {
        next = next === undefined ? alarm.fireAt : Math.min(next, alarm.fireAt);
        continue;
      }
      await this.fire(ticket, alarm, policies);
      this.rememberFired(ticket, key);
    }
    const written =
      next === undefined
        ? this.untrack(ticket.tenantId, ticket.id)
        : this.trackAt(ticket.tenantId, ticket.id, next, forceTimer, slotHint);
    if (written !== undefined) await written;
  }

  /**
   * Alarms fired by this process whose `sla` history entry the replay does not show yet
   * (or ever, if a port does not store it): never fired twice here, whatever the port does.
   */
  private rememberFired(ticket: Ticket, key: string): void {
    let tickets = this.firedHere.get(ticket.tenantId);
    if (tickets === undefined) {
      tickets = new Map();
      this.firedHere.set(ticket.tenantId, tickets);
    }
    let keys = tickets.get(ticket.id);
    if (keys === undefined) {
      keys = new Set();
      tickets.set(ticket.id, keys);
    }
    keys.add(key);
  }

  /** Drops remembered alarms the history now records (they are no longer pending). */
  private forgetRecorded(ticket: Ticket, fired: Set<string>, alarms: readonly SlaAlarm[]): void {
    const pending = new Set(alarms.map(alarmKey));
    for (const key of fired) if (!pending.has(key)) fired.delete(key);
    if (fired.size > 0) return;
    const tickets = this.firedHere.get(ticket.tenantId);
    tickets?.delete(ticket.id);
    if (tickets?.size === 0) this.firedHere.delete(ticket.tenantId);
  }

  private async fire(ticket: Ticket, alarm: SlaAlarm, policies: SlaPolicySet): Promise<void> {
    const policy = policies.byId(alarm.policyId)?.policy;
    if (policy === undefined) return;
    const ctx: WriteContext = { tenantId: ticket.tenantId, actor: { type: 'sla', id: policy.id }, depth: 0 };
    const dueAt = formatIsoInstant(alarm.reachedAt);
    // At least once for the event and notifications, exactly once for the stored event and
    // its changes: the history write goes last, and a retry after a crash finds it or not.
    await this.bus.publish({
      type: alarm.event === 'breach' ? 'ticket.sla_breached' : 'ticket.sla_warning',
      at: formatIsoInstant(this.clock.now()),
      tenantId: ticket.tenantId,
      ticketId: ticket.id,
      policyId: policy.id,
      metric: alarm.metric,
      dueAt,
    });
    const plan = planEscalation(policy, alarm, ticket);
    for (const notification of plan.notifications) await this.actions.notify(ctx, notification);
    await this.actions.update(ctx, ticket.id, {
      changes: plan.changes,
      meta: { metric: alarm.metric, event: alarm.event, cycle: alarm.cycle, policyId: policy.id, dueAt },
    });
    this.fired++;
  }

  /** Tracks the ticket's next alarm; returns a promise only when a durable timer is written. */
  private trackAt(
    tenantId: string,
    ticketId: string,
    at: number,
    forceTimer: boolean,
    slotHint?: number,
  ): Promise<unknown> | undefined {
    const changed = this.index.set(tenantId, ticketId, at, slotHint);
    this.arm();
    if (this.timers === undefined || !(changed || forceTimer)) return undefined;
    return this.timers.schedule({
      tenantId,
      id: slaTimerId(ticketId),
      kind: SLA_TIMER_KIND,
      dueAt: at,
      payload: { ticketId },
    });
  }

  private untrack(tenantId: string, ticketId: string): Promise<unknown> | undefined {
    const had = this.index.delete(tenantId, ticketId);
    if (!had || this.timers === undefined) return undefined;
    return this.timers.cancel(tenantId, slaTimerId(ticketId));
  }

  private retryLater(tenantId: string, ticketId: string): void {
    this.trackAt(tenantId, ticketId, this.clock.now() + this.retryMs, true)?.catch((error: unknown) =>
      this.onError(error, { stage: 'timer', tenantId, ticketId }),
    );
  }

  /** Keeps one clock timer on the earliest alarm (in-process timing only). */
  private arm(): void {
    if (!this.started || this.timers !== undefined || this.running) return;
    const at = this.index.peekAt();
    if (at === undefined) this.alarm.disarm();
    else this.alarm.armAt(at);
  }
}

/** A fresh report for one ticket, without side effects (what an agent's SLA badge shows). */
export function slaReportOf(subject: SlaSubject, config: SlaConfig, now: number): SlaReport {
  return computeSla(subject.ticket, subject.history, config.policies, config.calendars, now);
}
