import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { erlangCReport } from '../staffing/erlang-c.js';
import { runSim } from './run-sim.js';
import { parseSimArgs } from './sim-args.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('./hotline-sim.ts', import.meta.url));

function sim(...args: string[]) {
  return run(process.execPath, ['--conditions=@hotline/source', '--import', 'tsx', cli, ...args], { timeout: 60_000 });
}

describe('hotline-sim', () => {
  it('parses every option and refuses bad ones with a clear message', () => {
    expect(
      parseSimArgs([
        '--agents',
        '12',
        '--arrival-rate=0.05',
        '--aht',
        '180',
        '--threshold',
        '30',
        '--seed',
        '9',
        '--json',
      ]),
    ).toMatchObject({ agents: 12, arrivalRate: 0.05, aht: 180, threshold: 30, seed: 9, json: true, erlang: false });
    expect(() => parseSimArgs(['--agents', 'ten'])).toThrow(/--agents must be a number/);
    expect(() => parseSimArgs(['--agents', '0', '--arrival-rate', '1', '--aht', '1'])).toThrow(/--agents/);
    expect(() => parseSimArgs(['--bogus'])).toThrow(/unknown option --bogus/);
    expect(() => parseSimArgs(['--aht'])).toThrow(/needs a value/);
  });

  it('--erlang gives the Erlang C figures in the same shape', () => {
    const args = parseSimArgs(['--agents', '14', '--arrival-rate', '0.0555556', '--aht', '180', '--erlang', '--json']);
    expect(runSim(args)).toEqual(erlangCReport({ agents: 14, arrivalRate: 0.0555556, aht: 180, threshold: 20 }));
  });

  it('prints one JSON object with the five figures, from the real simulator, close to Erlang C', async () => {
    const args = [
      '--agents',
      '14',
      '--arrival-rate',
      '0.0555556',
      '--aht',
      '180',
      '--threshold',
      '20',
      '--duration',
      '432000',
      '--seed',
      '4',
      '--json',
    ];
    const { stdout } = await sim(...args);
    const simulated = JSON.parse(stdout);
    expect(Object.keys(simulated).sort()).toEqual(['abandonRate', 'asa', 'occupancy', 'pWait', 'serviceLevel']);
    const { stdout: theory } = await sim(...args, '--erlang');
    const erlang = JSON.parse(theory);
    expect(Math.abs(simulated.serviceLevel - erlang.serviceLevel)).toBeLessThan(0.03);
    expect(Math.abs(simulated.pWait - erlang.pWait)).toBeLessThan(0.03);
    expect(Math.abs(simulated.occupancy - erlang.occupancy)).toBeLessThan(0.02);
  }, 120_000);

  it('exits 2 with the usage on bad input', async () => {
    await expect(sim('--agents', '-3', '--arrival-rate', '1', '--aht', '10')).rejects.toMatchObject({ code: 2 });
  });
});
