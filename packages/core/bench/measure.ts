/** Tiny measuring helpers shared by the core benchmarks. */

/** Runs `fn` `ops` times (awaiting each) and returns operations per second. */
export async function opsPerSecAsync(ops: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < ops; i++) await fn(i);
  return ops / ((performance.now() - start) / 1000);
}

/** Runs `fn` `ops` times synchronously and returns operations per second. */
export function opsPerSecSync(ops: number, fn: (i: number) => unknown): number {
  const start = performance.now();
  for (let i = 0; i < ops; i++) fn(i);
  return ops / ((performance.now() - start) / 1000);
}

/** Best of `rounds` runs (after one warm-up), to keep JIT and GC noise out of ratios. */
export async function best(rounds: number, run: () => Promise<number> | number): Promise<number> {
  await run();
  let top = 0;
  for (let r = 0; r < rounds; r++) top = Math.max(top, await run());
  return top;
}

/** Prints one scenario as one JSON line. */
export function report(result: Record<string, unknown>): void {
  const rounded = Object.fromEntries(
    Object.entries(result).map(([k, v]) => [
      k,
      typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(3)) : v,
    ]),
  );
  process.stdout.write(`${JSON.stringify(rounded)}\n`);
}
