/**
 * A load-generator process: customers. Opens its share of customer WebSockets (real
 * customers: `hello` answered, and for the latency scenario a conversation started and
 * taken by an agent), each bound to one of the source addresses it was given so no single
 * address runs out of ephemeral ports; keeps them alive with the protocol's `ping`; and on
 * request sends `send` frames at a fixed rate, round robin over its customers, each text
 * stamped with its send time for the agent side to read.
 *
 * argv: `<generator index> <comma-separated source addresses>`. Targets: `gateway` (the
 * measured server) and `relay` (the ceiling) can be held side by side.
 */
import { WebSocket } from 'ws';
import { LEAN_CLIENT, percentile, reportReady, round, Samples, SITE, serveParent, wallNow } from './shared.js';

type Target = 'gateway' | 'relay';

interface Frame {
  type: string;
  re?: string;
  code?: string;
  reason?: string;
  result?: { conversationId?: string; visitorToken?: string; conversation?: { id: string; status: string } };
  conversation?: { id: string; status: string };
}

interface Customer {
  socket: WebSocket;
  conversationId: string | undefined;
  active: boolean;
  /** The newest `conversation` frame's status, by conversation (it may come before the `start` reply). */
  pushed: { id: string; status: string } | undefined;
  /** During setup: the next answer goes here. */
  waiter: ((frame: Frame) => void) | undefined;
}

/** The send step running on a target: stamps by request id, for ack latencies and counts. */
interface Step {
  id: number;
  sentAt: Float64Array;
  sent: number;
  acked: number;
  errors: number;
  errorSample: string[];
  ackLatencies: Samples;
  /** Saturation: each answer lets the next message go. */
  onAck?: () => void;
}

const generator = Number(process.argv[2] ?? 0);
const addresses = (process.argv[3] ?? '127.0.0.1').split(',');
/** Protocol pings go out at this fraction of the server's heartbeat. */
const PING_FRACTION = 0.6;
const HELLO_TIMEOUT_MS = 30_000;

const customers: Record<Target, Customer[]> = { gateway: [], relay: [] };
const steps: Partial<Record<Target, Step>> = {};
let heartbeatMs = 25_000;
let opening = 0;

const REPLY_MARK = '{"type":"reply","re":"m';

/**
 * Answers to timed sends are read with string searches (they carry the whole stored
 * message; this process reads thousands a second next to the server being measured);
 * anything else is parsed.
 */
function onFrame(target: Target, customer: Customer, raw: Buffer): void {
  const data = raw.toString();
  const step = steps[target];
  if (step && data.startsWith(REPLY_MARK)) {
    const n = Number(data.slice(REPLY_MARK.length, data.indexOf('"', REPLY_MARK.length)));
    step.acked += 1;
    if (n < step.sentAt.length) step.ackLatencies.push(wallNow() - (step.sentAt[n] as number));
    step.onAck?.();
    return;
  }
  if (data === '{"type":"pong"}') return;
  const frame = JSON.parse(data) as Frame;
  if (step && frame.re !== undefined && frame.re.charCodeAt(0) === 109 /* m */) {
    step.errors += 1;
    if (step.errorSample.length < 5) step.errorSample.push(`${frame.code} ${frame.reason ?? ''}`);
    step.onAck?.();
    return;
  }
  if (frame.type === 'conversation' && frame.conversation) {
    customer.pushed = { id: frame.conversation.id, status: frame.conversation.status };
    if (frame.conversation.id === customer.conversationId) customer.active = frame.conversation.status === 'active';
    return;
  }
  if (customer.waiter && (frame.type === 'reply' || frame.type === 'error') && frame.re !== undefined) {
    const waiter = customer.waiter;
    customer.waiter = undefined;
    waiter(frame);
  }
}

function request(customer: Customer, frame: Record<string, unknown>): Promise<Frame> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${String(frame['type'])}`)), HELLO_TIMEOUT_MS);
    customer.waiter = (answer) => {
      clearTimeout(timer);
      if (answer.type === 'error') reject(new Error(`${String(frame['type'])}: ${answer.code} ${answer.reason ?? ''}`));
      else resolve(answer);
    };
    customer.socket.send(JSON.stringify(frame));
  });
}

/** One customer: connect from `localAddress`, say hello, and (gateway, `start`) start a conversation. */
async function openCustomer(target: Target, url: string, localAddress: string, start: boolean): Promise<Customer> {
  const socket = new WebSocket(url, { ...LEAN_CLIENT, localAddress, handshakeTimeout: HELLO_TIMEOUT_MS });
  const customer: Customer = { socket, conversationId: undefined, active: false, pushed: undefined, waiter: undefined };
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('close', (code) => reject(new Error(`closed ${code} before open`)));
    });
    socket.removeAllListeners('error');
    socket.removeAllListeners('close');
    socket.on('error', () => {});
    socket.on('close', (code) => {
      customer.active = false;
      customer.conversationId = undefined;
      customer.waiter?.({ type: 'error', code: `closed ${code}` });
    });
    socket.on('message', (data) => onFrame(target, customer, data as Buffer));
    const hello = await request(customer, { type: 'hello', id: 'h', v: 1, siteId: SITE });
    if (target === 'gateway' && typeof hello.result?.visitorToken !== 'string')
      throw new Error('hello without a visitor token');
    if (target === 'relay') {
      customer.conversationId = hello.result?.conversationId;
      customer.active = true;
    } else if (start) {
      const started = await request(customer, { type: 'start', id: 's', key: 'bench' });
      const conversation = started.result?.conversation;
      customer.conversationId = conversation?.id;
      const status = customer.pushed?.id === conversation?.id ? customer.pushed?.status : conversation?.status;
      customer.active = status === 'active';
    }
    return customer;
  } catch (error) {
    socket.terminate();
    throw error;
  }
}

/** Opens customers until `count` are held on `target`, `concurrency` at a time, retrying failures. */
async function open(target: Target, url: string, count: number, concurrency: number, start: boolean) {
  const list = customers[target];
  const failures: string[] = [];
  let failed = 0;
  const started = performance.now();
  const worker = async () => {
    while (list.length + opening < count) {
      opening += 1;
      const index = list.length + opening;
      const localAddress = addresses[index % addresses.length] as string;
      let attempt = 0;
      try {
        for (;;) {
          try {
            list.push(await openCustomer(target, url, localAddress, start));
            break;
          } catch (error) {
            attempt += 1;
            if (attempt >= 5) {
              failed += 1;
              if (failures.length < 5) failures.push(error instanceof Error ? error.message : String(error));
              break;
            }
            await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
          }
        }
      } finally {
        opening -= 1;
      }
      if (failed > count / 10) break;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { open: list.length, failed, failures, seconds: round((performance.now() - started) / 1000) };
}

/** Keeps connections alive: each one pings about every `PING_FRACTION × heartbeatMs`, spread over time. */
const PING_TICK_MS = 250;
const pingCursor: Record<Target, number> = { gateway: 0, relay: 0 };
setInterval(() => {
  for (const target of ['gateway', 'relay'] as const) {
    const list = customers[target];
    const perTick = Math.ceil((list.length * PING_TICK_MS) / (heartbeatMs * PING_FRACTION));
    for (let i = 0; i < perTick; i++) {
      const customer = list[pingCursor[target]++ % list.length];
      if (customer?.socket.readyState === WebSocket.OPEN) customer.socket.send('{"type":"ping"}');
    }
  }
}, PING_TICK_MS).unref();

function activeCustomers(target: Target): Customer[] {
  const active = customers[target].filter((c) => c.active && c.conversationId !== undefined);
  if (active.length === 0) throw new Error(`no active ${target} customers`);
  return active;
}

function newStep(target: Target, stepId: number, stamps: number): Step {
  const step: Step = {
    id: stepId,
    sentAt: new Float64Array(stamps),
    sent: 0,
    acked: 0,
    errors: 0,
    errorSample: [],
    ackLatencies: new Samples(),
  };
  steps[target] = step;
  return step;
}

/** Sends message `n` of a step; its text carries the send time for the agent side. */
function sendOne(step: Step, customer: Customer): number {
  const n = step.sent++;
  const at = wallNow();
  if (n < step.sentAt.length) step.sentAt[n] = at;
  customer.socket.send(
    `{"type":"send","id":"m${n}","conversationId":"${customer.conversationId}","clientMessageId":"b${step.id}-${generator}-${n}","content":{"type":"text","text":"${step.id}|${generator}|${n}|${at.toFixed(3)}"}}`,
  );
  return at;
}

/** Sends `rate × seconds` messages from `startAt`, on schedule, round robin over the active customers. */
function run(target: Target, stepId: number, rate: number, seconds: number, startAt: number) {
  const active = activeCustomers(target);
  const total = Math.round(rate * seconds);
  const step = newStep(target, stepId, total);
  const lags = new Samples();
  const interval = 1000 / rate;
  return new Promise<{ sent: number; firstSendAt: number; lastSendAt: number; lagP99Ms: number; customers: number }>(
    (resolve) => {
      let firstSendAt = 0;
      let lastSendAt = 0;
      const tick = () => {
        const now = wallNow();
        if (now < startAt) return;
        const due = Math.min(total, Math.floor((now - startAt) / interval) + 1);
        while (step.sent < due) {
          const n = step.sent;
          lastSendAt = sendOne(step, active[n % active.length] as Customer);
          if (n === 0) firstSendAt = lastSendAt;
          // How late the generator was: a loaded generator would hide server latency in its own queue.
          lags.push(lastSendAt - (startAt + n * interval));
        }
        if (step.sent >= total) {
          clearInterval(timer);
          resolve({
            sent: step.sent,
            firstSendAt,
            lastSendAt,
            lagP99Ms: round(percentile(lags.take().sort(), 0.99)),
            customers: active.length,
          });
        }
      };
      const timer = setInterval(tick, 1);
    },
  );
}

/**
 * Sends as fast as the target answers for `seconds`: `window` messages in flight, a new
 * one for each answer, round robin over the active customers (what the ceiling is
 * measured with).
 */
function saturate(target: Target, stepId: number, seconds: number, window: number) {
  const active = activeCustomers(target);
  const step = newStep(target, stepId, 0);
  let open = true;
  let cursor = 0;
  const next = () => {
    if (open) sendOne(step, active[cursor++ % active.length] as Customer);
  };
  step.onAck = next;
  for (let i = 0; i < window; i++) next();
  return new Promise<{ sent: number; acked: number; errors: number }>((resolve) => {
    setTimeout(() => {
      open = false;
      resolve({ sent: step.sent, acked: step.acked, errors: step.errors });
    }, seconds * 1000);
  });
}

serveParent({
  open: (r) => {
    heartbeatMs = Number(r['heartbeatMs'] ?? heartbeatMs);
    return open(
      r['target'] as Target,
      r['url'] as string,
      r['count'] as number,
      r['concurrency'] as number,
      !!r['start'],
    );
  },
  status: (r) => {
    const list = customers[r['target'] as Target];
    return {
      open: list.filter((c) => c.socket.readyState === WebSocket.OPEN).length,
      withConversation: list.filter((c) => c.conversationId !== undefined).length,
      active: list.filter((c) => c.active).length,
    };
  },
  run: (r) =>
    run(
      r['target'] as Target,
      r['step'] as number,
      r['rate'] as number,
      r['seconds'] as number,
      r['startAt'] as number,
    ),
  saturate: (r) => saturate(r['target'] as Target, r['step'] as number, r['seconds'] as number, r['window'] as number),
  acks: (r) => {
    const step = steps[r['target'] as Target];
    if (!step || step.id !== r['step']) return { acked: 0, errors: 0, errorSample: [] };
    return { acked: step.acked, errors: step.errors, errorSample: step.errorSample };
  },
  ackLatencies: (r) => {
    const step = steps[r['target'] as Target];
    return step && step.id === r['step'] ? step.ackLatencies.take() : new Float64Array(0);
  },
  close: (r) => {
    const list = customers[r['target'] as Target];
    for (const customer of list) customer.socket.terminate();
    list.length = 0;
    return true;
  },
  exit: () => {
    setImmediate(() => process.exit(0));
    return true;
  },
});
reportReady({ generator, addresses });
