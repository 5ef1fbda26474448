/**
 * Web chat gateway benchmarks: `npm run bench -w @hotline/channels`. One JSON line per
 * scenario on stdout (progress on stderr). The load comes from separate processes: the
 * gateway runs alone in `server.ts`, customers in several `load.ts` generators (client
 * sockets bound to several 127.0.0.x source addresses, so no address runs out of
 * ephemeral ports), agents in `agents.ts`.
 *
 * - `connections`: customers connect, say `hello` and keep alive with the protocol's ping;
 *   at each level the server's RSS is read after `gc()` and compared with its RSS before
 *   anyone connected.
 * - `latency`: customers with conversations that agents (real agent sockets) accepted send
 *   at a fixed aggregate rate; latency runs from the customer's send to the agent's
 *   socket receiving the push. The ceiling is a bare `ws` relay (`relay.ts`) doing the
 *   same forwarding, driven flat out by the same generators in the same run.
 *
 * - `send-path` (only when named in `HOTLINE_BENCH_SCENARIOS`): the gateway's CPU µs and
 *   bytes allocated per customer `send`, in one process with in-memory sockets
 *   (`send-path.ts`, which has knobs of its own).
 *
 * Knobs (environment): `HOTLINE_BENCH_SCENARIOS` (`connections,latency`; also `send-path`),
 * `HOTLINE_BENCH_CONNECTIONS` (`5000,10000,19000`), `HOTLINE_BENCH_RATES` (`1000,10000`),
 * `HOTLINE_BENCH_CUSTOMERS` (latency customers, 4000), `HOTLINE_BENCH_SECONDS` (per rate, 10),
 * `HOTLINE_BENCH_HOLD_MS` (how long each connection level is held before measuring, 10000);
 * for digging: `HOTLINE_BENCH_TIMELINE=1`, `HOTLINE_BENCH_CEILING=0`,
 * `HOTLINE_BENCH_SERVER_FLAGS` (see below).
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { Child, percentile, round, wallNow } from './shared.js';

const env = (name: string, fallback: string) => process.env[`HOTLINE_BENCH_${name}`] ?? fallback;
const numbers = (text: string) => text.split(',').map(Number);

const SCENARIOS = env('SCENARIOS', 'connections,latency').split(',');
const LEVELS = numbers(env('CONNECTIONS', '5000,10000,19000'));
const RATES = numbers(env('RATES', '1000,10000'));
const LATENCY_CUSTOMERS = Number(env('CUSTOMERS', '4000'));
const SECONDS = Number(env('SECONDS', '10'));
const HOLD_MS = Number(env('HOLD_MS', '10000'));
/** `HOTLINE_BENCH_CEILING=0` skips the flat-out runs and the relay (while profiling the gateway). */
const CEILING = env('CEILING', '1') !== '0';
/** `HOTLINE_BENCH_TIMELINE=1`: print each step's latency over time (where the slow messages were). */
const TIMELINE = env('TIMELINE', '') !== '';
/** Load generator processes (customers). */
const GENERATORS = 4;
/** Client source addresses, 127.0.0.2 … (spread over the generators). */
const SOURCE_ADDRESSES = 16;
/** Chats an agent takes at once in the latency scenario (agents = customers / this). */
const AGENT_CAPACITY = 10;
/** Messages each generator keeps in flight while measuring the ceiling. */
const SATURATION_WINDOW = 200;
const HEARTBEAT_MS = 25_000;
/** `HOTLINE_BENCH_SERVER_FLAGS` adds Node flags to the server (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
const SERVER_FLAGS = [
  '--expose-gc',
  '--max-old-space-size=4096',
  // V8's background pool defaults to 4 threads. On this 2-core machine, shared with the load
  // generators and the agents, concurrent marking on 4 threads starved the server's own
  // thread of CPU at each major GC (60–90 ms event-loop stalls); one helper thread keeps the
  // collections concurrent without that. Advised for small hosts in docs/server.md.
  '--v8-pool-size=1',
  ...env('SERVER_FLAGS', '').split(' ').filter(Boolean),
];
/** Loopback clients share a few addresses: the per-address limits are raised, the per-connection ones are not. */
const BENCH_LIMITS = {
  connectionsPerIp: 1_000_000,
  agentConnectionsPerIp: 1_000_000,
  ipMessagesPerSecond: 1_000_000,
  ipMessageBurst: 1_000_000,
};

/** The open-files limit every process of this machine runs with (`ulimit -n`). */
const fdLimit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());

const children = new Set<Child>();
const progress = (text: string) => process.stderr.write(`[bench] ${text}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const emit = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

function spawn(name: string, file: string, options: ConstructorParameters<typeof Child>[2] = {}): Child {
  const child = new Child(name, file, options);
  children.add(child);
  child.process.once('exit', () => children.delete(child));
  return child;
}

async function stopAll(list: Iterable<Child>): Promise<void> {
  await Promise.all([...list].map((child) => child.stop()));
}

/** Kills every child by pid, whatever happens to this process. */
function killAll(): void {
  for (const child of children) child.kill();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

class Skip extends Error {}

interface ServerInfo {
  port: number;
  path: string;
  timeOrigin: number;
}

interface Measure {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  stats: { connections: number; customers: number; agents: number; conversations: number };
  errors: string[];
  gcExposed: boolean;
}

async function startServer(agents = 0): Promise<{ server: Child; info: ServerInfo }> {
  const server = spawn('server', './server.ts', {
    args: [String(agents), String(AGENT_CAPACITY)],
    execArgv: SERVER_FLAGS,
    env: { BENCH_LIMITS: JSON.stringify(BENCH_LIMITS) },
  });
  const info = (await server.ready) as ServerInfo;
  // With `--trace-gc` in HOTLINE_BENCH_SERVER_FLAGS, GC times (ms since this origin) line up with the timeline.
  if (TIMELINE) progress(`server started at ${Math.round(info.timeOrigin)}`);
  return { server, info };
}

function startGenerators(): Child[] {
  const list: Child[] = [];
  for (let g = 0; g < GENERATORS; g++) {
    const addresses: string[] = [];
    for (let a = g; a < SOURCE_ADDRESSES; a += GENERATORS) addresses.push(`127.0.0.${a + 2}`);
    list.push(spawn(`load-${g}`, './load.ts', { args: [String(g), addresses.join(',')] }));
  }
  return list;
}

/** `total` split into `parts` whole shares. */
function shares(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

interface OpenResult {
  open: number;
  failed: number;
  failures: string[];
  seconds: number;
}

async function openCustomers(
  generators: Child[],
  target: 'gateway' | 'relay',
  url: string,
  total: number,
  start: boolean,
): Promise<{ open: number; failed: number; failures: string[] }> {
  const results = await Promise.all(
    generators.map((g, i) =>
      g.request<OpenResult>('open', {
        target,
        url,
        count: shares(total, generators.length)[i],
        concurrency: 32,
        start,
        heartbeatMs: HEARTBEAT_MS,
      }),
    ),
  );
  return {
    open: results.reduce((sum, r) => sum + r.open, 0),
    failed: results.reduce((sum, r) => sum + r.failed, 0),
    failures: results.flatMap((r) => r.failures).slice(0, 5),
  };
}

async function customerStatus(generators: Child[], target: 'gateway' | 'relay') {
  const all = await Promise.all(
    generators.map((g) => g.request<{ open: number; active: number; withConversation: number }>('status', { target })),
  );
  return {
    open: all.reduce((sum, s) => sum + s.open, 0),
    active: all.reduce((sum, s) => sum + s.active, 0),
  };
}

async function connectionsScenario(generators: Child[]): Promise<void> {
  const { server, info } = await startServer();
  try {
    const url = `ws://127.0.0.1:${info.port}${info.path}`;
    await sleep(500);
    const baseline = await server.request<Measure>('measure');
    progress(`connections: baseline RSS ${mb(baseline.rss)} MB`);
    for (const level of LEVELS) {
      const started = performance.now();
      const opened = await openCustomers(generators, 'gateway', url, level, false);
      const connectSeconds = (performance.now() - started) / 1000;
      progress(`connections: ${opened.open} open in ${round(connectSeconds, 1)} s; holding ${HOLD_MS} ms`);
      await sleep(HOLD_MS);
      const measured = await server.request<Measure>('measure');
      const held = await customerStatus(generators, 'gateway');
      const customers = measured.stats.customers;
      emit({
        scenario: 'connections',
        connections: customers,
        target: level,
        clientsOpen: held.open,
        failed: opened.failed,
        ...(opened.failures.length > 0 ? { failures: opened.failures } : {}),
        fdLimit,
        rssMB: mb(measured.rss),
        baselineRssMB: mb(baseline.rss),
        kbPerConnection: round((measured.rss - baseline.rss) / 1024 / Math.max(1, customers), 2),
        kbPerConnectionIs: '(rssMB - baselineRssMB) / connections, both read after gc()',
        heapUsedMB: mb(measured.heapUsed),
        heapKbPerConnection: round((measured.heapUsed - baseline.heapUsed) / 1024 / Math.max(1, customers), 2),
        gcExposed: measured.gcExposed,
        heldMs: HOLD_MS,
        connectPerSec: Math.round(opened.open / connectSeconds),
        sourceAddresses: SOURCE_ADDRESSES,
        generators: generators.length,
        loadAvg1m: round(loadavg()[0] ?? 0),
        serverErrors: measured.errors,
        targets: { connections: 19_000, maxKbPerConnection: 20 },
      });
    }
  } finally {
    await Promise.all(generators.map((g) => g.request('close', { target: 'gateway' }).catch(() => {})));
    await server.stop();
  }
}

interface StepResult {
  sent: number;
  delivered: number;
  acked: number;
  errors: number;
  errorSample: string[];
  msgsPerSec: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  ackP99Ms: number;
  generatorLagP99Ms: number;
  /** CPU used during the step, in % of one core: the server, all generators, the agents process. */
  cpu: { server: number; generators: number; agents: number };
  /** The machine's 1-minute load average as the step began (2 cores, shared with other work). */
  loadAvg1m: number;
}

let nextStep = 1;

/** CPU ms used so far by the server, the generators together, and the agents process. */
async function cpuOf(server: Child, generators: Child[], agents: Child) {
  const [s, a, ...g] = await Promise.all([server, agents, ...generators].map((c) => c.request<number>('cpu')));
  return { server: s as number, agents: a as number, generators: g.reduce((sum, v) => sum + v, 0), at: wallNow() };
}

/**
 * One timed step: every generator sends its share of `rate` for `seconds` from a common
 * start; then waits for the agents to have everything (or for arrivals to stop).
 */
async function timedStep(
  server: Child,
  generators: Child[],
  agents: Child,
  target: 'gateway' | 'relay',
  rate: number,
  seconds: number,
): Promise<StepResult> {
  const step = nextStep++;
  await agents.request('begin', { step });
  const loadAvg1m = round(loadavg()[0] ?? 0);
  const cpuBefore = await cpuOf(server, generators, agents);
  const startAt = wallNow() + 200;
  const runs = await Promise.all(
    generators.map((g) =>
      g.request<{ sent: number; lagP99Ms: number }>('run', {
        target,
        step,
        rate: rate / generators.length,
        seconds,
        startAt,
      }),
    ),
  );
  const sent = runs.reduce((sum, r) => sum + r.sent, 0);
  const cpuAfter = await cpuOf(server, generators, agents);
  const pct = (key: 'server' | 'generators' | 'agents') =>
    Math.round(((cpuAfter[key] - cpuBefore[key]) * 100) / (cpuAfter.at - cpuBefore.at));
  type Collected = { delivered: number; lastAt: number; latencies: Float64Array; sentAt: Float64Array };
  let collected = await agents.request<Collected>('collect', { step });
  for (let quiet = 0, last = -1; collected.delivered < sent && quiet < 30; ) {
    await sleep(100);
    collected = await agents.request<Collected>('collect', { step });
    quiet = collected.delivered === last ? quiet + 1 : 0;
    last = collected.delivered;
  }
  collected = await agents.request<Collected>('collect', { step, samples: true });
  if (TIMELINE)
    progress(
      `${target} at ${rate}/s from ${Math.round(startAt)}, p99 per 250 ms of send time: ${timeline(collected, startAt)}`,
    );
  const acks = await Promise.all(
    generators.map((g) =>
      g.request<{ acked: number; errors: number; errorSample: string[] }>('acks', { target, step }),
    ),
  );
  const ackLatencies = await Promise.all(
    generators.map((g) => g.request<Float64Array>('ackLatencies', { target, step })),
  );
  const ackAll = Float64Array.from(ackLatencies.flatMap((a) => Array.from(a))).sort();
  const latencies = collected.latencies.sort();
  return {
    sent,
    delivered: collected.delivered,
    acked: acks.reduce((sum, a) => sum + a.acked, 0),
    errors: acks.reduce((sum, a) => sum + a.errors, 0),
    errorSample: acks.flatMap((a) => a.errorSample).slice(0, 5),
    msgsPerSec: Math.round((collected.delivered * 1000) / Math.max(1, collected.lastAt - startAt)),
    p50Ms: round(percentile(latencies, 0.5)),
    p90Ms: round(percentile(latencies, 0.9)),
    p99Ms: round(percentile(latencies, 0.99)),
    maxMs: round(latencies[latencies.length - 1] ?? 0),
    ackP99Ms: round(percentile(ackAll, 0.99)),
    generatorLagP99Ms: Math.max(...runs.map((r) => r.lagP99Ms)),
    cpu: { server: pct('server'), generators: pct('generators'), agents: pct('agents') },
    loadAvg1m,
  };
}

/** Latency p99 per 250 ms window of send time. */
function timeline(collected: { latencies: Float64Array; sentAt: Float64Array }, startAt: number): string {
  const windows: number[][] = [];
  collected.sentAt.forEach((at, i) => {
    const w = Math.max(0, Math.floor((at - startAt) / 250));
    windows[w] ??= [];
    windows[w].push(collected.latencies[i] as number);
  });
  return Array.from(windows, (w) => (w ? Math.round(percentile(Float64Array.from(w).sort(), 0.99)) : '-')).join(' ');
}

/** Throughput flat out: each generator keeps a window of messages in flight; agents' arrivals are counted over the last seconds. */
async function saturation(generators: Child[], agents: Child, target: 'gateway' | 'relay', seconds: number) {
  const step = nextStep++;
  await agents.request('begin', { step });
  const runs = Promise.all(
    generators.map((g) => g.request('saturate', { target, step, seconds, window: SATURATION_WINDOW })),
  );
  // The first second is ramp-up; count the rest.
  await sleep(1000);
  const from = await agents.request<{ messagesSeen: number; at: number }>('seen');
  await sleep((seconds - 1.5) * 1000);
  const to = await agents.request<{ messagesSeen: number; at: number }>('seen');
  await runs;
  // Let what is in flight land before the next step.
  await sleep(1000);
  return Math.round(((to.messagesSeen - from.messagesSeen) * 1000) / (to.at - from.at));
}

/** Waits until every customer's conversation was accepted by an agent. */
async function untilActive(generators: Child[], expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let active = 0;
  while (Date.now() < deadline) {
    active = (await customerStatus(generators, 'gateway')).active;
    if (active >= expected) break;
    await sleep(250);
  }
  return active;
}

async function latencyScenario(generators: Child[]): Promise<void> {
  const agentCount = Math.ceil(LATENCY_CUSTOMERS / AGENT_CAPACITY);
  const agents = spawn('agents', './agents.ts');
  await agents.ready;
  const results: { rate: number; step: StepResult }[] = [];
  let gatewayMax = 0;
  let setup: Record<string, unknown> = {};
  const { server, info } = await startServer(agentCount);
  try {
    const base = `ws://127.0.0.1:${info.port}${info.path}`;
    await agents.request('open', { target: 'gateway', url: `${base}/agent`, count: agentCount });
    const started = performance.now();
    const opened = await openCustomers(generators, 'gateway', base, LATENCY_CUSTOMERS, true);
    const active = await untilActive(generators, opened.open, 60_000);
    setup = {
      customers: opened.open,
      accepted: active,
      agents: agentCount,
      setupSeconds: round((performance.now() - started) / 1000, 1),
    };
    progress(`latency: ${opened.open} customers, ${active} accepted by ${agentCount} agents`);
    if (active === 0) throw new Error(`no conversation was accepted: ${JSON.stringify(opened.failures)}`);
    // Warm-up (JIT, pools), not reported.
    await timedStep(server, generators, agents, 'gateway', Math.min(1000, RATES[0] ?? 1000), 3);
    for (const rate of RATES) {
      const step = await timedStep(server, generators, agents, 'gateway', rate, SECONDS);
      progress(`latency: gateway at ${rate}/s: ${JSON.stringify(step)}`);
      results.push({ rate, step });
    }
    if (CEILING) {
      gatewayMax = await saturation(generators, agents, 'gateway', 6);
      progress(`latency: gateway flat out ${gatewayMax}/s`);
    }
    const measured = await server.request<Measure>('measure');
    setup['serverErrors'] = measured.errors;
    setup['serverRssMB'] = mb(measured.rss);
  } finally {
    await Promise.all(generators.map((g) => g.request('close', { target: 'gateway' }).catch(() => {})));
    await agents.request('close').catch(() => {});
    await server.stop();
  }

  let ceiling = 0;
  const relaySteps = new Map<number, StepResult>();
  const relay = spawn('relay', './relay.ts');
  try {
    if (!CEILING) throw new Skip();
    const { port } = (await relay.ready) as { port: number };
    const base = `ws://127.0.0.1:${port}`;
    await agents.request('open', { target: 'relay', url: `${base}/agent`, count: agentCount });
    await openCustomers(generators, 'relay', base, LATENCY_CUSTOMERS, false);
    await timedStep(relay, generators, agents, 'relay', Math.min(1000, RATES[0] ?? 1000), 2);
    for (const rate of RATES) {
      const step = await timedStep(relay, generators, agents, 'relay', rate, SECONDS);
      progress(`latency: relay at ${rate}/s: ${JSON.stringify(step)}`);
      relaySteps.set(rate, step);
    }
    ceiling = await saturation(generators, agents, 'relay', 6);
    progress(`latency: relay flat out ${ceiling}/s`);
  } catch (error) {
    if (!(error instanceof Skip)) throw error;
  } finally {
    await Promise.all(generators.map((g) => g.request('close', { target: 'relay' }).catch(() => {})));
    await relay.stop();
    await agents.stop();
  }

  for (const { rate, step } of results) {
    const relayStep = relaySteps.get(rate);
    emit({
      scenario: 'latency',
      targetMsgsPerSec: rate,
      msgsPerSec: step.msgsPerSec,
      p50Ms: step.p50Ms,
      p99Ms: step.p99Ms,
      p90Ms: step.p90Ms,
      maxMs: step.maxMs,
      ceilingMsgsPerSec: ceiling,
      ceiling: 'bare ws relay (parse, number, ack, push to the paired agent), flat out, same generators and agents',
      ceilingP50Ms: relayStep?.p50Ms,
      ceilingP99Ms: relayStep?.p99Ms,
      gatewayMaxMsgsPerSec: gatewayMax,
      sent: step.sent,
      delivered: step.delivered,
      acked: step.acked,
      errors: step.errors,
      ...(step.errorSample.length > 0 ? { errorSample: step.errorSample } : {}),
      ackP99Ms: step.ackP99Ms,
      cpuPercent: step.cpu,
      ceilingCpuPercent: relayStep?.cpu,
      generatorLagP99Ms: step.generatorLagP99Ms,
      seconds: SECONDS,
      storage: 'memory',
      routing: 'RoutingEngine + ConversationDispatcher',
      serverFlags: SERVER_FLAGS.join(' '),
      ...setup,
      generators: generators.length,
      loadAvg1m: step.loadAvg1m,
      ...(rate === 10_000 ? { targets: { maxP99Ms: 50 } } : {}),
    });
  }
}

/** The send path alone: one process, its JSON line passed on as it comes. */
async function sendPathScenario(): Promise<void> {
  progress('send-path: customers sending through the gateway in one process');
  const child = spawn('send-path', './send-path.ts', { execArgv: ['--expose-gc'] });
  emit((await child.ready) as Record<string, unknown>);
  await stopAll([child]);
}

/**
 * Runs a scenario with load generators of its own: after the connections scenario they hold
 * the heap of 19,000 closed sockets, and their collections would stall the latency
 * scenario's sends (measured from the customer's side) rather than the server.
 */
async function withGenerators(scenario: (generators: Child[]) => Promise<void>): Promise<void> {
  const generators = startGenerators();
  try {
    await Promise.all(generators.map((g) => g.ready));
    await scenario(generators);
  } finally {
    await stopAll(generators);
    for (const g of generators) children.delete(g);
  }
}

try {
  if (SCENARIOS.includes('connections')) await withGenerators(connectionsScenario);
  if (SCENARIOS.includes('latency')) await withGenerators(latencyScenario);
  if (SCENARIOS.includes('send-path')) await sendPathScenario();
} finally {
  await stopAll([...children]);
  killAll();
}
