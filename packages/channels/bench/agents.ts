/**
 * The agents process: real agent WebSockets. On the gateway each one says `hello` with an
 * agent token signed under the gateway's agent secret and accepts every offer it gets; on
 * the relay it just listens. On both, every pushed customer message is read for the send
 * stamp the load generator put in its text, and the delivery latency (send → this push
 * arriving) is recorded for the step it belongs to.
 */
import { WebSocket } from 'ws';
import { signAgentToken } from '../src/index.js';
import { AGENT_SECRET, agentId, LEAN_CLIENT, reportReady, Samples, serveParent, TENANT, wallNow } from './shared.js';

interface Agent {
  socket: WebSocket;
  accepted: number;
}

/** What one step (a timed run at a rate) saw arrive. */
interface Delivery {
  step: number;
  delivered: number;
  latencies: Samples;
  /** Send times of the same messages (for a timeline of latency over the step). */
  sentAt: Samples;
  lastAt: number;
}

const agents: Agent[] = [];
const emptyDelivery = (step: number): Delivery => ({
  step,
  delivered: 0,
  latencies: new Samples(),
  sentAt: new Samples(),
  lastAt: 0,
});
let delivery = emptyDelivery(-1);
/** Every customer message pushed, whatever the step (the ceiling counts these over a window). */
let messagesSeen = 0;
let offers = 0;
let accepted = 0;
const failures: string[] = [];
let nextRequest = 0;

const TEXT_MARK = '"text":"';

/**
 * A pushed `message`: its text is `step|generator|n|sentAt`. Read with string searches,
 * not `JSON.parse`: this process reads every message of the run and shares the machine
 * with the server being measured.
 */
function onMessage(data: string): void {
  messagesSeen += 1;
  const start = data.indexOf(TEXT_MARK);
  if (start < 0) return;
  const from = start + TEXT_MARK.length;
  const bar = data.indexOf('|', from);
  const step = Number(data.slice(from, bar));
  if (step !== delivery.step) return;
  const at = Number(data.slice(data.lastIndexOf('|', data.indexOf('"', from)) + 1, data.indexOf('"', from)));
  const now = wallNow();
  delivery.delivered += 1;
  delivery.latencies.push(now - at);
  delivery.sentAt.push(at);
  delivery.lastAt = now;
}

function onFrame(agent: Agent, raw: Buffer): void {
  const data = raw.toString();
  if (data.startsWith('{"type":"message"')) {
    onMessage(data);
    return;
  }
  const frame = JSON.parse(data) as {
    type: string;
    offer?: { reservationId: string };
    code?: string;
    reason?: string;
    re?: string;
  };
  if (frame.type === 'offer' && frame.offer) {
    offers += 1;
    agent.socket.send(
      JSON.stringify({ type: 'accept', id: `a${++nextRequest}`, reservationId: frame.offer.reservationId }),
    );
  } else if (frame.type === 'reply' && frame.re?.startsWith('a')) {
    agent.accepted += 1;
    accepted += 1;
  } else if (frame.type === 'error' && failures.length < 10) {
    failures.push(`${frame.code} ${frame.reason ?? ''}`);
  }
}

/** One agent: connect, and on the gateway `hello` (answered before this resolves). */
async function openAgent(url: string, index: number, gateway: boolean): Promise<Agent> {
  const socket = new WebSocket(url, LEAN_CLIENT);
  const agent: Agent = { socket, accepted: 0 };
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  let helloPending = true;
  let helloAnswered: (ok: boolean, why?: string) => void = () => {};
  const hello = new Promise<void>((resolve, reject) => {
    helloAnswered = (ok, why) => (ok ? resolve() : reject(new Error(`agent hello: ${why}`)));
  });
  socket.on('message', (data) => {
    const raw = data as Buffer;
    if (helloPending && raw.includes('"re":"h"')) {
      helloPending = false;
      const answer = JSON.parse(raw.toString()) as { type: string; code?: string; reason?: string };
      helloAnswered(answer.type === 'reply', `${answer.code} ${answer.reason ?? ''}`);
      return;
    }
    onFrame(agent, raw);
  });
  const agentToken = gateway
    ? await signAgentToken({ agentId: agentId(index), tenantId: TENANT }, AGENT_SECRET)
    : 'relay';
  socket.send(JSON.stringify({ type: 'hello', id: 'h', v: 1, agentToken }));
  await hello;
  return agent;
}

/** Keeps agents alive with the protocol's ping (the server would otherwise ping them itself). */
setInterval(() => {
  for (const agent of agents) if (agent.socket.readyState === WebSocket.OPEN) agent.socket.send('{"type":"ping"}');
}, 10_000).unref();

serveParent({
  open: async (r) => {
    const count = r['count'] as number;
    const gateway = r['target'] === 'gateway';
    for (let i = 0; i < count; i += 50) {
      const batch = Array.from({ length: Math.min(50, count - i) }, (_, k) =>
        openAgent(r['url'] as string, i + k, gateway),
      );
      agents.push(...(await Promise.all(batch)));
    }
    return { agents: agents.length };
  },
  status: () => ({
    agents: agents.filter((a) => a.socket.readyState === WebSocket.OPEN).length,
    offers,
    accepted,
    messagesSeen,
    failures: [...failures],
  }),
  /** Starts recording deliveries of a step. */
  begin: (r) => {
    delivery = emptyDelivery(r['step'] as number);
    return true;
  },
  /** The step's deliveries: count, last arrival, latencies (ms, in arrival order) and their send times. */
  collect: (r) => {
    if (delivery.step !== r['step']) {
      return { delivered: 0, lastAt: 0, latencies: new Float64Array(0), sentAt: new Float64Array(0) };
    }
    return {
      delivered: delivery.delivered,
      lastAt: delivery.lastAt,
      latencies: r['samples'] ? delivery.latencies.take() : new Float64Array(0),
      sentAt: r['samples'] ? delivery.sentAt.take() : new Float64Array(0),
    };
  },
  seen: () => ({ messagesSeen, at: wallNow() }),
  close: () => {
    for (const agent of agents) agent.socket.terminate();
    agents.length = 0;
    offers = 0;
    accepted = 0;
    messagesSeen = 0;
    failures.length = 0;
    return true;
  },
  exit: () => {
    setImmediate(() => process.exit(0));
    return true;
  },
});
reportReady({ pid: process.pid });
