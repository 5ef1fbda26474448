/**
 * The gateway as the benches measure it: core with the memory storage adapter, a
 * `RoutingEngine` with the `ConversationDispatcher`, the bench agents stored with the
 * given capacity, and the real web chat gateway (on `server` when given).
 */
import type { Server } from 'node:http';
import { createHotline, type Hotline } from '@hotline/core';
import { createConversationDispatcher, RoutingEngine } from '@hotline/routing';
import { createMemoryBlobStore, createWebchatGateway, type WebchatGateway, type WebchatLimits } from '../src/index.js';
import { AGENT_SECRET, agentId, QUEUE, SITE, TENANT, TOKEN_SECRET } from './shared.js';

/** What {@link createBenchGateway} wires up. */
export interface BenchGateway {
  hotline: Hotline;
  gateway: WebchatGateway;
}

export async function createBenchGateway(options: {
  agents: number;
  capacity: number;
  limits: Partial<WebchatLimits>;
  server?: Server;
  onError: (error: unknown, context: string) => void;
}): Promise<BenchGateway> {
  const hotline = createHotline();
  const engine = new RoutingEngine({ tenantId: TENANT, clock: hotline.clock });
  engine.defineQueue({ id: QUEUE });
  const dispatcher = createConversationDispatcher({ hotline, engines: [engine] });
  await dispatcher.start();
  const at = new Date().toISOString();
  for (let i = 0; i < options.agents; i++) {
    await hotline.storage.agents.create({
      id: agentId(i),
      tenantId: TENANT,
      version: 1,
      createdAt: at,
      updatedAt: at,
      name: `Agent ${i}`,
      skills: {},
      languages: ['en'],
      capacity: { webchat: options.capacity },
      activity: 'available',
      activityChangedAt: at,
      attributes: {},
    });
  }
  const gateway = createWebchatGateway({
    hotline,
    dispatcher,
    ...(options.server === undefined ? {} : { server: options.server }),
    sites: [{ siteId: SITE, tenantId: TENANT, tokenSecret: TOKEN_SECRET, queueId: QUEUE }],
    agentSecret: AGENT_SECRET,
    blobStore: createMemoryBlobStore(),
    limits: options.limits,
    onError: options.onError,
  });
  return { hotline, gateway };
}
