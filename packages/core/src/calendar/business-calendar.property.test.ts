import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BusinessCalendar, createBusinessCalendar } from './business-calendar.js';
import {
  type BusinessCalendarDefinition,
  type BusinessCalendarDefinitionInput,
  businessCalendarDefinitionSchema,
  twentyFourSeven,
  WEEKDAYS,
} from './calendar-schema.js';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;

/**
 * The reference model, written as plainly as possible and sharing no code with the fast
 * implementation except the schema: step minute by minute, ask `Intl` what the wall
 * clock reads, and look the reading up in the definition.
 */
class NaiveCalendar {
  private readonly definition: BusinessCalendarDefinition;
  private readonly format: Intl.DateTimeFormat;
  /** Answers are memoised across property runs (`memo`), which keeps the suite fast. */
  private readonly answers = new Map<number, boolean>();

  constructor(
    input: BusinessCalendarDefinitionInput,
    private readonly memo = true,
  ) {
    this.definition = businessCalendarDefinitionSchema.parse(input);
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: this.definition.timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
  }

  private read(instant: number): { date: string; minute: number } {
    const parts: Record<string, string> = {};
    for (const part of this.format.formatToParts(instant)) parts[part.type] = part.value;
    return {
      date: `${parts['year']}-${parts['month']}-${parts['day']}`,
      minute: (Number(parts['hour']) % 24) * 60 + Number(parts['minute']),
    };
  }

  private readonly days = new Map<string, Array<[number, number]>>();

  /** Windows starting on an ISO date as [start, end) minutes after its midnight. */
  private windowsOn(date: string): Array<[number, number]> {
    let windows = this.days.get(date);
    if (windows === undefined) {
      windows = this.lookUpWindows(date);
      this.days.set(date, windows);
    }
    return windows;
  }

  private lookUpWindows(date: string): Array<[number, number]> {
    const exception = this.definition.exceptions.find((e) => e.date === date);
    const toMinutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));
    const normalise = (windows: ReadonlyArray<readonly [string, string]>) =>
      windows.map(([from, to]): [number, number] => {
        const start = toMinutes(from);
        const end = toMinutes(to);
        return [start, end > start ? end : end + 1440];
      });
    if (exception) return normalise(exception.windows);
    const monthDay = date.slice(5);
    const holiday = this.definition.holidays.some((h) => {
      if (h.yearly === true) {
        const [from, to] = 'date' in h ? [h.date, h.date] : [h.from, h.to];
        return from <= to ? from <= monthDay && monthDay <= to : monthDay >= from || monthDay <= to;
      }
      const [from, to] = 'date' in h ? [h.date, h.date] : [h.from, h.to];
      return from <= date && date <= to;
    });
    if (holiday) return [];
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const weekday = WEEKDAYS[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7] as (typeof WEEKDAYS)[number];
    return normalise(this.definition.weekly[weekday]);
  }

  isOpen(instant: number): boolean {
    const cached = this.memo ? this.answers.get(instant) : undefined;
    if (cached !== undefined) return cached;
    const open = this.compute(instant);
    if (this.memo) this.answers.set(instant, open);
    return open;
  }

  private compute(instant: number): boolean {
    const { date, minute } = this.read(instant);
    if (this.windowsOn(date).some(([a, b]) => a <= minute && minute < b)) return true;
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const yesterday = new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
    return this.windowsOn(yesterday).some(([a, b]) => a <= minute + 1440 && minute + 1440 < b);
  }

  /** For minute-aligned `at` and a whole number of minutes `d` ≥ 1. */
  addBusinessTime(at: number, durationMs: number): number {
    let remaining = durationMs;
    for (let t = at; ; t += MIN) {
      if (!this.isOpen(t)) continue;
      remaining -= MIN;
      if (remaining === 0) return t + MIN;
    }
  }

  businessTimeBetween(from: number, to: number): number {
    let total = 0;
    for (let t = from; t < to; t += MIN) if (this.isOpen(t)) total += MIN;
    return total;
  }
}

const everyDay = (windows: Array<[string, string]>) =>
  Object.fromEntries(WEEKDAYS.map((day) => [day, windows])) as BusinessCalendarDefinitionInput['weekly'];

/** Calendars chosen to hit the classic bugs: DST nights, overnight shifts, holidays, odd offsets. */
const DEFINITIONS: Record<string, BusinessCalendarDefinitionInput> = {
  berlinOffice: {
    timeZone: 'Europe/Berlin',
    weekly: {
      mon: [
        ['09:00', '12:30'],
        ['13:30', '17:30'],
      ],
      tue: [['09:00', '17:30']],
      wed: [['09:00', '17:30']],
      thu: [['09:00', '17:30']],
      fri: [['09:00', '15:00']],
      sun: [['01:00', '02:30']],
    },
    holidays: [{ date: '2026-04-03' }, { from: '2026-10-02', to: '2026-10-05' }, { date: '05-01', yearly: true }],
    exceptions: [{ date: '2026-03-29', windows: [['02:00', '04:00']] }],
  },
  newYorkNights: {
    timeZone: 'America/New_York',
    weekly: {
      ...everyDay([['22:00', '06:00']]),
      sat: [
        ['07:00', '09:00'],
        ['22:00', '06:00'],
      ],
      sun: [
        ['06:00', '22:00'],
        ['22:00', '06:00'],
      ],
    },
    holidays: [{ date: '2026-03-10' }, { date: '11-03', yearly: true }],
  },
  lordHowe: {
    timeZone: 'Australia/Lord_Howe',
    weekly: everyDay([
      ['01:00', '03:00'],
      ['09:00', '17:00'],
      ['23:00', '01:00'],
    ]),
    holidays: [{ date: '2026-04-07' }],
  },
  kathmandu: {
    timeZone: 'Asia/Kathmandu',
    weekly: {
      sun: [['10:00', '16:00']],
      mon: [['10:00', '17:00']],
      tue: [['10:00', '17:00']],
      fri: [['20:00', '02:00']],
    },
    holidays: [{ from: '2026-10-20', to: '2026-10-22' }],
  },
  shanghai247: {
    timeZone: 'Asia/Shanghai',
    weekly: everyDay([['00:00', '24:00']]),
    holidays: [{ from: '2026-10-01', to: '2026-10-03' }],
  },
};

/** DST changes (or a holiday, for Shanghai) each model is exercised around. */
const ANCHORS: Record<string, number[]> = {
  berlinOffice: [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1)],
  newYorkNights: [Date.UTC(2026, 2, 8, 7), Date.UTC(2026, 10, 1, 6)],
  lordHowe: [Date.UTC(2026, 3, 4, 15), Date.UTC(2026, 9, 3, 15, 30)],
  kathmandu: [Date.UTC(2026, 9, 21)],
  shanghai247: [Date.UTC(2026, 9, 1)],
};

const NAMES = Object.keys(DEFINITIONS);
const fast = new Map<string, BusinessCalendar>(
  NAMES.map((name) => [name, createBusinessCalendar(DEFINITIONS[name] as BusinessCalendarDefinitionInput)]),
);
const naive = new Map<string, NaiveCalendar>(
  NAMES.map((name) => [name, new NaiveCalendar(DEFINITIONS[name] as BusinessCalendarDefinitionInput)]),
);

/** A calendar name and a minute-aligned instant within ±`days` of one of its anchors. */
const nearAnchor = (days: number) =>
  fc
    .constantFrom(...NAMES)
    .chain((name) =>
      fc.tuple(
        fc.constant(name),
        fc.constantFrom(...(ANCHORS[name] as number[])),
        fc.integer({ min: -days * 24 * 60, max: days * 24 * 60 }),
      ),
    )
    .map(([name, anchor, minutes]) => ({ name, at: anchor + minutes * MIN }));
const near = nearAnchor(4);

const cal = (name: string) => fast.get(name) as BusinessCalendar;

describe('business calendar properties', () => {
  it('addBusinessTime and businessTimeBetween are inverse (ms precision, up to 5 days)', () => {
    fc.assert(
      fc.property(
        near,
        fc.integer({ min: 0, max: 5 * DAY }),
        fc.integer({ min: 0, max: MIN - 1 }),
        ({ name, at }, duration, jitter) => {
          const c = cal(name);
          const start = at + jitter;
          const due = c.addBusinessTime(start, duration);
          expect(due).toBeDefined();
          expect(c.businessTimeBetween(start, due as number)).toBe(duration);
          // The result is the earliest such instant: it is never in a closed stretch.
          if (duration > 0) expect(c.businessTimeBetween(start, (due as number) - 1)).toBe(duration - 1);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('openIntervals are sorted, disjoint, add up, and agree with isOpen, nextOpen and nextClose', () => {
    fc.assert(
      fc.property(
        near,
        fc.integer({ min: 1, max: 3 * DAY }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: 1, maxLength: 20 }),
        ({ name, at }, span, probes) => {
          const c = cal(name);
          const intervals = c.openIntervals(at, at + span);
          let previousEnd = Number.NEGATIVE_INFINITY;
          let sum = 0;
          for (const [start, end] of intervals) {
            expect(start).toBeLessThan(end);
            expect(start).toBeGreaterThan(previousEnd); // sorted, disjoint, not even touching
            expect(start).toBeGreaterThanOrEqual(at);
            expect(end).toBeLessThanOrEqual(at + span);
            previousEnd = end;
            sum += end - start;
          }
          expect(c.businessTimeBetween(at, at + span)).toBe(sum);
          for (const probe of probes) {
            const instant = at + Math.floor(probe * span);
            const inside = intervals.some(([start, end]) => start <= instant && instant < end);
            expect(c.isOpen(instant)).toBe(inside);
            const open = c.nextOpen(instant);
            if (open !== undefined) {
              expect(c.isOpen(open)).toBe(true);
              expect(c.businessTimeBetween(instant, open)).toBe(0);
            }
            const close = c.nextClose(instant);
            if (close !== undefined) {
              expect(c.isOpen(close)).toBe(false);
              expect(c.businessTimeBetween(instant, close)).toBe(close - instant);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a zoned 24/7 calendar adds exactly durationMs anywhere (the general path, not the shortcut)', () => {
    // The far-away holiday turns off the always-open shortcut.
    const around = createBusinessCalendar(
      twentyFourSeven({ timeZone: 'America/New_York', holidays: [{ date: '2040-01-01' }] }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
        fc.integer({ min: 0, max: 40 * DAY }),
        (at, duration) => {
          expect(around.addBusinessTime(at, duration)).toBe(at + duration);
          expect(around.businessTimeBetween(at, at + duration)).toBe(duration);
          expect(around.openIntervals(at, at + duration + 1)).toEqual([[at, at + duration + 1]]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with the naive model on every minute around each DST change', () => {
    for (const name of NAMES) {
      const reference = naive.get(name) as NaiveCalendar;
      for (const anchor of ANCHORS[name] as number[]) {
        const from = anchor - 30 * H;
        const to = anchor + 30 * H;
        const expected: Array<[number, number]> = [];
        for (let t = from; t < to; t += MIN) {
          if (!reference.isOpen(t)) continue;
          const last = expected[expected.length - 1];
          if (last && last[1] === t) last[1] = t + MIN;
          else expected.push([t, t + MIN]);
        }
        expect(cal(name).openIntervals(from, to), name).toEqual(expected);
      }
    }
  });

  it('agrees with naive minute-by-minute stepping on minute-aligned inputs', () => {
    fc.assert(
      // Close to the anchors, where the exhaustive test above has already asked `Intl`.
      fc.property(nearAnchor(1), fc.integer({ min: 1, max: 16 * 60 }), ({ name, at }, minutes) => {
        const reference = naive.get(name) as NaiveCalendar;
        const c = cal(name);
        expect(c.isOpen(at)).toBe(reference.isOpen(at));
        const due = reference.addBusinessTime(at, minutes * MIN);
        expect(c.addBusinessTime(at, minutes * MIN)).toBe(due);
        expect(c.businessTimeBetween(at, at + minutes * MIN)).toBe(
          reference.businessTimeBetween(at, at + minutes * MIN),
        );
      }),
      { numRuns: 100 },
    );
  });
});

describe('performance', () => {
  it('runs addBusinessTime at well over 100,000 ops/s (SLA-sized durations, holidays, DST)', () => {
    const calendar = cal('berlinOffice');
    const random = fc.sample(
      fc.tuple(
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) }),
        fc.constantFrom(15 * MIN, H, 4 * H, 8 * H, 24 * H, 3 * DAY),
      ),
      { numRuns: 10_000, seed: 42 },
    );
    const starts = random.map(([at]) => at);
    const durations = random.map(([, d]) => d);
    // Warm the day cache the way a running server would have it.
    for (let i = 0; i < starts.length; i++) calendar.addBusinessTime(starts[i] as number, durations[i] as number);
    const ops = 200_000;
    let checksum = 0;
    const began = performance.now();
    for (let i = 0; i < ops; i++) {
      const k = i % starts.length;
      checksum += calendar.addBusinessTime(starts[k] as number, durations[k] as number) as number;
    }
    const fastOps = ops / ((performance.now() - began) / 1000);

    const slow = new NaiveCalendar(DEFINITIONS['berlinOffice'] as BusinessCalendarDefinitionInput, false);
    const naiveOps = 4;
    const naiveBegan = performance.now();
    for (let i = 0; i < naiveOps; i++) {
      const at = Math.floor((starts[i] as number) / MIN) * MIN;
      checksum += slow.addBusinessTime(at, durations[i] as number);
    }
    const slowOps = naiveOps / ((performance.now() - naiveBegan) / 1000);
    console.info(
      `addBusinessTime: fast ${Math.round(fastOps).toLocaleString('en-US')} ops/s, ` +
        `naive minute stepping ${slowOps.toFixed(1)} ops/s (checksum ${checksum > 0})`,
    );
    // Loose bound so a busy CI machine does not flake; the measured rate is far higher.
    expect(fastOps).toBeGreaterThan(100_000);
  });
});
