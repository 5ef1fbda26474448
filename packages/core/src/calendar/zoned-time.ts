/**
 * UTC offset maths for one IANA time zone, built on `Intl.DateTimeFormat` (the only zone
 * database a platform-free package can rely on).
 *
 * Formatting a date with `Intl` costs about 1–3 µs, far too slow for the SLA hot path, so
 * a zone's offsets are read once per 8-day chunk of UTC time and kept as a short list of
 * {@link OffsetSegment}s (usually one per chunk, two around a DST change). Converting wall
 * clock ↔ instant is then a loop over one or two segments, with no `Intl` call at all.
 *
 * Assumption, true of every zone in the tz database since 1970: a zone does not change
 * its offset and change it back within 24 hours (offsets are sampled once a day and the
 * exact change instant is found by bisection).
 *
 * @internal
 */
import { DAY_MS } from './civil-date.js';

/**
 * From `start` (epoch ms) until the next segment's start, local time = UTC + `offset` ms.
 *
 * @example
 * ```ts
 * const [{ offset }] = zoneRulesFor('Asia/Kathmandu').segments(from, to); // 20_700_000
 * ```
 */
export interface OffsetSegment {
  readonly start: number;
  readonly offset: number;
}

const CHUNK_DAYS = 8;
const CHUNK_MS = CHUNK_DAYS * DAY_MS;
/** 8-day chunks kept per zone: 2048 ≈ 45 years of offsets, a few hundred kB at most. */
const MAX_CHUNKS_PER_ZONE = 2048;
/** Zones kept in the shared registry; there are fewer than 600 IANA zones in use. */
const MAX_ZONES = 1024;

/**
 * The offsets of one time zone, cached per chunk. Shared by every calendar in the same
 * zone (see {@link zoneRulesFor}), so a thousand tenants in `Europe/Berlin` read Berlin's
 * offsets once.
 *
 * @example
 * ```ts
 * const berlin = zoneRulesFor('Europe/Berlin');
 * berlin.offsetAt(Date.UTC(2026, 6, 1)); // 7_200_000 (CEST, UTC+2)
 * ```
 */
export class ZoneRules {
  /** The canonical zone name as `Intl` resolved it (`europe/berlin` → `Europe/Berlin`). */
  readonly timeZone: string;
  private readonly format: Intl.DateTimeFormat;
  private readonly chunks = new Map<number, readonly OffsetSegment[]>();

  /** @throws RangeError if `Intl` does not know the zone (validate with `timeZoneSchema` first). */
  constructor(timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    this.timeZone = this.format.resolvedOptions().timeZone;
  }

  /**
   * The zone's UTC offset in ms at `instant`, straight from `Intl` (slow; cold paths and
   * tests only). Precise to the second, like the tz database.
   *
   * @example
   * ```ts
   * zoneRulesFor('Asia/Kathmandu').offsetAt(Date.UTC(2026, 0, 1)); // 20_700_000 (+05:45)
   * ```
   */
  offsetAt(instant: number): number {
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    for (const part of this.format.formatToParts(instant)) {
      switch (part.type) {
        case 'year':
          year = Number(part.value);
          break;
        case 'month':
          month = Number(part.value);
          break;
        case 'day':
          day = Number(part.value);
          break;
        case 'hour':
          // Some engines print midnight as 24 even with hourCycle h23.
          hour = Number(part.value) % 24;
          break;
        case 'minute':
          minute = Number(part.value);
          break;
        case 'second':
          second = Number(part.value);
          break;
      }
    }
    const wholeSecond = instant - (((instant % 1000) + 1000) % 1000);
    return Date.UTC(year, month - 1, day, hour, minute, second) - wholeSecond;
  }

  /**
   * The offset segments covering `[from, to)`: the first starts at or before `from`, each
   * lasts until the next one starts, the last is valid at least until `to`.
   *
   * @example
   * ```ts
   * // Berlin springs forward on 2026-03-29 at 01:00 UTC.
   * zoneRulesFor('Europe/Berlin').segments(Date.UTC(2026, 2, 29), Date.UTC(2026, 2, 30));
   * // [{ start: ≤ from, offset: 3_600_000 }, { start: Date.UTC(2026, 2, 29, 1), offset: 7_200_000 }]
   * ```
   */
  segments(from: number, to: number): OffsetSegment[] {
    const out: OffsetSegment[] = [];
    const last = Math.floor((to - 1) / CHUNK_MS);
    for (let chunk = Math.floor(from / CHUNK_MS); chunk <= last; chunk++) {
      for (const segment of this.chunk(chunk)) {
        const previous = out[out.length - 1];
        if (previous !== undefined && previous.offset === segment.offset) continue;
        // Drop segments that end before `from`: keep only the last one starting at or before it.
        if (previous !== undefined && segment.start <= from) out.pop();
        out.push(segment);
      }
    }
    return out;
  }

  private chunk(index: number): readonly OffsetSegment[] {
    const cached = this.chunks.get(index);
    if (cached !== undefined) return cached;
    const built = this.buildChunk(index * CHUNK_MS);
    // Oldest-first eviction keeps memory bounded for long-running servers.
    if (this.chunks.size >= MAX_CHUNKS_PER_ZONE) this.chunks.delete(this.chunks.keys().next().value as number);
    this.chunks.set(index, built);
    return built;
  }

  private buildChunk(base: number): OffsetSegment[] {
    const first = this.offsetAt(base);
    const segments: OffsetSegment[] = [{ start: base, offset: first }];
    let sampleAt = base;
    let sampleOffset = first;
    for (let day = 1; day <= CHUNK_DAYS; day++) {
      const nextAt = base + day * DAY_MS;
      const nextOffset = this.offsetAt(nextAt);
      // Several changes inside one day (never seen, but cheap to handle): find them in turn.
      while (sampleOffset !== nextOffset) {
        const change = this.firstChange(sampleAt, sampleOffset, nextAt);
        const offset = this.offsetAt(change);
        if (change < base + CHUNK_MS) segments.push({ start: change, offset });
        sampleAt = change;
        sampleOffset = offset;
      }
      sampleAt = nextAt;
      sampleOffset = nextOffset;
    }
    return segments;
  }

  /** The first whole second in `(low, high]` whose offset differs from `lowOffset`. */
  private firstChange(low: number, lowOffset: number, high: number): number {
    let lo = low;
    let hi = high;
    while (hi - lo > 1000) {
      const mid = lo + Math.max(1, Math.floor((hi - lo) / 2000)) * 1000;
      if (this.offsetAt(mid) === lowOffset) lo = mid;
      else hi = mid;
    }
    return hi;
  }
}

const registry = new Map<string, ZoneRules>();

/**
 * The shared {@link ZoneRules} of a zone, created on first use.
 *
 * @throws RangeError if `Intl` does not know the zone.
 *
 * @example
 * ```ts
 * zoneRulesFor('America/New_York') === zoneRulesFor('America/New_York'); // true
 * ```
 */
export function zoneRulesFor(timeZone: string): ZoneRules {
  const cached = registry.get(timeZone);
  if (cached !== undefined) return cached;
  const rules = new ZoneRules(timeZone);
  if (registry.size >= MAX_ZONES) registry.delete(registry.keys().next().value as string);
  registry.set(timeZone, rules);
  return rules;
}

/**
 * The first instant at which the local wall clock reads `wallMs` or later, where `wallMs`
 * is the wall-clock time written as if it were UTC (`Date.UTC(y, m, d, h, min)`).
 *
 * - A time that exists once maps to that instant.
 * - A time skipped by a spring-forward gap maps to the instant of the jump (the clock
 *   goes straight from before it to after it).
 * - A time repeated by a fall-back maps to its first occurrence.
 *
 * `segments` must start early enough that the clock reads less than `wallMs` at the
 * first segment's start.
 *
 * @example
 * ```ts
 * const segs = zoneRulesFor('Europe/Berlin').segments(Date.UTC(2026, 2, 28), Date.UTC(2026, 2, 30));
 * firstInstantAtOrAfterWall(segs, Date.UTC(2026, 2, 29, 2, 30)); // Date.UTC(2026, 2, 29, 1): 02:30 is skipped
 * ```
 */
export function firstInstantAtOrAfterWall(segments: readonly OffsetSegment[], wallMs: number): number {
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as OffsetSegment;
    if (wallMs <= segment.start + segment.offset) return segment.start;
    const next = segments[i + 1];
    if (next === undefined || wallMs < next.start + segment.offset) return wallMs - segment.offset;
  }
  throw new RangeError('no offset segments');
}

/**
 * Appends to `out` (as flat `[start, end, …]` epoch-ms pairs, in time order) every
 * instant range during which the local wall clock reads a time in `[wallFrom, wallTo)`.
 * On a fall-back day a range that covers the repeated hour yields two pieces or one
 * longer piece; on a spring-forward day the skipped hour yields nothing.
 *
 * @example
 * ```ts
 * const segs = zoneRulesFor('Europe/Berlin').segments(Date.UTC(2026, 9, 24), Date.UTC(2026, 9, 27));
 * const out: number[] = [];
 * instantsWithWallIn(segs, Date.UTC(2026, 9, 25, 0), Date.UTC(2026, 9, 26, 0), out);
 * out[1] - out[0]; // 25 hours: the fall-back day
 * ```
 */
export function instantsWithWallIn(
  segments: readonly OffsetSegment[],
  wallFrom: number,
  wallTo: number,
  out: number[],
): void {
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as OffsetSegment;
    const next = segments[i + 1];
    const segmentEnd = next === undefined ? Number.POSITIVE_INFINITY : next.start;
    const start = Math.max(segment.start, wallFrom - segment.offset);
    const end = Math.min(segmentEnd, wallTo - segment.offset);
    if (start >= end) continue;
    // Pieces from adjacent segments that touch (no offset change in wall terms) join up.
    if (out.length > 0 && out[out.length - 1] === start) out[out.length - 1] = end;
    else out.push(start, end);
  }
}
