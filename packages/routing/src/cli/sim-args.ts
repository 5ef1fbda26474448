import { ValidationError } from '@hotline/core';
import { z } from 'zod';

/** Options of `hotline-sim`, parsed from argv. */
export const simArgsSchema = z.object({
  agents: z.int().min(1).max(100_000),
  arrivalRate: z.number().positive().max(10_000),
  aht: z.number().positive().max(86_400),
  threshold: z.number().positive().max(86_400).default(20),
  duration: z
    .number()
    .positive()
    .max(365 * 86_400)
    .default(8 * 3600),
  warmup: z
    .number()
    .min(0)
    .max(365 * 86_400)
    .optional(),
  seed: z.union([z.number(), z.string()]).default(1),
  patience: z.number().positive().max(1e7).optional(),
  handleDistribution: z.enum(['exponential', 'lognormal']).default('exponential'),
  handleSd: z.number().min(0).max(1e7).optional(),
  json: z.boolean().default(false),
  erlang: z.boolean().default(false),
});
/** Parsed CLI options. */
export type SimArgs = z.output<typeof simArgsSchema>;

const FLAGS: Record<string, { key: keyof SimArgs; kind: 'number' | 'string' | 'boolean' }> = {
  '--agents': { key: 'agents', kind: 'number' },
  '--arrival-rate': { key: 'arrivalRate', kind: 'number' },
  '--aht': { key: 'aht', kind: 'number' },
  '--threshold': { key: 'threshold', kind: 'number' },
  '--duration': { key: 'duration', kind: 'number' },
  '--warmup': { key: 'warmup', kind: 'number' },
  '--seed': { key: 'seed', kind: 'string' },
  '--patience': { key: 'patience', kind: 'number' },
  '--handle-distribution': { key: 'handleDistribution', kind: 'string' },
  '--handle-sd': { key: 'handleSd', kind: 'number' },
  '--json': { key: 'json', kind: 'boolean' },
  '--erlang': { key: 'erlang', kind: 'boolean' },
};

/** The usage text. */
export const USAGE = `hotline-sim: simulate a queue on the real routing engine, or compute Erlang C/A.

  hotline-sim --agents N --arrival-rate PER_SECOND --aht SECONDS [options]

  --threshold SECONDS      service-level threshold (default 20)
  --duration SECONDS       counted simulation time (default 28800)
  --warmup SECONDS         simulated before counting (default min(3600, duration/10))
  --seed K                 random seed (default 1)
  --patience SECONDS       mean customer patience: abandonment (Erlang A)
  --handle-distribution exponential|lognormal   (default exponential)
  --handle-sd SECONDS      standard deviation of lognormal handle times (default = aht)
  --erlang                 print Erlang C (Erlang A with --patience) instead of simulating
  --json                   print one JSON object: serviceLevel, asa, pWait, occupancy, abandonRate
`;

/** Parses argv (without node and script) into validated options; throws ValidationError. */
export function parseSimArgs(argv: readonly string[]): SimArgs {
  const raw: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const flag = FLAGS[name];
    if (!flag) throw new ValidationError(`unknown option ${name}`, [{ path: name, message: 'unknown option' }]);
    if (flag.kind === 'boolean') {
      raw[flag.key] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined)
      throw new ValidationError(`${name} needs a value`, [{ path: name, message: 'missing value' }]);
    if (flag.kind === 'number') {
      const number = Number(value);
      if (value.trim() === '' || !Number.isFinite(number)) {
        throw new ValidationError(`${name} must be a number, got ${value}`, [{ path: name, message: 'a number' }]);
      }
      raw[flag.key] = number;
    } else {
      raw[flag.key] = flag.key === 'seed' && /^-?\d+$/.test(value) ? Number(value) : value;
    }
  }
  const result = simArgsSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue ? String(issue.path[0] ?? '') : '';
    const flag = Object.entries(FLAGS).find(([, f]) => f.key === path)?.[0] ?? path;
    throw new ValidationError(`${flag}: ${issue?.message ?? 'invalid'}`, [
      { path: flag, message: issue?.message ?? 'invalid' },
    ]);
  }
  return result.data;
}
