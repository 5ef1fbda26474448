import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHotlineServer, type HotlineServer, type ServerLogger } from '@hotline/server';
import { type DemoSeedReport, loadSecrets, openStorage, prepareServerOptions, seedDemo } from '@hotline/server/cli';
import { demoRoutes } from './demo-routes.js';
import {
  type DemoVoiceConfig,
  demoVoiceOptions,
  demoVoiceSecret,
  enableDemoVoice,
  startDemoKamailio,
  voiceAvailable,
} from './demo-voice.js';
import { staticFiles } from './static-files.js';

/** The demo package's directory (`examples/demo`). */
export const DEMO_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Options of {@link startDemo}. */
export interface DemoOptions {
  /** 0 picks a free port. @default 8080 */
  port?: number;
  /** @default '127.0.0.1' (the demo login takes one shared password: keep it on this machine) */
  host?: string;
  /** The embedded database, secrets and uploads. @default examples/demo/.hotline */
  dataDir?: string;
  /** Where secrets may come from (`HOTLINE_JWT_SECRET`…). @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** @default the server's JSON lines */
  logger?: ServerLogger;
  /**
   * Calls through Kamailio (started on 127.0.0.1 with the reference config) when it is
   * installed; `false` keeps the demo chat only.
   * @default true
   */
  voice?: boolean;
  /** Where the one line about voice goes. @default console.log */
  say?: (line: string) => void;
}

/** A running demo. */
export interface DemoServer {
  /** `http://localhost:PORT` (or the host it listens on). */
  readonly url: string;
  readonly port: number;
  /** Where the data is, for the log. */
  readonly location: string;
  /** What the seed created on this start (nothing after the first). */
  readonly seeded: DemoSeedReport;
  readonly hotline: HotlineServer;
  /** Kamailio's WebSocket and the SIP domain, or `null` when voice is off. */
  readonly voice: DemoVoiceConfig | null;
  /** Graceful stop: requests in flight finish, WebSocket clients get `bye`, the database closes. */
  close(): Promise<void>;
}

/**
 * Starts the demo: the Hotline server on embedded PGlite (seeded with the demo tenant on
 * first start), the demo's login and config endpoints, the shop page, agent desk and
 * wallboard, and the widget and client bundles, all on one HTTP server.
 *
 * @example
 * ```ts
 * const demo = await startDemo({ port: 8080 });
 * console.log(`${demo.url}/agent`);
 * process.on('SIGTERM', () => demo.close());
 * ```
 */
export async function startDemo(options: DemoOptions = {}): Promise<DemoServer> {
  const dataDir = options.dataDir ?? join(DEMO_DIR, '.hotline');
  const host = options.host ?? '127.0.0.1';
  const { secrets } = await loadSecrets(dataDir, options.env ?? process.env);
  const opened = await openStorage({ dataDir });
  let hotline: HotlineServer | undefined;
  let kamailio: Awaited<ReturnType<typeof startDemoKamailio>> | undefined;
  const say = options.say ?? console.log;
  try {
    // Idempotent: the first start creates the tenant, later ones find it.
    const seeded = await seedDemo(opened.storage);
    const { options: serverOptions } = await prepareServerOptions({
      opened,
      secrets,
      dataDir,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    const wantsVoice = options.voice !== false;
    const canCall = wantsVoice && voiceAvailable();
    if (!wantsVoice) say('Voice is off: the demo was started without it.');
    else if (!canCall) say('Voice is off: Kamailio is not installed (see docs/telephony.md); the chat works as usual.');
    const voiceSecret = demoVoiceSecret(secrets.siteSecret);
    if (canCall) await enableDemoVoice(opened.storage);
    hotline = createHotlineServer({ ...serverOptions, ...(canCall ? { voice: demoVoiceOptions(voiceSecret) } : {}) });
    const server = hotline;
    let voice: DemoVoiceConfig | null = null;
    const demo = demoRoutes({ storage: opened.storage, secrets, voice: () => voice });
    const files = staticFiles({
      publicDir: join(DEMO_DIR, 'public'),
      widgetDir: join(dirname(createRequire(import.meta.url).resolve('@hotline/widget/package.json')), 'dist'),
      bundleDir: join(DEMO_DIR, 'dist', 'static'),
      connectSources: () => (voice ? [voice.wsUrl] : []),
    });
    const http = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (demo(req, res) || files(req, res)) return;
      server.handler(req, res);
    });
    server.attach(http);
    await server.start();
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 8080, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    const { port } = http.address() as AddressInfo;
    if (canCall) {
      try {
        kamailio = await startDemoKamailio(`http://127.0.0.1:${port}/voice/v1`, voiceSecret);
        voice = { wsUrl: kamailio.wsUrl, sipDomain: kamailio.sipDomain };
      } catch (error) {
        say(`Voice is off: Kamailio did not start (${(error as Error).message.split('\n')[0]}).`);
      }
    }
    const shown = host === '0.0.0.0' || host === '::' || host === '127.0.0.1' ? 'localhost' : host;
    let closed: Promise<void> | undefined;
    return {
      url: `http://${shown}:${port}`,
      port,
      location: opened.location,
      seeded,
      hotline: server,
      voice,
      close() {
        closed ??= (async () => {
          await kamailio?.stop();
          const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
          await server.close();
          http.closeAllConnections();
          await stopped;
          await opened.close();
        })();
        return closed;
      },
    };
  } catch (error) {
    await kamailio?.stop();
    await hotline?.close().catch(() => undefined);
    await opened.close();
    throw error;
  }
}
