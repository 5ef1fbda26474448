import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/hotline-error.js';
import { parseInput } from '../validation/parse.js';
import {
  businessCalendarDefinitionSchema,
  holidaySchema,
  normalizeWindow,
  openingWindowSchema,
  TWENTY_FOUR_SEVEN,
  twentyFourSeven,
} from './calendar-schema.js';
import { civilFromDays, daysFromCivil, parseIsoDate, weekdayIndex } from './civil-date.js';
import { compileHolidays } from './day-rules.js';

/** The issues parseInput reports for a definition, as `path: message` lines. */
function issues(input: unknown): string[] {
  try {
    parseInput(businessCalendarDefinitionSchema, input, 'business calendar');
  } catch (err) {
    if (err instanceof ValidationError) return err.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw err;
  }
  return [];
}

const base = { timeZone: 'Europe/Berlin', weekly: {} };

describe('businessCalendarDefinitionSchema', () => {
  it('accepts the documented example and fills defaults', () => {
    const parsed = businessCalendarDefinitionSchema.parse({
      timeZone: 'Europe/Berlin',
      weekly: {
        mon: [['09:00', '17:30']],
        tue: [
          ['09:00', '12:00'],
          ['13:00', '17:30'],
        ],
        sat: [],
        sun: [],
      },
      holidays: [
        { date: '2026-12-25' },
        { from: '2026-12-24', to: '2026-12-26' },
        { date: '01-01', yearly: true },
        { date: '2026-05-01', name: 'Labour day' },
      ],
      exceptions: [{ date: '2026-12-31', windows: [['09:00', '13:00']] }],
    });
    expect(parsed.weekly.wed).toEqual([]);
    expect(parsed.holidays).toHaveLength(4);
    expect(businessCalendarDefinitionSchema.parse(base)).toEqual({
      ...base,
      weekly: expect.any(Object),
      holidays: [],
      exceptions: [],
    });
  });

  it('accepts 24:00 as an end and overnight windows', () => {
    expect(issues({ ...base, weekly: { mon: [['18:00', '24:00']], tue: [['22:00', '06:00']] } })).toEqual([]);
    expect(normalizeWindow(['22:00', '06:00'])).toEqual([1320, 1800]);
    expect(normalizeWindow(['09:00', '24:00'])).toEqual([540, 1440]);
    expect(normalizeWindow(['22:00', '00:00'])).toEqual([1320, 1440]);
  });

  it('rejects malformed windows', () => {
    expect(openingWindowSchema.safeParse(['9:00', '17:00']).success).toBe(false);
    expect(openingWindowSchema.safeParse(['09:00', '24:01']).success).toBe(false);
    expect(openingWindowSchema.safeParse(['24:00', '06:00']).success).toBe(false);
    expect(openingWindowSchema.safeParse(['09:00', '09:00']).success).toBe(false);
    expect(openingWindowSchema.safeParse(['09:00']).success).toBe(false);
    expect(issues({ ...base, weekly: { mon: [['09:60', '17:00']] } })).toEqual([
      'weekly.mon.0.0: a time HH:MM between 00:00 and 24:00',
    ]);
  });

  it('rejects overlapping windows within a day, touching ones are fine', () => {
    expect(
      issues({
        ...base,
        weekly: {
          mon: [
            ['09:00', '12:00'],
            ['12:00', '17:00'],
          ],
        },
      }),
    ).toEqual([]);
    expect(
      issues({
        ...base,
        weekly: {
          mon: [
            ['13:00', '17:00'],
            ['09:00', '13:30'],
          ],
        },
      }),
    ).toEqual(['weekly.mon.0: windows 09:00–13:30 and 13:00–17:00 overlap']);
    expect(
      issues({
        ...base,
        weekly: {
          mon: [
            ['22:00', '06:00'],
            ['23:00', '23:30'],
          ],
        },
      }),
    ).toHaveLength(1);
  });

  it("rejects an overnight window overlapping the next day's windows, Sunday into Monday too", () => {
    expect(issues({ ...base, weekly: { mon: [['22:00', '06:00']], tue: [['05:00', '09:00']] } })).toEqual([
      "weekly.tue.0: mon's overnight window 22:00–06:00 overlaps tue's 05:00–09:00",
    ]);
    expect(issues({ ...base, weekly: { sun: [['20:00', '08:00']], mon: [['07:00', '09:00']] } })).toHaveLength(1);
    expect(issues({ ...base, weekly: { mon: [['22:00', '06:00']], tue: [['06:00', '09:00']] } })).toEqual([]);
  });

  it('rejects unknown zones, unknown keys and duplicate exceptions', () => {
    expect(issues({ ...base, timeZone: 'Europe/Atlantis' })).toEqual([
      'timeZone: an IANA time zone such as Asia/Shanghai',
    ]);
    expect(issues({ ...base, holiday: [] })).toHaveLength(1);
    expect(issues({ ...base, weekly: { monday: [] } })).toHaveLength(1);
    expect(
      issues({
        ...base,
        exceptions: [
          { date: '2026-12-31', windows: [] },
          { date: '2026-12-31', windows: [['09:00', '10:00']] },
        ],
      }),
    ).toEqual(['exceptions.1.date: a second exception for 2026-12-31']);
  });

  it('validates holidays', () => {
    const ok = (value: unknown) => holidaySchema.safeParse(value).success;
    expect(ok({ date: '2026-12-25' })).toBe(true);
    expect(ok({ date: '2026-12-25', yearly: false })).toBe(true);
    expect(ok({ from: '2026-12-24', to: '2026-12-26', name: 'Christmas' })).toBe(true);
    expect(ok({ date: '01-01', yearly: true })).toBe(true);
    expect(ok({ date: '02-29', yearly: true })).toBe(true);
    expect(ok({ from: '12-31', to: '01-02', yearly: true })).toBe(true);
    expect(ok({ date: '2026-02-29' })).toBe(false);
    expect(ok({ date: '02-30', yearly: true })).toBe(false);
    expect(ok({ date: '12-25' })).toBe(false);
    expect(ok({ date: '2026-12-25', yearly: true })).toBe(false);
    expect(ok({ from: '2026-12-26', to: '2026-12-24' })).toBe(false);
    expect(ok({ from: '2026-12-24' })).toBe(false);
    expect(ok({ date: '2026-12-25', to: '2026-12-26' })).toBe(false);
    expect(issues({ ...base, holidays: [{ date: '2026-13-01' }] })).toEqual(['holidays.0.date: not a calendar date']);
  });

  it('TWENTY_FOUR_SEVEN is a valid, frozen definition', () => {
    expect(businessCalendarDefinitionSchema.parse(TWENTY_FOUR_SEVEN)).toEqual(TWENTY_FOUR_SEVEN);
    expect(Object.isFrozen(TWENTY_FOUR_SEVEN.weekly.mon)).toBe(true);
    expect(twentyFourSeven({ timeZone: 'Asia/Tokyo' }).timeZone).toBe('Asia/Tokyo');
  });
});

describe('civil dates and holiday lookup', () => {
  it('converts day numbers both ways', () => {
    for (const day of [-800_000, -1, 0, 1, 20_000, 59, 10_956, 2_000_000]) {
      const { year, month, day: dayOfMonth } = civilFromDays(day);
      expect(daysFromCivil(year, month, dayOfMonth)).toBe(day);
      expect(Date.UTC(year, month - 1, dayOfMonth) / 86_400_000).toBe(day);
    }
    expect(weekdayIndex(parseIsoDate('2026-06-01') as number)).toBe(0); // a Monday
    expect(weekdayIndex(parseIsoDate('2026-06-07') as number)).toBe(6);
    expect(weekdayIndex(-1)).toBe(2); // 1969-12-31, a Wednesday
  });

  it('merges dated ranges and expands yearly ranges', () => {
    const isHoliday = compileHolidays([
      { from: '2026-01-10', to: '2026-01-12' },
      { from: '2026-01-12', to: '2026-01-14' },
      { date: '2026-03-01' },
      { from: '12-30', to: '01-01', yearly: true },
    ]);
    const on = (date: string) => isHoliday(parseIsoDate(date) as number);
    expect(['2026-01-09', '2026-01-10', '2026-01-14', '2026-01-15'].map(on)).toEqual([false, true, true, false]);
    expect(['2026-02-28', '2026-03-01', '2026-03-02'].map(on)).toEqual([false, true, false]);
    expect(['2040-12-29', '2040-12-30', '2040-12-31', '2041-01-01', '2041-01-02'].map(on)).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
  });
});
