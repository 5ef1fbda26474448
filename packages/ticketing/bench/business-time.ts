/**
 * `business-time`: adding N business minutes (1..5000) from random instants over two years
 * on a Europe/Berlin calendar with a lunch break, a Saturday morning, single, range and
 * yearly holidays (so DST changes and closures are crossed all the time).
 *
 * - `opsPerSec`: core's `addBusinessTime` on 1,000,000 inputs, once the days it crosses are
 *   cached (a server's steady state; best of 3 passes). `coldOpsPerSec`: the first pass on
 *   a fresh calendar, which also builds the day cache.
 * - `naiveOpsPerSec`: the same computation done minute by minute (`isOpen` at each minute,
 *   counting the open ones) on the first 2,000 inputs; `mismatches` compares both answers
 *   on those inputs and must be 0.
 */
import { type BusinessCalendar, createBusinessCalendar } from '@hotline/core';
import { seededRandom } from './rng.js';

const MIN = 60_000;
const OPS = Number(process.env['OPS'] ?? 1_000_000);
const NAIVE_OPS = Number(process.env['NAIVE_OPS'] ?? 2_000);
const TARGET = 1_000_000;

const definition = {
  timeZone: 'Europe/Berlin',
  weekly: {
    mon: [
      ['08:00', '12:00'],
      ['13:00', '17:30'],
    ] as [string, string][],
    tue: [
      ['08:00', '12:00'],
      ['13:00', '17:30'],
    ] as [string, string][],
    wed: [
      ['08:00', '12:00'],
      ['13:00', '17:30'],
    ] as [string, string][],
    thu: [
      ['08:00', '12:00'],
      ['13:00', '17:30'],
    ] as [string, string][],
    fri: [['08:00', '15:00']] as [string, string][],
    sat: [['09:00', '12:00']] as [string, string][],
  },
  holidays: [
    { date: '01-01', yearly: true as const, name: "New Year's Day" },
    { date: '05-01', yearly: true as const, name: 'Labour Day' },
    { date: '10-03', yearly: true as const, name: 'German Unity Day' },
    { from: '12-24', to: '12-26', yearly: true as const, name: 'Christmas' },
    { date: '2026-04-03', name: 'Good Friday' },
    { date: '2026-04-06', name: 'Easter Monday' },
    { from: '2026-08-10', to: '2026-08-21', name: 'Summer closure' },
    { date: '2027-03-26' },
    { date: '2027-03-29' },
  ],
};

/** The naive computation: walk minute by minute and count the open ones. */
function naiveAdd(calendar: BusinessCalendar, at: number, durationMs: number): number {
  let t = at;
  let remaining = durationMs;
  while (remaining > 0) {
    if (calendar.isOpen(t)) remaining -= MIN;
    t += MIN;
  }
  return t;
}

function pass(calendar: BusinessCalendar, starts: Float64Array, durations: Float64Array): { ms: number; sum: number } {
  let sum = 0;
  const began = performance.now();
  for (let i = 0; i < starts.length; i++)
    sum += calendar.addBusinessTime(starts[i] as number, durations[i] as number) ?? 0;
  return { ms: performance.now() - began, sum };
}

export async function run(): Promise<object[]> {
  const random = seededRandom(20_260_329);
  const from = Date.UTC(2026, 0, 1);
  const spanMinutes = 2 * 365 * 24 * 60;
  const starts = new Float64Array(OPS);
  const durations = new Float64Array(OPS);
  for (let i = 0; i < OPS; i++) {
    starts[i] = from + Math.floor(random() * spanMinutes) * MIN;
    durations[i] = (1 + Math.floor(random() * 5000)) * MIN;
  }

  const calendar = createBusinessCalendar(definition);
  const cold = pass(calendar, starts, durations);
  let best = Number.POSITIVE_INFINITY;
  let checksum = 0;
  for (let round = 0; round < 3; round++) {
    const warm = pass(calendar, starts, durations);
    best = Math.min(best, warm.ms);
    checksum = warm.sum;
  }
  if (checksum !== cold.sum) throw new Error('addBusinessTime gave different answers on repeated passes');

  const naiveOps = Math.min(NAIVE_OPS, OPS);
  let mismatches = 0;
  const naiveBegan = performance.now();
  const naive = new Float64Array(naiveOps);
  for (let i = 0; i < naiveOps; i++) naive[i] = naiveAdd(calendar, starts[i] as number, durations[i] as number);
  const naiveMs = performance.now() - naiveBegan;
  for (let i = 0; i < naiveOps; i++) {
    const fast = calendar.addBusinessTime(starts[i] as number, durations[i] as number);
    if (fast === undefined || fast !== naive[i]) mismatches++;
    // The inverse must hold too: exactly the duration of open time lies between.
    else if (calendar.businessTimeBetween(starts[i] as number, fast) !== durations[i]) mismatches++;
  }

  const opsPerSec = Math.round(OPS / (best / 1000));
  const naiveOpsPerSec = Math.round(naiveOps / (naiveMs / 1000));
  return [
    {
      scenario: 'business-time',
      ops: OPS,
      opsPerSec,
      coldOpsPerSec: Math.round(OPS / (cold.ms / 1000)),
      naiveOps,
      naiveOpsPerSec,
      ratio: Math.round(opsPerSec / naiveOpsPerSec),
      mismatches,
      timeZone: definition.timeZone,
      maxMinutes: 5000,
      target: TARGET,
      meetsTarget: opsPerSec >= TARGET && mismatches === 0,
    },
  ];
}
