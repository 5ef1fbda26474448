import { randomBytes } from 'node:crypto';
import { type EventInput, type EventPattern, type HotlineEvent, UnavailableError } from '@hotline/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../../test/pg-available.js';
import { type TwoDrivers, useTwoDrivers } from '../../test/two-drivers.js';
import { sleep, until } from '../../test/wait.js';
import type { SqlDriver, SqlSession } from '../driver/sql-driver.js';
import {
  createNotifyEventBus,
  NOTIFY_INLINE_LIMIT_BYTES,
  type NotifyEventBus,
  type NotifyEventBusOptions,
} from './notify-event-bus.js';

const contactCreated = (contactId: string) =>
  ({ type: 'contact.created', tenantId: 'ten_1', contactId }) satisfies EventInput;
const contactUpdated = (contactId: string) =>
  ({ type: 'contact.updated', tenantId: 'ten_1', contactId }) satisfies EventInput;

function record(bus: NotifyEventBus, pattern: EventPattern = '*'): HotlineEvent[] {
  const seen: HotlineEvent[] = [];
  bus.subscribe(pattern, (event) => {
    seen.push(event);
  });
  return seen;
}

const freshChannel = () => `ch_${randomBytes(6).toString('hex')}`;

/** Wraps a driver so a test can break its sessions, make them hang, or refuse new ones. */
function controllable(inner: SqlDriver, kind: SqlDriver['kind'] = inner.kind) {
  const sessions: { lose(error: unknown): void; hang(): void; readonly released: boolean }[] = [];
  const state = { refuse: 0, opened: 0 };
  const driver: SqlDriver = {
    ...inner,
    kind,
    async session() {
      if (state.refuse > 0) {
        state.refuse--;
        throw new UnavailableError('database unavailable: refused (test)');
      }
      const session = await inner.session();
      state.opened++;
      let lost: ((error: unknown) => void) | undefined;
      let hanging = false;
      let released = false;
      const wrapped: SqlSession = {
        query: (text, params) => (hanging ? new Promise(() => {}) : session.query(text, params)),
        exec: (script) => session.exec(script),
        listen: (channel, handler) => session.listen(channel, handler),
        onLost(handler) {
          lost = handler;
          session.onLost(handler);
        },
        async release() {
          released = true;
          await session.release();
        },
      };
      sessions.push({
        lose: (error) => lost?.(error),
        hang: () => {
          hanging = true;
        },
        get released() {
          return released;
        },
      });
      return wrapped;
    },
  };
  return { driver, sessions, state };
}

function busSuite(database: () => TwoDrivers): void {
  const buses: NotifyEventBus[] = [];
  let channel: string;

  const open = async (driver: SqlDriver, options: NotifyEventBusOptions = {}) => {
    const bus = await createNotifyEventBus(driver, { channel, ...options });
    buses.push(bus);
    return bus;
  };

  beforeAll(() => {
    channel = freshChannel();
  });

  afterEach(async () => {
    for (const bus of buses.splice(0)) await bus.close();
    channel = freshChannel();
  });

  it('delivers every event exactly once to every bus on the database, the publisher’s own included', async () => {
    const { a, b } = database();
    const busA = await open(a);
    const busB = await open(b);
    const seenA = record(busA);
    const seenB = record(busB);

    const published = [
      await busA.publish(contactCreated('ctc_1')),
      await busB.publish(contactCreated('ctc_2')),
      await busA.publish(contactUpdated('ctc_1')),
    ];
    await until(() => seenA.length >= 3 && seenB.length >= 3, 'three events on both buses');
    await sleep(150);
    expect(seenA).toEqual(published);
    expect(seenB).toEqual(published);
  });

  it('stamps id and at like the in-memory bus, and keeps the ones given', async () => {
    const { a } = database();
    const now = Date.parse('2026-03-01T12:00:00.000Z');
    const bus = await open(a, { clock: { now: () => now, setTimer: () => 0, clearTimer: () => {} } });
    const seen = record(bus);
    const stamped = await bus.publish(contactCreated('ctc_1'));
    expect(stamped.id).toMatch(/^[a-z]{2,8}_[0-9A-Z]{26}$/);
    expect(stamped.at).toBe('2026-03-01T12:00:00.000Z');
    const given = await bus.publish({ ...contactCreated('ctc_2'), id: 'evt_given', at: '2020-01-01T00:00:00.000Z' });
    expect(given).toMatchObject({ id: 'evt_given', at: '2020-01-01T00:00:00.000Z' });
    await until(() => seen.length === 2, 'both events');
    expect(seen).toEqual([stamped, given]);
  });

  it('matches exact types, prefixes and *', async () => {
    const { a, b } = database();
    const publisher = await open(a);
    const bus = await open(b);
    const exact = record(bus, 'contact.created');
    const prefix = record(bus, 'contact.*');
    const all = record(bus, '*');
    const messages = record(bus, 'message.*');
    expect(bus.hasListeners('contact.merged')).toBe(true);
    expect(publisher.hasListeners('contact.merged')).toBe(false);

    await publisher.publish(contactCreated('ctc_1'));
    await publisher.publish(contactUpdated('ctc_1'));
    await publisher.publish({
      type: 'conversation.created',
      tenantId: 'ten_1',
      conversationId: 'cnv_1',
      contactId: 'ctc_1',
      channel: 'webchat',
    });
    await until(() => all.length === 3, 'three events');
    expect(exact.map((event) => event.type)).toEqual(['contact.created']);
    expect(prefix.map((event) => event.type)).toEqual(['contact.created', 'contact.updated']);
    expect(all.map((event) => event.type)).toEqual(['contact.created', 'contact.updated', 'conversation.created']);
    expect(messages).toEqual([]);
    expect(() => bus.subscribe('Not A Pattern' as EventPattern, () => {})).toThrow(/invalid event pattern/);
  });

  it('sends a large event (100 KB) by reference through hl_event_payloads, and it arrives intact', async () => {
    const { a, b } = database();
    const busA = await open(a);
    const busB = await open(b);
    const seenA = record(busA);
    const seenB = record(busB);
    const stored = async (id: string) => {
      const { rows } = await a.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM hl_event_payloads WHERE data->>'id' = $1`,
        [id],
      );
      return rows[0]?.n;
    };

    const big = await busA.publish(contactCreated(`ctc_${'x'.repeat(100_000)}`));
    // 2,500 characters but 7,500 UTF-8 bytes: the limit counts bytes.
    const wide = await busB.publish(contactCreated('€'.repeat(2_500)));
    const small = await busA.publish(contactCreated('ctc_small'));
    expect(JSON.stringify(small).length).toBeLessThan(NOTIFY_INLINE_LIMIT_BYTES);

    await until(() => seenA.length === 3 && seenB.length === 3, 'three events on both buses');
    expect(seenA).toEqual([big, wide, small]);
    expect(seenB).toEqual([big, wide, small]);
    expect(await stored(big.id)).toBe(1);
    expect(await stored(wide.id)).toBe(1);
    expect(await stored(small.id)).toBe(0);
  });

  it('stops delivering to a subscriber that unsubscribed, and only to it', async () => {
    const { a, b } = database();
    const publisher = await open(a);
    const bus = await open(b);
    const kept = record(bus, 'contact.*');
    const dropped: HotlineEvent[] = [];
    const off = bus.subscribe('contact.*', (event) => {
      dropped.push(event);
    });
    await publisher.publish(contactCreated('ctc_1'));
    await until(() => kept.length === 1 && dropped.length === 1, 'the first event');
    off();
    off();
    expect(bus.hasListeners('contact.created')).toBe(true);
    await publisher.publish(contactCreated('ctc_2'));
    await until(() => kept.length === 2, 'the second event');
    await sleep(50);
    expect(dropped.map((event) => event.type)).toEqual(['contact.created']);
  });

  it('isolates failing subscribers: the others still receive, and onError gets the error and the event', async () => {
    const { a } = database();
    const errors: [unknown, HotlineEvent | undefined][] = [];
    const bus = await open(a, { onError: (error, event) => errors.push([error, event]) });
    bus.subscribe('contact.created', () => {
      throw new Error('sync boom');
    });
    bus.subscribe('contact.*', async () => {
      throw new Error('async boom');
    });
    const seen = record(bus, '*');
    const event = await bus.publish(contactCreated('ctc_1'));
    await until(() => seen.length === 1 && errors.length === 2, 'the event and both errors');
    expect(seen).toEqual([event]);
    expect(errors.map(([error]) => (error as Error).message).sort()).toEqual(['async boom', 'sync boom']);
    expect(errors.map(([, withEvent]) => withEvent)).toEqual([event, event]);
  });

  it('publishWith inside a transaction delivers on commit, and never on rollback', async () => {
    const { a, b } = database();
    const publisher = await open(a);
    const bus = await open(b);
    const seen = record(bus);

    const committed = await a.transaction(async (q) => {
      const event = await publisher.publishWith(q, contactCreated('ctc_commit'));
      await publisher.publishWith(q, contactCreated(`ctc_${'y'.repeat(20_000)}`));
      await sleep(100);
      expect(seen).toEqual([]);
      return event;
    });
    await until(() => seen.length === 2, 'the committed events');
    expect(seen[0]).toEqual(committed);

    await expect(
      a.transaction(async (q) => {
        await publisher.publishWith(q, contactCreated('ctc_rollback'));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const after = await publisher.publish(contactCreated('ctc_after'));
    await until(() => seen.length === 3, 'the event after the rollback');
    expect(seen[2]).toEqual(after);
  });

  it('deletes payload rows older than the TTL when it publishes', async () => {
    const { a } = database();
    await a.query(
      `INSERT INTO hl_event_payloads (id, data, created_at) VALUES
         ('evt_old', '{}'::jsonb, now() - interval '2 hours'), ('evt_recent', '{}'::jsonb, now() - interval '10 minutes')`,
    );
    const bus = await open(a, { payloadTtlMs: 30 * 60_000 });
    await bus.publish(contactCreated('ctc_1'));
    const ids = async () =>
      (await a.query<{ id: string }>(`SELECT id FROM hl_event_payloads WHERE id IN ('evt_old', 'evt_recent')`)).rows
        .map((row) => row.id)
        .sort();
    await until(async () => (await ids()).length === 1, 'the old row to go');
    expect(await ids()).toEqual(['evt_recent']);
    await a.query(`DELETE FROM hl_event_payloads WHERE id = 'evt_recent'`);
  });

  it('close() stops listening; publishing afterwards rejects; other buses carry on', async () => {
    const { a, b } = database();
    const closing = await open(a);
    const other = await open(b);
    const seenClosing = record(closing);
    const seenOther = record(other);
    expect(closing.listening).toBe(true);
    await closing.close();
    await closing.close();
    expect(closing.listening).toBe(false);
    await expect(closing.publish(contactCreated('ctc_1'))).rejects.toThrow(/closed/);
    await other.publish(contactCreated('ctc_2'));
    await until(() => seenOther.length === 1, 'the event on the open bus');
    await sleep(50);
    expect(seenClosing).toEqual([]);
  });

  it('uses hotline_events by default and refuses a channel that is not a plain identifier', async () => {
    const { a, b } = database();
    const bus = await createNotifyEventBus(a);
    buses.push(bus);
    const seen = record(bus);
    await b.query(`SELECT pg_notify('hotline_events', $1)`, [
      JSON.stringify({ ...contactCreated('ctc_raw'), id: 'evt_raw', at: '2026-01-01T00:00:00.000Z' }),
    ]);
    await until(() => seen.length === 1, 'the raw notification');
    expect(seen[0]).toMatchObject({ id: 'evt_raw', contactId: 'ctc_raw' });
    await expect(createNotifyEventBus(a, { channel: 'Bad-Channel' })).rejects.toThrow(RangeError);
    await expect(createNotifyEventBus(a, { channel: 'x; DROP TABLE y' })).rejects.toThrow(RangeError);
  });

  it('reports a notification it cannot read, or whose payload row is gone, and keeps going', async () => {
    const { a } = database();
    const errors: unknown[] = [];
    const bus = await open(a, { onError: (error) => errors.push(error) });
    const seen = record(bus);
    await a.query('SELECT pg_notify($1, $2)', [channel, 'not json']);
    await a.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify({ ref: 'evt_missing' })]);
    const event = await bus.publish(contactCreated('ctc_1'));
    await until(() => seen.length === 1 && errors.length === 2, 'the event and two errors');
    expect(seen).toEqual([event]);
    expect(String(errors[1])).toMatch(/evt_missing not found/);
  });

  it('reconnects with backoff after its session is lost, and re-LISTENs (no duplicates)', async () => {
    const { a, b } = database();
    const flaky = controllable(a);
    const errors: unknown[] = [];
    const bus = await open(flaky.driver, {
      onError: (error) => errors.push(error),
      reconnectMinMs: 10,
      reconnectMaxMs: 50,
    });
    const publisher = await open(b);
    const seen = record(bus);
    await publisher.publish(contactCreated('ctc_before'));
    await until(() => seen.length === 1, 'the event before the loss');

    flaky.state.refuse = 2;
    flaky.sessions[0]?.lose(new UnavailableError('connection lost (test)'));
    flaky.sessions[0]?.lose(new Error('told twice'));
    expect(bus.listening).toBe(false);
    expect(flaky.sessions[0]?.released).toBe(true);
    await until(() => bus.listening, 'the bus to listen again');
    expect(flaky.state.opened).toBe(2);
    expect(errors).toHaveLength(3);
    expect(errors.every((error) => error instanceof UnavailableError)).toBe(true);

    const after = await publisher.publish(contactCreated('ctc_after'));
    await until(() => seen.length === 2, 'the event after reconnecting');
    await sleep(100);
    expect(seen.map((event) => event.id)).toEqual([seen[0]?.id, after.id]);
  });
}

describe('NotifyEventBus on PGlite', () => {
  busSuite(useTwoDrivers('pglite'));
});

describeWithPostgres('NotifyEventBus on PostgreSQL', () => {
  const drivers = useTwoDrivers('postgres');
  busSuite(drivers);

  it('reconnects after pg_terminate_backend kills its LISTEN session, and receives later events', async () => {
    const channel = freshChannel();
    const errors: unknown[] = [];
    const bus = await createNotifyEventBus(drivers().a, {
      channel,
      heartbeatMs: 0,
      reconnectMinMs: 20,
      onError: (error) => errors.push(error),
    });
    const listeners = async () =>
      (
        await drivers().b.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE query = $1`, [
          `LISTEN "${channel}"`,
        ])
      ).rows.map((row) => row.pid);
    const [pid] = await listeners();
    expect(pid).toBeTypeOf('number');
    const publisher = await createNotifyEventBus(drivers().b, { channel });
    const publisherPid = (await listeners()).find((each) => each !== pid);
    const listener = async () => (await listeners()).filter((each) => each !== publisherPid);
    try {
      const seen = record(bus);
      const { rows } = await drivers().b.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [pid]);
      expect(rows[0]?.ok).toBe(true);
      await until(() => !bus.listening, 'the loss to be noticed');

      // Events published while it is away are lost (NOTIFY is not durable): publish until one gets through.
      let marker: HotlineEvent | undefined;
      await until(
        async () => {
          marker = await publisher.publish(contactCreated('ctc_probe'));
          await sleep(50);
          return seen.some((event) => event.id === marker?.id);
        },
        'an event after reconnecting',
        10_000,
      );
      expect(bus.listening).toBe(true);
      const pids = await listener();
      expect(pids).toHaveLength(1);
      expect(pids[0]).not.toBe(pid);
      expect(errors[0]).toBeInstanceOf(UnavailableError);

      const later = await publisher.publish(contactUpdated('ctc_later'));
      await until(() => seen.some((event) => event.id === later.id), 'a later event');
      await sleep(100);
      expect(seen.filter((event) => event.id === later.id)).toHaveLength(1);
    } finally {
      await bus.close();
      await publisher.close();
    }
  });

  it('treats a heartbeat that gets no answer as a lost session and reconnects', async () => {
    const channel = freshChannel();
    const flaky = controllable(drivers().a);
    const errors: unknown[] = [];
    const bus = await createNotifyEventBus(flaky.driver, {
      channel,
      heartbeatMs: 50,
      reconnectMinMs: 10,
      onError: (error) => errors.push(error),
    });
    try {
      const seen = record(bus);
      flaky.sessions[0]?.hang();
      await until(() => flaky.state.opened === 2 && bus.listening, 'a new session');
      expect(String((errors[0] as Error).cause)).toMatch(/heartbeat got no answer/);
      const event = await bus.publish(contactCreated('ctc_1'));
      await until(() => seen.length === 1, 'the event');
      expect(seen).toEqual([event]);
    } finally {
      await bus.close();
    }
  });
});
