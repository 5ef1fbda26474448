/**
 * Which opening windows apply on a given local date: the date's exception if it has one,
 * otherwise nothing on a holiday, otherwise the weekday's windows. Everything here is in
 * local dates and minutes; turning them into instants is `day-intervals.ts`'s job.
 *
 * @internal
 */
import type { BusinessCalendarDefinition, Holiday } from './calendar-schema.js';
import { normalizeWindow, WEEKDAYS } from './calendar-schema.js';
import {
  civilFromDays,
  daysFromCivil,
  MINUTES_PER_DAY,
  parseIsoDate,
  parseMonthDay,
  weekdayIndex,
} from './civil-date.js';

/**
 * Opening windows of a date as flat minute pairs `[start0, end0, start1, end1, …]`,
 * minutes after that date's local midnight, sorted by start; an end above 1440 is an
 * overnight window running into the next date.
 *
 * @example
 * ```ts
 * const windows: DayWindows = [540, 720, 780, 1020]; // 09:00–12:00 and 13:00–17:00
 * ```
 */
export type DayWindows = readonly number[];

/**
 * The compiled rules of a calendar definition.
 *
 * @example
 * ```ts
 * const rules: DayRules = compileDayRules(definition);
 * if (!rules.neverOpen) rules.windowsOn(dayNumber);
 * ```
 */
export interface DayRules {
  /** The windows that start on local date `dayNumber`. */
  windowsOn(dayNumber: number): DayWindows;
  /** True when no date can ever have a window: the calendar never opens. */
  readonly neverOpen: boolean;
  /** True when every instant is open: whole-day weekly hours, no holidays, no exceptions. */
  readonly alwaysOpen: boolean;
}

const CLOSED: DayWindows = Object.freeze([]);

function flatten(windows: ReadonlyArray<readonly [string, string]>): DayWindows {
  const pairs = windows.map(normalizeWindow).sort((a, b) => a[0] - b[0]);
  return Object.freeze(pairs.flat());
}

/**
 * Compiles the holidays into a membership test on day numbers: dated holidays as merged,
 * sorted day ranges (binary search), yearly ones as a month-day bitmap.
 *
 * @example
 * ```ts
 * const isHoliday = compileHolidays([{ date: '12-25', yearly: true }]);
 * isHoliday(daysFromCivil(2030, 12, 25)); // true
 * ```
 */
export function compileHolidays(holidays: readonly Holiday[]): (dayNumber: number) => boolean {
  const ranges: Array<[number, number]> = [];
  // Index month * 32 + day; one flag per day of a leap year.
  const yearly = new Uint8Array(13 * 32);
  let hasYearly = false;
  for (const holiday of holidays) {
    if (holiday.yearly === true) {
      hasYearly = true;
      const [fromText, toText] = 'date' in holiday ? [holiday.date, holiday.date] : [holiday.from, holiday.to];
      const from = parseMonthDay(fromText);
      const to = parseMonthDay(toText);
      if (from === undefined || to === undefined) continue;
      // Walk a leap year (2000) from `from` to `to`, wrapping over New Year if needed.
      let day = daysFromCivil(2000, from[0], from[1]);
      const last = daysFromCivil(to[0] * 32 + to[1] < from[0] * 32 + from[1] ? 2001 : 2000, to[0], to[1]);
      for (; day <= last; day++) {
        const date = civilFromDays(day);
        yearly[date.month * 32 + date.day] = 1;
      }
    } else {
      const from = parseIsoDate('date' in holiday ? holiday.date : holiday.from);
      const to = parseIsoDate('date' in holiday ? holiday.date : holiday.to);
      if (from !== undefined && to !== undefined) ranges.push([from, to]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range[0] <= last[1] + 1) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return (dayNumber) => {
    if (hasYearly) {
      const date = civilFromDays(dayNumber);
      if (yearly[date.month * 32 + date.day] === 1) return true;
    }
    let lo = 0;
    let hi = merged.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const range = merged[mid] as [number, number];
      if (dayNumber < range[0]) hi = mid - 1;
      else if (dayNumber > range[1]) lo = mid + 1;
      else return true;
    }
    return false;
  };
}

/** Whether the weekly windows, with overnight spills, cover every minute of the week. */
function coversWholeWeek(weekly: readonly DayWindows[]): boolean {
  const covered: Array<[number, number]> = [];
  weekly.forEach((windows, day) => {
    for (let i = 0; i < windows.length; i += 2) {
      const start = day * MINUTES_PER_DAY + (windows[i] as number);
      const end = day * MINUTES_PER_DAY + (windows[i + 1] as number);
      covered.push([start, end]);
      // Sunday's overnight spill lands on Monday morning.
      if (end > 7 * MINUTES_PER_DAY) covered.push([0, end - 7 * MINUTES_PER_DAY]);
    }
  });
  covered.sort((a, b) => a[0] - b[0]);
  let reached = 0;
  for (const [start, end] of covered) {
    if (start > reached) return false;
    reached = Math.max(reached, end);
  }
  return reached >= 7 * MINUTES_PER_DAY;
}

/**
 * Compiles a parsed definition into {@link DayRules}.
 *
 * @example
 * ```ts
 * const rules = compileDayRules(businessCalendarDefinitionSchema.parse(definition));
 * rules.windowsOn(parseIsoDate('2026-12-31')!); // [540, 780] from the exception 09:00–13:00
 * ```
 */
export function compileDayRules(definition: BusinessCalendarDefinition): DayRules {
  const weekly = WEEKDAYS.map((day) => flatten(definition.weekly[day]));
  const exceptions = new Map<number, DayWindows>();
  for (const exception of definition.exceptions) {
    const day = parseIsoDate(exception.date);
    if (day !== undefined) exceptions.set(day, flatten(exception.windows));
  }
  const isHoliday = compileHolidays(definition.holidays);
  const hasRules = definition.holidays.length > 0 || exceptions.size > 0;
  return {
    windowsOn(dayNumber) {
      const exception = exceptions.get(dayNumber);
      if (exception !== undefined) return exception;
      if (isHoliday(dayNumber)) return CLOSED;
      return weekly[weekdayIndex(dayNumber)] as DayWindows;
    },
    neverOpen: weekly.every((windows) => windows.length === 0) && [...exceptions.values()].every((w) => w.length === 0),
    alwaysOpen: !hasRules && coversWholeWeek(weekly),
  };
}
