/**
 * Connection loss on a private PostgreSQL server (so killing it disturbs no other suite): calls in flight when the
 * server dies, and calls made while it is down, fail with `UnavailableError` (code UNAVAILABLE), never with a raw
 * driver error and never by hanging; after a restart the same storage object works again, and retrying a failed
 * append with the same clientMessageId is safe whether or not it had committed.
 */
import { type Conversation, isHotlineError, type Message, type NewMessage } from '@hotline/core';
import { makeConversation, makeMessage } from '@hotline/core/testing';
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { createPostgresStorage, type SqlBackedStorage } from '../src/index.js';
import { type PostgresServer, startPostgres } from '../src/testing/postgres-server.js';
import { expectAcksStored, expectGapFree } from './fixtures/messages.js';
import { startTcpProxy, type TcpProxy } from './fixtures/tcp-proxy.js';
import { describeWithPostgres } from './pg-available.js';
import { freshSchemaName } from './schema.js';

const TENANT = 'ten_loss';
/** A call that has not settled this long after the server died counts as hung. */
const HANG_MS = 15_000;

/** `promise`, or a rejection naming `what` if it has not settled within `ms`. */
function within<T>(promise: Promise<T>, what: string, ms = HANG_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: ${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The error `promise` rejects with (within the hang limit), or a failure if it resolves. */
async function rejectionOf(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await within(promise, what);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('HANG:')) throw error;
    return error;
  }
  throw new Error(`${what} resolved; it should have failed`);
}

/** Fails unless `error` is a HotlineError with code UNAVAILABLE (shows what it was otherwise). */
function expectUnavailable(error: unknown, what: string): void {
  const shown = error instanceof Error ? `${error.constructor.name} ${JSON.stringify(error.message)}` : String(error);
  expect(isHotlineError(error, 'UNAVAILABLE'), `${what} failed with ${shown}`).toBe(true);
}

describeWithPostgres('connection loss on a private PostgreSQL server', () => {
  let server: PostgresServer;
  let storage: SqlBackedStorage | undefined;
  let schema: string;

  beforeAll(async () => {
    server = await startPostgres();
  });

  afterAll(async () => {
    await server?.stop();
  });

  beforeEach(() => {
    schema = freshSchemaName();
  });

  afterEach(async () => {
    await storage?.close().catch(() => undefined);
    storage = undefined;
    // A test that failed half-way may leave the server down: the next one needs it up.
    const probe = new Client({ connectionString: server.url, connectionTimeoutMillis: 2_000 });
    probe.on('error', () => {});
    const up = await probe.connect().then(
      () => true,
      () => false,
    );
    await probe.end().catch(() => undefined);
    if (!up) await server.restart();
  });

  const open = (url = server.url, options: { groupCommit?: boolean; maxConnections?: number } = {}) =>
    createPostgresStorage({ connectionString: url, schema, connectionTimeoutMs: 3_000, maxConnections: 8, ...options });

  it('kill(): in-flight writes and calls while down reject UNAVAILABLE; after restart() it works again', async () => {
    const s = await open();
    storage = s;
    const conversation = await s.conversations.create(makeConversation(TENANT));
    const other = await s.conversations.create(makeConversation(TENANT));

    // Writers that go on until their first failure, which they keep.
    const acked: { message: Message }[] = [];
    const failedAppends: NewMessage[] = [];
    let sent = 0;
    const appendLoop = async (): Promise<unknown> => {
      for (;;) {
        const message = makeMessage(TENANT, conversation.id, { id: `m_${sent}`, clientMessageId: `c_${sent}` });
        sent += 1;
        try {
          acked.push(await s.messages.append(message));
        } catch (error) {
          failedAppends.push(message);
          return error;
        }
      }
    };
    const updateLoop = async (): Promise<unknown> => {
      for (let n = 0; ; n++) {
        try {
          const current = (await s.conversations.get(TENANT, other.id)) as Conversation;
          await s.conversations.update({ ...current, priority: n % 10 }, current.version).catch((error: unknown) => {
            if (!isHotlineError(error, 'CONFLICT')) throw error; // the other update loop won: fine
          });
        } catch (error) {
          return error;
        }
      }
    };
    const statusLoop = async (): Promise<unknown> => {
      for (;;) {
        try {
          const { message } = await s.messages.append(
            makeMessage(TENANT, other.id, { status: 'pending', clientMessageId: `s_${sent++}` }),
          );
          await s.messages.updateStatus(TENANT, message.id, 'sent');
          await s.messages.updateStatus(TENANT, message.id, 'delivered');
        } catch (error) {
          return error;
        }
      }
    };
    const transactionLoop = async (): Promise<unknown> => {
      for (;;) {
        try {
          await s.transaction(async (tx) => {
            const current = (await tx.conversations.get(TENANT, other.id)) as Conversation;
            await tx.messages.append(makeMessage(TENANT, other.id, { clientMessageId: `t_${sent++}` }));
            await tx.conversations.update({ ...current, tags: [`t${sent}`] }, current.version);
          });
        } catch (error) {
          if (isHotlineError(error, 'CONFLICT')) continue;
          return error;
        }
      }
    };
    // Certainly in flight when the server dies.
    const sleeping = s.driver.query('SELECT pg_sleep(60)').then(
      () => new Error('pg_sleep returned'),
      (error: unknown) => error,
    );
    const loops = [
      ...Array.from({ length: 8 }, appendLoop),
      updateLoop(),
      updateLoop(),
      statusLoop(),
      transactionLoop(),
    ];

    const deadline = Date.now() + 30_000;
    while (acked.length < 150) {
      if (Date.now() > deadline) throw new Error(`only ${acked.length} appends in 30 s before the kill`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await server.kill();

    const errors = await within(Promise.all(loops), 'the writers after the kill');
    errors.forEach((error, k) => {
      expectUnavailable(error, `writer ${k}`);
    });
    expectUnavailable(await within(sleeping, 'pg_sleep in flight'), 'pg_sleep in flight');
    expect(failedAppends.length).toBe(8);

    // While the server is down, every kind of call fails the same way, promptly.
    const whileDown: [string, () => Promise<unknown>][] = [
      ['append', () => s.messages.append(makeMessage(TENANT, conversation.id, { clientMessageId: 'down' }))],
      ['messages.list', () => s.messages.list(TENANT, conversation.id)],
      ['conversations.get', () => s.conversations.get(TENANT, conversation.id)],
      ['conversations.update', () => s.conversations.update({ ...conversation, priority: 1 }, 1)],
      ['transaction', () => s.transaction((tx) => tx.conversations.get(TENANT, conversation.id))],
      ['timers.claimDue', () => s.timers.claimDue({ now: Date.now(), limit: 1, owner: 'x', leaseMs: 1_000 })],
      ['outbox.claim', () => s.outbox.claim({ now: Date.now(), limit: 1, owner: 'x', leaseMs: 1_000 })],
    ];
    for (const [what, call] of whileDown) expectUnavailable(await rejectionOf(call(), what), what);

    // Back up: the same storage object works again, without being recreated.
    await server.restart();
    const after = await within(
      s.messages.append(makeMessage(TENANT, conversation.id, { clientMessageId: 'after' })),
      'append after restart',
    );
    expect(after.created).toBe(true);
    const fresh = (await s.conversations.get(TENANT, other.id)) as Conversation;
    await s.conversations.update({ ...fresh, priority: 42 }, fresh.version);
    await s.transaction((tx) => tx.conversations.get(TENANT, other.id));

    // Retrying each failed append is safe: one that had committed answers with the original (created: false).
    let hadCommitted = 0;
    for (const message of failedAppends) {
      const retried = await s.messages.append(message);
      expect(retried.message.id).toBe(message.id);
      expect(retried.message.clientMessageId).toBe(message.clientMessageId);
      if (!retried.created) hadCommitted += 1;
    }
    const stored = await expectGapFree(s, TENANT, conversation.id);
    expectAcksStored(
      acked.map(({ message }) => ({
        i: 0,
        id: message.id,
        seq: message.seq,
        c: message.conversationId,
        cm: message.clientMessageId ?? '',
        created: true,
      })),
      stored,
    );
    // Every key once: the 'after' append, the acked ones, and the retried ones.
    const keys = stored.map((m) => m.clientMessageId);
    expect(new Set(keys).size).toBe(keys.length);
    expect(stored.length).toBe(acked.length + failedAppends.length + 1);
    expect(hadCommitted).toBeLessThanOrEqual(failedAppends.length);
  });

  it('a storage opened while the server is down fails UNAVAILABLE at once; opened after restart it works', async () => {
    await (await open()).close();
    await server.kill();
    expectUnavailable(await rejectionOf(open(), 'createPostgresStorage'), 'createPostgresStorage');
    await server.restart();
    storage = await open();
    expect(storage.migration.applied).toEqual([]);
  });

  describeLostAck();

  function describeLostAck(): void {
    let proxy: TcpProxy | undefined;

    afterEach(async () => {
      await proxy?.close();
      proxy = undefined;
    });

    /**
     * Runs `write` with the server's answer lost: the connection that sends `marker` hears nothing more; once
     * `committed()` sees the write in the database, every connection is cut. Returns how `write` settled.
     */
    async function loseTheAnswer<T>(
      write: () => Promise<T>,
      marker: string,
      committed: (db: Client) => Promise<boolean>,
    ): Promise<{ value: T } | { error: unknown }> {
      const p = proxy as TcpProxy;
      const db = new Client({ connectionString: server.url });
      db.on('error', () => {});
      await db.connect();
      try {
        p.dropAnswersAfter = marker;
        const pending = write().then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        const deadline = Date.now() + HANG_MS;
        while (!(await committed(db))) {
          if (Date.now() > deadline) throw new Error('the write never committed');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        p.dropAnswersAfter = undefined;
        p.cut();
        return await within(pending, 'the write whose answer was lost');
      } finally {
        await db.end();
      }
    }

    for (const groupCommit of [true, false]) {
      it(`append committed, answer lost: a retry returns the original (groupCommit ${groupCommit})`, async () => {
        proxy = await startTcpProxy(server.port);
        const s = await open(proxy.url, { groupCommit, maxConnections: 2 });
        storage = s;
        const conversation = await s.conversations.create(makeConversation(TENANT));
        await s.messages.append(makeMessage(TENANT, conversation.id, { clientMessageId: 'first' }));

        const message = makeMessage(TENANT, conversation.id, { clientMessageId: 'lost-ack' });
        // Batched appends are one autocommitted statement carrying the key; unbatched ones a transaction.
        const outcome = await loseTheAnswer(
          () => s.messages.append(message),
          groupCommit ? 'lost-ack' : 'COMMIT',
          async (db) =>
            (await db.query(`SELECT 1 FROM ${schema}.hl_messages WHERE id = $1`, [message.id])).rows.length === 1,
        );
        if ('error' in outcome) expectUnavailable(outcome.error, 'the append whose answer was lost');
        // The group-commit batcher retries a failed batch row by row on a fresh connection: that retry may already
        // have answered, with the original.
        else expect(outcome.value).toMatchObject({ created: false, message: { id: message.id, seq: 2 } });

        const retried = await within(s.messages.append(message), 'the retried append');
        expect(retried.created).toBe(false);
        expect(retried.message).toMatchObject({ id: message.id, seq: 2, clientMessageId: 'lost-ack' });
        const next = await s.messages.append(makeMessage(TENANT, conversation.id, { clientMessageId: 'next' }));
        expect(next.message.seq).toBe(3);
        const stored = await expectGapFree(s, TENANT, conversation.id);
        expect(stored.map((m) => m.clientMessageId)).toEqual(['first', 'lost-ack', 'next']);
      });
    }

    it('update committed, answer lost: the retry is refused by its version, nothing doubles', async () => {
      proxy = await startTcpProxy(server.port);
      const s = await open(proxy.url, { maxConnections: 2 });
      storage = s;
      const conversation = await s.conversations.create(makeConversation(TENANT));
      const changed = { ...conversation, priority: 7 };
      const outcome = await loseTheAnswer(
        () => s.conversations.update(changed, 1),
        'UPDATE hl_conversations',
        async (db) =>
          (await db.query(`SELECT version FROM ${schema}.hl_conversations WHERE id = $1`, [conversation.id])).rows[0]
            ?.version === 2,
      );
      expect('error' in outcome && isHotlineError(outcome.error, 'UNAVAILABLE'), JSON.stringify(outcome)).toBe(true);
      const retry = await rejectionOf(s.conversations.update(changed, 1), 'the retried update');
      expect(isHotlineError(retry, 'CONFLICT')).toBe(true);
      expect(await s.conversations.get(TENANT, conversation.id)).toMatchObject({ version: 2, priority: 7 });
    });
  }
});
