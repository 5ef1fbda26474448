import { type BusinessCalendar, createBusinessCalendar, NotFoundError, TWENTY_FOUR_SEVEN } from '@hotline/core';
import type { SlaMetric } from '../model/events.js';
import type { HistoryEntry } from '../model/history.js';
import type { Ticket } from '../model/ticket.js';
import { type CompiledSlaPolicy, compileSlaPolicies, SLA_METRICS, type SlaPolicySet } from './policy.js';
import { buildTimeline, type TimelinePoint } from './timeline.js';

/**
 * Where a metric's clock stands.
 *
 * - `active` — counting, target not reached;
 * - `paused` — not counting (pause status, solved, or no target applies now), not breached;
 * - `achieved` — fulfilled before its due time;
 * - `breached` — its target was reached before it was fulfilled (it may still be running,
 *   paused, or fulfilled late: see `running` and `achievedAt`);
 * - `cancelled` — will never be fulfilled (ticket closed or merged first), not breached.
 */
export type SlaMetricStatus = 'active' | 'paused' | 'achieved' | 'breached' | 'cancelled';

/** Why a clock that has not stopped is not counting. */
export type SlaPauseReason = 'status' | 'solved' | 'no_target';

/**
 * One cycle of one metric. First reply and resolution have one cycle per ticket; next
 * reply and periodic update start a new cycle on each qualifying comment. Instants are
 * epoch ms.
 */
export interface SlaMetricState {
  metric: SlaMetric;
  /** The history version that started the cycle: `(ticket, metric, cycle)` names it for good. */
  cycle: number;
  status: SlaMetricStatus;
  /** Whether the clock is counting now. */
  running: boolean;
  pausedBy?: SlaPauseReason;
  /** The policy whose target applies now (or applied when the clock last counted). */
  policyId?: string;
  startedAt: number;
  /** When the target is (or was) reached on the current course; absent while paused or stopped before it. */
  dueAt?: number;
  /** When the warning threshold is (or was) reached; only with a policy `warnBeforeMs`. */
  warnAt?: number;
  /** Counted (business) time so far. */
  elapsedMs: number;
  targetMs?: number;
  breachedAt?: number;
  /** When the metric was fulfilled (a reply, a solve), on time or late. */
  achievedAt?: number;
  cancelledAt?: number;
  /** Whether the warning and the breach of this cycle are already stored in the history (kind `sla`). */
  recorded: { warning: boolean; breach: boolean };
}

/** Every SLA clock of one ticket at one instant, derived from its history. */
export interface SlaReport {
  tenantId: string;
  ticketId: string;
  /** The instant the report describes (epoch ms). */
  computedAt: number;
  /** The last ticket version replayed (the latest at or before `computedAt`). */
  version: number;
  /** The policy that applies to the ticket as it is now. */
  policyId?: string;
  /** The latest cycle of each metric that has (or had) a target. */
  metrics: Partial<Record<SlaMetric, SlaMetricState>>;
  /** Every cycle that has (or had) a target, in the order they started. */
  cycles: SlaMetricState[];
}

/** The business calendars policies refer to by `calendarId`. */
export type SlaCalendars = ReadonlyMap<string, BusinessCalendar> | Readonly<Record<string, BusinessCalendar>>;

/** What an SLA history entry (kind `sla`) records in its `meta`. */
export interface SlaEntryMeta {
  metric: SlaMetric;
  event: 'warning' | 'breach';
  cycle: number;
  policyId: string;
  /** ISO time of the due instant (or the warning instant for warnings). */
  dueAt: string;
}

/** Open around the clock in UTC: what policies without a calendar, or not in business hours, count on. */
export const ALWAYS_OPEN: BusinessCalendar = createBusinessCalendar(TWENTY_FOUR_SEVEN);

/**
 * The calendar a policy refers to.
 *
 * @throws NotFoundError if `calendars` has no calendar with that id.
 */
export function resolveCalendar(calendars: SlaCalendars, id: string): BusinessCalendar {
  const calendar =
    calendars instanceof Map
      ? calendars.get(id)
      : Object.hasOwn(calendars, id)
        ? (calendars as Readonly<Record<string, BusinessCalendar>>)[id]
        : undefined;
  if (calendar === undefined) throw new NotFoundError('business calendar', id);
  return calendar;
}

/** The calendar a policy's clocks count on. */
export function countingCalendar(policy: CompiledSlaPolicy, calendars: SlaCalendars): BusinessCalendar {
  const { calendarId, businessHoursOnly } = policy.policy;
  return calendarId !== undefined && businessHoursOnly ? resolveCalendar(calendars, calendarId) : ALWAYS_OPEN;
}

const setCache = new WeakMap<readonly unknown[], SlaPolicySet>();

/** A compiled policy set from either a set or an array of definitions (compiled once per array). */
export function toPolicySet(policies: SlaPolicySet | readonly unknown[]): SlaPolicySet {
  if (!Array.isArray(policies)) return policies as SlaPolicySet;
  const cached = setCache.get(policies);
  if (cached !== undefined) return cached;
  const set = compileSlaPolicies(policies);
  setCache.set(policies, set);
  return set;
}

/** The first policy, in order, whose conditions the ticket meets. */
export function selectPolicy(set: SlaPolicySet, ticket: Ticket): CompiledSlaPolicy | undefined {
  for (const compiled of set.policies) if (compiled.always || compiled.matches(ticket)) return compiled;
  return undefined;
}

class Cycle {
  elapsed = 0;
  stop: 'achieved' | 'cancelled' | undefined;
  stoppedAt: number | undefined;
  breachedAt: number | undefined;
  warnReachedAt: number | undefined;
  dueAt: number | undefined;
  warnAt: number | undefined;
  policyId: string | undefined;
  targetMs: number | undefined;
  running = false;
  pausedBy: SlaPauseReason | undefined;
  targeted = false;

  constructor(
    readonly metric: SlaMetric,
    readonly cycle: number,
    readonly startedAt: number,
  ) {}

  end(kind: 'achieved' | 'cancelled', at: number): void {
    if (this.stop !== undefined) return;
    this.stop = kind;
    this.stoppedAt = at;
    this.running = false;
    this.pausedBy = undefined;
  }
}

const STOPPED_STATUSES = new Set(['solved', 'closed', 'merged']);

/**
 * Replays a ticket's history and returns every SLA clock at `now` (writes after `now` are
 * left out, so a past `now` answers "as of then"). Pure: the same ticket,
 * history, policies and calendars give the same report, so a changed policy or calendar
 * is applied by simply recomputing (nothing drifts, nothing is stored but the history).
 *
 * Semantics (Zendesk's):
 *
 * - **first_reply** starts at creation and is fulfilled by the first public agent comment
 *   written after the creating write (an agent creating a ticket with a public comment
 *   does not reply to themselves).
 * - **next_reply** starts at a public requester comment once an agent has replied (the
 *   oldest unanswered one: later requester comments do not restart it) and is fulfilled
 *   by the next public agent comment.
 * - **periodic_update** starts at each public agent comment (after creation) and is
 *   fulfilled by the next one, which starts the next cycle; solving cancels it.
 * - **resolution** starts at creation and is fulfilled when the ticket is solved; a reopen
 *   resumes it with the time already used (it does not restart at zero).
 * - Clocks count only while a policy with a target for the metric at the ticket's current
 *   priority applies, the status is not one of that policy's `pauseStatuses`, and the
 *   ticket is not solved. Paused time never counts, and because elapsed time is summed
 *   segment by segment, switching policy keeps what was counted (the due time moves).
 * - **Policy choice**: after every write the first matching policy (by position) is
 *   chosen again from the ticket as it was after that write, like Zendesk re-evaluating
 *   on each update; its target, calendar and pause statuses apply from that write on. A
 *   target lowered below the time already counted breaches at that write.
 * - A target is reached (breached) at the instant counted time equals it; a reply at
 *   exactly the due instant is late. Closing cancels reply metrics (and fulfils an
 *   unsolved resolution); merging cancels everything still open.
 *
 * @throws NotFoundError if a matching policy names a calendar `calendars` does not have.
 * @throws ValidationError if the policies are invalid or the history is not this ticket's.
 *
 * @example
 * ```ts
 * const report = computeSla(ticket, history, policies, { cal_office: officeCalendar }, clock.now());
 * report.metrics.first_reply?.status; // 'active'
 * report.metrics.first_reply?.dueAt; // epoch ms, in business time
 * ```
 */
export function computeSla(
  ticket: Ticket,
  history: readonly HistoryEntry[],
  policies: SlaPolicySet | readonly unknown[],
  calendars: SlaCalendars,
  now: number,
): SlaReport {
  const set = toPolicySet(policies);
  const points = buildTimeline(ticket, history);
  // As of `now`: writes after it have not happened yet (the creating write always counts).
  let last = points.length - 1;
  while (last > 0 && (points[last] as TimelinePoint).at > now) last--;
  const replay = new Replay(set, calendars);
  for (let i = 0; i <= last; i++) {
    const point = points[i] as TimelinePoint;
    const next = i < last ? (points[i + 1] as TimelinePoint) : undefined;
    replay.apply(point, i === 0 ? undefined : (points[i - 1] as TimelinePoint));
    replay.account(point, next === undefined ? Math.max(now, point.at) : Math.max(next.at, point.at));
  }
  const shown = points[last] as TimelinePoint;
  return replay.report(ticket, shown.version, now, recordedEvents(history, now));
}

const NOTHING_RECORDED: ReadonlySet<string> = new Set();

/** `metric@cycle:event` of every SLA event already stored in the history. */
function recordedEvents(history: readonly HistoryEntry[], now: number): ReadonlySet<string> {
  let out: Set<string> | undefined;
  for (const entry of history) {
    if (entry.kind !== 'sla' || entry.meta === undefined || Date.parse(entry.at) > now) continue;
    const { metric, event, cycle } = entry.meta as Partial<SlaEntryMeta>;
    if (typeof metric !== 'string' || typeof event !== 'string' || typeof cycle !== 'number') continue;
    out ??= new Set();
    out.add(`${metric}@${cycle}:${event}`);
  }
  return out ?? NOTHING_RECORDED;
}

class Replay {
  private readonly open = new Map<SlaMetric, Cycle>();
  private readonly all: Cycle[] = [];
  private agentReplied = false;
  private policy: CompiledSlaPolicy | undefined;
  /** The calendar the chosen policy counts on (resolved once per write, not per cycle). */
  private calendar: BusinessCalendar = ALWAYS_OPEN;

  constructor(
    private readonly set: SlaPolicySet,
    private readonly calendars: SlaCalendars,
  ) {}

  private start(metric: SlaMetric, point: TimelinePoint): void {
    const cycle = new Cycle(metric, point.version, point.at);
    this.open.set(metric, cycle);
    this.all.push(cycle);
  }

  private end(metric: SlaMetric, kind: 'achieved' | 'cancelled', at: number): void {
    const cycle = this.open.get(metric);
    if (cycle === undefined) return;
    cycle.end(kind, at);
    // Resolution stays reachable so that a reopen can resume it.
    if (metric !== 'resolution') this.open.delete(metric);
  }

  /** The events of one write, at its instant: cycles start, are fulfilled or cancelled. */
  apply(point: TimelinePoint, previous: TimelinePoint | undefined): void {
    const status = point.ticket.status;
    const at = point.at;
    if (previous === undefined) {
      this.start('first_reply', point);
      this.start('resolution', point);
    } else if (point.reply === 'agent') {
      this.agentReplied = true;
      this.end('first_reply', 'achieved', at);
      this.end('next_reply', 'achieved', at);
      this.end('periodic_update', 'achieved', at);
      if (!STOPPED_STATUSES.has(status)) this.start('periodic_update', point);
    } else if (point.reply === 'requester' && this.agentReplied && !this.open.has('next_reply')) {
      if (status !== 'closed' && status !== 'merged') this.start('next_reply', point);
    }
    const before = previous?.ticket.status;
    const resolution = this.open.get('resolution');
    if (status === 'solved' && before !== 'solved') {
      this.end('resolution', 'achieved', at);
      this.end('periodic_update', 'cancelled', at);
    } else if (before === 'solved' && !STOPPED_STATUSES.has(status) && resolution?.stop === 'achieved') {
      // Reopened: resolution resumes with the time it had used.
      resolution.stop = undefined;
      resolution.stoppedAt = undefined;
    }
    if (status === 'closed') {
      this.end('first_reply', 'cancelled', at);
      this.end('next_reply', 'cancelled', at);
      this.end('periodic_update', 'cancelled', at);
      this.end('resolution', 'achieved', at);
    } else if (status === 'merged') {
      for (const metric of SLA_METRICS) this.end(metric, 'cancelled', at);
    }
    const policy = selectPolicy(this.set, point.ticket);
    if (policy !== this.policy && policy !== undefined) this.calendar = countingCalendar(policy, this.calendars);
    this.policy = policy;
  }

  /** Counts `[point.at, to)` for every open cycle under the policy chosen at `point`. */
  account(point: TimelinePoint, to: number): void {
    const from = point.at;
    const ticket = point.ticket;
    const policy = this.policy;
    for (const cycle of this.open.values()) {
      if (cycle.stop !== undefined) continue;
      const target = policy?.targetMs(ticket.priority, cycle.metric);
      if (policy === undefined || target === undefined) {
        cycle.running = false;
        cycle.pausedBy = 'no_target';
        cycle.dueAt = undefined;
        cycle.warnAt = cycle.warnReachedAt;
        continue;
      }
      cycle.targeted = true;
      cycle.policyId = policy.policy.id;
      cycle.targetMs = target;
      const status = ticket.status;
      if (status === 'solved' || policy.pauses.has(status)) {
        cycle.running = false;
        cycle.pausedBy = status === 'solved' ? 'solved' : 'status';
        cycle.dueAt = undefined;
        cycle.warnAt = cycle.warnReachedAt;
        continue;
      }
      cycle.running = true;
      cycle.pausedBy = undefined;
      const calendar = this.calendar;
      const warnBefore = policy.policy.warnBeforeMs;
      if (warnBefore === undefined) cycle.warnAt = undefined;
      else if (cycle.warnReachedAt !== undefined) cycle.warnAt = cycle.warnReachedAt;
      else {
        const threshold = Math.max(0, target - warnBefore);
        const warnAt = cycle.elapsed >= threshold ? from : calendar.addBusinessTime(from, threshold - cycle.elapsed);
        cycle.warnAt = warnAt;
        if (warnAt !== undefined && warnAt <= to) cycle.warnReachedAt = warnAt;
      }
      if (cycle.breachedAt !== undefined && cycle.elapsed >= target) cycle.dueAt = cycle.breachedAt;
      else {
        const dueAt = cycle.elapsed >= target ? from : calendar.addBusinessTime(from, target - cycle.elapsed);
        cycle.dueAt = dueAt;
        if (dueAt !== undefined && dueAt <= to && cycle.breachedAt === undefined) cycle.breachedAt = dueAt;
      }
      if (to > from) cycle.elapsed += calendar.businessTimeBetween(from, to);
    }
  }

  report(ticket: Ticket, version: number, now: number, recorded: ReadonlySet<string>): SlaReport {
    const metrics: Partial<Record<SlaMetric, SlaMetricState>> = {};
    const cycles: SlaMetricState[] = [];
    for (const cycle of this.all) {
      if (!cycle.targeted) continue;
      const state = toState(cycle, recorded);
      cycles.push(state);
      metrics[cycle.metric] = state;
    }
    return {
      tenantId: ticket.tenantId,
      ticketId: ticket.id,
      computedAt: now,
      version,
      ...(this.policy ? { policyId: this.policy.policy.id } : {}),
      metrics,
      cycles,
    };
  }
}

function toState(cycle: Cycle, recorded: ReadonlySet<string>): SlaMetricState {
  const status: SlaMetricStatus =
    cycle.breachedAt !== undefined
      ? 'breached'
      : cycle.stop === 'achieved'
        ? 'achieved'
        : cycle.stop === 'cancelled'
          ? 'cancelled'
          : cycle.running
            ? 'active'
            : 'paused';
  const key = recorded.size === 0 ? '' : `${cycle.metric}@${cycle.cycle}:`;
  const state: SlaMetricState = {
    metric: cycle.metric,
    cycle: cycle.cycle,
    status,
    running: cycle.running,
    startedAt: cycle.startedAt,
    elapsedMs: cycle.elapsed,
    recorded:
      recorded.size === 0
        ? { warning: false, breach: false }
        : { warning: recorded.has(`${key}warning`), breach: recorded.has(`${key}breach`) },
  };
  if (cycle.pausedBy !== undefined && cycle.stop === undefined && !cycle.running) state.pausedBy = cycle.pausedBy;
  if (cycle.policyId !== undefined) state.policyId = cycle.policyId;
  if (cycle.targetMs !== undefined) state.targetMs = cycle.targetMs;
  if (cycle.dueAt !== undefined) state.dueAt = cycle.dueAt;
  if (cycle.warnAt !== undefined) state.warnAt = cycle.warnAt;
  if (cycle.breachedAt !== undefined) state.breachedAt = cycle.breachedAt;
  if (cycle.stop === 'achieved' && cycle.stoppedAt !== undefined) state.achievedAt = cycle.stoppedAt;
  if (cycle.stop === 'cancelled' && cycle.stoppedAt !== undefined) state.cancelledAt = cycle.stoppedAt;
  return state;
}
