import { ValidationError } from '../errors/hotline-error.js';
import { frozenCopy } from '../util/freeze.js';
import { parseInput } from '../validation/parse.js';
import {
  type BusinessCalendarDefinition,
  type BusinessCalendarDefinitionInput,
  businessCalendarDefinitionSchema,
} from './calendar-schema.js';
import { DaySlots } from './day-intervals.js';
import { compileDayRules, type DayRules } from './day-rules.js';
import { zoneRulesFor } from './zoned-time.js';

/**
 * An open interval `[start, end)` in epoch ms.
 *
 * @example
 * ```ts
 * const [[opensAt, closesAt]] = calendar.openIntervals(dayStart, dayEnd);
 * ```
 */
export type OpenInterval = [start: number, end: number];

/**
 * Tuning of {@link createBusinessCalendar}.
 *
 * @example
 * ```ts
 * createBusinessCalendar(definition, { searchDays: 3 * 366, cacheDays: 2 * 366 });
 * ```
 */
export interface BusinessCalendarOptions {
  /**
   * How many days `nextOpen` / `nextClose` look ahead, and how many closed days in a row
   * `addBusinessTime` crosses before giving up. @default 731 (two years)
   */
  searchDays?: number;
  /** Local days whose open intervals are kept in memory (rounded up to a power of two). @default 4096 */
  cacheDays?: number;
}

/**
 * When a queue is open and how SLA clocks run: opening hours in a time zone, holidays and
 * exceptions, answered in epoch milliseconds. Create one with
 * {@link createBusinessCalendar}; it is immutable and safe to share.
 *
 * Semantics (the same everywhere):
 *
 * - **Wall clock.** An instant is open when the local wall clock at that instant reads a
 *   time inside an opening window. On a spring-forward day the skipped hour is never read,
 *   so a window across it is one hour shorter; on a fall-back day the repeated hour is read
 *   twice, so a window across it is one hour longer (`00:00–24:00` is 25 h). A 09:00–17:00
 *   day is 8 h on both. A window that ends inside the repeated hour (say `01:00–02:30` in
 *   Berlin on the last Sunday of October) is open on both passes through it.
 * - **Days own their windows.** An overnight window belongs to the date it starts on: a
 *   holiday or exception on that date removes or replaces the whole shift, including the
 *   hours after midnight; a holiday on the next date does not touch them.
 * - **Dates are local.** Holidays and exceptions are dates in the calendar's zone, so
 *   25 December closes from local midnight to local midnight, wherever the server runs.
 * - **Half-open intervals.** Open time is `[start, end)`: at 17:00 of a 09:00–17:00 day the
 *   calendar is closed.
 *
 * @example
 * ```ts
 * const calendar = createBusinessCalendar({
 *   timeZone: 'Europe/Berlin',
 *   weekly: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']] },
 *   holidays: [{ date: '12-25', yearly: true }],
 * });
 * const due = calendar.addBusinessTime(Date.now(), 4 * 3_600_000); // 4 business hours from now
 * ```
 */
export interface BusinessCalendar {
  /** The parsed definition (defaults applied). */
  readonly definition: BusinessCalendarDefinition;
  /**
   * Whether the calendar is open at `at`.
   *
   * @example
   * ```ts
   * calendar.isOpen(Date.parse('2026-03-02T09:00:00+01:00')); // true on a Monday 09:00 Berlin
   * ```
   */
  isOpen(at: number): boolean;
  /**
   * The first instant at or after `at` at which the calendar is open (`at` itself when open
   * now), or `undefined` if it does not open within `searchDays`.
   *
   * @example
   * ```ts
   * calendar.nextOpen(fridayEvening); // Monday 09:00 local, as epoch ms
   * ```
   */
  nextOpen(at: number): number | undefined;
  /**
   * The first instant at or after `at` at which the calendar is closed (`at` itself when
   * closed now), or `undefined` if it stays open for `searchDays` (a 24/7 calendar).
   * Windows that touch (`…–24:00` then `00:00–…`) count as one stretch.
   *
   * @example
   * ```ts
   * calendar.nextClose(mondayNoon); // Monday 17:00 local
   * ```
   */
  nextClose(at: number): number | undefined;
  /**
   * The instant at which `durationMs` of open time has elapsed after `at` — the due time of
   * an SLA target. If `at` is outside hours the clock starts at the next open. Reaching
   * exactly the end of a window gives that end (an 8 h target started at 09:00 is due at
   * 17:00, not the next morning). `undefined` when the calendar stays closed for
   * `searchDays` in a row before the time is used up. The hot path: no `Intl` call once the
   * days it crosses are cached.
   *
   * @throws ValidationError if `at` is not a supported instant or `durationMs` is negative or not finite.
   *
   * @example
   * ```ts
   * const firstReplyDue = calendar.addBusinessTime(ticket.createdAt, 2 * 3_600_000);
   * ```
   */
  addBusinessTime(at: number, durationMs: number): number | undefined;
  /**
   * Milliseconds of open time in `[from, to)`; 0 when `to <= from`. The inverse of
   * {@link BusinessCalendar.addBusinessTime}: `businessTimeBetween(at, addBusinessTime(at, d)) === d`.
   *
   * @example
   * ```ts
   * const used = calendar.businessTimeBetween(ticket.createdAt, now);
   * ```
   */
  businessTimeBetween(from: number, to: number): number;
  /**
   * The open intervals intersecting `[from, to)`, clipped to it, sorted, disjoint and not
   * touching (a window to 24:00 followed by one from 00:00 comes back as one interval).
   *
   * @example
   * ```ts
   * calendar.openIntervals(weekStart, weekStart + 7 * 86_400_000); // [[mon 09:00, mon 17:00], …]
   * ```
   */
  openIntervals(from: number, to: number): OpenInterval[];
}

/**
 * Earliest instant accepted: 1900-01-01T00:00Z.
 *
 * @example
 * ```ts
 * calendar.isOpen(MIN_CALENDAR_INSTANT - 1); // throws ValidationError
 * ```
 */
export const MIN_CALENDAR_INSTANT = Date.UTC(1900, 0, 1);
/**
 * Latest instant accepted: 2300-01-01T00:00Z.
 *
 * @example
 * ```ts
 * calendar.isOpen(MAX_CALENDAR_INSTANT + 1); // throws ValidationError
 * ```
 */
export const MAX_CALENDAR_INSTANT = Date.UTC(2300, 0, 1);

function checkInstant(value: number, name: string): void {
  // Written so NaN fails too.
  if (!(value >= MIN_CALENDAR_INSTANT && value <= MAX_CALENDAR_INSTANT))
    throw new ValidationError(`${name} must be epoch ms between 1900 and 2300`, [
      { path: name, message: 'epoch ms between 1900-01-01 and 2300-01-01' },
    ]);
}

function checkDuration(value: number): void {
  if (!(value >= 0 && value < Number.POSITIVE_INFINITY))
    throw new ValidationError('durationMs must be a finite number >= 0', [
      { path: 'durationMs', message: 'a finite number of ms >= 0' },
    ]);
}

class Calendar implements BusinessCalendar {
  private readonly slots: DaySlots;
  private readonly rules: DayRules;

  constructor(
    readonly definition: BusinessCalendarDefinition,
    private readonly searchDays: number,
    cacheDays: number,
  ) {
    this.rules = compileDayRules(definition);
    this.slots = new DaySlots(zoneRulesFor(definition.timeZone), this.rules, cacheDays);
  }

  isOpen(at: number): boolean {
    checkInstant(at, 'at');
    if (this.rules.alwaysOpen) return true;
    if (this.rules.neverOpen) return false;
    const intervals = this.slots.get(this.slots.dayOf(at)).intervals;
    for (let i = 0; i < intervals.length; i += 2) {
      if (at < (intervals[i] as number)) return false;
      if (at < (intervals[i + 1] as number)) return true;
    }
    return false;
  }

  nextOpen(at: number): number | undefined {
    checkInstant(at, 'at');
    if (this.rules.alwaysOpen) return at;
    if (this.rules.neverOpen) return undefined;
    let day = this.slots.dayOf(at);
    for (let n = 0; n <= this.searchDays; n++, day++) {
      const intervals = this.slots.get(day).intervals;
      for (let i = 0; i < intervals.length; i += 2) {
        if (at < (intervals[i + 1] as number)) return Math.max(at, intervals[i] as number);
      }
    }
    return undefined;
  }

  nextClose(at: number): number | undefined {
    checkInstant(at, 'at');
    if (this.rules.alwaysOpen) return undefined;
    if (this.rules.neverOpen) return at;
    let day = this.slots.dayOf(at);
    // `openUntil` is the end of the stretch being followed; a stretch continues into the
    // next slot only if that slot's first interval starts exactly where it ended.
    let openUntil = at;
    for (let n = 0; n <= this.searchDays; n++, day++) {
      const intervals = this.slots.get(day).intervals;
      for (let i = 0; i < intervals.length; i += 2) {
        const start = intervals[i] as number;
        const end = intervals[i + 1] as number;
        if (end <= openUntil) continue;
        if (start > openUntil) return openUntil;
        openUntil = end;
      }
      if (openUntil < this.slots.get(day).end) return openUntil;
    }
    return undefined;
  }

  addBusinessTime(at: number, durationMs: number): number | undefined {
    checkInstant(at, 'at');
    checkDuration(durationMs);
    if (this.rules.alwaysOpen) return at + durationMs;
    if (this.rules.neverOpen) return undefined;
    const slots = this.slots;
    let day = slots.dayOf(at);
    let remaining = durationMs;
    let closedDays = 0;
    for (;;) {
      const slot = slots.get(day);
      const intervals = slot.intervals;
      let sawOpen = false;
      for (let i = 0; i < intervals.length; i += 2) {
        const end = intervals[i + 1] as number;
        if (end <= at) continue;
        const start = intervals[i] as number;
        const from = Math.max(start, at);
        const available = end - from;
        // `<=`: a target that uses up a window exactly is due at the window's end.
        if (remaining <= available) return from + remaining;
        remaining -= available;
        sawOpen = true;
      }
      if (sawOpen) closedDays = 0;
      else if (++closedDays > this.searchDays) return undefined;
      day++;
    }
  }

  businessTimeBetween(from: number, to: number): number {
    checkInstant(from, 'from');
    checkInstant(to, 'to');
    if (to <= from) return 0;
    if (this.rules.alwaysOpen) return to - from;
    if (this.rules.neverOpen) return 0;
    const slots = this.slots;
    let total = 0;
    for (let day = slots.dayOf(from); ; day++) {
      const slot = slots.get(day);
      if (slot.start >= to) return total;
      const intervals = slot.intervals;
      for (let i = 0; i < intervals.length; i += 2) {
        const start = Math.max(intervals[i] as number, from);
        const end = Math.min(intervals[i + 1] as number, to);
        if (start < end) total += end - start;
      }
    }
  }

  openIntervals(from: number, to: number): OpenInterval[] {
    checkInstant(from, 'from');
    checkInstant(to, 'to');
    const out: OpenInterval[] = [];
    if (to <= from || this.rules.neverOpen) return out;
    if (this.rules.alwaysOpen) return [[from, to]];
    const slots = this.slots;
    for (let day = slots.dayOf(from); ; day++) {
      const slot = slots.get(day);
      if (slot.start >= to) return out;
      const intervals = slot.intervals;
      for (let i = 0; i < intervals.length; i += 2) {
        const start = Math.max(intervals[i] as number, from);
        const end = Math.min(intervals[i + 1] as number, to);
        if (start >= end) continue;
        const last = out[out.length - 1];
        // Slots cut the time line at local midnight; join what the cut separated.
        if (last !== undefined && last[1] === start) last[1] = end;
        else out.push([start, end]);
      }
    }
  }
}

/**
 * Parses a calendar definition and returns its {@link BusinessCalendar}. Validation
 * errors throw a {@link ValidationError} listing every problem (bad times, overlapping
 * windows, unknown zone, malformed holidays…).
 *
 * Cost: the first question about a local day reads that day's offsets (a handful of
 * `Intl` calls, shared by all calendars in the zone) and computes its open intervals;
 * later questions about it only walk cached arrays.
 *
 * @throws ValidationError if the definition or options are invalid.
 *
 * @example
 * ```ts
 * const calendar = createBusinessCalendar({
 *   timeZone: 'America/New_York',
 *   weekly: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']],
 *             thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] },
 *   holidays: [{ date: '07-04', yearly: true }, { from: '2026-12-24', to: '2026-12-26' }],
 * });
 * calendar.isOpen(Date.parse('2026-07-03T14:00:00-04:00')); // true (Friday)
 * calendar.isOpen(Date.parse('2026-07-04T14:00:00-04:00')); // false (Saturday, and a holiday)
 * ```
 */
export function createBusinessCalendar(
  definition: BusinessCalendarDefinitionInput,
  options: BusinessCalendarOptions = {},
): BusinessCalendar {
  const parsed = parseInput(businessCalendarDefinitionSchema, definition, 'business calendar');
  const searchDays = options.searchDays ?? 731;
  const cacheDays = options.cacheDays ?? 4096;
  if (!Number.isInteger(searchDays) || searchDays < 1 || searchDays > 36_600)
    throw new ValidationError('searchDays must be an integer from 1 to 36600', [
      { path: 'searchDays', message: 'an integer from 1 to 36600' },
    ]);
  if (!Number.isInteger(cacheDays) || cacheDays < 8 || cacheDays > 1_000_000)
    throw new ValidationError('cacheDays must be an integer from 8 to 1000000', [
      { path: 'cacheDays', message: 'an integer from 8 to 1000000' },
    ]);
  return Object.freeze(new Calendar(frozenCopy(parsed), searchDays, cacheDays));
}
