/**
 * The web chat test server, run as a child process on the workspace sources:
 *
 *     node --conditions=@hotline/source --import tsx e2e/harness/webchat-server.ts <dataDir> <port>
 *
 * The real pieces composed as a host would: PGlite storage in `<dataDir>` (it survives a
 * SIGKILL), core, a routing engine with one queue and the conversation dispatcher (which
 * restores queued and assigned work after a restart), and the web chat gateway on an HTTP
 * server on 127.0.0.1 that also serves the test pages (`webchat-pages.ts`). The tenant,
 * site, queue and agent are seeded idempotently, so a restart on the same directory reuses
 * them. Port 0 picks a free port; a restart passes the port it printed. Prints one
 * `READY <port>` line once listening; SIGTERM shuts it down cleanly, and it exits when its
 * stdin closes (the test process is gone).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createWebchatGateway } from '@hotline/channels';
import { createHotline, type Hotline } from '@hotline/core';
import { createConversationDispatcher, RoutingEngine } from '@hotline/routing';
import { createPgliteStorage } from '@hotline/storage-postgres';
import {
  AGENT_ID,
  AGENT_NAME,
  AGENT_SECRET,
  HEARTBEAT_MS,
  QUEUE_ID,
  SITE_ID,
  SITE_TOKEN_SECRET,
  STORED_PATH,
  type StoredMessage,
  TENANT_ID,
  WEBCHAT_PATH,
} from './webchat-config.js';
import { servePage } from './webchat-pages.js';

const [dataDir, portArg = '0'] = process.argv.slice(2);
if (!dataDir || !/^\d+$/.test(portArg)) {
  console.error('usage: webchat-server.ts <dataDir> <port>');
  process.exit(2);
}

// The test process holds our stdin: when it goes away without stopping us, so do we.
process.stdin.on('end', () => process.exit(0)).resume();

/** Creates the tenant, queue and agent unless a previous run on this storage did. */
async function seed(hotline: Hotline): Promise<void> {
  const { storage } = hotline;
  if (!(await storage.tenants.get(TENANT_ID))) await hotline.tenants.create({ id: TENANT_ID, name: 'E2E shop' });
  const at = new Date(hotline.clock.now()).toISOString();
  const base = { tenantId: TENANT_ID, version: 1, createdAt: at, updatedAt: at, attributes: {} };
  if (!(await storage.queues.get(TENANT_ID, QUEUE_ID))) {
    await storage.queues.create({
      ...base,
      id: QUEUE_ID,
      name: 'Support',
      channels: ['webchat'],
      serviceLevelSeconds: 20,
      settings: {},
    });
  }
  if (!(await storage.agents.get(TENANT_ID, AGENT_ID))) {
    await storage.agents.create({
      ...base,
      id: AGENT_ID,
      name: AGENT_NAME,
      skills: {},
      languages: ['en'],
      capacity: { webchat: 5 },
      activity: 'available',
      activityChangedAt: at,
    });
  }
}

async function main(dir: string, wantedPort: number): Promise<void> {
  const storage = await createPgliteStorage({ dataDir: join(dir, 'db') });
  const hotline = createHotline({ storage });
  await seed(hotline);
  await hotline.start();

  const engine = new RoutingEngine({ tenantId: TENANT_ID, clock: hotline.clock });
  engine.defineQueue({ id: QUEUE_ID });
  const dispatcher = createConversationDispatcher({ hotline, engines: [engine] });
  const restored = await dispatcher.start();

  let port = wantedPort;
  // The host's handler, registered before the gateway: pages, the debug endpoint, 404.
  const server = createServer((req, res) => {
    if (servePage(req, res, port)) return;
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname.startsWith(`${STORED_PATH}/`)) {
      const conversationId = decodeURIComponent(url.pathname.slice(STORED_PATH.length + 1));
      storage.messages.list(TENANT_ID, conversationId, { limit: 1000 }).then(
        (messages) => {
          const stored: StoredMessage[] = messages.map((m) => ({
            seq: m.seq,
            id: m.id,
            direction: m.direction,
            type: m.content.type,
            text: m.content.type === 'text' ? m.content.text : `[${m.content.type}]`,
            ...(m.clientMessageId === undefined ? {} : { clientMessageId: m.clientMessageId }),
          }));
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stored));
        },
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  const gateway = createWebchatGateway({
    hotline,
    dispatcher,
    server,
    path: WEBCHAT_PATH,
    // A resolver rather than a list: the allowed origin names the port, known once listening.
    sites: (siteId) =>
      siteId === SITE_ID
        ? {
            siteId,
            tenantId: TENANT_ID,
            tokenSecret: SITE_TOKEN_SECRET,
            allowedOrigins: [`http://localhost:${port}`],
            queueId: QUEUE_ID,
          }
        : undefined,
    agentSecret: AGENT_SECRET,
    uploadDir: join(dir, 'uploads'),
    heartbeatMs: HEARTBEAT_MS,
    onError: (error, context) => console.error(`gateway error (${context}):`, error),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(wantedPort, '127.0.0.1', resolve);
  });
  port = (server.address() as AddressInfo).port;
  console.error(`restored: ${JSON.stringify(restored)}`);
  process.stdout.write(`READY ${port}\n`);

  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    (async () => {
      await gateway.close({ retryAfterMs: 500, graceMs: 500 });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dispatcher.close();
      await hotline.stop();
      await storage.close();
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed:', error);
        process.exit(1);
      },
    );
  });
}

main(dataDir, Number(portArg)).catch((error: unknown) => {
  console.error('webchat-server failed to start:', error);
  process.exit(1);
});
