/**
 * The checks every framework example passes: the host's own routes and JSON body parsing
 * keep working, Hotline's REST API gets request bodies untouched (a framework's body parser
 * must not read them first), its auth and 404s answer, and the web chat's WebSocket
 * upgrades are taken on the host's port.
 */
import { signAccessToken } from '@hotline/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type App, type AppOptions, PRODUCTS } from './example-hotline.js';

const JWT_SECRET = 'example-jwt-secret-0123456789abcdef-012345';

/** Registers the suite for one framework's example. */
export function embeddingSuite(framework: string, startApp: (options: AppOptions) => Promise<App>) {
  let app: App;

  beforeAll(async () => {
    app = await startApp({ jwtSecret: JWT_SECRET, agentSecret: 'example-agent-secret-0123456789abcdef-0123' });
    await app.hotline.hotline.tenants.create({ id: 'ten_shop', name: 'Shop' });
  });
  afterAll(() => app.close());

  describe(`Hotline inside ${framework}`, () => {
    it('keeps the host routes and its JSON parser', async () => {
      expect(await (await fetch(`${app.url}/shop/products`)).json()).toEqual(PRODUCTS);
      const order = await fetch(`${app.url}/shop/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: ['tea-1'] }),
      });
      expect(order.status).toBe(201);
      expect(((await order.json()) as { items: string[] }).items).toEqual(['tea-1']);
    });

    it('serves the REST API with request bodies untouched, auth and errors', async () => {
      const admin = await signAccessToken({ sub: 'usr_admin', tenantId: 'ten_shop', roles: ['admin'] }, JWT_SECRET);
      const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
      const created = await fetch(`${app.url}/api/v1/queues`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'Support', channels: ['webchat'] }),
      });
      expect(created.status).toBe(201);
      const queue = (await created.json()) as { id: string };
      const listed = (await (await fetch(`${app.url}/api/v1/queues`, { headers })).json()) as {
        items: { id: string }[];
      };
      expect(listed.items.map((q) => q.id)).toContain(queue.id);
      const invalid = await fetch(`${app.url}/api/v1/queues`, { method: 'POST', headers, body: '{"name":' });
      expect(invalid.status).toBe(400);
      expect((await fetch(`${app.url}/api/v1/queues`)).status).toBe(401);
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${app.url}/openapi.json`)).status).toBe(200);
      expect((await fetch(`${app.url}/not-a-route`)).status).toBe(404);
    });

    it('takes the web chat WebSocket upgrades on the same port', async () => {
      const socket = new WebSocket(`${app.url.replace('http', 'ws')}/hotline/webchat`);
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      socket.send(JSON.stringify({ type: 'ping', t: 1 }));
      const frame = await new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
      expect(JSON.parse(frame).type).toBeTypeOf('string');
      socket.close();
    });
  });
}
