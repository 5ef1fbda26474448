import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { glareRetryDelayMs, type ReinviteOutcome, retryOnGlare } from './glare-retry.js';

describe('glareRetryDelayMs (RFC 3261 §14.1)', () => {
  it('waits 2.1–4 s in 10 ms steps when this side owns the Call-ID', () => {
    expect(glareRetryDelayMs(true, () => 0)).toBe(2100);
    expect(glareRetryDelayMs(true, () => 0.999999)).toBe(4000);
    expect(glareRetryDelayMs(true, () => 0.5) % 10).toBe(0);
  });

  it('waits 0–2 s in 10 ms steps otherwise', () => {
    expect(glareRetryDelayMs(false, () => 0)).toBe(0);
    expect(glareRetryDelayMs(false, () => 0.999999)).toBe(2000);
    for (let i = 0; i < 200; i++) {
      const delay = glareRetryDelayMs(false);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(2000);
      expect(delay % 10).toBe(0);
    }
  });
});

describe('retryOnGlare', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function scripted(outcomes: ReinviteOutcome[]) {
    const calls: number[] = [];
    const attempt = vi.fn(async () => {
      calls.push(Date.now());
      return outcomes.shift() ?? { ok: true as const };
    });
    return { attempt, calls };
  }

  it('retries a 491 after the random delay and succeeds', async () => {
    const { attempt, calls } = scripted([{ ok: false, statusCode: 491 }, { ok: true }]);
    const start = Date.now();
    const onRetry = vi.fn();
    const result = retryOnGlare(attempt, { ownsCallId: true, random: () => 0.5, onRetry });
    await vi.advanceTimersByTimeAsync(glareRetryDelayMs(true, () => 0.5) - 1);
    expect(attempt).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual({ ok: true });
    expect(onRetry).toHaveBeenCalledWith(
      glareRetryDelayMs(true, () => 0.5),
      1,
    );
    expect(calls.map((t) => t - start)).toEqual([0, glareRetryDelayMs(true, () => 0.5)]);
  });

  it('gives up after maxAttempts and returns the last 491', async () => {
    const { attempt } = scripted([
      { ok: false, statusCode: 491 },
      { ok: false, statusCode: 491 },
      { ok: false, statusCode: 491 },
    ]);
    const result = retryOnGlare(attempt, { ownsCallId: false, maxAttempts: 3, random: () => 1 });
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(result).resolves.toEqual({ ok: false, statusCode: 491 });
    expect(attempt).toHaveBeenCalledTimes(3);
  });

  it('does not retry other failures', async () => {
    const { attempt } = scripted([{ ok: false, statusCode: 488 }]);
    await expect(retryOnGlare(attempt, { ownsCallId: true })).resolves.toEqual({ ok: false, statusCode: 488 });
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('stops waiting when aborted', async () => {
    const { attempt } = scripted([{ ok: false, statusCode: 491 }, { ok: true }]);
    const controller = new AbortController();
    const result = retryOnGlare(attempt, { ownsCallId: true, signal: controller.signal });
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort();
    await expect(result).resolves.toEqual({ ok: false, statusCode: 491 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(attempt).toHaveBeenCalledTimes(1);
  });
});
