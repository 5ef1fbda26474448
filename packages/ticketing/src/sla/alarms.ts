import type { BusinessCalendar } from '@hotline/core';
import type { SlaMetric } from '../model/events.js';
import { resolveCalendar, type SlaCalendars, type SlaReport } from './compute.js';
import type { SlaPolicySet } from './policy.js';

/** A warning or breach the monitor has yet to fire for one cycle of one metric. */
export interface SlaAlarm {
  metric: SlaMetric;
  cycle: number;
  event: 'warning' | 'breach';
  policyId: string;
  /** When the threshold is (or was) reached, epoch ms: the due time of a breach. */
  reachedAt: number;
  /**
   * When to fire, epoch ms: `reachedAt`, or now for one already overdue; under
   * `quietOutsideHours`, the first instant from then on at which the calendar is open
   * (or has just closed: a target used up at 17:00 sharp fires at 17:00).
   */
  fireAt: number;
}

/**
 * The first instant at or after `at` that is inside open hours or exactly at the end of a
 * window, or `undefined` if the calendar never opens again.
 */
function quietSafe(calendar: BusinessCalendar, at: number): number | undefined {
  if (calendar.isOpen(at) || calendar.isOpen(at - 1)) return at;
  return calendar.nextOpen(at);
}

/**
 * The warnings and breaches of a report that are not yet stored in the history, for
 * cycles still in progress (a metric fulfilled or cancelled never fires: no escalation
 * after the agent replied). A breached cycle does not warn any more. Sorted by `fireAt`.
 *
 * @example
 * ```ts
 * const due = pendingAlarms(report, policies, calendars, now).filter((alarm) => alarm.fireAt <= now);
 * ```
 */
export function pendingAlarms(
  report: SlaReport,
  policies: SlaPolicySet,
  calendars: SlaCalendars,
  now: number,
): SlaAlarm[] {
  const out: SlaAlarm[] = [];
  for (const metric in report.metrics) {
    const state = report.metrics[metric as SlaMetric];
    if (state === undefined || state.achievedAt !== undefined || state.cancelledAt !== undefined) continue;
    if (state.policyId === undefined) continue;
    const policy = policies.byId(state.policyId)?.policy;
    if (policy === undefined) continue;
    const breachAt = state.recorded.breach
      ? undefined
      : (state.breachedAt ?? (state.running ? state.dueAt : undefined));
    const warnAt =
      policy.warnBeforeMs !== undefined && !state.recorded.warning && state.breachedAt === undefined
        ? state.warnAt
        : undefined;
    if (breachAt === undefined && warnAt === undefined) continue;
    const quiet =
      policy.quietOutsideHours && policy.calendarId !== undefined
        ? resolveCalendar(calendars, policy.calendarId)
        : undefined;
    for (const [event, reachedAt] of [
      ['warning', warnAt],
      ['breach', breachAt],
    ] as const) {
      if (reachedAt === undefined) continue;
      const from = Math.max(reachedAt, now);
      const fireAt = quiet === undefined ? from : quietSafe(quiet, from);
      if (fireAt !== undefined)
        out.push({ metric: state.metric, cycle: state.cycle, event, policyId: policy.id, reachedAt, fireAt });
    }
  }
  if (out.length > 1) out.sort(byFireTime);
  return out;
}

function byFireTime(a: SlaAlarm, b: SlaAlarm): number {
  return a.fireAt - b.fireAt || (a.event === b.event ? 0 : a.event === 'warning' ? -1 : 1);
}
