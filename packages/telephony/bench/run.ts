/**
 * Call-setup bench: `npm run bench -w @hotline/telephony`. Time from the caller's INVITE
 * leaving to the dialog confirmed at the caller (200 OK received, ACK sent), over SIP on
 * WebSocket on 127.0.0.1, through Kamailio running the reference `examples/kamailio` config:
 *
 * - `queue-via-bridge`: the caller dials the support queue; Kamailio asks the REAL Hotline
 *   server (`createHotlineServer`, memory storage, a voice trunk) over HTTP, which creates
 *   the voice conversation and routing task and answers with the reserved agent; Kamailio
 *   rings that agent's registered UA, which answers, and reports `answered` to the bridge.
 * - `direct` (the baseline, same run, calls interleaved): the caller dials the same agent's
 *   AOR; Kamailio's plain `lookup("location")` route, no HTTP.
 *
 * Signalling only: JsSIP UAs in Node with a signalling-only `RTCPeerConnection`, no media.
 * As root, everything runs in a fresh network namespace with only `lo` up. Prints one JSON
 * line per scenario. Knobs: `HOTLINE_BENCH_CALLS=50`, `HOTLINE_BENCH_WARMUP=5`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { kamailioInstalled, type RunningKamailio, startKamailio } from '../src/node/kamailio.js';
import { createNetworkPlace } from '../src/node/netns.js';
import { dial, hangUp, type Phone, startPhone } from './node-sip.js';
import { startVoiceDesk, type VoiceDesk } from './voice-desk.js';

const CALLS = Number(process.env.HOTLINE_BENCH_CALLS ?? 50);
const WARMUP = Number(process.env.HOTLINE_BENCH_WARMUP ?? 5);
const INSIDE = 'HOTLINE_BENCH_NETNS';
const SECRET = 'bench-voice-trunk-secret-0123456789abcdef';
const SIP_DOMAIN = 'hotline.test';
const AGENT = 'agt_bench';
const MEDIA = 'none (signalling only)';

type Scenario = 'direct' | 'queue-via-bridge';

interface Setup {
  readonly desk: VoiceDesk;
  readonly kamailio: RunningKamailio;
  readonly agent: Phone;
  readonly caller: Phone;
}

const round = (n: number): number => Number(n.toFixed(2));

/** Nearest-rank percentile (over 50 calls, p99 is the slowest call). */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

function summary(samples: readonly number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    calls: sorted.length,
    p50Ms: round(percentile(sorted, 0.5)),
    p99Ms: round(percentile(sorted, 0.99)),
    meanMs: round(sorted.reduce((sum, n) => sum + n, 0) / sorted.length),
    minMs: round(sorted[0] ?? Number.NaN),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** What one call measured. */
interface Sample {
  /** INVITE sent → dialog confirmed at the caller. */
  setupMs: number;
  /** INVITE sent → INVITE arriving at the agent's UA (the routing decision's share). */
  toAgentMs: number;
}

/** One call of a scenario: dialled, confirmed, hung up, and (through the queue) wrapped up and resolved. */
async function oneCall(setup: Setup, scenario: Scenario): Promise<Sample> {
  const target = scenario === 'direct' ? AGENT : 'support';
  const call = await dial(setup.caller, `sip:${target}@${SIP_DOMAIN}`);
  if (call.outcome !== 'confirmed') {
    throw new Error(`${scenario} call ${call.outcome}\n${setup.kamailio.log().slice(-3_000)}`);
  }
  const sample = { setupMs: call.setupMs, toAgentMs: setup.agent.lastRangAt - call.sentAt };
  await hangUp(call.session);
  if (scenario === 'queue-via-bridge') {
    const ended = await setup.desk.conversationOf(call.callId, 'wrap_up');
    await setup.desk.server.dispatcher.resolve(setup.desk.tenantId, AGENT, ended.id);
  }
  return sample;
}

/** A scenario's figures: call setup, and the INVITE's way to the agent. */
function figures(samples: readonly Sample[]) {
  const toAgent = summary(samples.map((sample) => sample.toAgentMs));
  return {
    ...summary(samples.map((sample) => sample.setupMs)),
    inviteToAgentP50Ms: toAgent.p50Ms,
    inviteToAgentP99Ms: toAgent.p99Ms,
  };
}

async function bench(inNamespace: boolean): Promise<void> {
  const desk = await startVoiceDesk({ secret: SECRET, sipDomain: SIP_DOMAIN, agents: [{ id: AGENT, skills: [] }] });
  const phones: Phone[] = [];
  let kamailio: RunningKamailio | undefined;
  try {
    kamailio = await startKamailio({ bridgeUrl: desk.bridgeUrl, secret: SECRET, sipDomain: SIP_DOMAIN });
    const agent = await startPhone({ wsUrl: kamailio.wsUrl, user: AGENT, sipDomain: SIP_DOMAIN, register: true });
    phones.push(agent);
    const caller = await startPhone({ wsUrl: kamailio.wsUrl, user: 'caller', sipDomain: SIP_DOMAIN, register: false });
    phones.push(caller);
    await desk.makeRoutable(AGENT);
    const setup: Setup = { desk, kamailio, agent, caller };
    const samples: Record<Scenario, Sample[]> = { direct: [], 'queue-via-bridge': [] };
    for (let i = 0; i < WARMUP + CALLS; i++) {
      // Alternating which goes first spreads drift (GC, caches warming) over both scenarios.
      const order: Scenario[] = i % 2 === 0 ? ['direct', 'queue-via-bridge'] : ['queue-via-bridge', 'direct'];
      for (const scenario of order) {
        const sample = await oneCall(setup, scenario);
        if (i >= WARMUP) samples[scenario].push(sample);
      }
    }
    const common = {
      bench: 'telephony.call-setup',
      measure:
        'INVITE sent to dialog confirmed at the caller (200 OK, ACK); inviteToAgent: INVITE sent to INVITE at the agent',
      media: MEDIA,
      transport: 'SIP over WebSocket, 127.0.0.1',
      networkNamespace: inNamespace,
      warmupCalls: WARMUP,
    };
    const direct = figures(samples.direct);
    const viaBridge = figures(samples['queue-via-bridge']);
    const baseline = { scenario: 'direct', p50Ms: direct.p50Ms, p99Ms: direct.p99Ms };
    const lines = [
      { ...common, scenario: 'direct', route: "Kamailio lookup('location') of the agent's AOR, no HTTP", ...direct },
      {
        ...common,
        scenario: 'queue-via-bridge',
        route: 'Kamailio asks Hotline POST /voice/v1/route (createHotlineServer, memory storage), rings the agent',
        ...viaBridge,
        baseline,
        bridgeAddedP50Ms: round(viaBridge.p50Ms - direct.p50Ms),
        bridgeAddedP99Ms: round(viaBridge.p99Ms - direct.p99Ms),
        // The route query delays the INVITE; the rest of the added time is the reply path
        // (Kamailio reports `answered` to the bridge before relaying the 200 OK).
        bridgeAddedToInviteP50Ms: round(viaBridge.inviteToAgentP50Ms - direct.inviteToAgentP50Ms),
      },
    ];
    for (const line of lines) process.stdout.write(`${JSON.stringify(line)}\n`);
  } finally {
    for (const phone of phones) phone.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await kamailio?.stop();
    await desk.close();
  }
}

/** As root: this same script again, inside a network namespace with only loopback, removed afterwards. */
async function inNetworkNamespace(): Promise<number | undefined> {
  const place = createNetworkPlace('hotline-bench');
  if (!place.name) return undefined;
  try {
    const { command, args } = place.wrap(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)]);
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, [INSIDE]: '1' } });
    return await new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  } finally {
    place.remove();
  }
}

async function main(): Promise<number> {
  if (!kamailioInstalled()) {
    const ci = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase());
    console.error(`${ci ? 'FAILED' : 'SKIPPED'}: Kamailio is not installed: run scripts/provision (as root)`);
    return ci ? 1 : 0;
  }
  const inside = process.env[INSIDE] === '1';
  if (!inside) {
    const code = await inNetworkNamespace();
    if (code !== undefined) return code;
  }
  await bench(inside);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
