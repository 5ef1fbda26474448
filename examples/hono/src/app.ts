/**
 * An existing Hono app on Node (`@hono/node-server`) that embeds Hotline: the host keeps
 * its own routes; Hotline's paths get the raw Node request and response from Hono's HTTP
 * bindings (the body is left unread for Hotline), and the web chat's WebSocket upgrades
 * are taken on the same server.
 */
import type { Server } from 'node:http';
import { type HttpBindings, serve } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import {
  type App,
  type AppOptions,
  attachedApp,
  closeServer,
  createExampleHotline,
  HOTLINE_PATHS,
  PRODUCTS,
} from '@hotline/example-embedding-kit';
import { Hono } from 'hono';

/** Starts the host app with Hotline mounted in it. */
export async function startApp(options: AppOptions): Promise<App> {
  const hotline = createExampleHotline(options);
  const app = new Hono<{ Bindings: HttpBindings }>();

  // The host's own API.
  app.get('/shop/products', (c) => c.json(PRODUCTS));
  app.post('/shop/orders', async (c) => {
    const body = await c.req.json<{ items?: string[] }>();
    return c.json({ orderId: 'ord_1', items: body.items ?? [] }, 201);
  });

  // Hotline answers on the raw Node objects; Hono is told the response is already taken care of.
  for (const path of HOTLINE_PATHS) {
    app.all(path, (c) => {
      hotline.handler(c.env.incoming, c.env.outgoing);
      return RESPONSE_ALREADY_SENT;
    });
  }

  await hotline.start();
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: options.host ?? '127.0.0.1' }, () =>
      resolve(s as Server),
    );
  });
  return attachedApp(server, hotline, closeServer(server));
}
