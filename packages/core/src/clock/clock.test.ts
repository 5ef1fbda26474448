import { describe, expect, it } from 'vitest';
import { type Clock, isoNow, systemClock } from './clock.js';

const at = (ms: number): Clock => ({ ...systemClock, now: () => ms });

describe('isoNow', () => {
  it('formats each clock’s own time, however calls to different clocks interleave', () => {
    const times = [0, 1_700_000_000_123, 1_700_000_000_123, 1_700_000_000_124, 0, 1_700_000_000_123.9];
    for (const ms of times) expect(isoNow(at(ms))).toBe(new Date(ms).toISOString());
  });

  it('still refuses a clock that is not a time', () => {
    expect(() => isoNow(at(Number.NaN))).toThrow(RangeError);
    expect(() => isoNow(at(Number.NaN))).toThrow(RangeError);
  });
});
