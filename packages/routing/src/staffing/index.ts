/**
 * `@hotline/routing/staffing`: Erlang C and Erlang A (with abandonment), staffing
 * searches, a seeded PRNG, and a discrete-event simulator that drives the real routing
 * engine under a simulated clock. The `hotline-sim` CLI wraps both.
 *
 * @packageDocumentation
 */
export {
  agentsForAsa,
  agentsForAsaInputSchema,
  agentsForServiceLevel,
  agentsForServiceLevelInputSchema,
  erlangB,
  erlangC,
  erlangCInputSchema,
  erlangCReport,
  erlangCReportInputSchema,
} from './erlang-c.js';
export {
  agentsForServiceLevelA,
  agentsForServiceLevelAInputSchema,
  erlangA,
  erlangAInputSchema,
  erlangAReport,
  erlangAReportInputSchema,
  MAX_QUEUE_STATES,
} from './erlang-a.js';
export { MAX_POISSON_ARRIVALS, Prng } from './prng.js';
export { durationSchema, simulate, simulationInputSchema } from './simulator.js';

export type {
  AgentsForAsaInput,
  AgentsForServiceLevelInput,
  ErlangCInput,
  ErlangCReportInput,
  ErlangCResult,
  ErlangReport,
} from './erlang-c.js';
export type { AgentsForServiceLevelAInput, ErlangAInput, ErlangAReportInput, ErlangAResult } from './erlang-a.js';
export type { Seed } from './prng.js';
export type { DurationDistribution, SimulationFigures, SimulationInput, SimulationReport } from './simulator.js';
