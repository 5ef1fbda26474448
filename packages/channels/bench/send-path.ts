/**
 * The gateway's cost per customer `send`, in one process: CPU µs and bytes allocated per
 * message from the frame arriving to the ack and the agent's push leaving. Customers and
 * agents are in-memory sockets handed to the real gateway (core on the memory adapter,
 * routing with the conversation dispatcher, as in `server.ts`), so neither `ws` framing
 * nor any client is measured: only the gateway's own work. CPU time per message holds
 * up while other processes load the machine; wall time does not.
 *
 * Run it with `HOTLINE_BENCH_SCENARIOS=send-path npm run bench -w @hotline/channels`, or
 * directly: `node --expose-gc --conditions=@hotline/source --import tsx bench/send-path.ts`.
 * Knobs: `HOTLINE_SEND_PATH_MESSAGES` (per round, 50000), `HOTLINE_SEND_PATH_ROUNDS` (3),
 * `HOTLINE_SEND_PATH_CUSTOMERS` (1000), `HOTLINE_SEND_PATH_WINDOW` (messages in flight, 32),
 * `HOTLINE_SEND_PATH_PROFILE=<dir>`: writes a CPU profile and an allocation profile (every
 * allocation sampled, collected or not) of the measured rounds there, for Chrome DevTools.
 * Prints one JSON line: the median round, and every round's figures.
 */
import { writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { WebSocketServer } from 'ws';
import { signAgentToken } from '../src/index.js';
import { createBenchGateway } from './gateway-setup.js';
import { AGENT_SECRET, agentId, round, SITE, TENANT } from './shared.js';

const env = (name: string, fallback: string) => Number(process.env[`HOTLINE_SEND_PATH_${name}`] ?? fallback);
const MESSAGES = env('MESSAGES', '50000');
const ROUNDS = env('ROUNDS', '3');
const CUSTOMERS = env('CUSTOMERS', '1000');
const WINDOW = env('WINDOW', '32');
const AGENT_CAPACITY = 10;
const WARMUP = Math.min(10_000, MESSAGES);
const PROFILE_DIR = process.env['HOTLINE_SEND_PATH_PROFILE'];
/** Every rate limit still runs, but none may refuse the bench's pace. */
const UNLIMITED = 1_000_000_000;

/** A socket as the gateway sees one (the part of `ws`'s `WebSocket` it uses). */
class MemorySocket {
  readyState = 1;
  bufferedAmount = 0;
  private readonly listeners = new Map<string, ((...args: unknown[]) => void)[]>();

  constructor(private readonly onSend: (data: string) => void) {}

  on(event: string, listener: (...args: unknown[]) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  once(event: string, listener: (...args: unknown[]) => void): this {
    return this.on(event, listener);
  }

  send(data: string): void {
    this.onSend(data);
  }

  /** A text frame from the client, as `ws` hands it over. */
  receive(frame: Buffer): void {
    for (const listener of this.listeners.get('message') ?? []) listener(frame, false);
  }

  ping(): void {}

  terminate(): void {
    this.close();
  }

  close(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    for (const listener of this.listeners.get('close') ?? []) listener(1000, Buffer.alloc(0));
  }
}

// The gateway upgrades through `ws`: hand it the memory socket passed in place of the TCP one.
WebSocketServer.prototype.handleUpgrade = function handleUpgrade(_req, socket, _head, done) {
  done(socket as unknown as Parameters<typeof done>[0], _req);
};

const errors: string[] = [];
const { gateway } = await createBenchGateway({
  agents: Math.ceil(CUSTOMERS / AGENT_CAPACITY),
  capacity: AGENT_CAPACITY,
  limits: {
    messagesPerSecond: UNLIMITED,
    messageBurst: UNLIMITED,
    framesPerSecond: UNLIMITED,
    frameBurst: UNLIMITED,
    ipMessagesPerSecond: UNLIMITED,
    ipMessageBurst: UNLIMITED,
    connectionsPerIp: UNLIMITED,
    agentConnectionsPerIp: UNLIMITED,
  },
  onError: (error, context) => {
    if (errors.length < 10) errors.push(`${context}: ${error instanceof Error ? error.message : String(error)}`);
  },
});

function connect(role: 'customer' | 'agent', onFrame: (data: string) => void): MemorySocket {
  const socket = new MemorySocket(onFrame);
  const req = {
    url: role === 'agent' ? `${gateway.path}/agent` : gateway.path,
    headers: {},
    socket: { remoteAddress: '127.0.0.2' },
  } as unknown as IncomingMessage;
  if (!gateway.handleUpgrade(req, socket as never, Buffer.alloc(0))) throw new Error('upgrade refused');
  return socket;
}

const send = (socket: MemorySocket, frame: object) => socket.receive(Buffer.from(JSON.stringify(frame)));

/** Waits for the reply to request `id` on a socket whose frames go to `answers`. */
function answered(answers: Map<string, (frame: { type: string; result?: unknown }) => void>, id: string) {
  return new Promise<{ type: string; result?: unknown; code?: string; reason?: string }>((resolve) => {
    answers.set(id, resolve);
  });
}

/** Routes a setup-time frame: replies to their waiter, everything else to `other`. */
function setupRouter(
  answers: Map<string, (frame: { type: string; result?: unknown }) => void>,
  other: (frame: Record<string, unknown>) => void,
) {
  return (data: string) => {
    const frame = JSON.parse(data) as { type: string; re?: string; result?: unknown };
    const waiter = frame.re === undefined ? undefined : answers.get(frame.re);
    if (waiter) {
      answers.delete(frame.re as string);
      waiter(frame);
    } else other(frame);
  };
}

// Agents: hello, then accept every offer.
let accepted = 0;
let measuring = false;
let pushes = 0;
const agentAnswers = new Map<string, (frame: { type: string; result?: unknown }) => void>();
let acceptIds = 0;
const agentSockets: MemorySocket[] = [];
for (let i = 0; i < Math.ceil(CUSTOMERS / AGENT_CAPACITY); i++) {
  const route = setupRouter(agentAnswers, (frame) => {
    if (frame['type'] === 'offer') {
      const offer = frame['offer'] as { reservationId: string };
      const id = `a${++acceptIds}`;
      answered(agentAnswers, id).then((reply) => {
        if (reply.type === 'reply') accepted += 1;
      });
      send(socket, { type: 'accept', id, reservationId: offer.reservationId });
    }
  });
  const socket: MemorySocket = connect('agent', (data) => {
    if (measuring && data.startsWith('{"type":"message"')) {
      pushes += 1;
      return;
    }
    route(data);
  });
  const token = await signAgentToken({ agentId: agentId(i), tenantId: TENANT }, AGENT_SECRET);
  const hello = answered(agentAnswers, `h${i}`);
  send(socket, { type: 'hello', id: `h${i}`, v: 1, agentToken: token });
  const reply = await hello;
  if (reply.type !== 'reply') throw new Error(`agent hello: ${reply.code} ${reply.reason}`);
  agentSockets.push(socket);
}

// Customers: hello and start; routing offers each conversation to an agent, who accepts.
interface Customer {
  socket: MemorySocket;
  conversationId: string;
}
const customers: Customer[] = [];
let acks = 0;
let ackFailures = 0;
const customerAnswers = new Map<string, (frame: { type: string; result?: unknown }) => void>();
for (let i = 0; i < CUSTOMERS; i++) {
  const route = setupRouter(customerAnswers, () => {});
  const socket = connect('customer', (data) => {
    if (measuring) {
      if (data.startsWith('{"type":"reply"')) acks += 1;
      else if (data.startsWith('{"type":"error"')) {
        // A refused send is answered too, and pushes nothing.
        acks += 1;
        if (++ackFailures <= 3) errors.push(data.slice(0, 200));
      }
      return;
    }
    route(data);
  });
  const hello = answered(customerAnswers, `h${i}`);
  send(socket, { type: 'hello', id: `h${i}`, v: 1, siteId: SITE });
  if ((await hello).type !== 'reply') throw new Error('customer hello failed');
  const start = answered(customerAnswers, `s${i}`);
  send(socket, { type: 'start', id: `s${i}`, key: `k${i}` });
  const started = await start;
  if (started.type !== 'reply') throw new Error('start failed');
  customers.push({ socket, conversationId: (started.result as { conversation: { id: string } }).conversation.id });
}
for (let waited = 0; accepted < CUSTOMERS; waited += 10) {
  if (waited > 30_000) throw new Error(`only ${accepted} of ${CUSTOMERS} conversations were accepted`);
  await new Promise((resolve) => setTimeout(resolve, 10));
}

let sent = 0;
/**
 * `count` send frames, round robin over the customers, encoded before any measurement: on
 * a server `ws` hands over a ready buffer.
 */
function sendFrames(count: number, tag: string): { customer: Customer; frame: Buffer }[] {
  const frames = new Array<{ customer: Customer; frame: Buffer }>(count);
  for (let n = 0; n < count; n++) {
    const customer = customers[(sent + n) % customers.length] as Customer;
    const frame = Buffer.from(
      `{"type":"send","id":"m${n}","conversationId":"${customer.conversationId}","clientMessageId":"${tag}-${n}","content":{"type":"text","text":"${tag}|${n}|${Date.now()}.123"}}`,
    );
    frames[n] = { customer, frame };
  }
  sent += count;
  return frames;
}

/** Sends frames with `WINDOW` in flight, one event-loop turn per batch; resolves when every ack and push arrived. */
async function sendMessages(frames: { customer: Customer; frame: Buffer }[]): Promise<void> {
  const count = frames.length;
  const ackTarget = acks + count;
  const pushTarget = pushes + count + ackFailures;
  measuring = true;
  let next = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      const inFlight = next - (count - (ackTarget - acks));
      for (let k = WINDOW - inFlight; k > 0 && next < count; k--, next++) {
        const { customer, frame } = frames[next] as { customer: Customer; frame: Buffer };
        customer.socket.receive(frame);
      }
      if (acks >= ackTarget && pushes + ackFailures >= pushTarget) resolve();
      else setImmediate(pump);
    };
    pump();
  });
}

function measureRound(frames: { customer: Customer; frame: Buffer }[]) {
  const count = frames.length;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const profiler = new GCProfiler();
  const heapBefore = getHeapStatistics().used_heap_size;
  profiler.start();
  const cpu = process.cpuUsage();
  const started = performance.now();
  return sendMessages(frames).then(() => {
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const heapAfter = getHeapStatistics().used_heap_size;
    const gcs = profiler.stop().statistics;
    // Bytes allocated = growth between collections (each collection resets the count).
    let allocated = 0;
    let previous = heapBefore;
    let gcMs = 0;
    for (const entry of gcs) {
      allocated += entry.beforeGC.heapStatistics.usedHeapSize - previous;
      previous = entry.afterGC.heapStatistics.usedHeapSize;
      gcMs += entry.cost / 1000;
    }
    allocated += heapAfter - previous;
    return {
      cpuUsPerMsg: round((used.user + used.system) / count, 1),
      kbPerMsg: round(allocated / count / 1024, 2),
      msgsPerSec: Math.round(count / (wallMs / 1000)),
      gcs: gcs.length,
      gcMs: round(gcMs, 1),
    };
  });
}

await sendMessages(sendFrames(WARMUP, 'warm'));
const batches = Array.from({ length: ROUNDS }, (_, r) => sendFrames(MESSAGES, `r${r}`));
const profiler = PROFILE_DIR === undefined ? undefined : new Session();
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('HeapProfiler.enable');
  await profiler.post('Profiler.start');
  await profiler.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
}
const rounds: Awaited<ReturnType<typeof measureRound>>[] = [];
for (const frames of batches) rounds.push(await measureRound(frames));
if (profiler && PROFILE_DIR !== undefined) {
  const { profile } = await profiler.post('Profiler.stop');
  const { profile: allocations } = await profiler.post('HeapProfiler.stopSampling');
  writeFileSync(join(PROFILE_DIR, 'send-path.cpuprofile'), JSON.stringify(profile));
  writeFileSync(join(PROFILE_DIR, 'send-path.heapprofile'), JSON.stringify(allocations));
  profiler.disconnect();
}
const median = [...rounds].sort((a, b) => a.cpuUsPerMsg - b.cpuUsPerMsg)[Math.floor(rounds.length / 2)];
const line = {
  scenario: 'send-path',
  customers: CUSTOMERS,
  agents: agentSockets.length,
  window: WINDOW,
  messages: MESSAGES,
  ...median,
  rounds,
  ackFailures,
  errors,
  storage: 'memory',
  sockets: 'in-memory (no ws framing)',
  node: process.version,
};
await gateway.close({ graceMs: 0 });
// Under `run.ts` the line goes back over IPC (a child's stdout is its progress); alone, to stdout.
if (process.send) process.send({ rid: 0, ok: true, value: line }, () => process.exit(0));
else {
  process.stdout.write(`${JSON.stringify(line)}\n`);
  process.exit(0);
}
