/**
 * The measured server: the real web chat gateway composed with core's memory storage, a
 * routing engine and the conversation dispatcher, with bench agents stored, listening on
 * loopback. The parent asks it over IPC for its RSS (after `gc()`) and the gateway's counts.
 *
 * argv: `<agents> <agentCapacity>`; the limits it runs with come from `BENCH_LIMITS` (JSON).
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { WebchatLimits } from '../src/index.js';
import { createBenchGateway } from './gateway-setup.js';
import { reportReady, serveParent } from './shared.js';

const agents = Number(process.argv[2] ?? 0);
const capacity = Number(process.argv[3] ?? 1);
const limits = JSON.parse(process.env['BENCH_LIMITS'] ?? '{}') as Partial<WebchatLimits>;

const server = createServer((_req, res) => res.writeHead(404).end());
const errors: string[] = [];
const { gateway } = await createBenchGateway({
  agents,
  capacity,
  limits,
  server,
  onError: (error, context) => {
    if (errors.length < 20) errors.push(`${context}: ${error instanceof Error ? error.message : String(error)}`);
  },
});
// Thousands of clients connect at once: a short accept queue would drop SYNs and stall them by seconds.
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
await once(server, 'listening');

const gc = (globalThis as { gc?: () => void }).gc;

serveParent({
  measure: async () => {
    // Several rounds: the first frees young objects, later ones let V8 give pages back.
    for (let i = 0; i < 4; i++) {
      gc?.();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const memory = process.memoryUsage();
    return {
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      stats: gateway.stats(),
      errors: [...errors],
      gcExposed: gc !== undefined,
    };
  },
  stats: () => gateway.stats(),
  exit: () => {
    setImmediate(() => process.exit(0));
    return true;
  },
});
reportReady({ port: (server.address() as AddressInfo).port, path: gateway.path, timeOrigin: performance.timeOrigin });

/**
 * With `HOTLINE_BENCH_TIMELINE`: every 250 ms, this process's CPU use and event-loop
 * utilisation (ELU near 100 % with CPU well below: runnable but not running, i.e. the
 * machine is short of CPU) and the longest event-loop delay.
 */
if (process.env['HOTLINE_BENCH_TIMELINE']) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  let cpu = process.cpuUsage();
  let elu = performance.eventLoopUtilization();
  let at = performance.now();
  setInterval(() => {
    const now = performance.now();
    const used = process.cpuUsage(cpu);
    const pct = ((used.user + used.system) / 1000 / (now - at)) * 100;
    const utilization = performance.eventLoopUtilization(elu).utilization * 100;
    process.stderr.write(
      `[server] ${Math.round(performance.timeOrigin + now)} cpu ${Math.round(pct)}% elu ${Math.round(utilization)}% maxDelay ${Math.round(delay.max / 1e6)} ms\n`,
    );
    delay.reset();
    cpu = process.cpuUsage();
    elu = performance.eventLoopUtilization();
    at = now;
  }, 250).unref();
}
