import { describe, expect, it } from 'vitest';
import { isHotlineError, ValidationError } from '../errors/hotline-error.js';
import { MAX_ICAL_BYTES, parseICalHolidays } from './ical.js';

const calendar = (...lines: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
const event = (...lines: string[]) => ['BEGIN:VEVENT', 'UID:x@test', ...lines, 'END:VEVENT'];

function rejection(text: string): string {
  try {
    parseICalHolidays(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    expect(isHotlineError(err, 'VALIDATION_FAILED')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected a ValidationError');
}

describe('parseICalHolidays', () => {
  it('reads single-day, multi-day (DTEND exclusive) and DURATION events', () => {
    const text = calendar(
      ...event('DTSTART;VALUE=DATE:20261225', 'DTEND;VALUE=DATE:20261226', 'SUMMARY:Christmas Day'),
      ...event('DTSTART;VALUE=DATE:20261224', 'DTEND;VALUE=DATE:20261227', 'SUMMARY:Christmas'),
      ...event('DTSTART;VALUE=DATE:20260501', 'SUMMARY:Labour day'),
      ...event('DTSTART:20260601', 'DURATION:P1W'),
      ...event('DTSTART;VALUE=DATE:20260701', 'DTEND;VALUE=DATE:20260701'),
    );
    expect(parseICalHolidays(text)).toEqual([
      { date: '2026-12-25', name: 'Christmas Day' },
      { from: '2026-12-24', to: '2026-12-26', name: 'Christmas' },
      { date: '2026-05-01', name: 'Labour day' },
      { from: '2026-06-01', to: '2026-06-07' },
      { date: '2026-07-01' },
    ]);
  });

  it('reads yearly rules, open-ended or bounded by COUNT / UNTIL', () => {
    const text = calendar(
      ...event('DTSTART;VALUE=DATE:20260101', 'RRULE:FREQ=YEARLY', 'SUMMARY:New Year'),
      ...event('DTSTART;VALUE=DATE:20261224', 'DTEND;VALUE=DATE:20261227', 'RRULE:FREQ=YEARLY;BYMONTH=12'),
      ...event('DTSTART;VALUE=DATE:20261231', 'DTEND;VALUE=DATE:20270102', 'RRULE:FREQ=YEARLY;INTERVAL=1'),
      ...event('DTSTART;VALUE=DATE:20260314', 'RRULE:FREQ=YEARLY;COUNT=2'),
      ...event('DTSTART;VALUE=DATE:20240229', 'RRULE:FREQ=YEARLY;UNTIL=20321231T000000Z'),
    );
    expect(parseICalHolidays(text)).toEqual([
      { date: '01-01', yearly: true, name: 'New Year' },
      { from: '12-24', to: '12-26', yearly: true },
      { from: '12-31', to: '01-01', yearly: true },
      { date: '2026-03-14' },
      { date: '2027-03-14' },
      { date: '2024-02-29' },
      { date: '2028-02-29' },
      { date: '2032-02-29' },
    ]);
  });

  it('handles folded lines, LF endings, escapes, a BOM and quoted parameters', () => {
    const text = [
      '\uFEFFBEGIN:VCALENDAR',
      'BEGIN:VEVENT',
      'DTSTART;VALUE=DATE;X-NOTE="a:b;c":20261003',
      'SUMMARY:Day of German\\, ',
      ' Unity\\; national',
      '\tholiday',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\n');
    expect(parseICalHolidays(text)).toEqual([{ date: '2026-10-03', name: 'Day of German, Unity; nationalholiday' }]);
  });

  it('ignores timed and cancelled events, other components and alarms', () => {
    const text = calendar(
      'BEGIN:VTIMEZONE',
      'TZID:Europe/Berlin',
      'BEGIN:STANDARD',
      'DTSTART:19701025T030000',
      'END:STANDARD',
      'END:VTIMEZONE',
      'BEGIN:VTODO',
      'DTSTART;VALUE=DATE:20260101',
      'END:VTODO',
      ...event('DTSTART;TZID=Europe/Berlin:20260105T090000', 'DTEND;TZID=Europe/Berlin:20260105T100000'),
      ...event('DTSTART;VALUE=DATE:20260106', 'STATUS:CANCELLED'),
      ...event(
        'DTSTART;VALUE=DATE:20260107',
        'BEGIN:VALARM',
        'TRIGGER:-PT15M',
        'DTSTART;VALUE=DATE:20990101',
        'END:VALARM',
      ),
    );
    expect(parseICalHolidays(text)).toEqual([{ date: '2026-01-07' }]);
    expect(parseICalHolidays(calendar())).toEqual([]);
  });

  it('rejects oversized input', () => {
    const big = calendar(`X-PAD:${'x'.repeat(MAX_ICAL_BYTES)}`);
    expect(rejection(big)).toMatch(/larger than/);
    // Under the limit in UTF-16 units but over it in UTF-8 bytes.
    const wide = calendar(`X-PAD:${'€'.repeat(Math.ceil(MAX_ICAL_BYTES / 3) + 10)}`);
    expect(wide.length).toBeLessThan(MAX_ICAL_BYTES);
    expect(rejection(wide)).toMatch(/larger than/);
  });

  it('rejects malformed lines and structure, naming the line', () => {
    expect(rejection(calendar(...event('DTSTART;VALUE=DATE:20260101', 'SUMMARY no colon')))).toMatch(/line 7:/);
    expect(rejection(calendar('BAD NAME:x'))).toMatch(/bad property name/);
    expect(rejection(calendar('DTSTART;NOEQUALS:20260101'))).toMatch(/bad parameter/);
    expect(rejection(' leading continuation')).toMatch(/continuation/);
    expect(rejection('BEGIN:VEVENT\r\nEND:VEVENT')).toMatch(/BEGIN:VCALENDAR/);
    expect(rejection('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR')).toMatch(/does not close VEVENT/);
    expect(rejection('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n')).toMatch(/missing END:VEVENT/);
    expect(rejection('hello world')).toMatch(/NAME:VALUE/);
    expect(rejection('')).toMatch(/not an iCalendar/);
    expect(rejection(calendar(...event('SUMMARY:no start')))).toMatch(/without DTSTART/);
    expect(rejection(calendar(...event('DTSTART;VALUE=DATE:20260230')))).toMatch(/not a calendar date/);
    expect(rejection(calendar(...event('DTSTART;VALUE=DATE:2026-01-01')))).toMatch(/not a date YYYYMMDD/);
    expect(rejection(calendar(...event('DTSTART:tomorrow')))).toMatch(/neither a date nor a date-time/);
    expect(rejection(calendar(...event('DTSTART;VALUE=DATE:20260101', 'DTSTART;VALUE=DATE:20260102')))).toMatch(
      /two DTSTART/,
    );
  });

  it('rejects recurrences a holiday entry cannot express instead of dropping them', () => {
    const rule = (value: string) => rejection(calendar(...event('DTSTART;VALUE=DATE:20261126', `RRULE:${value}`)));
    expect(rule('FREQ=YEARLY;BYMONTH=11;BYDAY=4TH')).toMatch(/BYDAY/);
    expect(rule('FREQ=MONTHLY')).toMatch(/FREQ=YEARLY/);
    expect(rule('FREQ=YEARLY;INTERVAL=2')).toMatch(/INTERVAL=1/);
    expect(rule('FREQ=YEARLY;COUNT=2;UNTIL=20300101')).toMatch(/both COUNT and UNTIL/);
    expect(rule('FREQ=YEARLY;COUNT=5000')).toMatch(/occurrences/);
    expect(rule('INTERVAL=1')).toMatch(/without FREQ/);
    expect(
      rejection(calendar(...event('DTSTART;VALUE=DATE:20260101', 'RRULE:FREQ=YEARLY', 'EXDATE;VALUE=DATE:20270101'))),
    ).toMatch(/EXDATE/);
  });
});
