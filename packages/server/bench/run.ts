/**
 * Server benchmark: `npm run bench -w @hotline/server`. End to end: agents' replies sent
 * as HTTP requests (`POST /api/v1/conversations/{id}/messages`: auth, RBAC on the loaded
 * conversation, validation, core append with its idempotency key, the event published),
 * persisted on PGlite and on a PostgreSQL server, with autocannon in a separate process.
 * In the same run, on the same storage and with the same concurrency, two ceilings: the
 * same messages through core's `appendMessage` without HTTP (`core*`), and through the
 * storage port alone (`ceiling*`, the storage-only ceiling).
 *
 * Knobs: `HOTLINE_BENCH_DRIVERS=pglite,postgres`, `HOTLINE_BENCH_SECONDS=10`,
 * `HOTLINE_BENCH_CONNECTIONS=64`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isoNow, newId, type Storage } from '@hotline/core';
import { makeMessage } from '@hotline/core/testing';
import { createPgliteStorage, createPostgresStorage } from '@hotline/storage-postgres';
import { findPostgresBinaries, startPostgres } from '@hotline/storage-postgres/testing';
import { signAccessToken } from '../src/auth/authenticate.js';
import { createHotlineServer, type HotlineServer } from '../src/create-server.js';

const DRIVERS = (process.env['HOTLINE_BENCH_DRIVERS'] ?? 'pglite,postgres').split(',');
const SECONDS = Number(process.env['HOTLINE_BENCH_SECONDS'] ?? 10);
const CONNECTIONS = Number(process.env['HOTLINE_BENCH_CONNECTIONS'] ?? 64);
const TENANT = 'ten_bench';
const AGENT = 'agt_bench';
const JWT_SECRET = 'bench-jwt-secret-0123456789abcdef-0123456789';
const LOAD_SCRIPT = fileURLToPath(new URL('./load.ts', import.meta.url));
const run = promisify(execFile);

interface LoadResult {
  requests: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface Rate {
  perSec: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number);
}

const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/** A tenant, the agent, and `n` conversations assigned to it (so it may reply). */
async function seed(server: HotlineServer, storage: Storage, n: number): Promise<string[]> {
  if (!(await storage.tenants.get(TENANT))) {
    await server.hotline.tenants.create({ id: TENANT, name: 'Bench' });
    const at = isoNow(server.hotline.clock);
    await storage.agents.create({
      id: AGENT,
      tenantId: TENANT,
      version: 1,
      createdAt: at,
      updatedAt: at,
      name: 'Bench agent',
      skills: {},
      languages: ['en'],
      capacity: { webchat: 1_000 },
      activity: 'offline',
      activityChangedAt: at,
      attributes: {},
    });
  }
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const { conversation } = await server.hotline.conversations.start({
      tenantId: TENANT,
      channel: 'webchat',
      contact: { identity: { channel: 'email', address: `customer${i}-${newId('ctc')}@example.com` } },
    });
    await server.hotline.conversations.apply(TENANT, conversation.id, { type: 'assign', agentId: AGENT });
    ids.push(conversation.id);
  }
  return ids;
}

/** `CONNECTIONS` loops appending round robin to `ids` for `SECONDS`, one write in flight each. */
async function closedLoop(
  ids: string[],
  write: (conversationId: string, n: number) => Promise<unknown>,
): Promise<Rate> {
  const latencies: number[] = [];
  const deadline = performance.now() + SECONDS * 1000;
  let n = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        const i = n++;
        const t0 = performance.now();
        await write(ids[i % ids.length] as string, i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSec: latencies.length / seconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
}

async function scenario(driver: string, storage: Storage): Promise<void> {
  const server = createHotlineServer({
    storage,
    jwtSecret: JWT_SECRET,
    webchat: { sites: [], agentSecret: JWT_SECRET },
    closeStorage: false,
    logger: { error: (message, error) => console.error(message, error) },
  });
  try {
    await server.start();
    const { port } = await server.listen(0, '127.0.0.1');
    const httpIds = await seed(server, storage, CONNECTIONS);
    const token = await signAccessToken({ sub: AGENT, tenantId: TENANT, roles: ['agent'] }, JWT_SECRET);
    const config = {
      url: `http://127.0.0.1:${port}`,
      token,
      conversationIds: httpIds,
      connections: CONNECTIONS,
      durationSeconds: SECONDS,
      label: `http-${driver}`,
    };
    const { stdout } = await run(
      process.execPath,
      ['--conditions=@hotline/source', '--import', 'tsx', LOAD_SCRIPT, JSON.stringify(config)],
      { maxBuffer: 1 << 20 },
    );
    const http = JSON.parse(stdout.trim().split('\n').at(-1) as string) as LoadResult;

    const coreIds = await seed(server, storage, CONNECTIONS);
    const core = await closedLoop(coreIds, (conversationId, n) =>
      server.hotline.conversations.appendMessage({
        tenantId: TENANT,
        conversationId,
        direction: 'outbound',
        author: { kind: 'agent', id: AGENT },
        content: { type: 'text', text: `reply ${n} from the bench` },
        clientMessageId: `core-${driver}-${n}`,
      }),
    );
    const ceilingIds = await seed(server, storage, CONNECTIONS);
    const ceiling = await closedLoop(ceilingIds, (conversationId, n) =>
      storage.messages.append(
        makeMessage(TENANT, conversationId, {
          direction: 'outbound',
          author: { kind: 'agent', id: AGENT },
          content: { type: 'text', text: `reply ${n} from the bench` },
          clientMessageId: `ceiling-${driver}-${n}`,
          createdAt: isoNow(server.hotline.clock),
        }),
      ),
    );
    process.stdout.write(
      `${JSON.stringify({
        scenario: 'http-message-sends',
        driver,
        connections: CONNECTIONS,
        seconds: SECONDS,
        requests: http.requests,
        requestsPerSec: round(http.requestsPerSec, 1),
        p50Ms: http.p50Ms,
        p99Ms: http.p99Ms,
        non2xx: http.non2xx,
        errors: http.errors + http.timeouts,
        core: 'ConversationService.appendMessage, same messages, same concurrency, no HTTP',
        coreAppendsPerSec: round(core.perSec, 1),
        coreP99Ms: round(core.p99Ms),
        ceiling: 'storage.messages.append alone, same messages, same concurrency',
        ceilingAppendsPerSec: round(ceiling.perSec, 1),
        ceilingP50Ms: round(ceiling.p50Ms),
        ceilingP99Ms: round(ceiling.p99Ms),
        ratio: round(http.requestsPerSec / ceiling.perSec, 3),
      })}\n`,
    );
  } finally {
    await server.close();
  }
}

if (DRIVERS.includes('pglite')) {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-server-bench-'));
  const storage = await createPgliteStorage({ dataDir: dir });
  try {
    await scenario('pglite', storage);
  } finally {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  }
}
if (DRIVERS.includes('postgres')) {
  if (findPostgresBinaries()) {
    const pg = await startPostgres();
    try {
      const storage = await createPostgresStorage({ connectionString: pg.url, maxConnections: 16 });
      try {
        await scenario('postgres', storage);
      } finally {
        await storage.close();
      }
    } finally {
      await pg.stop();
    }
  } else {
    process.stdout.write(
      `${JSON.stringify({ scenario: 'http-message-sends', driver: 'postgres', skipped: 'PostgreSQL not installed: run scripts/provision' })}\n`,
    );
  }
}
