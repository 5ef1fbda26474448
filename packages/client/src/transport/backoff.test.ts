import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt up to maxDelayMs, with the jitter share drawn below it', () => {
    const options = { initialDelayMs: 500, maxDelayMs: 30_000, jitter: 0.5 };
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(30_000, 500 * 2 ** attempt);
      expect(backoffDelay(attempt, options, () => 0)).toBe(ceiling);
      expect(backoffDelay(attempt, options, () => 0.999_999)).toBe(Math.round(ceiling * (1 - 0.5 * 0.999_999)));
      for (let i = 0; i < 50; i++) {
        const wait = backoffDelay(attempt, options);
        expect(wait).toBeGreaterThanOrEqual(ceiling / 2);
        expect(wait).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('spreads over the whole range with full jitter, and not at all with none', () => {
    expect(backoffDelay(3, { jitter: 1 }, () => 0.999_999)).toBe(0);
    expect(backoffDelay(3, { jitter: 1 }, () => 0.25)).toBe(3000);
    expect(backoffDelay(3, { jitter: 0 }, () => 0.7)).toBe(4000);
    // Out-of-range jitter is clamped rather than producing negative waits.
    expect(backoffDelay(3, { jitter: 7 }, () => 0.999_999)).toBe(0);
  });

  it('stays finite for huge attempt counts', () => {
    expect(backoffDelay(5000, {}, () => 0)).toBe(30_000);
  });
});
