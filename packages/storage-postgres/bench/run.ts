/**
 * Storage benchmarks: `npm run bench -w @hotline/storage-postgres`. One JSON line per
 * driver and number of concurrent conversation writers, with the ceiling measured in the
 * same run: the same rows inserted by batched multi-row INSERTs (one statement per
 * `writers` rows) into the same table, without dedupe or seq allocation.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewMessage, Storage } from '@hotline/core';
import { makeConversation, makeMessage } from '@hotline/core/testing';
import { createPgliteStorage, createPostgresStorage, type SqlBackedStorage } from '../src/index.js';
import { findPostgresBinaries, startPostgres } from '../src/testing/postgres-server.js';

/** `BENCH_WRITERS=64 BENCH_DRIVERS=postgres` narrows a run while tuning. */
const WRITERS = (process.env['BENCH_WRITERS'] ?? '1,8,64').split(',').map(Number);
const DRIVERS = (process.env['BENCH_DRIVERS'] ?? 'postgres,pglite').split(',');
const T = 'ten_bench';
/** Appends per writer count, so each run lasts a few seconds. */
const APPENDS = Number(process.env['BENCH_APPENDS'] ?? 30_000);

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number);
}

async function conversations(storage: Storage, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await storage.conversations.create(makeConversation(T))).id);
  return ids;
}

/** `writers` loops, each appending to its own conversation, one append in flight per writer. */
async function appends(storage: Storage, writers: number, total: number) {
  const ids = await conversations(storage, writers);
  const latencies: number[] = [];
  const perWriter = Math.ceil(total / writers);
  const started = performance.now();
  await Promise.all(
    ids.map(async (conversationId, w) => {
      for (let i = 0; i < perWriter; i++) {
        const message = makeMessage(T, conversationId, { clientMessageId: `w${w}-${i}` });
        const t0 = performance.now();
        await storage.messages.append(message);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    appendsPerSec: (perWriter * writers) / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

/** The ceiling: the same rows, numbered in advance, as multi-row INSERTs of `batch` rows. */
async function ceiling(storage: SqlBackedStorage, batch: number, total: number) {
  const [conversationId] = await conversations(storage, 1);
  const rows: NewMessage[] = Array.from({ length: total }, (_, i) =>
    makeMessage(T, conversationId as string, { clientMessageId: `c${i}` }),
  );
  const started = performance.now();
  for (let offset = 0; offset < rows.length; offset += batch) {
    const chunk = rows.slice(offset, offset + batch);
    const values: string[] = [];
    const params: unknown[] = [];
    chunk.forEach((m, i) => {
      const seq = offset + i + 1;
      const base = params.length;
      params.push(T, conversationId, seq, m.id, m.clientMessageId, m.channel, JSON.stringify({ ...m, seq }));
      values.push(`($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6}, $${base + 7})`);
    });
    await storage.driver.query(
      `INSERT INTO hl_messages (tenant_id, conversation_id, seq, id, client_message_id, channel, data) VALUES ${values.join(', ')}`,
      params,
    );
  }
  return { rowsPerSec: total / ((performance.now() - started) / 1000) };
}

async function scenario(driver: 'postgres' | 'pglite', open: (schema: string) => Promise<SqlBackedStorage>) {
  for (const writers of WRITERS) {
    const storage = await open(`bench_${driver}_${writers}_a`);
    const total = driver === 'pglite' ? Math.min(APPENDS, 6_000) : APPENDS;
    const measured = await appends(storage, writers, total);
    await storage.close();
    const ceilingStorage = await open(`bench_${driver}_${writers}_c`);
    const top = await ceiling(ceilingStorage, writers, total);
    await ceilingStorage.close();
    process.stdout.write(
      `${JSON.stringify({
        scenario: 'appends',
        driver,
        writers,
        appends: total,
        appendsPerSec: Math.round(measured.appendsPerSec),
        p50Ms: Number(measured.p50Ms.toFixed(2)),
        p99Ms: Number(measured.p99Ms.toFixed(2)),
        ceiling: `multi-row INSERT of ${writers} row(s) per statement, same rows, same table`,
        ceilingRowsPerSec: Math.round(top.rowsPerSec),
        ratio: Number((measured.appendsPerSec / top.rowsPerSec).toFixed(3)),
        ...(driver === 'postgres' && writers === 64 ? { target: { ratio: 0.5 } } : {}),
      })}\n`,
    );
  }
}

if (!DRIVERS.includes('postgres')) {
  // not asked for
} else if (findPostgresBinaries()) {
  const server = await startPostgres();
  try {
    await scenario('postgres', (schema) =>
      createPostgresStorage({ connectionString: server.url, schema, maxConnections: 16 }),
    );
  } finally {
    await server.stop();
  }
} else {
  process.stdout.write(
    `${JSON.stringify({ scenario: 'appends', driver: 'postgres', skipped: 'PostgreSQL not installed: run scripts/provision' })}\n`,
  );
}
if (DRIVERS.includes('pglite')) {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-pglite-bench-'));
  try {
    await scenario('pglite', (schema) => createPgliteStorage({ dataDir: join(dir, schema), schema }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
