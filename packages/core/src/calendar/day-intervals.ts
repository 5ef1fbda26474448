/**
 * The open intervals of each local day as epoch-ms pairs, computed once and cached: the
 * precomputation that makes `addBusinessTime` a walk over a few cached arrays.
 *
 * Time is cut into *day slots*: slot `d` is `[start(d), start(d + 1))` where `start(d)` is
 * the first instant at which the local wall clock reads local date `d`, 00:00 or later.
 * Slots tile the time line without gaps or overlaps even across DST changes (a slot is 23
 * or 25 hours long on those days), so walking slot by slot visits every instant once.
 * A slot's intervals are every instant in it at which the wall clock reads a time inside
 * an opening window — of its own date, or of the previous date when that one had an
 * overnight window.
 *
 * @internal
 */
import { DAY_MS, MINUTE_MS } from './civil-date.js';
import type { DayRules } from './day-rules.js';
import { firstInstantAtOrAfterWall, instantsWithWallIn, type ZoneRules } from './zoned-time.js';

/**
 * One local day's slot of time and the open intervals inside it.
 *
 * @example
 * ```ts
 * const { start, end, intervals } = slots.get(dayNumber);
 * ```
 */
export interface DaySlot {
  /** First instant of the slot (epoch ms). */
  readonly start: number;
  /** First instant after the slot; the next slot's `start`. */
  readonly end: number;
  /** Open intervals inside the slot as flat `[start0, end0, start1, end1, …]`, sorted, disjoint, not touching. */
  readonly intervals: readonly number[];
}

/** Slots kept per calendar: 4096 days ≈ 11 years, each a few dozen bytes. */
const DEFAULT_CAPACITY = 4096;
/** Cache slots a calendar starts with (doubled on demand up to the capacity). */
const INITIAL_SIZE = 64;
/**
 * How far before local midnight (and after the window end) the offset segments must
 * reach: more than the largest offset any zone has ever had (±15:56 in 19th-century
 * Manila) so that local and UTC days always overlap within the range.
 */
const MARGIN_MS = DAY_MS;

/**
 * Computes and caches {@link DaySlot}s of one calendar. The cache is direct-mapped: slot
 * `d` lives at index `d mod size` (size: `capacity` rounded up to a power of two), so a
 * lookup is one array read and a comparison — `addBusinessTime` looks up every day it
 * crosses, and a `Map` lookup there cost more than the rest of the walk. Any run of
 * `capacity` consecutive days fits without collisions; a day further away replaces the
 * one sharing its index, which suits SLA workloads that move forward in time.
 *
 * @example
 * ```ts
 * const slots = new DaySlots(zoneRulesFor('Europe/Berlin'), compileDayRules(definition));
 * slots.get(parseIsoDate('2026-03-29')!).end - slots.get(parseIsoDate('2026-03-29')!).start; // 23 h
 * ```
 */
export class DaySlots {
  private days: Array<number | undefined>;
  private slots: Array<DaySlot | undefined>;
  private mask: number;
  private readonly maxSize: number;

  constructor(
    private readonly zone: ZoneRules,
    private readonly rules: DayRules,
    capacity = DEFAULT_CAPACITY,
  ) {
    let size = 1;
    while (size < capacity) size *= 2;
    this.maxSize = size;
    // Start small (many calendars only ever see a few weeks) and double on a collision.
    const initial = Math.min(size, INITIAL_SIZE);
    this.mask = initial - 1;
    this.days = new Array<number | undefined>(initial).fill(undefined);
    this.slots = new Array<DaySlot | undefined>(initial).fill(undefined);
  }

  /** The slot of local date `dayNumber` (days since 1970-01-01). */
  get(dayNumber: number): DaySlot {
    const index = dayNumber & this.mask;
    const cached = this.days[index];
    if (cached === dayNumber) return this.slots[index] as DaySlot;
    const slot = this.build(dayNumber);
    if (cached !== undefined && this.days.length < this.maxSize) this.grow();
    const at = dayNumber & this.mask;
    this.days[at] = dayNumber;
    this.slots[at] = slot;
    return slot;
  }

  private grow(): void {
    const days = this.days;
    const slots = this.slots;
    const size = days.length * 2;
    this.mask = size - 1;
    this.days = new Array<number | undefined>(size).fill(undefined);
    this.slots = new Array<DaySlot | undefined>(size).fill(undefined);
    for (let i = 0; i < days.length; i++) {
      const day = days[i];
      if (day === undefined) continue;
      this.days[day & this.mask] = day;
      this.slots[day & this.mask] = slots[i];
    }
  }

  /**
   * The day number whose slot contains `instant`. Starts from the UTC date, which is at
   * most one day off because no offset reaches 24 hours.
   */
  dayOf(instant: number): number {
    let day = Math.floor(instant / DAY_MS);
    let slot = this.get(day);
    while (instant < slot.start) slot = this.get(--day);
    while (instant >= slot.end) slot = this.get(++day);
    return day;
  }

  private build(dayNumber: number): DaySlot {
    const midnight = dayNumber * DAY_MS;
    // Windows of dates d-2 … d can reach into slot d (an overnight window ends before 48:00).
    const segments = this.zone.segments(midnight - 2 * DAY_MS - MARGIN_MS, midnight + 2 * DAY_MS + MARGIN_MS);
    const start = firstInstantAtOrAfterWall(segments, midnight);
    const end = firstInstantAtOrAfterWall(segments, midnight + DAY_MS);
    const raw: number[] = [];
    for (let date = dayNumber - 2; date <= dayNumber; date++) {
      const windows = this.rules.windowsOn(date);
      const dateMidnight = date * DAY_MS;
      for (let i = 0; i < windows.length; i += 2) {
        const wallFrom = dateMidnight + (windows[i] as number) * MINUTE_MS;
        const wallTo = dateMidnight + (windows[i + 1] as number) * MINUTE_MS;
        // Cheap reject: the wall range cannot meet this slot.
        if (wallTo <= midnight - MARGIN_MS || wallFrom >= midnight + DAY_MS + MARGIN_MS) continue;
        instantsWithWallIn(segments, wallFrom, wallTo, raw);
      }
    }
    return { start, end, intervals: clipAndMerge(raw, start, end) };
  }
}

/** Clips flat pairs to `[start, end)`, sorts them and merges overlapping or touching ones. */
function clipAndMerge(raw: readonly number[], start: number, end: number): number[] {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < raw.length; i += 2) {
    const from = Math.max(raw[i] as number, start);
    const to = Math.min(raw[i + 1] as number, end);
    if (from < to) pairs.push([from, to]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [from, to] of pairs) {
    const last = out.length - 1;
    if (last > 0 && from <= (out[last] as number)) out[last] = Math.max(out[last] as number, to);
    else out.push(from, to);
  }
  return out;
}
