import { z } from 'zod';
import { timeZoneSchema } from '../schemas/common.js';
import { frozenCopy } from '../util/freeze.js';
import { MINUTES_PER_DAY, parseIsoDate, parseMonthDay } from './civil-date.js';

/**
 * Most opening windows on one day (weekly or exception).
 *
 * @example
 * ```ts
 * dayHoursSchema.safeParse(new Array(MAX_WINDOWS_PER_DAY + 1).fill(['09:00', '10:00'])).success; // false
 * ```
 */
export const MAX_WINDOWS_PER_DAY = 48;
/**
 * Most holiday entries in one calendar.
 *
 * @example
 * ```ts
 * holidays.length <= MAX_HOLIDAYS; // what businessCalendarDefinitionSchema checks
 * ```
 */
export const MAX_HOLIDAYS = 5000;
/**
 * Most exception dates in one calendar.
 *
 * @example
 * ```ts
 * exceptions.length <= MAX_EXCEPTIONS; // what businessCalendarDefinitionSchema checks
 * ```
 */
export const MAX_EXCEPTIONS = 5000;

const TIME_OF_DAY = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/**
 * A wall-clock time `HH:MM` from `00:00` to `24:00` (`24:00` only ends a window).
 *
 * @example
 * ```ts
 * timeOfDaySchema.parse('09:30'); // '09:30'
 * ```
 */
export const timeOfDaySchema = z.string().regex(TIME_OF_DAY, 'a time HH:MM between 00:00 and 24:00');

/**
 * Minutes after midnight of a validated `HH:MM` (`24:00` → 1440).
 *
 * @example
 * ```ts
 * minutesOfDay('09:30'); // 570
 * ```
 */
export function minutesOfDay(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/**
 * A window as minutes after the start day's midnight, `[start, end)` with
 * `start < end < start + 1440`. An overnight window (`['22:00', '06:00']`) ends after 1440.
 *
 * @example
 * ```ts
 * normalizeWindow(['09:00', '17:30']); // [540, 1050]
 * normalizeWindow(['22:00', '06:00']); // [1320, 1800]
 * ```
 */
export function normalizeWindow(window: readonly [string, string]): [start: number, end: number] {
  const start = minutesOfDay(window[0]);
  const end = minutesOfDay(window[1]);
  return [start, end > start ? end : end + MINUTES_PER_DAY];
}

function formatWindow(window: readonly [number, number]): string {
  const at = (minutes: number) => {
    const m = minutes % MINUTES_PER_DAY === 0 && minutes > 0 ? MINUTES_PER_DAY : minutes % MINUTES_PER_DAY;
    return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  };
  return `${at(window[0])}–${at(window[1])}`;
}

/**
 * One opening window `[start, end]` in local wall-clock time. `end` is exclusive, may be
 * `24:00`, and when it is earlier than `start` the window runs overnight into the next day
 * (`['22:00', '06:00']`). Equal start and end are rejected: write `['00:00', '24:00']` for
 * a whole day.
 *
 * @example
 * ```ts
 * openingWindowSchema.parse(['22:00', '06:00']); // an overnight shift
 * ```
 */
export const openingWindowSchema = z
  .tuple([timeOfDaySchema, timeOfDaySchema])
  .refine((window) => window[0] !== '24:00', '24:00 can only end a window')
  .refine((window) => window[0] !== window[1], "a window's start and end differ; a whole day is ['00:00', '24:00']");
/**
 * One opening window `[start, end]`, e.g. `['09:00', '17:30']`.
 *
 * @example
 * ```ts
 * const lateShift: OpeningWindow = ['14:00', '22:00'];
 * ```
 */
export type OpeningWindow = z.infer<typeof openingWindowSchema>;

/** Reports the first pair of overlapping windows (touching windows are fine). */
function addOverlapIssue(ctx: z.RefinementCtx, windows: Array<[number, number, number]>, path: PropertyKey[]): void {
  windows.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < windows.length; i++) {
    const previous = windows[i - 1] as [number, number, number];
    const current = windows[i] as [number, number, number];
    if (current[0] < previous[1]) {
      ctx.addIssue({
        code: 'custom',
        message: `windows ${formatWindow([previous[0], previous[1]])} and ${formatWindow([current[0], current[1]])} overlap`,
        path: [...path, current[2]],
      });
      return;
    }
  }
}

/**
 * The opening windows of one day, in any order, not overlapping (an empty list: closed).
 *
 * @example
 * ```ts
 * dayHoursSchema.parse([['09:00', '12:00'], ['13:00', '17:00']]);
 * ```
 */
export const dayHoursSchema = z
  .array(openingWindowSchema)
  .max(MAX_WINDOWS_PER_DAY)
  .superRefine((windows, ctx) => {
    addOverlapIssue(
      ctx,
      windows.map((window, index) => [...normalizeWindow(window), index]),
      [],
    );
  });

/**
 * The weekday keys of {@link weeklyHoursSchema}, Monday first (ISO 8601 order).
 *
 * @example
 * ```ts
 * for (const day of WEEKDAYS) console.log(day, definition.weekly[day]);
 * ```
 */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/**
 * A weekday key, `mon` … `sun`.
 *
 * @example
 * ```ts
 * const payday: Weekday = 'fri';
 * ```
 */
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * Opening windows per weekday; a missing day is closed. Windows of one day must not
 * overlap, and neither may an overnight window overlap the next day's windows (Sunday's
 * overnight runs into Monday).
 *
 * @example
 * ```ts
 * weeklyHoursSchema.parse({ mon: [['09:00', '17:00']], fri: [['09:00', '15:00']] });
 * ```
 */
export const weeklyHoursSchema = z
  .strictObject({
    mon: dayHoursSchema.default([]),
    tue: dayHoursSchema.default([]),
    wed: dayHoursSchema.default([]),
    thu: dayHoursSchema.default([]),
    fri: dayHoursSchema.default([]),
    sat: dayHoursSchema.default([]),
    sun: dayHoursSchema.default([]),
  })
  .superRefine((weekly, ctx) => {
    // Compare each overnight spill with the next day's windows, Sunday's with Monday's
    // (overlaps within one day were already reported by dayHoursSchema).
    WEEKDAYS.forEach((day, dayIndex) => {
      const nextIndex = (dayIndex + 1) % 7;
      const nextDay = WEEKDAYS[nextIndex] as Weekday;
      const spills = weekly[day]
        .map(normalizeWindow)
        .filter(([, end]) => end > MINUTES_PER_DAY)
        .map(([start, end]): [number, number, number] => [start - MINUTES_PER_DAY, end - MINUTES_PER_DAY, -1]);
      if (spills.length === 0) return;
      const next = weekly[nextDay].map((window, index): [number, number, number] => [
        ...normalizeWindow(window),
        index,
      ]);
      for (const spill of spills) {
        const clash = next.find(([start, end]) => start < spill[1] && spill[0] < end);
        if (clash !== undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `${day}'s overnight window ${formatWindow([spill[0] + MINUTES_PER_DAY, spill[1] + MINUTES_PER_DAY])} overlaps ${nextDay}'s ${formatWindow([clash[0], clash[1]])}`,
            path: [nextDay, clash[2]],
          });
          return;
        }
      }
    });
  });
/**
 * Opening windows per weekday (after parsing every day is present).
 *
 * @example
 * ```ts
 * const officeHours: WeeklyHours = weeklyHoursSchema.parse({ mon: [['09:00', '17:00']] });
 * ```
 */
export type WeeklyHours = z.infer<typeof weeklyHoursSchema>;

/**
 * A calendar date `YYYY-MM-DD` that exists (no 30 February).
 *
 * @example
 * ```ts
 * isoDateSchema.parse('2026-12-25');
 * ```
 */
export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD (or MM-DD with yearly: true)')
  .refine((text) => parseIsoDate(text) !== undefined, 'not a calendar date');

/**
 * A month and day `MM-DD` for yearly holidays; `02-29` is allowed and applies in leap
 * years only.
 *
 * @example
 * ```ts
 * monthDaySchema.parse('12-25');
 * ```
 */
export const monthDaySchema = z
  .string()
  .regex(/^\d{2}-\d{2}$/, 'a yearly date as MM-DD')
  .refine((text) => parseMonthDay(text) !== undefined, 'not a day of the year');

const holidayName = z.string().max(200).optional();

/**
 * A day or days on which the calendar is closed, as dates in the calendar's own time
 * zone. Four shapes:
 *
 * - `{ date: '2026-12-25' }` — one date;
 * - `{ from: '2026-12-24', to: '2026-12-26' }` — a range, both ends included;
 * - `{ date: '01-01', yearly: true }` — every year (`02-29`: leap years only);
 * - `{ from: '12-24', to: '12-26', yearly: true }` — every year; may wrap over New Year
 *   (`{ from: '12-31', to: '01-01', yearly: true }`).
 *
 * Each may carry a `name`. A holiday closes every window that *starts* on it, including
 * the part of an overnight window after midnight; see {@link createBusinessCalendar}.
 *
 * @example
 * ```ts
 * holidaySchema.parse({ date: '2026-05-01', name: 'Labour day' });
 * ```
 */
export const holidaySchema = z.union(
  [
    z.strictObject({ date: isoDateSchema, yearly: z.literal(false).optional(), name: holidayName }),
    z
      .strictObject({ from: isoDateSchema, to: isoDateSchema, yearly: z.literal(false).optional(), name: holidayName })
      .refine((range) => range.from <= range.to, { message: "a range's from is not after its to", path: ['to'] }),
    z.strictObject({ date: monthDaySchema, yearly: z.literal(true), name: holidayName }),
    z.strictObject({ from: monthDaySchema, to: monthDaySchema, yearly: z.literal(true), name: holidayName }),
  ],
  {
    error:
      "a holiday is { date: 'YYYY-MM-DD' }, { from, to } dates, { date: 'MM-DD', yearly: true } or { from: 'MM-DD', to: 'MM-DD', yearly: true }",
  },
);
/**
 * A holiday entry (one of the four shapes of {@link holidaySchema}).
 *
 * @example
 * ```ts
 * const holidays: Holiday[] = [{ date: '2026-12-25' }, { date: '01-01', yearly: true, name: "New Year's Day" }];
 * ```
 */
export type Holiday = z.infer<typeof holidaySchema>;

/**
 * Special opening hours for one date, replacing that date's weekly windows (an empty
 * list closes the day). An exception wins over a holiday on the same date, so
 * "closed on 24 December every year, but open 09:00–12:00 this year" is a yearly holiday
 * plus one exception.
 *
 * @example
 * ```ts
 * calendarExceptionSchema.parse({ date: '2026-12-31', windows: [['09:00', '13:00']] });
 * ```
 */
export const calendarExceptionSchema = z.strictObject({
  date: isoDateSchema,
  windows: dayHoursSchema,
  name: holidayName,
});
/**
 * Special opening hours for one date.
 *
 * @example
 * ```ts
 * const shortDay: CalendarException = { date: '2026-12-31', windows: [['09:00', '13:00']] };
 * ```
 */
export type CalendarException = z.infer<typeof calendarExceptionSchema>;

/**
 * A business calendar: when a queue is open or an SLA clock runs. Windows are wall-clock
 * times in `timeZone`; holidays and exceptions are dates in `timeZone`. Unknown keys are
 * rejected so that a typo (`holiday:` for `holidays:`) cannot silently drop closures.
 *
 * @example
 * ```ts
 * const definition = businessCalendarDefinitionSchema.parse({
 *   timeZone: 'Europe/Berlin',
 *   weekly: { mon: [['09:00', '17:30']], tue: [['09:00', '17:30']], sat: [] },
 *   holidays: [{ date: '12-25', yearly: true }, { from: '2026-12-24', to: '2026-12-26' }],
 *   exceptions: [{ date: '2026-12-31', windows: [['09:00', '13:00']] }],
 * });
 * ```
 */
export const businessCalendarDefinitionSchema = z
  .strictObject({
    /** IANA zone the windows and dates are read in. */
    timeZone: timeZoneSchema,
    weekly: weeklyHoursSchema,
    /** @default [] */
    holidays: z.array(holidaySchema).max(MAX_HOLIDAYS).default([]),
    /** @default [] */
    exceptions: z.array(calendarExceptionSchema).max(MAX_EXCEPTIONS).default([]),
  })
  .superRefine((definition, ctx) => {
    const seen = new Set<string>();
    definition.exceptions.forEach((exception, index) => {
      if (seen.has(exception.date))
        ctx.addIssue({
          code: 'custom',
          message: `a second exception for ${exception.date}`,
          path: ['exceptions', index, 'date'],
        });
      seen.add(exception.date);
    });
  });
/**
 * A parsed business calendar definition (defaults applied: every weekday present).
 *
 * @example
 * ```ts
 * const stored: BusinessCalendarDefinition = businessCalendarDefinitionSchema.parse(body);
 * ```
 */
export type BusinessCalendarDefinition = z.infer<typeof businessCalendarDefinitionSchema>;
/**
 * A business calendar definition as written by callers (weekdays, holidays optional).
 *
 * @example
 * ```ts
 * const input: BusinessCalendarDefinitionInput = { timeZone: 'Asia/Shanghai', weekly: { mon: [['09:00', '18:00']] } };
 * ```
 */
export type BusinessCalendarDefinitionInput = z.input<typeof businessCalendarDefinitionSchema>;

/**
 * A definition that is open around the clock, optionally in a zone and with holidays
 * (which then close whole local dates of that zone).
 *
 * @example
 * ```ts
 * const support = createBusinessCalendar(twentyFourSeven({ timeZone: 'Asia/Shanghai', holidays: [{ date: '10-01', yearly: true }] }));
 * ```
 */
export function twentyFourSeven(options: { timeZone?: string; holidays?: Holiday[] } = {}): BusinessCalendarDefinition {
  const wholeDay = (): OpeningWindow[] => [['00:00', '24:00']];
  return {
    timeZone: options.timeZone ?? 'UTC',
    weekly: {
      mon: wholeDay(),
      tue: wholeDay(),
      wed: wholeDay(),
      thu: wholeDay(),
      fri: wholeDay(),
      sat: wholeDay(),
      sun: wholeDay(),
    },
    holidays: options.holidays ?? [],
    exceptions: [],
  };
}

/**
 * Open every minute of every day, in UTC, with no holidays: `addBusinessTime(at, d)` is
 * exactly `at + d`.
 *
 * @example
 * ```ts
 * createBusinessCalendar(TWENTY_FOUR_SEVEN).addBusinessTime(at, 3_600_000) === at + 3_600_000; // true
 * ```
 */
export const TWENTY_FOUR_SEVEN: BusinessCalendarDefinition = frozenCopy(twentyFourSeven());
