import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentDesk, CustomerChat, type WireOffer } from '@hotline/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type DemoServer, startDemo } from './demo-server.js';
import { DEMO_SIP_DOMAIN, demoVoiceSecret, voiceAvailable } from './demo-voice.js';

// The demo as `npm start` runs it, on a free port and a fresh data directory: its pages and
// bundles answer, the demo login works (and refuses a wrong password), and the seeded
// routing sends a Chinese support chat to an agent who speaks Chinese.

let demo: DemoServer;
let dataDir: string;
const said: string[] = [];
// Kamailio is installed by scripts/provision (and in CI): there the demo has voice.
const withVoice = voiceAvailable();

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hotline-demo-'));
  demo = await startDemo({
    port: 0,
    dataDir,
    env: {},
    logger: { error: () => undefined },
    say: (line) => said.push(line),
  });
});

afterAll(async () => {
  await demo?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const url = (path: string) => `http://127.0.0.1:${demo.port}${path}`;

async function login(agentId: string, password = 'demo') {
  return fetch(url('/demo/login'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agentId, password }),
  });
}

/** A raw GET, so a path like `/../x` reaches the server as written (fetch would normalise it). */
function rawGet(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: demo.port, path }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

describe('the demo server', () => {
  it('seeded the demo tenant on its first start', () => {
    expect(demo.seeded.created).toContain('tenant ten_demo');
    expect(demo.location).toBe(`PGlite in ${join(dataDir, 'db')}`);
  });

  it.each([
    ['/', 'text/html', 'Demo Shop'],
    ['/agent', 'text/html', '/agent/agent.js'],
    ['/wallboard', 'text/html', '/wallboard/wallboard.js'],
    ['/static/hotline-widget.js', 'text/javascript', 'Hotline'],
    ['/static/hotline-widget-voice.js', 'text/javascript', '__voice'],
    ['/static/hotline-telephony.js', 'text/javascript', 'createSoftphone'],
    ['/shop.js', 'text/javascript', 'Hotline.init'],
    ['/demo/config', 'application/json', 'site_demo'],
  ])('answers %s with 200', async (path, type, contains) => {
    const res = await fetch(url(path));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain(type);
    expect(await res.text()).toContain(contains);
  });

  it('serves the pages under a strict Content Security Policy, with no inline script in the shop', async () => {
    const res = await fetch(url('/'));
    const policy = res.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|\son[a-z]+=/);
  });

  it('keeps files outside public/ out of reach', async () => {
    expect(await rawGet('/../package.json')).toBe(404);
    expect(await rawGet('/%2e%2e/server.ts')).toBe(404);
    expect(await rawGet('/agent/../../package.json')).toBe(404);
    expect(await rawGet('/.hotline/secrets.json')).toBe(404);
    expect(await rawGet('/TESTIDS.md')).toBe(404);
  });

  it('lists the seeded agents and the site in /demo/config', async () => {
    const config = await (await fetch(url('/demo/config'))).json();
    expect(config).toEqual({
      siteId: 'site_demo',
      tenantId: 'ten_demo',
      wsPath: '/hotline/webchat',
      agents: [
        { id: 'agt_ana', name: 'Ana Lima', roles: ['agent'] },
        { id: 'agt_bo', name: 'Bo Wang', roles: ['agent'] },
        { id: 'agt_chen', name: 'Chen Jing', roles: ['agent'] },
        { id: 'agt_sam', name: 'Sam Taylor', roles: ['supervisor'] },
      ],
      voice: withVoice
        ? { wsUrl: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+$/), sipDomain: DEMO_SIP_DOMAIN }
        : null,
    });
    expect(demo.voice).toEqual(config.voice);
  });

  it.runIf(withVoice)(
    'starts Kamailio for calls: its WebSocket in the CSP, SIP identities at login, a trunk',
    async () => {
      expect(said).toEqual([]);
      const wsUrl = demo.voice?.wsUrl as string;
      const policy = (await fetch(url('/agent'))).headers.get('content-security-policy') ?? '';
      expect(policy).toMatch(new RegExp(`connect-src [^;]*${wsUrl.replace(/\./g, '\\.')}`));
      const { sip } = await (await login('agt_ana')).json();
      expect(sip).toEqual({ uri: `sip:agt_ana@${DEMO_SIP_DOMAIN}`, password: null });
      // Kamailio's answer to a WebSocket upgrade that asks for SIP: it is listening.
      const socket = new WebSocket(wsUrl, 'sip');
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      socket.close();
      // The trunk takes the secret derived from the site secret (what Kamailio was given).
      const { siteSecret } = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8'));
      const event = (secret: string) =>
        fetch(url('/voice/v1/events'), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hotline-voice-secret': secret },
          body: JSON.stringify({ event: 'registered', aor: `sip:agt_ana@${DEMO_SIP_DOMAIN}`, expires: 60 }),
        });
      expect((await event(demoVoiceSecret(siteSecret))).status).toBe(200);
      expect((await event('x'.repeat(43))).status).toBe(401);
      // The seeded queues take calls, and the agents one at a time.
      const { accessToken } = await (await login('agt_sam')).json();
      const headers = { authorization: `Bearer ${accessToken}` };
      const queue = await (await fetch(url('/api/v1/queues/que_support_zh'), { headers })).json();
      expect(queue.channels).toEqual(['webchat', 'voice']);
      const agent = await (await fetch(url('/api/v1/agents/agt_bo'), { headers })).json();
      expect(agent.capacity).toEqual({ webchat: 2, voice: 1 });
    },
  );

  it('refuses a wrong password or an unknown agent with 401, and bad input with 400', async () => {
    const wrong = await login('agt_ana', 'not-demo');
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe('UNAUTHENTICATED');
    expect((await login('agt_nobody')).status).toBe(401);
    const bad = await fetch(url('/demo/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"agentId": 42}',
    });
    expect(bad.status).toBe(400);
    expect((await fetch(url('/demo/login'))).status).toBe(405);
  });

  it('signs an agent in with tokens the REST API and the agent gateway accept', async () => {
    const res = await login('agt_sam');
    expect(res.status).toBe(200);
    const { accessToken, agentToken, agent } = await res.json();
    expect(agent).toMatchObject({ id: 'agt_sam', name: 'Sam Taylor', roles: ['supervisor'] });
    const queues = await fetch(url('/api/v1/queues'), { headers: { authorization: `Bearer ${accessToken}` } });
    expect(queues.status).toBe(200);
    const desk = new AgentDesk({ url: `ws://127.0.0.1:${demo.port}/hotline/webchat`, agentToken, WebSocket });
    try {
      await desk.connect();
      const stats = await desk.monitor();
      expect(stats.queues.map((q) => q.queueId).sort()).toEqual([
        'que_sales_en',
        'que_sales_zh',
        'que_support_en',
        'que_support_zh',
      ]);
    } finally {
      desk.close();
    }
  });

  it('routes a Chinese support chat from the site to an agent who speaks Chinese, not to Ana', async () => {
    const ws = `ws://127.0.0.1:${demo.port}/hotline/webchat`;
    const desks: AgentDesk[] = [];
    const offers = new Map<string, WireOffer[]>();
    const signIn = async (agentId: string) => {
      const { agentToken } = await (await login(agentId)).json();
      const desk = new AgentDesk({ url: ws, agentToken, WebSocket });
      desks.push(desk);
      offers.set(agentId, []);
      desk.on('offer', (offer) => offers.get(agentId)?.push(offer));
      await desk.connect();
      await desk.setActivity('available');
      return desk;
    };
    const chat = new CustomerChat({ url: ws, siteId: 'site_demo', WebSocket });
    try {
      await signIn('agt_ana'); // English only
      await chat.connect();
      const conversation = await chat.start({ queueId: 'que_support_zh', attributes: { language: 'zh-CN' } });
      await chat.send('你好，我的订单还没到。').acked;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(offers.get('agt_ana')).toEqual([]);
      const bo = await signIn('agt_bo'); // support, English and Chinese
      await expect.poll(() => offers.get('agt_bo')?.length, { timeout: 5_000 }).toBe(1);
      const [offer] = offers.get('agt_bo') as WireOffer[];
      expect(offer?.conversationId).toBe(conversation.id);
      const accepted = await bo.accept(offer?.reservationId as string);
      expect(accepted.id).toBe(conversation.id);
      expect(offers.get('agt_ana')).toEqual([]);
    } finally {
      chat.close();
      for (const desk of desks) desk.close();
    }
  });

  it('starts without voice when told to (or without Kamailio), with one line saying so', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'hotline-demo-'));
    const lines: string[] = [];
    const chatOnly = await startDemo({ port: 0, dataDir: otherDir, env: {}, voice: false, say: (l) => lines.push(l) });
    try {
      const config = await (await fetch(`http://127.0.0.1:${chatOnly.port}/demo/config`)).json();
      expect(config.voice).toBeNull();
      const res = await fetch(`http://127.0.0.1:${chatOnly.port}/demo/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ agentId: 'agt_ana', password: 'demo' }),
      });
      expect((await res.json()).sip).toBeUndefined();
      expect(lines).toEqual(['Voice is off: the demo was started without it.']);
    } finally {
      await chatOnly.close();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
