import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateMos } from './mos.js';

describe('estimateMos', () => {
  it('rates a clean loopback call as excellent', () => {
    expect(estimateMos({ rttMs: 1, jitterMs: 0, lossPercent: 0 })).toBeCloseTo(4.404, 3);
  });

  it('matches hand-computed E-model values', () => {
    // latency 20/2 + 2*5 + 10 = 30 → R = 93.2 - 0.75 = 92.45
    const r = 92.45;
    expect(estimateMos({ rttMs: 20, jitterMs: 5, lossPercent: 0 })).toBeCloseTo(
      1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r),
      6,
    );
    // latency 400/2 + 2*20 + 10 = 250 → R = 93.2 - 13 - 2.5*3 = 72.7
    const r2 = 72.7;
    expect(estimateMos({ rttMs: 400, jitterMs: 20, lossPercent: 3 })).toBeCloseTo(
      1 + 0.035 * r2 + 7e-6 * r2 * (r2 - 60) * (100 - r2),
      6,
    );
  });

  it('gives the floor for a hopeless call and never NaN for garbage', () => {
    expect(estimateMos({ rttMs: 5000, jitterMs: 500, lossPercent: 60 })).toBe(1);
    expect(estimateMos({ rttMs: Number.NaN, jitterMs: -3, lossPercent: Number.POSITIVE_INFINITY })).toBe(1);
    expect(estimateMos({ rttMs: Number.NaN, jitterMs: -3, lossPercent: 0 })).toBeGreaterThan(4.3);
  });

  it('stays in [1, 4.5] and never improves when any figure gets worse', () => {
    const figure = fc.double({ min: 0, max: 2000, noNaN: true });
    const loss = fc.double({ min: 0, max: 100, noNaN: true });
    fc.assert(
      fc.property(figure, figure, loss, figure, (rttMs, jitterMs, lossPercent, extra) => {
        const base = estimateMos({ rttMs, jitterMs, lossPercent });
        expect(base).toBeGreaterThanOrEqual(1);
        expect(base).toBeLessThanOrEqual(4.5);
        expect(estimateMos({ rttMs: rttMs + extra, jitterMs, lossPercent })).toBeLessThanOrEqual(base + 1e-9);
        expect(estimateMos({ rttMs, jitterMs: jitterMs + extra, lossPercent })).toBeLessThanOrEqual(base + 1e-9);
        expect(
          estimateMos({ rttMs, jitterMs, lossPercent: Math.min(100, lossPercent + extra / 20) }),
        ).toBeLessThanOrEqual(base + 1e-9);
      }),
    );
  });
});
