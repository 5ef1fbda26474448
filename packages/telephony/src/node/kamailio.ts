import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';
import type { NetworkPlace } from './netns.js';

/** Debian's Kamailio binary; `HOTLINE_KAMAILIO` overrides it. */
export function kamailioPath(): string {
  return process.env.HOTLINE_KAMAILIO ?? '/usr/sbin/kamailio';
}

/** Whether Kamailio with the modules the reference config loads is installed. */
export function kamailioInstalled(): boolean {
  const modules = kamailioModulesDir();
  return (
    existsSync(kamailioPath()) &&
    ['websocket.so', 'http_client.so', 'jansson.so'].every((module) => existsSync(join(modules, module)))
  );
}

function kamailioModulesDir(): string {
  return process.env.HOTLINE_KAMAILIO_MODULES ?? '/usr/lib/x86_64-linux-gnu/kamailio/modules/';
}

/** The reference config shipped in `examples/kamailio`. */
export const REFERENCE_CONFIG = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../examples/kamailio/kamailio.cfg',
);

/** Options of {@link startKamailio}: the reference config's settings. */
export interface KamailioOptions {
  /** Hotline's voice bridge, e.g. `http://127.0.0.1:4123/voice/v1`. */
  bridgeUrl: string;
  /** The trunk secret sent as `X-Hotline-Voice-Secret`. */
  secret: string;
  /** @default 'hotline.test' */
  sipDomain?: string;
  /** Queue addresses (user parts) that ask the bridge. @default ['support'] */
  queues?: readonly string[];
  /** How long an agent rings before the failure route asks again. @default 4_000 */
  ringMs?: number;
  /** Where to run it. @default the host's network */
  place?: NetworkPlace;
  /** @default REFERENCE_CONFIG */
  configPath?: string;
  /** How long to wait for the WebSocket port. @default 10_000 */
  startTimeoutMs?: number;
  /** Fixed ports, e.g. a restart's on the ports of the Kamailio it replaces. @default free ports */
  ports?: { ws: number; sip: number };
}

/** A Kamailio the harness started. */
export interface RunningKamailio {
  /** `ws://127.0.0.1:<port>` for softphones. */
  readonly wsUrl: string;
  readonly wsPort: number;
  readonly sipPort: number;
  readonly sipDomain: string;
  readonly pid: number;
  /** Everything Kamailio wrote to stderr so far (its log). */
  log(): string;
  /** Stops this Kamailio (its pid only) and deletes its files. Idempotent. */
  stop(): Promise<void>;
}

/** The reference config with its `#!substdef` settings replaced. */
export function renderConfig(template: string, settings: Readonly<Record<string, string>>): string {
  return template.replace(/^#!substdef "!(HOTLINE_[A-Z_]+)!.*!g"$/gm, (line, name: string) => {
    const value = settings[name];
    if (value === undefined) return line;
    if (value.includes('!') || value.includes('"') || value.includes('\n')) {
      throw new Error(`setting ${name} must not contain ! " or a newline`);
    }
    return `#!substdef "!${name}!${value}!g"`;
  });
}

/**
 * Starts Kamailio on 127.0.0.1 with the reference config (free ports, a private runtime
 * directory), optionally inside a network namespace, and waits until its WebSocket port
 * accepts connections.
 */
export async function startKamailio(options: KamailioOptions): Promise<RunningKamailio> {
  const sipDomain = options.sipDomain ?? 'hotline.test';
  const [wsPort, sipPort] = options.ports
    ? [options.ports.ws, options.ports.sip]
    : [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'hotline-kamailio-'));
  const cfg = join(dir, 'kamailio.cfg');
  writeFileSync(
    cfg,
    renderConfig(readFileSync(options.configPath ?? REFERENCE_CONFIG, 'utf8'), {
      HOTLINE_LISTEN_IP: '127.0.0.1',
      HOTLINE_WS_PORT: String(wsPort),
      HOTLINE_SIP_PORT: String(sipPort),
      HOTLINE_SIP_DOMAIN: sipDomain,
      HOTLINE_BRIDGE_URL: options.bridgeUrl,
      HOTLINE_VOICE_SECRET: options.secret,
      HOTLINE_QUEUES: (options.queues ?? ['support']).join('|'),
      HOTLINE_RING_MS: String(options.ringMs ?? 4_000),
      HOTLINE_MODULES: kamailioModulesDir(),
    }),
  );
  const args = ['-DD', '-E', '-f', cfg, '-m', '64', '-M', '8', '-Y', dir, '-P', join(dir, 'kamailio.pid'), '-w', dir];
  const place = options.place;
  const { command, args: finalArgs } = place ? place.wrap(kamailioPath(), args) : { command: kamailioPath(), args };
  const child = spawn(command, finalArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    log = (log + chunk).slice(-200_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = once(async () => {
    await terminate(child, exited);
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    await waitForPort(wsPort, place, child, options.startTimeoutMs ?? 10_000, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    wsPort,
    sipPort,
    sipDomain,
    pid: child.pid ?? -1,
    log: () => log,
    stop,
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= fn();
    return done;
  };
}

/** SIGTERM to our own pid (Kamailio's main process takes its children down), SIGKILL after 5 s. */
async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

async function waitForPort(
  port: number,
  place: NetworkPlace | undefined,
  child: ChildProcess,
  timeoutMs: number,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`kamailio exited (${child.exitCode ?? child.signalCode}):\n${log().slice(-4_000)}`);
    }
    if (place?.name ? probeInside(place, port) : await probe(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`kamailio did not listen on 127.0.0.1:${port} within ${timeoutMs} ms:\n${log().slice(-4_000)}`);
}

function probe(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Inside a namespace the port is only reachable from there: ask bash's /dev/tcp. */
function probeInside(place: NetworkPlace, port: number): boolean {
  const { command, args } = place.wrap('/bin/bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]);
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 2_000 });
    return true;
  } catch {
    return false;
  }
}
