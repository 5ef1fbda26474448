import { describe, expect, it } from 'vitest';
import { isHotlineError } from '../errors/hotline-error.js';
import { createBusinessCalendar } from './business-calendar.js';
import {
  type BusinessCalendarDefinitionInput,
  type Holiday,
  type OpeningWindow,
  TWENTY_FOUR_SEVEN,
  twentyFourSeven,
} from './calendar-schema.js';
import { parseICalHolidays } from './ical.js';

const H = 3_600_000;
const MIN = 60_000;
/** Instants are written with explicit offsets so the tests never depend on the zone code under test. */
const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function everyDay(windows: OpeningWindow[]) {
  return { mon: windows, tue: windows, wed: windows, thu: windows, fri: windows, sat: windows, sun: windows };
}
function weekdays(windows: OpeningWindow[]) {
  return { mon: windows, tue: windows, wed: windows, thu: windows, fri: windows };
}
function calendar(timeZone: string, weekly: BusinessCalendarDefinitionInput['weekly'], holidays: Holiday[] = []) {
  return createBusinessCalendar({ timeZone, weekly, holidays });
}
/** Open ms of the local date whose midnight (with its offset) is given, up to the next midnight. */
function openOn(cal: ReturnType<typeof calendar>, midnight: string, nextMidnight: string) {
  return cal.businessTimeBetween(t(midnight), t(nextMidnight));
}

describe('DST: wall-clock windows', () => {
  const nineToFive = everyDay([['09:00', '17:00']]);

  it('a 09:00–17:00 day is 8 h on both DST days in Berlin', () => {
    const cal = calendar('Europe/Berlin', nineToFive);
    expect(openOn(cal, '2026-03-29T00:00+01:00', '2026-03-30T00:00+02:00')).toBe(8 * H);
    expect(openOn(cal, '2026-10-25T00:00+02:00', '2026-10-26T00:00+01:00')).toBe(8 * H);
    expect(cal.openIntervals(t('2026-03-29T00:00+01:00'), t('2026-03-30T00:00+02:00'))).toEqual([
      [t('2026-03-29T09:00+02:00'), t('2026-03-29T17:00+02:00')],
    ]);
    expect(cal.openIntervals(t('2026-10-25T00:00+02:00'), t('2026-10-26T00:00+01:00'))).toEqual([
      [t('2026-10-25T09:00+01:00'), t('2026-10-25T17:00+01:00')],
    ]);
  });

  it('a 09:00–17:00 day is 8 h on both DST days in New York', () => {
    const cal = calendar('America/New_York', nineToFive);
    expect(openOn(cal, '2026-03-08T00:00-05:00', '2026-03-09T00:00-04:00')).toBe(8 * H);
    expect(openOn(cal, '2026-11-01T00:00-04:00', '2026-11-02T00:00-05:00')).toBe(8 * H);
    expect(cal.isOpen(t('2026-03-08T09:00-04:00'))).toBe(true);
    expect(cal.isOpen(t('2026-03-08T08:59-04:00'))).toBe(false);
    expect(cal.isOpen(t('2026-11-01T16:59-05:00'))).toBe(true);
    expect(cal.isOpen(t('2026-11-01T17:00-05:00'))).toBe(false);
  });

  it('a 00:00–24:00 day is 23 h on spring-forward and 25 h on fall-back', () => {
    const berlin = calendar('Europe/Berlin', { sun: [['00:00', '24:00']] });
    expect(openOn(berlin, '2026-03-29T00:00+01:00', '2026-03-30T00:00+02:00')).toBe(23 * H);
    expect(openOn(berlin, '2026-10-25T00:00+02:00', '2026-10-26T00:00+01:00')).toBe(25 * H);
    const newYork = calendar('America/New_York', { sun: [['00:00', '24:00']] });
    expect(openOn(newYork, '2026-03-08T00:00-05:00', '2026-03-09T00:00-04:00')).toBe(23 * H);
    expect(openOn(newYork, '2026-11-01T00:00-04:00', '2026-11-02T00:00-05:00')).toBe(25 * H);
  });

  it('a window across the skipped hour is shorter, across the repeated hour longer', () => {
    const berlin = calendar('Europe/Berlin', { sun: [['01:00', '04:00']] });
    expect(openOn(berlin, '2026-03-29T00:00+01:00', '2026-03-30T00:00+02:00')).toBe(2 * H);
    expect(openOn(berlin, '2026-10-25T00:00+02:00', '2026-10-26T00:00+01:00')).toBe(4 * H);
    expect(openOn(berlin, '2026-10-18T00:00+02:00', '2026-10-19T00:00+02:00')).toBe(3 * H);
    const newYork = calendar('America/New_York', { sun: [['01:00', '04:00']] });
    expect(openOn(newYork, '2026-03-08T00:00-05:00', '2026-03-09T00:00-04:00')).toBe(2 * H);
    expect(openOn(newYork, '2026-11-01T00:00-04:00', '2026-11-02T00:00-05:00')).toBe(4 * H);
  });

  it('a window starting in the skipped hour opens when the clock jumps', () => {
    const berlin = calendar('Europe/Berlin', { sun: [['02:30', '04:00']] });
    expect(berlin.openIntervals(t('2026-03-29T00:00+01:00'), t('2026-03-30T00:00+02:00'))).toEqual([
      [t('2026-03-29T03:00+02:00'), t('2026-03-29T04:00+02:00')],
    ]);
  });

  it('a window ending inside the repeated hour is open on both passes', () => {
    const berlin = calendar('Europe/Berlin', { sun: [['01:00', '02:30']] });
    expect(berlin.openIntervals(t('2026-10-25T00:00+02:00'), t('2026-10-26T00:00+01:00'))).toEqual([
      [t('2026-10-25T01:00+02:00'), t('2026-10-25T02:30+02:00')],
      [t('2026-10-25T02:00+01:00'), t('2026-10-25T02:30+01:00')],
    ]);
  });

  it('SLA targets cross DST nights with the right local times', () => {
    const cal = calendar('Europe/Berlin', nineToFive);
    // Saturday 16:00 CET + 2 business hours = Sunday 10:00 CEST.
    const due = cal.addBusinessTime(t('2026-03-28T16:00+01:00'), 2 * H);
    expect(iso(due)).toBe(iso(t('2026-03-29T10:00+02:00')));
    expect(cal.businessTimeBetween(t('2026-03-28T16:00+01:00'), due as number)).toBe(2 * H);
    expect(iso(cal.addBusinessTime(t('2026-10-24T16:30+02:00'), 8 * H))).toBe(iso(t('2026-10-25T16:30+01:00')));
  });

  it('does not raise "outside hours" alarms at 2 am local time', () => {
    const cal = calendar('America/New_York', weekdays([['09:00', '17:00']]));
    // 07:00 UTC looks like morning, but it is 02:00 in New York.
    expect(cal.isOpen(t('2026-06-03T07:00Z'))).toBe(false);
    expect(iso(cal.nextOpen(t('2026-06-03T07:00Z')))).toBe(iso(t('2026-06-03T09:00-04:00')));
  });
});

describe('24/7 calendars', () => {
  it('TWENTY_FOUR_SEVEN adds exactly durationMs, at midnight and across DST', () => {
    const cal = createBusinessCalendar(TWENTY_FOUR_SEVEN);
    for (const at of [t('2026-01-01T23:59:59.999Z'), t('2026-03-29T00:30Z'), t('2026-10-25T00:59Z')]) {
      for (const d of [1, MIN, 59 * MIN, 24 * H, 30 * 24 * H]) {
        expect(cal.addBusinessTime(at, d)).toBe(at + d);
        expect(cal.businessTimeBetween(at, at + d)).toBe(d);
      }
    }
    expect(cal.nextClose(t('2026-01-01T00:00Z'))).toBeUndefined();
    expect(cal.nextOpen(t('2026-01-01T00:00Z'))).toBe(t('2026-01-01T00:00Z'));
    expect(cal.openIntervals(0, 10 * 24 * H)).toEqual([[0, 10 * 24 * H]]);
  });

  it('a zoned 24/7 calendar with holidays loses no minute at midnight or across DST', () => {
    // A holiday switches off the 24/7 shortcut, so this runs the general day-by-day path.
    const cal = createBusinessCalendar(
      twentyFourSeven({ timeZone: 'Europe/Berlin', holidays: [{ date: '2027-06-01' }] }),
    );
    const starts = [
      t('2026-01-05T23:59+01:00'),
      t('2026-03-28T23:00+01:00'),
      t('2026-03-29T01:59+01:00'),
      t('2026-10-24T23:30+02:00'),
      t('2026-10-25T02:30+02:00'),
    ];
    for (const at of starts) {
      for (const d of [1, MIN, 2 * MIN, H, 24 * H, 3 * 24 * H + 17]) {
        expect(cal.addBusinessTime(at, d)).toBe(at + d);
        expect(cal.businessTimeBetween(at, at + d)).toBe(d);
      }
    }
    // Days are cut at local midnight internally; the public view joins them.
    expect(cal.openIntervals(t('2026-03-27T12:00+01:00'), t('2026-03-31T12:00+02:00'))).toEqual([
      [t('2026-03-27T12:00+01:00'), t('2026-03-31T12:00+02:00')],
    ]);
    expect(iso(cal.nextClose(t('2027-05-30T12:00+02:00')))).toBe(iso(t('2027-06-01T00:00+02:00')));
    expect(iso(cal.addBusinessTime(t('2027-05-31T23:00+02:00'), 2 * H))).toBe(iso(t('2027-06-02T01:00+02:00')));
  });

  it('windows written as several pieces per day add up exactly', () => {
    const cal = calendar(
      'America/New_York',
      everyDay([
        ['00:00', '12:00'],
        ['12:00', '24:00'],
      ]),
      [{ date: '2030-01-01' }],
    );
    const at = t('2026-11-01T00:30-04:00');
    expect(cal.addBusinessTime(at, 48 * H)).toBe(at + 48 * H);
    // The only closure is more than two years (searchDays) away.
    expect(cal.nextClose(at)).toBeUndefined();
  });
});

describe('overnight shifts', () => {
  // Night shift starting Monday to Friday evening, ending the next morning.
  const nights = calendar('Europe/Berlin', weekdays([['22:00', '06:00']]));

  it('runs over midnight into the next date', () => {
    expect(nights.isOpen(t('2026-06-01T22:00+02:00'))).toBe(true); // Monday
    expect(nights.isOpen(t('2026-06-02T02:00+02:00'))).toBe(true); // Monday's shift
    expect(nights.isOpen(t('2026-06-02T06:00+02:00'))).toBe(false);
    expect(nights.isOpen(t('2026-06-01T02:00+02:00'))).toBe(false); // Sunday had no shift
    expect(iso(nights.addBusinessTime(t('2026-06-02T05:00+02:00'), 2 * H))).toBe(iso(t('2026-06-02T23:00+02:00')));
  });

  it('spans the weekend: Friday night runs into Saturday, then nothing until Monday night', () => {
    expect(nights.isOpen(t('2026-06-06T03:00+02:00'))).toBe(true); // Saturday, Friday's shift
    expect(nights.isOpen(t('2026-06-06T23:00+02:00'))).toBe(false);
    expect(nights.isOpen(t('2026-06-07T23:00+02:00'))).toBe(false);
    expect(iso(nights.addBusinessTime(t('2026-06-06T05:00+02:00'), 2 * H))).toBe(iso(t('2026-06-08T23:00+02:00')));
    expect(iso(nights.nextOpen(t('2026-06-06T07:00+02:00')))).toBe(iso(t('2026-06-08T22:00+02:00')));
    expect(iso(nights.nextClose(t('2026-06-05T23:00+02:00')))).toBe(iso(t('2026-06-06T06:00+02:00')));
  });

  it('is one hour longer or shorter when it spans a DST night', () => {
    const everyNight = calendar('Europe/Berlin', everyDay([['22:00', '06:00']]));
    expect(everyNight.businessTimeBetween(t('2026-03-28T12:00+01:00'), t('2026-03-29T12:00+02:00'))).toBe(7 * H);
    expect(everyNight.businessTimeBetween(t('2026-10-24T12:00+02:00'), t('2026-10-25T12:00+01:00'))).toBe(9 * H);
  });

  it("a holiday closes the shifts that start on it, not the previous night's", () => {
    const fridayHoliday = calendar('Europe/Berlin', weekdays([['22:00', '06:00']]), [{ date: '2026-06-05' }]);
    // Thursday's shift still runs into the Friday holiday…
    expect(fridayHoliday.isOpen(t('2026-06-05T02:00+02:00'))).toBe(true);
    // …but Friday's shift is off, including its Saturday-morning hours.
    expect(fridayHoliday.isOpen(t('2026-06-05T23:00+02:00'))).toBe(false);
    expect(fridayHoliday.isOpen(t('2026-06-06T02:00+02:00'))).toBe(false);
    const saturdayHoliday = calendar('Europe/Berlin', weekdays([['22:00', '06:00']]), [{ date: '2026-06-06' }]);
    expect(saturdayHoliday.isOpen(t('2026-06-06T02:00+02:00'))).toBe(true);
  });
});

describe('holidays in the calendar time zone', () => {
  it('close from local midnight to local midnight, not UTC (east of UTC)', () => {
    const cal = createBusinessCalendar(
      twentyFourSeven({ timeZone: 'Asia/Shanghai', holidays: [{ date: '2026-10-01' }] }),
    );
    expect(cal.openIntervals(t('2026-09-30T12:00+08:00'), t('2026-10-02T12:00+08:00'))).toEqual([
      [t('2026-09-30T12:00+08:00'), t('2026-10-01T00:00+08:00')],
      [t('2026-10-02T00:00+08:00'), t('2026-10-02T12:00+08:00')],
    ]);
    // 17:00 UTC on 30 September is already 1 October, 01:00 in Shanghai: the holiday.
    expect(cal.isOpen(t('2026-09-30T17:00Z'))).toBe(false);
    expect(cal.isOpen(t('2026-10-01T17:00Z'))).toBe(true);
  });

  it('close from local midnight to local midnight, not UTC (west of UTC)', () => {
    const cal = calendar('America/New_York', weekdays([['09:00', '17:00']]), [{ date: '2026-12-25' }]);
    // 2026-12-25T02:00Z is the 24th, 21:00 in New York; 2026-12-26T01:00Z is the 25th, 20:00.
    expect(iso(cal.nextOpen(t('2026-12-24T16:00-05:00')))).toBe(iso(t('2026-12-24T16:00-05:00')));
    expect(iso(cal.nextOpen(t('2026-12-24T17:00-05:00')))).toBe(iso(t('2026-12-28T09:00-05:00')));
    expect(cal.isOpen(t('2026-12-25T15:00Z'))).toBe(false);
  });

  it('supports ranges (inclusive), yearly dates and yearly ranges over New Year', () => {
    const cal = calendar('Europe/Berlin', everyDay([['09:00', '17:00']]), [
      { from: '2026-12-24', to: '2026-12-26', name: 'Christmas' },
      { date: '05-01', yearly: true, name: 'Labour day' },
      { from: '12-31', to: '01-01', yearly: true },
      { date: '02-29', yearly: true },
    ]);
    const noon = (date: string) => cal.isOpen(t(`${date}T12:00+01:00`));
    expect([
      noon('2026-12-23'),
      noon('2026-12-24'),
      noon('2026-12-25'),
      noon('2026-12-26'),
      noon('2026-12-27'),
    ]).toEqual([true, false, false, false, true]);
    expect(cal.isOpen(t('2027-05-01T12:00+02:00'))).toBe(false);
    expect(cal.isOpen(t('2031-05-01T12:00+02:00'))).toBe(false);
    expect(cal.isOpen(t('2031-05-02T12:00+02:00'))).toBe(true);
    expect([noon('2027-12-30'), noon('2027-12-31'), noon('2028-01-01'), noon('2028-01-02')]).toEqual([
      true,
      false,
      false,
      true,
    ]);
    expect([
      noon('2028-02-28'),
      noon('2028-02-29'),
      noon('2028-03-01'),
      noon('2027-02-28'),
      noon('2027-03-01'),
    ]).toEqual([true, false, true, true, true]);
  });

  it('applies holidays imported from iCalendar in the calendar zone', () => {
    const holidays = parseICalHolidays(
      'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260704\r\nDTEND;VALUE=DATE:20260705\r\nSUMMARY:Independence Day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
    );
    const cal = createBusinessCalendar(twentyFourSeven({ timeZone: 'America/New_York', holidays }));
    expect(cal.businessTimeBetween(t('2026-07-03T00:00-04:00'), t('2026-07-06T00:00-04:00'))).toBe(48 * H);
    expect(cal.isOpen(t('2026-07-04T02:00Z'))).toBe(true); // still the 3rd in New York
    expect(cal.isOpen(t('2026-07-05T02:00Z'))).toBe(false); // the 4th, 22:00
  });
});

describe('exceptions', () => {
  const cal = createBusinessCalendar({
    timeZone: 'Europe/Berlin',
    weekly: weekdays([['09:00', '17:00']]),
    holidays: [{ date: '12-24', yearly: true }],
    exceptions: [
      { date: '2026-12-31', windows: [['09:00', '13:00']], name: "New Year's Eve" },
      { date: '2026-12-24', windows: [['10:00', '12:00']] },
      { date: '2026-12-29', windows: [] },
      { date: '2026-12-27', windows: [['10:00', '14:00']] },
    ],
  });

  it('replace the weekly hours of their date', () => {
    expect(cal.businessTimeBetween(t('2026-12-31T00:00+01:00'), t('2027-01-01T00:00+01:00'))).toBe(4 * H);
    expect(cal.isOpen(t('2026-12-31T14:00+01:00'))).toBe(false);
    expect(cal.isOpen(t('2026-12-29T10:00+01:00'))).toBe(false); // closed Tuesday
    expect(cal.isOpen(t('2026-12-27T11:00+01:00'))).toBe(true); // open Sunday
  });

  it('win over a holiday on the same date', () => {
    expect(cal.isOpen(t('2026-12-24T11:00+01:00'))).toBe(true);
    expect(cal.isOpen(t('2026-12-24T09:30+01:00'))).toBe(false);
    expect(cal.isOpen(t('2027-12-24T11:00+01:00'))).toBe(false); // the yearly holiday still holds
  });
});

describe('zones without DST, with 30-minute DST and with a non-hour offset', () => {
  it('Asia/Shanghai (UTC+8, no DST)', () => {
    const cal = calendar('Asia/Shanghai', weekdays([['09:00', '18:00']]));
    expect(cal.openIntervals(t('2026-03-09T00:00+08:00'), t('2026-03-10T00:00+08:00'))).toEqual([
      [t('2026-03-09T01:00Z'), t('2026-03-09T10:00Z')],
    ]);
    expect(iso(cal.addBusinessTime(t('2026-03-13T17:00+08:00'), 2 * H))).toBe(iso(t('2026-03-16T10:00+08:00')));
  });

  it('Australia/Lord_Howe (30-minute DST)', () => {
    const cal = calendar('Australia/Lord_Howe', everyDay([['00:00', '24:00']]), [{ date: '2030-01-01' }]);
    // DST ends 2026-04-05 02:00 (+11) → 01:30 (+10:30): a 24.5 h day.
    expect(openOn(cal, '2026-04-05T00:00+11:00', '2026-04-06T00:00+10:30')).toBe(24.5 * H);
    // DST starts 2026-10-04 02:00 (+10:30) → 02:30 (+11): a 23.5 h day.
    expect(openOn(cal, '2026-10-04T00:00+10:30', '2026-10-05T00:00+11:00')).toBe(23.5 * H);
    const office = calendar('Australia/Lord_Howe', everyDay([['09:00', '17:00']]));
    expect(openOn(office, '2026-04-05T00:00+11:00', '2026-04-06T00:00+10:30')).toBe(8 * H);
    const early = calendar('Australia/Lord_Howe', { sun: [['01:00', '03:00']] });
    expect(openOn(early, '2026-04-05T00:00+11:00', '2026-04-06T00:00+10:30')).toBe(2.5 * H);
    expect(openOn(early, '2026-10-04T00:00+10:30', '2026-10-05T00:00+11:00')).toBe(1.5 * H);
  });

  it('Asia/Kathmandu (UTC+5:45)', () => {
    const cal = calendar('Asia/Kathmandu', weekdays([['09:00', '17:00']]));
    expect(cal.openIntervals(t('2026-01-05T00:00+05:45'), t('2026-01-06T00:00+05:45'))).toEqual([
      [t('2026-01-05T03:15Z'), t('2026-01-05T11:15Z')],
    ]);
    expect(cal.isOpen(t('2026-01-05T03:14:59.999Z'))).toBe(false);
    expect(cal.isOpen(t('2026-01-05T03:15Z'))).toBe(true);
  });
});

describe('nextOpen, nextClose, addBusinessTime edges', () => {
  const office = calendar(
    'Europe/Berlin',
    weekdays([
      ['09:00', '12:00'],
      ['12:00', '17:00'],
    ]),
  );

  it('nextOpen / nextClose return `at` when already in that state', () => {
    const monday10 = t('2026-06-01T10:00+02:00');
    expect(office.nextOpen(monday10)).toBe(monday10);
    expect(iso(office.nextClose(monday10))).toBe(iso(t('2026-06-01T17:00+02:00'))); // touching windows join
    const friday18 = t('2026-06-05T18:00+02:00');
    expect(office.nextClose(friday18)).toBe(friday18);
    expect(iso(office.nextOpen(friday18))).toBe(iso(t('2026-06-08T09:00+02:00')));
    expect(iso(office.nextOpen(t('2026-06-05T17:00+02:00')))).toBe(iso(t('2026-06-08T09:00+02:00')));
  });

  it('addBusinessTime starts outside hours at the next open and ends at a window end exactly', () => {
    expect(iso(office.addBusinessTime(t('2026-06-01T07:00+02:00'), 0))).toBe(iso(t('2026-06-01T09:00+02:00')));
    expect(iso(office.addBusinessTime(t('2026-06-01T07:00+02:00'), 8 * H))).toBe(iso(t('2026-06-01T17:00+02:00')));
    expect(iso(office.addBusinessTime(t('2026-06-01T07:00+02:00'), 8 * H + 1))).toBe(
      iso(t('2026-06-02T09:00:00.001+02:00')),
    );
    expect(iso(office.addBusinessTime(t('2026-06-05T16:00+02:00'), 2 * H))).toBe(iso(t('2026-06-08T10:00+02:00')));
  });

  it('gives up after searchDays of closure and never opens a closed calendar', () => {
    const never = calendar('Europe/Berlin', {});
    expect(never.isOpen(t('2026-06-01T10:00Z'))).toBe(false);
    expect(never.nextOpen(t('2026-06-01T10:00Z'))).toBeUndefined();
    expect(never.addBusinessTime(t('2026-06-01T10:00Z'), H)).toBeUndefined();
    expect(never.openIntervals(0, t('2026-06-01T10:00Z'))).toEqual([]);
    const definition: BusinessCalendarDefinitionInput = {
      timeZone: 'Europe/Berlin',
      weekly: {},
      exceptions: [{ date: '2029-01-02', windows: [['09:00', '10:00']] }],
    };
    expect(createBusinessCalendar(definition).nextOpen(t('2026-01-01T00:00Z'))).toBeUndefined();
    expect(iso(createBusinessCalendar(definition, { searchDays: 1200 }).nextOpen(t('2026-01-01T00:00Z')))).toBe(
      iso(t('2029-01-02T09:00+01:00')),
    );
    expect(createBusinessCalendar(definition).addBusinessTime(t('2026-01-01T00:00Z'), MIN)).toBeUndefined();
  });

  it('businessTimeBetween is 0 for an empty or reversed range', () => {
    expect(office.businessTimeBetween(t('2026-06-01T10:00+02:00'), t('2026-06-01T10:00+02:00'))).toBe(0);
    expect(office.businessTimeBetween(t('2026-06-01T11:00+02:00'), t('2026-06-01T10:00+02:00'))).toBe(0);
    expect(office.openIntervals(t('2026-06-01T11:00+02:00'), t('2026-06-01T10:00+02:00'))).toEqual([]);
  });

  it('rejects bad instants and durations with a ValidationError', () => {
    const rejects = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return isHotlineError(err, 'VALIDATION_FAILED');
      }
      return false;
    };
    expect(rejects(() => office.isOpen(Number.NaN))).toBe(true);
    expect(rejects(() => office.addBusinessTime(Date.UTC(2400, 0, 1), H))).toBe(true);
    expect(rejects(() => office.addBusinessTime(0, -1))).toBe(true);
    expect(rejects(() => office.addBusinessTime(0, Number.POSITIVE_INFINITY))).toBe(true);
    expect(rejects(() => office.businessTimeBetween(0, Number.NaN))).toBe(true);
    expect(rejects(() => createBusinessCalendar(TWENTY_FOUR_SEVEN, { searchDays: 0 }))).toBe(true);
    expect(rejects(() => createBusinessCalendar({ timeZone: 'Nowhere/Land', weekly: {} }))).toBe(true);
  });

  it('keeps the parsed definition frozen', () => {
    const cal = calendar('Europe/Berlin', { mon: [['09:00', '17:00']] });
    expect(cal.definition.weekly.sun).toEqual([]);
    expect(Object.isFrozen(cal.definition.weekly.mon)).toBe(true);
  });
});

describe('day cache', () => {
  it('a tiny cache (colliding, evicting and growing) answers exactly like the default one', () => {
    const definition: BusinessCalendarDefinitionInput = {
      timeZone: 'America/New_York',
      weekly: weekdays([
        ['08:00', '12:00'],
        ['13:00', '17:00'],
      ]),
      holidays: [
        { date: '07-04', yearly: true },
        { from: '2026-12-24', to: '2027-01-01' },
      ],
    };
    const big = createBusinessCalendar(definition);
    const tiny = createBusinessCalendar(definition, { cacheDays: 8 });
    // Jump back and forth over years so that days share cache slots all the time.
    let state = 7;
    const next = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    for (let i = 0; i < 2_000; i++) {
      const at = Date.UTC(2020, 0, 1) + Math.floor(next() * 10 * 365 * 24 * 60) * MIN;
      const d = Math.floor(next() * 20_000) * MIN;
      expect(tiny.addBusinessTime(at, d)).toBe(big.addBusinessTime(at, d));
      expect(tiny.isOpen(at)).toBe(big.isOpen(at));
      expect(tiny.businessTimeBetween(at, at + d)).toBe(big.businessTimeBetween(at, at + d));
    }
  });
});
