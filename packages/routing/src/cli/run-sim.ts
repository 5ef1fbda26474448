import { erlangAReport } from '../staffing/erlang-a.js';
import { type ErlangReport, erlangCReport } from '../staffing/erlang-c.js';
import { type DurationDistribution, simulate } from '../staffing/simulator.js';
import type { SimArgs } from './sim-args.js';

/** Runs the simulator (or the Erlang formulas) for one queue and returns the figures. */
export function runSim(args: SimArgs): ErlangReport {
  if (args.erlang) {
    const base = { agents: args.agents, arrivalRate: args.arrivalRate, aht: args.aht, threshold: args.threshold };
    return args.patience === undefined ? erlangCReport(base) : erlangAReport({ ...base, patience: args.patience });
  }
  const handleTime: DurationDistribution =
    args.handleDistribution === 'lognormal'
      ? { distribution: 'lognormal', mean: args.aht, sd: args.handleSd ?? args.aht }
      : { distribution: 'exponential', mean: args.aht };
  const report = simulate({
    seed: args.seed,
    durationSeconds: args.duration,
    ...(args.warmup === undefined ? {} : { warmupSeconds: args.warmup }),
    queues: [{ id: 'queue', serviceLevelSeconds: args.threshold }],
    agents: Array.from({ length: args.agents }, (_, i) => ({ id: `agent-${i}` })),
    streams: [
      {
        queueId: 'queue',
        arrivalRate: args.arrivalRate,
        handleTime,
        ...(args.patience === undefined
          ? {}
          : { patience: { distribution: 'exponential' as const, mean: args.patience } }),
      },
    ],
  });
  return {
    serviceLevel: report.serviceLevel,
    asa: report.asa,
    pWait: report.pWait,
    occupancy: report.occupancy,
    abandonRate: report.abandonRate,
  };
}

/** Formats figures for people. */
export function formatReport(report: ErlangReport, mode: string): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return [
    `${mode}`,
    `  service level   ${pct(report.serviceLevel)}`,
    `  ASA             ${Number.isFinite(report.asa) ? `${report.asa.toFixed(1)} s` : 'unbounded (overloaded)'}`,
    `  P(wait)         ${pct(report.pWait)}`,
    `  occupancy       ${pct(report.occupancy)}`,
    `  abandon rate    ${pct(report.abandonRate)}`,
  ].join('\n');
}
