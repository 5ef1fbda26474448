import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Component, describeWith } from '../../../e2e/harness/components.js';
import { freePort } from '../src/node/free-port.js';
import { kamailioInstalled, type RunningKamailio, startKamailio } from '../src/node/kamailio.js';
import { createNetworkPlace, type NetworkPlace } from '../src/node/netns.js';

// A real Kamailio running the reference config from examples/kamailio: two JsSIP agents
// register over WebSocket, a third UA calls the queue address, Kamailio asks the bridge,
// waits while it says retry, rings agent A (busy), asks again from its failure route,
// and agent B's UA answers.

const KAMAILIO: Component = {
  name: 'Kamailio with websocket, http_client and jansson modules',
  debianPackage: 'kamailio kamailio-websocket-modules kamailio-utils-modules kamailio-extra-modules',
  installed: kamailioInstalled,
};
const SECRET = 'kamailio-trunk-secret-0123456789abcdef';
const here = dirname(fileURLToPath(import.meta.url));

interface PeersResult {
  outcome: string;
  invites: Record<string, number>;
  hits: { path: string; authorized: boolean; contentType: string; body: Record<string, unknown> }[];
}

describeWith([KAMAILIO], 'Kamailio routes a queue call through the bridge', () => {
  let place: NetworkPlace;
  let kamailio: RunningKamailio | undefined;
  let bridgePort: number;

  beforeAll(async () => {
    place = createNetworkPlace('hotline-sip');
    bridgePort = await freePort();
    kamailio = await startKamailio({
      bridgeUrl: `http://127.0.0.1:${bridgePort}/voice/v1`,
      secret: SECRET,
      place,
      ringMs: 3_000,
    });
  }, 20_000);

  afterAll(async () => {
    await kamailio?.stop();
    place?.remove();
  });

  it('waits on retry, rings the agent the bridge picks, re-routes a busy agent, reports answer and hang-up', async () => {
    const running = kamailio as RunningKamailio;
    const { command, args } = place.wrap(process.execPath, ['--import', 'tsx', join(here, 'sip-peers.ts')]);
    const child = spawn(command, args, {
      cwd: join(here, '..'),
      env: {
        ...process.env,
        HOTLINE_SIP_PEERS: JSON.stringify({
          wsUrl: running.wsUrl,
          bridgePort,
          secret: SECRET,
          sipDomain: running.sipDomain,
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    await new Promise((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    const line = out.trim().split('\n').at(-1) ?? '';
    if (!line.startsWith('{'))
      throw new Error(`peers printed nothing:\n${err.slice(-3_000)}\n${running.log().slice(-3_000)}`);
    const result = JSON.parse(line) as PeersResult;
    if (result.outcome !== 'confirmed') {
      throw new Error(`${result.outcome}\n${JSON.stringify(result)}\n${running.log().slice(-4_000)}`);
    }

    expect(result.invites).toEqual({ agent_a: 1, agent_b: 1 });
    const routes = result.hits.filter((hit) => hit.path === '/voice/v1/route');
    const events = result.hits.filter((hit) => hit.path === '/voice/v1/events');
    expect(result.hits.every((hit) => hit.authorized && hit.contentType.startsWith('application/json'))).toBe(true);
    expect(routes.map((hit) => hit.body.reason)).toEqual(['new', 'new', 'busy']);
    const callId = routes[0]?.body.callId;
    expect(typeof callId).toBe('string');
    expect(routes.every((hit) => hit.body.callId === callId)).toBe(true);
    expect(routes[0]?.body).toMatchObject({
      dialled: `sip:support@${running.sipDomain}`,
      attributes: { language: 'zh' },
    });
    expect(String(routes[0]?.body.caller)).toContain('sip:caller@');
    expect(events.map((hit) => hit.body.event)).toContain('answered');
    // Registration reports come and go around the call; the call's own last report is its end.
    expect(events.filter((hit) => hit.body.callId).at(-1)?.body).toMatchObject({ callId, event: 'ended' });
  }, 60_000);
});
