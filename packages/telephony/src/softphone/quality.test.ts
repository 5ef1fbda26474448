import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type QualitySample,
  QualityWarningTracker,
  readQualityFigures,
  type StatsReportLike,
  startQualitySampling,
} from './quality.js';

function report(stats: Record<string, unknown>[]): StatsReportLike {
  return new Map(stats.map((stat, i) => [String(i), stat]));
}

function audioStats(lost: number, received: number, rtt = 0.05, jitter = 0.004) {
  return report([
    { type: 'inbound-rtp', kind: 'audio', jitter, packetsLost: lost, packetsReceived: received },
    { type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: rtt },
    { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.9 },
    { type: 'inbound-rtp', kind: 'video', jitter: 1, packetsLost: 1000, packetsReceived: 1 },
  ]);
}

const sample = (over: Partial<QualitySample> = {}): QualitySample => ({
  rttMs: 50,
  jitterMs: 5,
  lossPercent: 0,
  mos: 4.3,
  at: 0,
  ...over,
});

describe('readQualityFigures', () => {
  it('reads audio rtt, jitter and interval loss, ignoring video', () => {
    const first = readQualityFigures(audioStats(0, 100), undefined);
    expect(first).toMatchObject({ rttMs: 50, jitterMs: 4, lossPercent: 0 });
    const second = readQualityFigures(audioStats(10, 190), first.counters);
    expect(second.lossPercent).toBeCloseTo(10, 6);
  });

  it('falls back to the candidate pair rtt without RTCP', () => {
    const figures = readQualityFigures(
      report([{ type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.12 }]),
      undefined,
    );
    expect(figures).toMatchObject({ rttMs: 120, jitterMs: 0, lossPercent: 0 });
  });
});

describe('QualityWarningTracker', () => {
  it('raises after three bad samples and clears after three good ones', () => {
    const tracker = new QualityWarningTracker();
    const bad = sample({ rttMs: 800 });
    expect(tracker.observe(bad).raised).toEqual([]);
    expect(tracker.observe(bad).raised).toEqual([]);
    expect(tracker.observe(bad).raised).toEqual(['high_rtt']);
    expect(tracker.observe(bad)).toEqual({ raised: [], cleared: [] });
    expect(tracker.warnings).toEqual(['high_rtt']);
    tracker.observe(sample());
    tracker.observe(sample());
    expect(tracker.observe(sample()).cleared).toEqual(['high_rtt']);
    expect(tracker.warnings).toEqual([]);
  });

  it('ignores an isolated bad sample', () => {
    const tracker = new QualityWarningTracker({ samples: 2 });
    tracker.observe(sample({ lossPercent: 20 }));
    tracker.observe(sample());
    expect(tracker.observe(sample({ lossPercent: 20 })).raised).toEqual([]);
    expect(tracker.observe(sample({ lossPercent: 20, mos: 2 })).raised).toEqual(['high_packet_loss']);
  });
});

describe('startQualitySampling', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('samples on an interval, warns, survives a failing getStats, and stops', async () => {
    let lost = 0;
    let received = 0;
    let fail = false;
    const getStats = vi.fn(async () => {
      if (fail) throw new Error('closed');
      lost += 20;
      received += 80;
      return audioStats(lost, received);
    });
    const samples: QualitySample[] = [];
    const warnings: string[] = [];
    const stop = startQualitySampling({
      getStats,
      intervalMs: 1000,
      thresholds: { samples: 2 },
      onSample: (s) => samples.push(s),
      onWarning: ({ name }) => warnings.push(`+${name}`),
      onWarningCleared: ({ name }) => warnings.push(`-${name}`),
    });
    await vi.advanceTimersByTimeAsync(2000);
    expect(samples).toHaveLength(2);
    expect(samples[1]?.lossPercent).toBeCloseTo(20, 6);
    expect(warnings.sort()).toEqual(['+high_packet_loss', '+low_mos']);
    fail = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(samples).toHaveLength(2);
    fail = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(samples).toHaveLength(3);
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(getStats).toHaveBeenCalledTimes(4);
  });
});
