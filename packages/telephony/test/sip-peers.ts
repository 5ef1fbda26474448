/**
 * The SIP side of `kamailio-routing.test.ts`, run as its own process so it can run inside
 * the harness's network namespace next to Kamailio: a stand-in for Hotline's voice bridge
 * (same HTTP contract as `@hotline/server`'s `/voice/v1/*`), two agent softphones and a
 * caller, all JsSIP UAs over WebSocket. Prints one JSON line with what happened.
 *
 * Media is out of scope here: `RTCPeerConnection` is a signalling-only double producing a
 * fixed SDP, so the SIP dialogue is real and no audio flows.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import JsSIP from 'jssip';
import type { RTCSessionEvent } from 'jssip/lib/UA.js';
import { installFakeWebRtc } from './fake-webrtc.js';

interface PeersConfig {
  wsUrl: string;
  bridgePort: number;
  secret: string;
  sipDomain: string;
}

/** What the bridge stand-in received, in order. */
interface BridgeHit {
  path: string;
  authorized: boolean;
  contentType: string;
  body: Record<string, unknown>;
}

const config = JSON.parse(process.env.HOTLINE_SIP_PEERS ?? '{}') as PeersConfig;
const require = createRequire(import.meta.url);
(globalThis as { WebSocket?: unknown }).WebSocket = (require('ws') as { WebSocket: unknown }).WebSocket;
installFakeWebRtc();

const hits: BridgeHit[] = [];
const invites = { agent_a: 0, agent_b: 0 };

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

// The bridge stand-in: the first ask says everyone is busy (retry in 100 ms), the second
// goes to agent A, and asking again after A refused goes to agent B.
let routeAsks = 0;
const bridge = createServer(async (req, res) => {
  const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
  const authorized = req.headers['x-hotline-voice-secret'] === config.secret;
  hits.push({ path: req.url ?? '', authorized, contentType: String(req.headers['content-type']), body });
  if (!authorized) {
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"UNAUTHENTICATED"}}');
    return;
  }
  let answer: Record<string, unknown> = { conversationId: 'con_1', status: 'active' };
  if (req.url?.endsWith('/route')) {
    routeAsks++;
    const agent = body.reason === 'new' ? 'agent_a' : 'agent_b';
    answer =
      routeAsks === 1
        ? { action: 'retry', retryAfterMs: 100, conversationId: 'con_1' }
        : { action: 'route', target: `sip:${agent}@${config.sipDomain}`, agentId: agent, conversationId: 'con_1' };
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
});

function ua(user: string, register: boolean): JsSIP.UA {
  const agent = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(config.wsUrl)],
    uri: `sip:${user}@${config.sipDomain}`,
    register,
    session_timers: false,
    connection_recovery_min_interval: 1,
    connection_recovery_max_interval: 2,
  });
  agent.start();
  return agent;
}

function until<T>(what: string, ms: number, start: (done: (value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    start((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

async function main(): Promise<void> {
  await new Promise<void>((resolve) => bridge.listen(config.bridgePort, '127.0.0.1', resolve));
  const agents = { agent_a: ua('agent_a', true), agent_b: ua('agent_b', true) };
  await Promise.all(
    Object.entries(agents).map(([name, agent]) =>
      until(`${name} to register`, 10_000, (done) => {
        if (agent.isRegistered()) done(undefined);
        agent.on('registered', () => done(undefined));
      }),
    ),
  );
  agents.agent_a.on('newRTCSession', ({ session, originator }: RTCSessionEvent) => {
    if (originator !== 'remote') return;
    invites.agent_a++;
    session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
  });
  agents.agent_b.on('newRTCSession', ({ session, originator }: RTCSessionEvent) => {
    if (originator !== 'remote') return;
    invites.agent_b++;
    session.answer({ mediaConstraints: { audio: false, video: false } });
  });

  const caller = ua('caller', false);
  await until('the caller to connect', 10_000, (done) => {
    if (caller.isConnected()) done(undefined);
    caller.on('connected', () => done(undefined));
  });
  const session = caller.call(`sip:support@${config.sipDomain}`, {
    mediaConstraints: { audio: false, video: false },
    extraHeaders: ['X-Hotline-Language: zh'],
  });
  const outcome = await until<string>('the call to be answered', 20_000, (done) => {
    session.on('confirmed', () => done('confirmed'));
    session.on('failed', (event) => done(`failed: ${event.cause}`));
  });
  if (outcome === 'confirmed') {
    session.terminate();
    await until('the ended event', 5_000, (done) => {
      const check = () => (hits.some((hit) => hit.body.event === 'ended') ? done(undefined) : setTimeout(check, 50));
      check();
    }).catch(() => undefined);
  }
  for (const agent of [...Object.values(agents), caller]) agent.stop();
  await new Promise((resolve) => setTimeout(resolve, 300));
  bridge.close();
  process.stdout.write(`${JSON.stringify({ outcome, invites, hits })}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ outcome: `error: ${String(error)}`, invites, hits })}\n`);
  process.exit(1);
});
