import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from './civil-date.js';
import { firstInstantAtOrAfterWall, instantsWithWallIn, ZoneRules, zoneRulesFor } from './zoned-time.js';

const wall = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min);

describe('ZoneRules', () => {
  it('reads offsets, including 30- and 45-minute ones', () => {
    expect(zoneRulesFor('Europe/Berlin').offsetAt(Date.UTC(2026, 0, 15))).toBe(HOUR_MS);
    expect(zoneRulesFor('Europe/Berlin').offsetAt(Date.UTC(2026, 6, 15))).toBe(2 * HOUR_MS);
    expect(zoneRulesFor('America/New_York').offsetAt(Date.UTC(2026, 0, 15))).toBe(-5 * HOUR_MS);
    expect(zoneRulesFor('Asia/Kathmandu').offsetAt(Date.UTC(2026, 0, 15))).toBe(5.75 * HOUR_MS);
    expect(zoneRulesFor('Australia/Lord_Howe').offsetAt(Date.UTC(2026, 0, 15))).toBe(11 * HOUR_MS);
    expect(zoneRulesFor('Australia/Lord_Howe').offsetAt(Date.UTC(2026, 6, 15))).toBe(10.5 * HOUR_MS);
    expect(zoneRulesFor('Asia/Shanghai').offsetAt(Date.UTC(2026, 6, 15))).toBe(8 * HOUR_MS);
  });

  it('finds DST changes to the second and shares rules per zone', () => {
    const berlin = zoneRulesFor('Europe/Berlin');
    expect(zoneRulesFor('Europe/Berlin')).toBe(berlin);
    expect(berlin.segments(Date.UTC(2026, 2, 28), Date.UTC(2026, 2, 31))).toEqual([
      { start: expect.any(Number), offset: HOUR_MS },
      { start: Date.UTC(2026, 2, 29, 1), offset: 2 * HOUR_MS },
    ]);
    const lordHowe = zoneRulesFor('Australia/Lord_Howe').segments(Date.UTC(2026, 3, 3), Date.UTC(2026, 3, 6));
    expect(lordHowe.map((s) => s.offset)).toEqual([11 * HOUR_MS, 10.5 * HOUR_MS]);
    expect(lordHowe[1]?.start).toBe(Date.UTC(2026, 3, 4, 15));
  });

  it('returns one segment when nothing changes, starting at or before the range', () => {
    const segments = zoneRulesFor('Asia/Shanghai').segments(Date.UTC(2026, 0, 1, 5), Date.UTC(2026, 11, 31));
    expect(segments).toHaveLength(1);
    expect(segments[0]?.start).toBeLessThanOrEqual(Date.UTC(2026, 0, 1, 5));
  });

  it('resolves aliases and case to the canonical name', () => {
    expect(new ZoneRules('europe/berlin').timeZone).toBe('Europe/Berlin');
    expect(() => new ZoneRules('Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('wall clock ↔ instant', () => {
  const berlin = zoneRulesFor('Europe/Berlin');
  const spring = berlin.segments(Date.UTC(2026, 2, 27), Date.UTC(2026, 2, 31));
  const fall = berlin.segments(Date.UTC(2026, 9, 23), Date.UTC(2026, 9, 27));

  it('maps skipped times to the jump and repeated times to their first occurrence', () => {
    expect(firstInstantAtOrAfterWall(spring, wall(2026, 3, 29, 1, 59))).toBe(Date.UTC(2026, 2, 29, 0, 59));
    expect(firstInstantAtOrAfterWall(spring, wall(2026, 3, 29, 2, 30))).toBe(Date.UTC(2026, 2, 29, 1));
    expect(firstInstantAtOrAfterWall(spring, wall(2026, 3, 29, 3, 0))).toBe(Date.UTC(2026, 2, 29, 1));
    expect(firstInstantAtOrAfterWall(fall, wall(2026, 10, 25, 2, 30))).toBe(Date.UTC(2026, 9, 25, 0, 30));
    // 03:00 CEST never shows: the clock turns from 02:59:59 CEST to 02:00 CET.
    expect(firstInstantAtOrAfterWall(fall, wall(2026, 10, 25, 3, 0))).toBe(Date.UTC(2026, 9, 25, 2));
  });

  it('lists every instant whose wall clock falls in a range', () => {
    const out: number[] = [];
    instantsWithWallIn(fall, wall(2026, 10, 25, 1), wall(2026, 10, 25, 2, 30), out);
    // 01:00–02:30 CEST, then 02:00–02:30 CET again.
    expect(out).toEqual([
      Date.UTC(2026, 9, 24, 23),
      Date.UTC(2026, 9, 25, 0, 30),
      Date.UTC(2026, 9, 25, 1),
      Date.UTC(2026, 9, 25, 1, 30),
    ]);
    const day: number[] = [];
    instantsWithWallIn(spring, wall(2026, 3, 29), wall(2026, 3, 30), day);
    expect(day).toEqual([Date.UTC(2026, 2, 28, 23), Date.UTC(2026, 2, 29, 22)]);
    expect((day[1] as number) - (day[0] as number)).toBe(DAY_MS - HOUR_MS);
  });

  it('handles a zone that skipped a whole date (Pacific/Apia, 2011-12-30)', () => {
    const apia = zoneRulesFor('Pacific/Apia').segments(Date.UTC(2011, 11, 27), Date.UTC(2012, 0, 2));
    const dec30 = firstInstantAtOrAfterWall(apia, wall(2011, 12, 30));
    const dec31 = firstInstantAtOrAfterWall(apia, wall(2011, 12, 31));
    expect(dec31 - dec30).toBe(0);
  });
});
