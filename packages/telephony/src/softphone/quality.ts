import { estimateMos } from './mos.js';
import { systemTimers, type Timers } from './timers.js';

/** One quality sample of a call, taken from `RTCPeerConnection.getStats()`. */
export interface QualitySample {
  /** Round-trip time in milliseconds (RTCP, else the ICE candidate pair). */
  rttMs: number;
  /** Inbound audio jitter in milliseconds. */
  jitterMs: number;
  /** Inbound packets lost since the previous sample, in percent. */
  lossPercent: number;
  /** Estimated mean opinion score, 1–4.5 (see `estimateMos`). */
  mos: number;
  /** Milliseconds since the epoch. */
  at: number;
}

/** What a quality warning is about. */
export type QualityWarningName = 'high_rtt' | 'high_jitter' | 'high_packet_loss' | 'low_mos';

/** Limits past which a quality warning is raised. */
export interface QualityThresholds {
  /** @default 400 */
  maxRttMs?: number;
  /** @default 30 */
  maxJitterMs?: number;
  /** @default 3 */
  maxLossPercent?: number;
  /** @default 3.5 */
  minMos?: number;
  /**
   * Consecutive bad samples before a warning is raised, and good ones before it clears, so
   * one noisy sample does not make the agent's screen flicker.
   * @default 3
   */
  samples?: number;
}

/** A warning raised or cleared, with the sample that decided it. */
export interface QualityWarningChange {
  name: QualityWarningName;
  sample: QualitySample;
}

/** Counters carried from one stats report to the next, to compute loss over the interval. */
export interface InboundCounters {
  packetsLost: number;
  packetsReceived: number;
}

/** The parts of an `RTCStatsReport` this module reads; a `Map` of plain objects satisfies it. */
export interface StatsReportLike {
  forEach(callback: (stat: Record<string, unknown>) => void): void;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Reads round-trip time, jitter and interval loss from a stats report. Loss is measured
 * between `previous` and this report (cumulative counters would hide a burst that just
 * started); without `previous`, it covers the whole call so far.
 */
export function readQualityFigures(
  report: StatsReportLike,
  previous: InboundCounters | undefined,
): { rttMs: number; jitterMs: number; lossPercent: number; counters: InboundCounters } {
  let rtcpRtt: number | undefined;
  let pairRtt: number | undefined;
  let jitter = 0;
  const counters: InboundCounters = { packetsLost: 0, packetsReceived: 0 };
  report.forEach((stat) => {
    const kind = stat.kind ?? stat.mediaType;
    if (stat.type === 'remote-inbound-rtp' && kind === 'audio') rtcpRtt = num(stat.roundTripTime) ?? rtcpRtt;
    if (stat.type === 'candidate-pair' && (stat.nominated === true || stat.selected === true)) {
      pairRtt = num(stat.currentRoundTripTime) ?? pairRtt;
    }
    if (stat.type === 'inbound-rtp' && kind === 'audio') {
      jitter = Math.max(jitter, num(stat.jitter) ?? 0);
      counters.packetsLost += Math.max(0, num(stat.packetsLost) ?? 0);
      counters.packetsReceived += num(stat.packetsReceived) ?? 0;
    }
  });
  const lost = counters.packetsLost - (previous?.packetsLost ?? 0);
  const received = counters.packetsReceived - (previous?.packetsReceived ?? 0);
  const expected = lost + received;
  const lossPercent = expected > 0 && lost > 0 ? (lost / expected) * 100 : 0;
  return { rttMs: (rtcpRtt ?? pairRtt ?? 0) * 1000, jitterMs: jitter * 1000, lossPercent, counters };
}

/**
 * Turns a stream of samples into raised and cleared warnings, with hysteresis: a warning is
 * raised after `samples` consecutive bad samples and cleared after as many good ones.
 */
export class QualityWarningTracker {
  private readonly limits: Required<QualityThresholds>;
  private readonly streaks = new Map<QualityWarningName, number>();
  private readonly active = new Set<QualityWarningName>();

  constructor(thresholds: QualityThresholds = {}) {
    this.limits = {
      maxRttMs: thresholds.maxRttMs ?? 400,
      maxJitterMs: thresholds.maxJitterMs ?? 30,
      maxLossPercent: thresholds.maxLossPercent ?? 3,
      minMos: thresholds.minMos ?? 3.5,
      samples: Math.max(1, thresholds.samples ?? 3),
    };
  }

  /** The warnings raised and not yet cleared. */
  get warnings(): QualityWarningName[] {
    return [...this.active];
  }

  /** Feeds one sample; returns the warnings it raised and cleared. */
  observe(sample: QualitySample): { raised: QualityWarningName[]; cleared: QualityWarningName[] } {
    const bad: Record<QualityWarningName, boolean> = {
      high_rtt: sample.rttMs > this.limits.maxRttMs,
      high_jitter: sample.jitterMs > this.limits.maxJitterMs,
      high_packet_loss: sample.lossPercent > this.limits.maxLossPercent,
      low_mos: sample.mos < this.limits.minMos,
    };
    const raised: QualityWarningName[] = [];
    const cleared: QualityWarningName[] = [];
    for (const name of Object.keys(bad) as QualityWarningName[]) {
      // The streak counts samples that disagree with the current warning state.
      const disagrees = bad[name] !== this.active.has(name);
      const streak = disagrees ? (this.streaks.get(name) ?? 0) + 1 : 0;
      this.streaks.set(name, streak);
      if (streak < this.limits.samples) continue;
      this.streaks.set(name, 0);
      if (bad[name]) {
        this.active.add(name);
        raised.push(name);
      } else {
        this.active.delete(name);
        cleared.push(name);
      }
    }
    return { raised, cleared };
  }
}

/** Options of {@link startQualitySampling}. */
export interface QualitySamplingOptions {
  getStats: () => Promise<StatsReportLike>;
  /** @default 1000 */
  intervalMs?: number;
  /** @default the defaults of {@link QualityThresholds} */
  thresholds?: QualityThresholds;
  /** @default globalThis timers */
  timers?: Timers;
  /** @default Date.now */
  now?: () => number;
  onSample: (sample: QualitySample) => void;
  onWarning: (change: QualityWarningChange) => void;
  onWarningCleared: (change: QualityWarningChange) => void;
}

/**
 * Samples a call's quality every `intervalMs` until the returned function is called. A
 * failing `getStats` skips that sample: stats are advisory and must never end a call.
 */
export function startQualitySampling(options: QualitySamplingOptions): () => void {
  const timers = options.timers ?? systemTimers;
  const now = options.now ?? Date.now;
  const tracker = new QualityWarningTracker(options.thresholds);
  let counters: InboundCounters | undefined;
  let stopped = false;
  let handle: unknown;

  const tick = async () => {
    try {
      const figures = readQualityFigures(await options.getStats(), counters);
      if (stopped) return;
      counters = figures.counters;
      const { rttMs, jitterMs, lossPercent } = figures;
      const sample: QualitySample = { rttMs, jitterMs, lossPercent, mos: estimateMos(figures), at: now() };
      options.onSample(sample);
      const { raised, cleared } = tracker.observe(sample);
      for (const name of raised) options.onWarning({ name, sample });
      for (const name of cleared) options.onWarningCleared({ name, sample });
    } catch {
      // Skipped on purpose: see the function's comment.
    }
    if (!stopped) handle = timers.setTimeout(tick, options.intervalMs ?? 1000);
  };
  handle = timers.setTimeout(tick, options.intervalMs ?? 1000);
  return () => {
    stopped = true;
    timers.clearTimeout(handle);
  };
}
