/**
 * An existing Fastify 5 app that embeds Hotline: the host keeps its own routes and JSON
 * parsing; Hotline's paths are routes of an encapsulated plugin that leaves the request
 * body unread and hands the raw request and response to Hotline; the web chat's WebSocket
 * upgrades are taken on the same port.
 */
import {
  type App,
  type AppOptions,
  attachedApp,
  createExampleHotline,
  HOTLINE_PATHS,
  PRODUCTS,
} from '@hotline/example-embedding-kit';
import type { HotlineServer } from '@hotline/server';
import Fastify, { type FastifyInstance } from 'fastify';

/** Hotline as a Fastify plugin: its own body handling, everything answered by Hotline. */
async function hotlineRoutes(instance: FastifyInstance, hotline: HotlineServer): Promise<void> {
  // In this plugin only: accept every content type and leave the body stream unread, so
  // Hotline reads (and limits) it itself. The host's JSON parser stays in force elsewhere.
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  for (const url of HOTLINE_PATHS) {
    instance.route({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url,
      handler: (request, reply) => {
        reply.hijack(); // Hotline writes the response
        hotline.handler(request.raw, reply.raw);
      },
    });
  }
}

/** Starts the host app with Hotline mounted in it. */
export async function startApp(options: AppOptions): Promise<App> {
  const hotline = createExampleHotline(options);
  const app = Fastify();

  // The host's own API, with Fastify's JSON parsing.
  app.get('/shop/products', async () => PRODUCTS);
  app.post<{ Body: { items?: string[] } }>('/shop/orders', async (request, reply) => {
    reply.code(201);
    return { orderId: 'ord_1', items: request.body.items ?? [] };
  });

  await app.register(async (instance) => hotlineRoutes(instance, hotline));
  await hotline.start();
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  return attachedApp(app.server, hotline, () => app.close());
}
