/**
 * Runs the ticketing benchmark scenarios and prints one JSON line per result.
 *
 *   npm run bench -w @hotline/ticketing                  # every scenario
 *   npm run bench -w @hotline/ticketing -- sla-1m        # only the named ones
 *
 * Each scenario module exports `run(): Promise<object[]>`. Run with `--expose-gc` (the
 * package script does) so scenarios can measure the heap after a collection.
 */

/** The scenario modules, by file name in this folder, in the order they run. */
const SCENARIOS = ['business-time', 'sla-1m', 'triggers'] as const;

interface ScenarioModule {
  run(): Promise<object[]>;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const unknown = wanted.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
  const selected = wanted.length > 0 ? SCENARIOS.filter((name) => wanted.includes(name)) : SCENARIOS;
  let failed = false;
  for (const name of selected) {
    try {
      const module = (await import(`./${name}.js`)) as ScenarioModule;
      for (const line of await module.run()) console.log(JSON.stringify(line));
    } catch (error) {
      failed = true;
      console.log(JSON.stringify({ scenario: name, error: error instanceof Error ? error.message : String(error) }));
    }
    globalThis.gc?.();
  }
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
