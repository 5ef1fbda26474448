/**
 * Holiday import from iCalendar (RFC 5545) feeds, such as a public-holiday calendar
 * exported from Google Calendar, Outlook or a government site.
 */
import { z } from 'zod';
import { ValidationError } from '../errors/hotline-error.js';
import { parseInput } from '../validation/parse.js';
import { type Holiday, holidaySchema, MAX_HOLIDAYS } from './calendar-schema.js';
import { civilFromDays, daysFromCivil, daysInMonth, formatIsoDate, pad2 } from './civil-date.js';

/**
 * Largest iCalendar text {@link parseICalHolidays} accepts: 1 MiB of UTF-8.
 *
 * @example
 * ```ts
 * if (feed.length > MAX_ICAL_BYTES) console.warn('holiday feed too large');
 * ```
 */
export const MAX_ICAL_BYTES = 1024 * 1024;
/** Most dated entries one recurring event may expand to (`COUNT` / `UNTIL`). */
const MAX_OCCURRENCES = 1000;

interface ContentLine {
  /** 1-based physical line where the (unfolded) content line starts. */
  line: number;
  name: string;
  params: Map<string, string>;
  value: string;
}

interface EventDraft {
  line: number;
  properties: ContentLine[];
}

function fail(line: number, message: string): never {
  throw new ValidationError(`Invalid iCalendar, line ${line}: ${message}`, [{ path: `line.${line}`, message }]);
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair is one 4-byte code point.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** RFC 5545 §3.1: a line starting with a space or tab continues the previous one. */
function unfold(text: string): Array<{ line: number; text: string }> {
  const logical: Array<{ line: number; text: string }> = [];
  const physical = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < physical.length; i++) {
    const raw = physical[i] as string;
    const first = raw.charCodeAt(0);
    if (first === 0x20 || first === 0x09) {
      const previous = logical[logical.length - 1];
      if (previous === undefined) fail(i + 1, 'a folded continuation line with nothing to continue');
      previous.text += raw.slice(1);
    } else logical.push({ line: i + 1, text: raw });
  }
  return logical;
}

const NAME = /^[A-Za-z0-9-]+$/;

/** Splits `NAME;PARAM=value;PARAM="quoted:value":VALUE`, honouring quotes in parameters. */
function parseContentLine(line: number, text: string): ContentLine {
  let inQuotes = false;
  const cuts: number[] = [];
  let colon = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === ';') cuts.push(i);
    else if (!inQuotes && ch === ':') {
      colon = i;
      break;
    }
  }
  if (colon < 0) fail(line, 'expected NAME:VALUE');
  const head = text.slice(0, colon);
  const pieces: string[] = [];
  let from = 0;
  for (const cut of cuts) {
    pieces.push(head.slice(from, cut));
    from = cut + 1;
  }
  pieces.push(head.slice(from));
  const name = (pieces[0] as string).toUpperCase();
  if (!NAME.test(name)) fail(line, `bad property name '${name.slice(0, 40)}'`);
  const params = new Map<string, string>();
  for (const piece of pieces.slice(1)) {
    const eq = piece.indexOf('=');
    if (eq <= 0 || !NAME.test(piece.slice(0, eq))) fail(line, `bad parameter '${piece.slice(0, 40)}'`);
    params.set(piece.slice(0, eq).toUpperCase(), piece.slice(eq + 1).replace(/^"|"$/g, ''));
  }
  return { line, name, params, value: text.slice(colon + 1) };
}

/** `YYYYMMDD` → day number; anything else (or a date that does not exist) fails. */
function parseDateValue(property: ContentLine): number {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(property.value);
  if (!match) fail(property.line, `${property.name} is not a date YYYYMMDD`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    fail(property.line, `${property.name} ${property.value} is not a calendar date`);
  return daysFromCivil(year, month, day);
}

function isDateTimeValue(value: string): boolean {
  return /^\d{8}T\d{6}Z?$/.test(value);
}

function isAllDay(property: ContentLine): boolean {
  const type = property.params.get('VALUE')?.toUpperCase();
  if (type === 'DATE') return true;
  if (type !== undefined && type !== 'DATE-TIME') fail(property.line, `unsupported VALUE=${type.slice(0, 20)}`);
  if (isDateTimeValue(property.value)) return false;
  if (/^\d{8}$/.test(property.value)) return true;
  return fail(property.line, `${property.name} is neither a date nor a date-time`);
}

function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, ch: string) => (ch === 'n' || ch === 'N' ? '\n' : ch));
}

/** Days of an all-day `DURATION` (`P3D`, `P1W`). */
function parseDurationDays(property: ContentLine): number {
  const match = /^\+?P(?:(\d+)W|(\d+)D)$/.exec(property.value);
  if (!match) fail(property.line, `unsupported DURATION '${property.value.slice(0, 40)}' for an all-day event`);
  return match[1] !== undefined ? Number(match[1]) * 7 : Number(match[2]);
}

interface YearlyRule {
  count?: number;
  /** Last day number an occurrence may start on. */
  until?: number;
}

function parseYearlyRule(property: ContentLine, start: number): YearlyRule {
  const rule: YearlyRule = {};
  const parts = new Map<string, string>();
  for (const part of property.value.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) fail(property.line, `malformed RRULE part '${part.slice(0, 40)}'`);
    parts.set(part.slice(0, eq).toUpperCase(), part.slice(eq + 1));
  }
  const date = civilFromDays(start);
  for (const [key, value] of parts) {
    switch (key) {
      case 'FREQ':
        if (value.toUpperCase() !== 'YEARLY')
          fail(property.line, `only FREQ=YEARLY is supported, not ${value.slice(0, 20)}`);
        break;
      case 'INTERVAL':
        if (value !== '1') fail(property.line, 'only INTERVAL=1 is supported');
        break;
      case 'BYMONTH':
        if (Number(value) !== date.month) fail(property.line, 'BYMONTH must match the DTSTART month');
        break;
      case 'BYMONTHDAY':
        if (Number(value) !== date.day) fail(property.line, 'BYMONTHDAY must match the DTSTART day');
        break;
      case 'WKST':
        break;
      case 'COUNT': {
        if (!/^\d{1,6}$/.test(value) || Number(value) < 1) fail(property.line, 'COUNT must be a positive integer');
        rule.count = Number(value);
        break;
      }
      case 'UNTIL': {
        const match = /^(\d{8})(T\d{6}Z?)?$/.exec(value);
        if (!match) fail(property.line, 'UNTIL must be a date or date-time');
        rule.until = parseDateValue({ ...property, name: 'UNTIL', value: match[1] as string });
        break;
      }
      default:
        // BYDAY and friends describe floating holidays (fourth Thursday…), which a
        // holiday entry cannot express; failing beats silently dropping the holiday.
        fail(property.line, `unsupported RRULE part ${key.slice(0, 20)} (floating dates cannot be imported)`);
    }
  }
  if (!parts.has('FREQ')) fail(property.line, 'RRULE without FREQ');
  if (rule.count !== undefined && rule.until !== undefined) fail(property.line, 'RRULE has both COUNT and UNTIL');
  return rule;
}

function toHolidays(event: EventDraft): Holiday[] {
  const one = (name: string) => event.properties.filter((p) => p.name === name);
  for (const name of ['DTSTART', 'DTEND', 'DURATION', 'RRULE', 'SUMMARY', 'STATUS']) {
    const found = one(name);
    if (found.length > 1) fail((found[1] as ContentLine).line, `a VEVENT with two ${name} properties`);
  }
  for (const name of ['RDATE', 'EXDATE', 'RECURRENCE-ID']) {
    const found = one(name)[0];
    if (found !== undefined) fail(found.line, `${name} is not supported in holiday feeds`);
  }
  const dtstart = one('DTSTART')[0];
  if (dtstart === undefined) fail(event.line, 'a VEVENT without DTSTART');
  const status = one('STATUS')[0];
  if (status?.value.toUpperCase() === 'CANCELLED') return [];
  // A timed event is a meeting, not a holiday: leave it out.
  if (!isAllDay(dtstart)) return [];
  const start = parseDateValue(dtstart);
  const dtend = one('DTEND')[0];
  const duration = one('DURATION')[0];
  if (dtend !== undefined && duration !== undefined) fail(duration.line, 'a VEVENT with both DTEND and DURATION');
  let lastDay = start;
  if (dtend !== undefined) {
    if (!isAllDay(dtend)) fail(dtend.line, 'DTEND is a date-time but DTSTART is a date');
    // DTEND of an all-day event is exclusive; some producers repeat DTSTART for one day.
    lastDay = Math.max(start, parseDateValue(dtend) - 1);
  } else if (duration !== undefined) {
    lastDay = start + Math.max(1, parseDurationDays(duration)) - 1;
  }
  const summary = one('SUMMARY')[0];
  const name = summary === undefined ? undefined : unescapeText(summary.value).slice(0, 200);
  const named = <T extends object>(holiday: T): T => (name === undefined ? holiday : { ...holiday, name });
  const rrule = one('RRULE')[0];
  if (rrule === undefined) {
    return [
      named(
        lastDay === start ? { date: formatIsoDate(start) } : { from: formatIsoDate(start), to: formatIsoDate(lastDay) },
      ),
    ];
  }
  const rule = parseYearlyRule(rrule, start);
  const span = lastDay - start;
  if (span >= 365) fail(rrule.line, 'a yearly event longer than a year');
  const first = civilFromDays(start);
  const last = civilFromDays(lastDay);
  if (rule.count === undefined && rule.until === undefined) {
    const monthDay = (d: { month: number; day: number }) => `${pad2(d.month)}-${pad2(d.day)}`;
    return [
      named(
        span === 0
          ? { date: monthDay(first), yearly: true as const }
          : { from: monthDay(first), to: monthDay(last), yearly: true as const },
      ),
    ];
  }
  // A bounded rule becomes dated entries. Per RFC 5545, a year without the date
  // (29 February) has no occurrence and does not count toward COUNT.
  const out: Holiday[] = [];
  for (let year = first.year; ; year++) {
    if (first.day > daysInMonth(year, first.month)) continue;
    const from = daysFromCivil(year, first.month, first.day);
    if (rule.until !== undefined && from > rule.until) break;
    if (rule.count !== undefined && out.length >= rule.count) break;
    if (out.length >= MAX_OCCURRENCES) fail(rrule.line, `more than ${MAX_OCCURRENCES} occurrences`);
    out.push(
      named(span === 0 ? { date: formatIsoDate(from) } : { from: formatIsoDate(from), to: formatIsoDate(from + span) }),
    );
  }
  return out;
}

const holidayListSchema = z.array(holidaySchema).max(MAX_HOLIDAYS);

/**
 * Reads the holidays of an iCalendar feed: every all-day `VEVENT` (`DTSTART;VALUE=DATE`)
 * becomes a holiday entry — one date, or a range when `DTEND` (exclusive, as RFC 5545
 * says) or `DURATION` spans several days; `RRULE:FREQ=YEARLY` makes it yearly, or a list
 * of dated entries when the rule has `COUNT` or `UNTIL`. `SUMMARY` becomes the name.
 *
 * Left out: timed events, `STATUS:CANCELLED` events and other components (`VTODO`,
 * `VTIMEZONE`, `VALARM`…). Handles CRLF or LF line ends and folded lines. Dates are taken
 * as written: they apply in the time zone of the calendar the holidays are added to.
 *
 * @throws ValidationError on input over {@link MAX_ICAL_BYTES}, a malformed line, broken
 * `BEGIN`/`END` nesting, an invalid date, or a rule a holiday cannot express (`BYDAY`,
 * `EXDATE`, non-yearly `FREQ`…) — rather than silently importing a wrong holiday list.
 *
 * @example
 * ```ts
 * const holidays = parseICalHolidays(await (await fetch(feedUrl)).text());
 * const calendar = createBusinessCalendar({ timeZone: 'Europe/Berlin', weekly, holidays });
 * ```
 */
export function parseICalHolidays(icsText: string): Holiday[] {
  if (typeof icsText !== 'string') throw new ValidationError('iCalendar input must be a string', []);
  if (icsText.length > MAX_ICAL_BYTES || utf8Length(icsText) > MAX_ICAL_BYTES)
    throw new ValidationError(`iCalendar input is larger than ${MAX_ICAL_BYTES} bytes`, [
      { path: '', message: `at most ${MAX_ICAL_BYTES} bytes`, code: 'too_big' },
    ]);
  const text = icsText.charCodeAt(0) === 0xfeff ? icsText.slice(1) : icsText;
  const stack: string[] = [];
  const events: EventDraft[] = [];
  let current: EventDraft | undefined;
  let sawCalendar = false;
  for (const logical of unfold(text)) {
    if (logical.text.trim() === '') continue;
    const property = parseContentLine(logical.line, logical.text);
    if (property.name === 'BEGIN') {
      const component = property.value.toUpperCase();
      if (!NAME.test(component)) fail(property.line, 'bad component name');
      if (stack.length === 0 && component !== 'VCALENDAR') fail(property.line, 'expected BEGIN:VCALENDAR');
      if (component === 'VCALENDAR') sawCalendar = true;
      stack.push(component);
      if (component === 'VEVENT' && stack.length === 2) {
        current = { line: property.line, properties: [] };
      }
      continue;
    }
    if (property.name === 'END') {
      const component = property.value.toUpperCase();
      if (stack[stack.length - 1] !== component)
        fail(property.line, `END:${component.slice(0, 40)} does not close ${stack[stack.length - 1] ?? 'anything'}`);
      stack.pop();
      if (component === 'VEVENT' && current !== undefined && stack.length === 1) {
        events.push(current);
        current = undefined;
      }
      continue;
    }
    if (stack.length === 0) fail(property.line, 'content outside BEGIN:VCALENDAR … END:VCALENDAR');
    // Only the event's own properties count, not those of a nested VALARM.
    if (current !== undefined && stack.length === 2) current.properties.push(property);
  }
  if (stack.length > 0) fail(text.split(/\r\n|\n|\r/).length, `missing END:${stack[stack.length - 1]}`);
  if (!sawCalendar) throw new ValidationError('not an iCalendar file: no BEGIN:VCALENDAR', []);
  const holidays = events.flatMap(toHolidays);
  return parseInput(holidayListSchema, holidays, 'iCalendar holidays');
}
