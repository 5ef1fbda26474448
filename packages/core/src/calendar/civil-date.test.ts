import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIsoInstant } from './civil-date.js';

describe('formatIsoInstant', () => {
  it('writes exactly what toISOString writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(-5000, 0, 1), max: Date.UTC(12_000, 0, 1) }), (ms) => {
        expect(formatIsoInstant(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 5000 },
    );
    for (const ms of [0, -1, Date.UTC(1000, 0, 1), Date.UTC(10_000, 0, 1) - 1, Date.UTC(2028, 1, 29, 23, 59, 59, 999)])
      expect(formatIsoInstant(ms)).toBe(new Date(ms).toISOString());
  });

  it('falls back for fractional and invalid instants', () => {
    expect(formatIsoInstant(1.5)).toBe(new Date(1.5).toISOString());
    expect(() => formatIsoInstant(Number.NaN)).toThrow(RangeError);
  });
});
