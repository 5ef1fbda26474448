import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryBlobStore, createWebchatGateway, type WebchatSite } from '@hotline/channels';
import { createHotline } from '@hotline/core';
import { createConversationDispatcher, RoutingEngine } from '@hotline/routing';

/**
 * The real web chat gateway (`@hotline/channels`) with the real conversation dispatcher
 * (`@hotline/routing`) on core's memory storage, on loopback: one routing engine per site's
 * tenant, each with the given queues. Tests only.
 */
export async function startRealGateway(options: {
  sites: WebchatSite[];
  agentSecret: string;
  queues: { id: string; name?: string }[];
}) {
  const hotline = createHotline();
  const tenants = [...new Set(options.sites.map((site) => site.tenantId))];
  const engines = tenants.map((tenantId) => {
    const engine = new RoutingEngine({ tenantId, clock: hotline.clock });
    for (const queue of options.queues) engine.defineQueue(queue);
    return engine;
  });
  const dispatcher = createConversationDispatcher({ hotline, engines });
  await dispatcher.start();
  const server = createServer((_req, res) => res.end('host'));
  const errors: unknown[] = [];
  const gateway = createWebchatGateway({
    hotline,
    dispatcher,
    server,
    sites: options.sites,
    agentSecret: options.agentSecret,
    blobStore: createMemoryBlobStore(),
    onError: (error) => errors.push(error),
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    hotline,
    dispatcher,
    gateway,
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}${gateway.path}`,
    /** What the gateway reported as unexpected (a test ends with none). */
    errors,
    async close() {
      await gateway.close({ graceMs: 100 });
      await dispatcher.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A running {@link startRealGateway}. */
export type RealGateway = Awaited<ReturnType<typeof startRealGateway>>;
