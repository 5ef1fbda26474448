import { parseInput } from '@hotline/core';
import { z } from 'zod';
import { systemTimers, type Timers } from './timers.js';

/** The parts of a WebSocket the reachability check uses. */
export interface PreflightSocket {
  onopen: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  close(): void;
}

/** Options of {@link runPreflight}. */
export interface PreflightOptions {
  /** The SIP over WebSocket servers to try, as given to `createSoftphone`. */
  wsServers: string | string[];
  /** @default navigator.mediaDevices.getUserMedia */
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  /** @default globalThis.WebSocket */
  WebSocket?: new (
    url: string,
    protocols?: string | string[],
  ) => PreflightSocket;
  /** Per-server wait for the WebSocket to open. @default 5000 */
  timeoutMs?: number;
  /** @default globalThis timers */
  timers?: Timers;
  /** @default Date.now */
  now?: () => number;
}

/** The microphone check: `denied` is a refused permission, `not_found` no device at all. */
export type MicrophoneCheck = { status: 'ok' } | { status: 'denied' | 'not_found' | 'unavailable'; error: string };

/** The server check: the first server that accepted a `sip` WebSocket, and how fast. */
export type ServerCheck = { status: 'ok'; url: string; latencyMs: number } | { status: 'unreachable'; error: string };

/** What {@link runPreflight} found. */
export interface PreflightReport {
  /** Both checks passed. */
  ok: boolean;
  microphone: MicrophoneCheck;
  server: ServerCheck;
}

const optionsSchema = z.object({
  wsServers: z.union([z.string().regex(/^wss?:\/\/\S+$/), z.array(z.string().regex(/^wss?:\/\/\S+$/)).min(1)]),
  timeoutMs: z.number().int().min(1).max(60_000).optional(),
});

/**
 * Checks, before an agent goes available, that the microphone can be opened and that a
 * SIP server accepts a WebSocket. It never throws for a failed check (only for invalid
 * options): the report says what failed and why.
 *
 * @example
 * ```ts
 * const report = await runPreflight({ wsServers: 'wss://sip.example.com:8443' });
 * if (!report.ok) showSetupHelp(report);
 * ```
 */
export async function runPreflight(options: PreflightOptions): Promise<PreflightReport> {
  parseInput(optionsSchema, { wsServers: options.wsServers, timeoutMs: options.timeoutMs }, 'preflight options');
  const [microphone, server] = await Promise.all([checkMicrophone(options), checkServers(options)]);
  return { ok: microphone.status === 'ok' && server.status === 'ok', microphone, server };
}

async function checkMicrophone(options: PreflightOptions): Promise<MicrophoneCheck> {
  const getUserMedia =
    options.getUserMedia ?? globalThis.navigator?.mediaDevices?.getUserMedia?.bind(globalThis.navigator.mediaDevices);
  if (!getUserMedia) return { status: 'unavailable', error: 'getUserMedia is not available here' };
  try {
    const stream = await getUserMedia({ audio: true, video: false });
    for (const track of stream.getTracks()) track.stop();
    return { status: 'ok' };
  } catch (err) {
    const name = (err as { name?: unknown }).name;
    const error = err instanceof Error ? err.message || String(name) : String(err);
    if (name === 'NotAllowedError' || name === 'SecurityError') return { status: 'denied', error };
    if (name === 'NotFoundError' || name === 'OverconstrainedError') return { status: 'not_found', error };
    return { status: 'unavailable', error };
  }
}

async function checkServers(options: PreflightOptions): Promise<ServerCheck> {
  const Socket = options.WebSocket ?? (globalThis.WebSocket as unknown as PreflightOptions['WebSocket']);
  if (!Socket) return { status: 'unreachable', error: 'no WebSocket implementation' };
  const urls = typeof options.wsServers === 'string' ? [options.wsServers] : options.wsServers;
  const errors: string[] = [];
  for (const url of urls) {
    const result = await openOnce(Socket, url, options);
    if (result.status === 'ok') return result;
    errors.push(`${url}: ${result.error}`);
  }
  return { status: 'unreachable', error: errors.join('; ') };
}

function openOnce(
  Socket: NonNullable<PreflightOptions['WebSocket']>,
  url: string,
  options: PreflightOptions,
): Promise<ServerCheck> {
  const timers = options.timers ?? systemTimers;
  const now = options.now ?? Date.now;
  const started = now();
  return new Promise((resolve) => {
    let socket: PreflightSocket;
    try {
      socket = new Socket(url, 'sip');
    } catch (err) {
      resolve({ status: 'unreachable', error: String(err) });
      return;
    }
    const settle = (result: ServerCheck) => {
      timers.clearTimeout(timer);
      socket.onopen = null;
      socket.onerror = null;
      try {
        socket.close();
      } catch {
        // Closing a socket that never opened may throw; the check is already decided.
      }
      resolve(result);
    };
    const timer = timers.setTimeout(
      () => settle({ status: 'unreachable', error: 'timed out' }),
      options.timeoutMs ?? 5000,
    );
    socket.onopen = () => settle({ status: 'ok', url, latencyMs: now() - started });
    socket.onerror = () => settle({ status: 'unreachable', error: 'connection failed' });
  });
}
