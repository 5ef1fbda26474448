import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type GatewayKit, SITE, startGateway, until } from './test-kit.js';
import { CLOSE_CODES } from './wire-errors.js';

let kit: GatewayKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

describe('web chat gateway: liveness and shutdown', () => {
  it('pings a quiet connection and drops one that stays silent, keeping those that answer', async () => {
    kit = await startGateway({ gateway: { heartbeatMs: 300 } });
    const { client: answering } = await kit.customer();
    // A peer that never answers WebSocket pings (a dead phone, a stuck proxy).
    const deaf = new WebSocket(kit.customerUrl, { autoPong: false });
    await once(deaf, 'open');
    deaf.send(JSON.stringify({ type: 'hello', id: 'h', v: 1, siteId: SITE }));
    const [closeCode] = (await once(deaf, 'close')) as [number];
    expect(closeCode).toBe(1006);
    expect(answering.socket.readyState).toBe(WebSocket.OPEN);
    // The server forgets the socket as its close completes.
    await until(() => kit?.gateway.stats().connections === 1, 'the server to forget the dropped socket');
    expect(kit.gateway.stats()).toMatchObject({ connections: 1, customers: 1 });
  });

  it('says bye before closing on shutdown, and refuses new connections after', async () => {
    kit = await startGateway();
    const { client } = await kit.customer();
    await kit.gateway.close({ retryAfterMs: 1500 });
    expect(await client.nextOfType('bye')).toEqual({ type: 'bye', reason: 'shutdown', retryAfterMs: 1500 });
    expect((await client.closed).code).toBe(CLOSE_CODES.goingAway);
    const late = new WebSocket(kit.customerUrl);
    const outcome = await new Promise((resolve) => {
      late.on('open', () => resolve('open'));
      late.on('error', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');
    expect(await (await fetch(`${kit.httpBase}/`)).text()).toBe('host app');
  });
});
