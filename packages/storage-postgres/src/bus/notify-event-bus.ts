import {
  type Clock,
  type EventBus,
  type EventHandler,
  type EventInput,
  type EventPattern,
  type EventsMatching,
  type HotlineEvent,
  InMemoryEventBus,
  isoNow,
  newId,
  systemClock,
  UnavailableError,
  type Unsubscribe,
} from '@hotline/core';
import type { Queryable, SqlDriver, SqlSession } from '../driver/sql-driver.js';

/**
 * Events whose JSON is at most this many bytes travel inside the NOTIFY (PostgreSQL's limit
 * is 8,000 bytes); larger ones are stored in `hl_event_payloads` and the NOTIFY carries a reference.
 */
export const NOTIFY_INLINE_LIMIT_BYTES = 7_000;

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
const SWEEP_EVERY_MS = 60_000;

/** Options of {@link createNotifyEventBus}. */
export interface NotifyEventBusOptions {
  /**
   * The channel every bus sharing the database LISTENs and NOTIFYs on: a plain lowercase identifier. Channels are
   * per database, not per schema: deployments sharing one database in different schemas need different channels.
   * @default 'hotline_events'
   */
  channel?: string;
  /** Stamps `at` on events published without one. @default systemClock */
  clock?: Clock;
  /**
   * Receives errors: a subscriber's (with its event), and the transport's (without one): the listening session was
   * lost, a reconnect failed, a notification could not be read, a payload row was already gone.
   * @default logs with `console.error`
   */
  onError?: (error: unknown, event?: HotlineEvent) => void;
  /** Payload rows of large events older than this are deleted (checked on publish, at most once a minute). @default 3600000 */
  payloadTtlMs?: number;
  /** The first wait before reconnecting a lost listening session; each failure doubles it. @default 100 */
  reconnectMinMs?: number;
  /** The longest wait between reconnect attempts. @default 5000 */
  reconnectMaxMs?: number;
  /**
   * How often the listening session is checked with `SELECT 1` (ms); a check that fails or takes longer counts as
   * a lost session. Catches connections that died silently (a network partition). `0` turns it off. Embedded
   * (PGlite) sessions are never lost and never checked.
   * @default 30000
   */
  heartbeatMs?: number;
}

/** An {@link EventBus} shared by every process on one PostgreSQL database. */
export interface NotifyEventBus extends EventBus {
  /**
   * Publishes through `q`, e.g. the queryable of `driver.transaction(async (q) => …)`: the event is delivered when
   * that transaction commits, and never if it rolls back.
   */
  publishWith<E extends EventInput>(q: Queryable, event: E): Promise<HotlineEvent>;
  /** Whether an event of `type` would reach a subscriber of THIS bus (its type, its prefix or `*`). */
  hasListeners(type: string): boolean;
  /** Whether the listening session is connected right now (false while reconnecting and after `close`). */
  readonly listening: boolean;
  /** Stops listening and releases the session. Publishing afterwards rejects; subscribers stay registered. */
  close(): Promise<void>;
}

interface Connection {
  readonly session: SqlSession;
  dead: boolean;
  beating: boolean;
}

/**
 * The event bus over LISTEN/NOTIFY, for several processes sharing PostgreSQL (and, on PGlite, within the process).
 * Each bus holds one session that LISTENs on the channel; `publish` NOTIFYs through the pool. Every bus on the
 * database — the publisher's own included — receives every event once, from the server, and hands it to its local
 * subscribers as core's `InMemoryEventBus` would (same patterns, unsubscribe and error isolation). A bus delivers
 * events in the order the server commits them.
 *
 * NOTIFY is not durable: events published while a bus is disconnected (it reconnects by itself, with backoff) are
 * lost to it, and so are events nobody is listening for. Work that must happen goes through the outbox
 * (`storage.outbox`); the bus is for live updates.
 *
 * @example
 * ```ts
 * const storage = await createPostgresStorage({ connectionString: process.env.DATABASE_URL! });
 * const bus = await createNotifyEventBus(storage.driver);
 * bus.subscribe('message.*', (event) => push(event));
 * await bus.publish({ type: 'contact.created', tenantId: 'ten_1', contactId: 'ctc_1' }); // every process sees it
 * ```
 */
export async function createNotifyEventBus(
  driver: SqlDriver,
  options: NotifyEventBusOptions = {},
): Promise<NotifyEventBus> {
  const channel = options.channel ?? 'hotline_events';
  if (!CHANNEL.test(channel)) {
    throw new RangeError(`channel must be a lowercase identifier, got ${JSON.stringify(channel)}`);
  }
  const clock = options.clock ?? systemClock;
  const onError =
    options.onError ??
    ((error: unknown, event?: HotlineEvent) =>
      console.error(event ? `[hotline] subscriber of ${event.type} failed` : '[hotline] event bus:', error));
  const ttlMs = options.payloadTtlMs ?? 3_600_000;
  const reconnectMinMs = Math.max(1, options.reconnectMinMs ?? 100);
  const reconnectMaxMs = Math.max(reconnectMinMs, options.reconnectMaxMs ?? 5_000);
  const heartbeatMs = driver.kind === 'pglite' ? 0 : (options.heartbeatMs ?? 30_000);
  const local = new InMemoryEventBus({ clock, onError: (error, event) => report(error, event) });

  let closed = false;
  let current: Connection | undefined;
  let connecting: Promise<void> | undefined;
  let failures = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  let lastSweep = Number.NEGATIVE_INFINITY;
  let sweeping: Promise<void> | undefined;
  // Notifications are handled one after another, so a large event fetched by reference
  // is not overtaken by a smaller one published after it.
  let inbox: Promise<void> = Promise.resolve();

  function report(error: unknown, event?: HotlineEvent): void {
    try {
      onError(error, event);
    } catch {
      // An error handler that throws must not break delivery.
    }
  }

  async function receive(payload: string): Promise<void> {
    if (closed) return;
    const message = JSON.parse(payload) as unknown;
    if (isEvent(message)) {
      local.deliver(message);
      return;
    }
    const ref = isObject(message) ? message['ref'] : undefined;
    if (typeof ref !== 'string') throw new Error(`unrecognised notification on channel ${channel}: ${payload}`);
    const { rows } = await driver.query<{ data: unknown }>('SELECT data FROM hl_event_payloads WHERE id = $1', [ref]);
    const data = rows[0]?.data;
    if (!isEvent(data)) {
      throw new Error(
        `event payload ${ref} not found: older than the TTL, or published from another schema on channel ${channel}`,
      );
    }
    if (!closed) local.deliver(data);
  }

  function onNotification(payload: string): void {
    inbox = inbox.then(() => receive(payload)).catch((error: unknown) => report(error));
  }

  async function connect(): Promise<void> {
    const session = await driver.session();
    const connection: Connection = { session, dead: false, beating: false };
    session.onLost((error) => lose(connection, error));
    try {
      if (closed) throw new Error('the event bus is closed');
      await session.listen(channel, onNotification);
      if (connection.dead) throw new UnavailableError('the listening session was lost while it started LISTENing');
      if (closed) throw new Error('the event bus is closed');
    } catch (error) {
      connection.dead = true;
      await session.release().catch(() => undefined);
      throw error;
    }
    current = connection;
    failures = 0;
    startHeartbeat(connection);
  }

  /** The session broke (or failed its heartbeat): drop it and reconnect. Tolerates being told twice. */
  function lose(connection: Connection, error: unknown): void {
    if (connection.dead) return;
    connection.dead = true;
    void connection.session.release().catch(() => undefined);
    if (current !== connection) return;
    current = undefined;
    stopHeartbeat();
    if (closed) return;
    report(
      new UnavailableError(
        `event bus lost its LISTEN session on ${channel}; reconnecting (events published meanwhile are not received)`,
        { cause: error },
      ),
    );
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (closed || reconnectTimer !== undefined) return;
    const backoff = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** Math.min(failures, 30));
    failures++;
    // Up to 20% jitter, so processes that lost the same server do not all come back at once.
    reconnectTimer = setTimeout(
      () => {
        reconnectTimer = undefined;
        if (closed) return;
        connecting = connect()
          .catch((error: unknown) => {
            if (closed) return;
            report(error);
            scheduleReconnect();
          })
          .finally(() => {
            connecting = undefined;
          });
      },
      backoff * (1 + Math.random() * 0.2),
    );
  }

  function startHeartbeat(connection: Connection): void {
    stopHeartbeat();
    if (heartbeatMs <= 0) return;
    heartbeatTimer = setInterval(() => {
      if (connection.beating || connection.dead) return;
      connection.beating = true;
      withTimeout(connection.session.query('SELECT 1'), heartbeatMs, 'event bus heartbeat').then(
        () => {
          connection.beating = false;
        },
        (error: unknown) => lose(connection, error),
      );
    }, heartbeatMs);
    heartbeatTimer.unref?.();
  }

  function stopHeartbeat(): void {
    if (heartbeatTimer !== undefined) clearInterval(heartbeatTimer);
    heartbeatTimer = undefined;
  }

  function sweep(): void {
    const now = Date.now();
    if (sweeping !== undefined || now - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = now;
    sweeping = driver
      .query(`DELETE FROM hl_event_payloads WHERE created_at < now() - $1::float8 * interval '1 millisecond'`, [ttlMs])
      .then(
        () => undefined,
        (error: unknown) => report(error),
      )
      .finally(() => {
        sweeping = undefined;
      });
  }

  async function send<E extends EventInput>(q: Queryable, input: E): Promise<HotlineEvent> {
    if (closed) throw new Error('the event bus is closed');
    const event = { ...input, id: input.id ?? newId('event'), at: input.at ?? isoNow(clock) } as HotlineEvent;
    const json = JSON.stringify(event);
    if (fitsInline(json)) {
      await q.query('SELECT pg_notify($1, $2)', [channel, json]);
    } else {
      const ref = newId('event');
      // One statement: the row and its notification commit together.
      await q.query(
        `WITH stored AS (INSERT INTO hl_event_payloads (id, data) VALUES ($1, $2::jsonb) RETURNING id)
         SELECT pg_notify($3, $4) FROM stored`,
        [ref, json, channel, JSON.stringify({ ref })],
      );
    }
    sweep();
    return event;
  }

  await connect();

  return {
    publish: (event) => send(driver, event),
    publishWith: (q, event) => send(q, event),
    subscribe<P extends EventPattern>(pattern: P, handler: EventHandler<EventsMatching<P>>): Unsubscribe {
      return local.subscribe(pattern, handler);
    },
    hasListeners: (type) => local.hasListeners(type),
    get listening() {
      return current !== undefined && !current.dead;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (reconnectTimer !== undefined) clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      stopHeartbeat();
      await connecting;
      const connection = current;
      current = undefined;
      if (connection !== undefined && !connection.dead) {
        connection.dead = true;
        await connection.session.release().catch(() => undefined);
      }
      await sweeping;
      await inbox;
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEvent(value: unknown): value is HotlineEvent {
  return isObject(value) && typeof value['type'] === 'string' && typeof value['id'] === 'string';
}

/** Whether the UTF-8 encoding of `json` is at most the inline limit (a UTF-16 unit is at most 3 bytes). */
function fitsInline(json: string): boolean {
  if (json.length * 3 <= NOTIFY_INLINE_LIMIT_BYTES) return true;
  return json.length <= NOTIFY_INLINE_LIMIT_BYTES && Buffer.byteLength(json, 'utf8') <= NOTIFY_INLINE_LIMIT_BYTES;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnavailableError(`${what} got no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
