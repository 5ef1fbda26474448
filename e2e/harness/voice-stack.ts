/**
 * Everything the browser call tests run, in one network namespace with only `lo` up (when
 * this process is root; otherwise on the host's loopback, said on stderr): the Hotline voice
 * server (`voice-server.ts`, a child process), Kamailio with the reference config, and
 * headless Chromium with fake media, so audio between the pages can only flow over 127.0.0.1.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type RunningKamailio, startKamailio } from '../../packages/telephony/src/node/kamailio.js';
import { createNetworkPlace, type NetworkPlace } from '../../packages/telephony/src/node/netns.js';
import type { PageGlobals } from '../telephony/pages/phone-api.js';
import { CHROMIUM_ARGS } from './browser.js';
import { type ChildServer, startChildServer, stopChildServers } from './child-server.js';
import { chromiumPath } from './components.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SECRET = 'e2e-browser-voice-trunk-secret-0123456789';

/** Fake microphone and camera, no permission prompt, ICE over loopback, audio that plays unprompted. */
export const MEDIA_ARGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

/** Options of {@link startVoiceStack}. */
export interface VoiceStackOptions {
  /** How long an agent rings before Kamailio asks Hotline again. */
  ringMs: number;
  /** @default 'hotline.test' */
  sipDomain?: string;
}

/** A running stack; {@link VoiceStack.close} in `afterAll`. */
export interface VoiceStack {
  /** The network namespace's name, or undefined on the host's loopback. */
  readonly namespace: string | undefined;
  readonly server: ChildServer;
  readonly kamailio: RunningKamailio;
  readonly browser: Browser;
  readonly sipDomain: string;
  /** Opens a page of the voice server (`caller.html`, `agent.html`) for a SIP user, in its own context. */
  openPhone(page: 'caller' | 'agent', user: string): Promise<Page>;
  /** Stops Kamailio and starts it again on the same ports (its registrations are lost). */
  restartKamailio(): Promise<void>;
  /** Calls a test hook of the voice server from inside the namespace, through `page`. */
  hook<T>(page: Page, name: string, body: Record<string, string>): Promise<T>;
  close(): Promise<void>;
}

/** Polls `check` every 100 ms until it is true; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type Action = 'answer' | 'hangup' | 'hold' | 'unhold' | 'mute' | 'unmute';

/** Drives the softphone of a caller or agent page (its `window.phone`). */
export const pagePhone = {
  snapshot: (page: Page) => page.evaluate(() => (window as unknown as PageGlobals).phone.snapshot()),
  media: (page: Page) => page.evaluate(() => (window as unknown as PageGlobals).phone.media()),
  act: (page: Page, action: Action) =>
    page.evaluate(async (name) => {
      await (window as unknown as PageGlobals).phone[name]();
    }, action),
  sendDtmf: (page: Page, tones: string) =>
    page.evaluate((value) => (window as unknown as PageGlobals).phone.sendDtmf(value), tones),
  dial: (page: Page, target: string, headers: string[] = []) =>
    page.evaluate(([to, extra]) => (window as unknown as PageGlobals).phone.dial(to, extra), [
      target,
      headers,
    ] as const),
  transfer: (page: Page, target: string) =>
    page.evaluate((value) => (window as unknown as PageGlobals).phone.transfer(value), target),
  /** Starts the caller page's IVR; its first prompts. */
  startIvr: (page: Page) =>
    page.evaluate(() => {
      const { ivr } = window as unknown as PageGlobals;
      if (!ivr) throw new Error('not the caller page');
      return ivr.start();
    }),
  press: (page: Page, digit: string) =>
    page.evaluate((value) => {
      const { ivr } = window as unknown as PageGlobals;
      if (!ivr) throw new Error('not the caller page');
      return ivr.press(value);
    }, digit),
};

/**
 * Waits until each agent page is registered and the caller page's SIP socket is up, then
 * tells the server the agents (keyed by agent id) can take calls.
 */
export async function readyPhones(stack: VoiceStack, caller: Page, agents: Record<string, Page>): Promise<void> {
  for (const agent of Object.values(agents)) {
    await waitFor(
      'agent registered',
      15_000,
      async () => (await pagePhone.snapshot(agent)).registration === 'registered',
    );
  }
  await waitFor('caller connected', 15_000, async () => (await pagePhone.snapshot(caller)).connection === 'connected');
  for (const agentId of Object.keys(agents)) await stack.hook(caller, 'routable', { agentId });
}

/** Starts the namespace, the voice server, Kamailio and Chromium, in that order. */
export async function startVoiceStack(options: VoiceStackOptions): Promise<VoiceStack> {
  const sipDomain = options.sipDomain ?? 'hotline.test';
  const place: NetworkPlace = createNetworkPlace('hlvoice');
  const scratch = mkdtempSync(join(tmpdir(), 'hotline-voice-stack-'));
  const cleanups: (() => Promise<void> | void)[] = [
    () => rmSync(scratch, { recursive: true, force: true }),
    () => place.remove(),
  ];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const server = await startChildServer({
      name: 'voice-server',
      cwd: join(HERE, '..'),
      args: () => [join(HERE, 'voice-netns-exec.ts'), place.name ?? '-', join(HERE, 'voice-server.ts')],
      env: () => ({ VOICE_SECRET: SECRET, VOICE_SIP_DOMAIN: sipDomain }),
      ready: /voice-server ready pages=(\d+)/,
    });
    cleanups.push(stopChildServers);
    const bridgePort = /voice-server ready pages=\d+ bridge=(\d+)/.exec(server.log())?.[1];
    const kamailioOptions = {
      bridgeUrl: `http://127.0.0.1:${bridgePort}/voice/v1`,
      secret: SECRET,
      sipDomain,
      ringMs: options.ringMs,
      place,
    };
    let kamailio = await startKamailio(kamailioOptions);
    cleanups.push(() => kamailio.stop());

    // Playwright starts "the browser" over a pipe: a wrapper that enters the namespace first.
    let executablePath = chromiumPath();
    if (place.name) {
      const { command, args } = place.wrap(executablePath, []);
      executablePath = join(scratch, 'chromium-in-netns');
      writeFileSync(executablePath, `#!/bin/sh\nexec ${[command, ...args].join(' ')} "$@"\n`);
      chmodSync(executablePath, 0o755);
    }
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS, ...MEDIA_ARGS],
      timeout: 60_000,
    });
    cleanups.push(() => browser.close());

    return {
      namespace: place.name,
      server,
      get kamailio() {
        return kamailio;
      },
      browser,
      sipDomain,
      async openPhone(kind, user) {
        const context = await browser.newContext();
        const page = await context.newPage();
        page.on('pageerror', (error) => console.error(`browser calls: ${user}'s page: ${error.message}`));
        const query = new URLSearchParams({
          user,
          domain: sipDomain,
          ws: kamailio.wsUrl,
          register: kind === 'agent' ? '1' : '0',
        });
        await page.goto(`${server.origin}/${kind}.html?${query}`);
        await page.waitForFunction(() => 'phone' in window);
        return page;
      },
      async restartKamailio() {
        const ports = { ws: kamailio.wsPort, sip: kamailio.sipPort };
        await kamailio.stop();
        kamailio = await startKamailio({ ...kamailioOptions, ports });
      },
      async hook<T>(page: Page, name: string, body: Record<string, string>) {
        const { status, json } = await page.evaluate(
          async ([path, payload]) => {
            const res = await fetch(path, { method: 'POST', body: JSON.stringify(payload) });
            return { status: res.status, json: (await res.json()) as unknown };
          },
          [`/test/${name}`, body] as const,
        );
        if (status !== 200) throw new Error(`hook ${name} answered ${status}: ${JSON.stringify(json)}`);
        return json as T;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
