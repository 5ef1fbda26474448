// The softphone driving JsSIP's REAL `UA` over a real WebSocket, against a scripted SIP
// registrar (not Kamailio: it answers REGISTER and nothing else). It checks what the
// double cannot: that the UA configuration is one JsSIP accepts, that JsSIP's real event
// names and payloads reach the softphone, and re-registration after the socket drops.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { createSoftphone, type RegistrationState, type Softphone } from './softphone.js';

/**
 * Final status codes for the next REGISTERs of each user; 200 once empty. Keyed by user
 * because a stopped softphone's last un-REGISTER can arrive during the next test.
 */
let script: Record<string, number[]> = {};
let registers: { user: string; expires: string | undefined }[] = [];
let server: WebSocketServer;
let url: string;
const sockets = new Set<WsSocket>();
let softphone: Softphone | undefined;
const hadWebSocket = 'WebSocket' in globalThis;
const previousWebSocket = (globalThis as { WebSocket?: unknown }).WebSocket;

function header(lines: string[], name: string): string | undefined {
  const line = lines.find((candidate) => candidate.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(line.indexOf(':') + 1).trim();
}

function answer(request: string): string | undefined {
  const lines = request.split('\r\n');
  if (!lines[0]?.startsWith('REGISTER ')) return undefined;
  const user = /sip:([^@]+)@/.exec(header(lines, 'To') ?? '')?.[1] ?? '';
  const status = script[user]?.shift() ?? 200;
  const expires = header(lines, 'Expires');
  registers.push({ user, expires });
  const copied = ['Via', 'From', 'Call-ID', 'CSeq'].map((name) => `${name}: ${header(lines, name)}`);
  const reason = status === 200 ? 'OK' : status === 403 ? 'Forbidden' : 'Service Unavailable';
  const extra = status === 200 ? [`Contact: ${header(lines, 'Contact')};expires=${expires ?? '600'}`] : [];
  return [
    `SIP/2.0 ${status} ${reason}`,
    ...copied,
    `To: ${header(lines, 'To')};tag=registrar`,
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

function waitFor(phone: Softphone, state: RegistrationState, timeoutMs = 5000): Promise<{ cause?: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${state}' within ${timeoutMs} ms`)), timeoutMs);
    const off = phone.on('registration', (event) => {
      if (event.state !== state) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

beforeAll(async () => {
  // Node 20 has no global WebSocket; JsSIP's WebSocketInterface needs one.
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'sip' });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data) => {
      const response = answer(String(data));
      if (response) socket.send(response);
    });
  });
  await new Promise<void>((resolve) => server.on('listening', resolve));
  const address = server.address();
  if (typeof address === 'string' || !address) throw new Error('no port');
  url = `ws://127.0.0.1:${address.port}`;
});

afterEach(() => {
  softphone?.stop();
  softphone = undefined;
  script = {};
  registers = [];
});

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (hadWebSocket) (globalThis as { WebSocket?: unknown }).WebSocket = previousWebSocket;
  else delete (globalThis as { WebSocket?: unknown }).WebSocket;
});

describe('softphone with the real JsSIP UA', () => {
  it('registers, and re-registers after the WebSocket drops', async () => {
    const USER = 'alice';
    const phone = createSoftphone({
      uri: `sip:${USER}@example.com`,
      wsServers: url,
      reconnect: { minIntervalMs: 1000, maxIntervalMs: 1000 },
    });
    softphone = phone;
    const registered = waitFor(phone, 'registered');
    phone.register();
    await registered;
    expect(phone.connectionState).toBe('connected');

    const again = waitFor(phone, 'registered');
    for (const socket of sockets) socket.terminate();
    await waitFor(phone, 'registering');
    expect(phone.connectionState).not.toBe('connected');
    await again;
    expect(registers.filter((entry) => entry.user === USER)).toHaveLength(2);
  });

  it('retries a refused registration and reports the cause', async () => {
    const USER = 'bob';
    script = { [USER]: [503] };
    const phone = createSoftphone({ uri: `sip:${USER}@example.com`, wsServers: url, registrationRetryMs: 200 });
    softphone = phone;
    const failed = waitFor(phone, 'failed');
    const registered = waitFor(phone, 'registered');
    phone.register();
    expect((await failed).cause).toBe('SIP Failure Code');
    await registered;
    expect(registers.filter((entry) => entry.user === USER)).toHaveLength(2);
  });

  it('unregisters with Expires: 0', async () => {
    const phone = createSoftphone({ uri: 'sip:carol@example.com', wsServers: url });
    softphone = phone;
    const registered = waitFor(phone, 'registered');
    phone.register();
    await registered;
    phone.unregister();
    await expect.poll(() => registers.filter((entry) => entry.user === 'carol').at(-1)?.expires).toBe('0');
    expect(phone.registrationState).toBe('unregistered');
  });
});
