/** Network figures a MOS estimate is computed from. */
export interface MosInput {
  /** Round-trip time in milliseconds. */
  rttMs: number;
  /** Interarrival jitter in milliseconds. */
  jitterMs: number;
  /** Packets lost, in percent (0–100). */
  lossPercent: number;
}

/**
 * Estimates the mean opinion score (1–4.5) of a narrowband call from its network figures,
 * with the usual simplification of the ITU-T G.107 E-model: one-way delay is half the
 * round trip plus twice the jitter (the jitter buffer) plus 10 ms of codec delay; the R
 * factor starts at 93.2, loses 1/40 per millisecond up to 160 ms and 1/10 beyond, and
 * 2.5 per percent of loss; R maps to MOS with the G.107 polynomial. Out-of-range or
 * NaN input is clamped, so a bad `getStats` report never yields `NaN`.
 *
 * @example
 * ```ts
 * estimateMos({ rttMs: 40, jitterMs: 5, lossPercent: 0 }); // ≈ 4.39
 * ```
 */
export function estimateMos(input: MosInput): number {
  const rtt = atLeastZero(input.rttMs);
  const jitter = atLeastZero(input.jitterMs);
  const loss = Math.min(100, atLeastZero(input.lossPercent));
  const effectiveLatency = rtt / 2 + jitter * 2 + 10;
  let r = effectiveLatency < 160 ? 93.2 - effectiveLatency / 40 : 93.2 - (effectiveLatency - 120) / 10;
  r -= loss * 2.5;
  return rToMos(r);
}

function rToMos(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  const mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  return Math.min(4.5, Math.max(1, mos));
}

/** NaN and negatives count as 0; infinity stays, and rates the call as hopeless. */
function atLeastZero(value: number): number {
  return Number.isNaN(value) ? 0 : Math.max(value, 0);
}
