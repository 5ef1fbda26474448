#!/usr/bin/env node
import { isHotlineError } from '@hotline/core';
import { formatReport, runSim } from './run-sim.js';
import { parseSimArgs, USAGE } from './sim-args.js';

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
  process.stdout.write(USAGE);
  process.exit(argv.length === 0 ? 2 : 0);
}
try {
  const args = parseSimArgs(argv);
  const report = runSim(args);
  if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else
    process.stdout.write(
      `${formatReport(report, args.erlang ? (args.patience ? 'Erlang A' : 'Erlang C') : 'Simulation')}\n`,
    );
} catch (error) {
  if (isHotlineError(error)) {
    process.stderr.write(`hotline-sim: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  throw error;
}
