/**
 * Crash safety: a child process appends a stream of messages and prints each acknowledged append the moment its
 * promise resolves; the parent SIGKILLs it mid-stream, then opens a fresh storage on the same database and checks
 * that nothing acknowledged was lost or renumbered and that seqs stay gap-free. Twice in a row, so the second
 * writer also starts on a database a crashed process left behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '@hotline/core';
import { makeConversation, makeMessage } from '@hotline/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createPgliteStorage, createPostgresStorage, type SqlBackedStorage } from '../src/index.js';
import { killAllChildren, spawnFixture } from './fixtures/children.js';
import { type Ack, acksOf, expectAcksStored, expectGapFree } from './fixtures/messages.js';
import { describeWithPostgres, sharedPostgresUrl } from './pg-available.js';
import { dropSchema, freshSchemaName } from './schema.js';

const TENANT = 'ten_crash';
/** Acknowledged appends to wait for before each SIGKILL. */
const ACKS_BEFORE_KILL = 200;

interface Target {
  /** What appender.ts takes: a URL or `pglite:<dir>`. */
  readonly target: string;
  readonly schema: string;
  open(): Promise<SqlBackedStorage>;
}

/**
 * Creates a conversation, then twice: a child appends with `concurrency` in flight and is SIGKILLed after
 * {@link ACKS_BEFORE_KILL} more acknowledgements. Then checks everything from a fresh storage.
 */
async function crashTwiceAndCheck(db: Target, concurrency: number): Promise<void> {
  const conversation = makeConversation(TENANT);
  const setup = await db.open();
  await setup.conversations.create(conversation);
  await setup.close();

  const acks: Ack[] = [];
  for (const writer of ['first', 'second']) {
    const child = spawnFixture(
      'appender.ts',
      [db.target, db.schema, TENANT, conversation.id, '0', writer, `--concurrency=${concurrency}`, '--no-wait'],
      `appender ${writer}`,
    );
    await child.waitForCount((line) => typeof line['seq'] === 'number', ACKS_BEFORE_KILL, 45_000);
    await child.kill();
    expect(child.lines.some((line) => line['fatal'] !== undefined)).toBe(false);
    acks.push(...acksOf(child.lines));
  }

  const storage = await db.open();
  try {
    const stored = await expectGapFree(storage, TENANT, conversation.id);
    expectAcksStored(acks, stored);
    expect(acks.every((a) => a.created)).toBe(true);
    // At most the appends in flight at each kill were committed without being acknowledged.
    expect(stored.length).toBeGreaterThanOrEqual(acks.length);
    expect(stored.length).toBeLessThanOrEqual(acks.length + 2 * concurrency);
    // Everything stored is something a writer sent, once.
    expect(stored.every((m) => /^m_(first|second)_\d+$/.test(m.id))).toBe(true);
    expect(new Set(stored.map((m) => m.id)).size).toBe(stored.length);
    // The second writer started after the first was dead: all its messages come after the first one's.
    const lastFirst = Math.max(...stored.filter((m) => m.id.startsWith('m_first_')).map((m) => m.seq));
    const firstSecond = Math.min(...stored.filter((m) => m.id.startsWith('m_second_')).map((m) => m.seq));
    expect(firstSecond).toBe(lastFirst + 1);
    if (concurrency === 1) expectIssueOrder(stored);
    // The counter survived with the rows: the next append continues the sequence.
    const next = await storage.messages.append(makeMessage(TENANT, conversation.id, { clientMessageId: 'after' }));
    expect(next).toMatchObject({ created: true, message: { seq: stored.length + 1 } });
  } finally {
    await storage.close();
  }
}

/** A sequential writer's messages are numbered in the order it sent them: `m_<writer>_<i>` has seq base + i + 1. */
function expectIssueOrder(stored: readonly Message[]): void {
  for (const writer of ['first', 'second']) {
    const mine = stored.filter((m) => m.id.startsWith(`m_${writer}_`));
    const base = mine[0]?.seq ?? 0;
    expect(mine.map((m) => m.id)).toEqual(mine.map((_, k) => `m_${writer}_${k}`));
    expect(mine.map((m) => m.seq)).toEqual(mine.map((_, k) => base + k));
  }
}

describeWithPostgres('crash safety on PostgreSQL: a writer SIGKILLed mid-stream', () => {
  let schema: string;

  afterEach(async () => {
    await killAllChildren();
    await dropSchema(sharedPostgresUrl(), schema);
  });

  const postgres = (): Target => {
    schema = freshSchemaName();
    const url = sharedPostgresUrl();
    return { target: url, schema, open: () => createPostgresStorage({ connectionString: url, schema }) };
  };

  it('sequential appends: every acknowledged one survives with its seq, 1..n in send order', async () => {
    await crashTwiceAndCheck(postgres(), 1);
  });

  it('16 appends in flight (group commit): every acknowledged one survives with its seq, 1..n', async () => {
    await crashTwiceAndCheck(postgres(), 16);
  });
});

describe('crash safety on PGlite (data directory): a writer SIGKILLed mid-stream', () => {
  let dir: string;

  afterEach(async () => {
    await killAllChildren();
    rmSync(dir, { recursive: true, force: true });
  });

  const pglite = (): Target => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-pglite-crash-'));
    const dataDir = join(dir, 'db');
    return { target: `pglite:${dataDir}`, schema: 'hotline', open: () => createPgliteStorage({ dataDir }) };
  };

  it('sequential appends: every acknowledged one survives with its seq, 1..n in send order', async () => {
    await crashTwiceAndCheck(pglite(), 1);
  });

  it('16 appends in flight (group commit): every acknowledged one survives with its seq, 1..n', async () => {
    await crashTwiceAndCheck(pglite(), 16);
  });
});
