import {
  type AcquireOptions,
  delay,
  isHotlineError,
  type Lease,
  type LeaseManager,
  UnavailableError,
  type Unsubscribe,
  ValidationError,
} from '@hotline/core';
import type { SqlDriver, SqlSession } from '../driver/sql-driver.js';

/** Options of {@link createAdvisoryLeaseManager}. */
export interface AdvisoryLeaseManagerOptions {
  /**
   * How often each held lease checks its session with `SELECT 1` (ms). A check that fails, or gets no answer within
   * this time, counts as losing the lease (`onLost` fires), so a holder cut off from the server by a silent network
   * failure stops instead of believing it still leads. `0` turns it off. Embedded (PGlite) leases are never checked.
   * @default 5000
   */
  heartbeatMs?: number;
  /** Receives errors thrown by `onLost` listeners. @default logs with `console.error` */
  onError?: (error: unknown) => void;
}

// A session-level advisory lock is re-entrant within its session. On PGlite every session is
// the same backend, so the lock alone would let a second holder in: there, the statement first
// looks in pg_locks (a bigint key shows as classid = high 32 bits, objid = low 32 bits, objsubid = 1).
const TRY_LOCK = 'SELECT pg_try_advisory_lock($1::bigint) AS ok';
const TRY_LOCK_EMBEDDED = `SELECT CASE WHEN EXISTS (
    SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1
      AND classid::bigint = ($1::bigint >> 32) & 4294967295 AND objid::bigint = $1::bigint & 4294967295
  ) THEN false ELSE pg_try_advisory_lock($1::bigint) END AS ok`;
const UNLOCK = 'SELECT pg_advisory_unlock($1::bigint) AS ok';
const UNLOCK_TIMEOUT_MS = 5_000;

/** A session that may become a lease's; it remembers a loss that happens before. */
interface Candidate {
  readonly session: SqlSession;
  lost: { reason: unknown } | undefined;
  onLost: ((reason: unknown) => void) | undefined;
}

/**
 * Leases on PostgreSQL advisory locks. Each held lease has its own session holding
 * `pg_try_advisory_lock(key)`, where key is {@link advisoryLockKey}(schema, name): the server frees the lock
 * when that session ends, so when a process dies (or loses its connection) its leases pass to whoever asks next.
 * A lease whose session breaks fires `onLost`, and its holder must stop at once.
 *
 * On PGlite the locks hold between the managers of one process (one database can only be opened by one process).
 *
 * @example
 * ```ts
 * const leases = createAdvisoryLeaseManager(storage.driver);
 * const lease = await leases.acquire(`routing:${tenantId}`, { signal });
 * lease.onLost(() => stopRouting());
 * ```
 */
export function createAdvisoryLeaseManager(driver: SqlDriver, options: AdvisoryLeaseManagerOptions = {}): LeaseManager {
  const embedded = driver.kind === 'pglite';
  const heartbeatMs = embedded ? 0 : (options.heartbeatMs ?? 5_000);
  const onError =
    options.onError ?? ((error: unknown) => console.error('[hotline] lease onLost listener failed', error));
  const holding = new Set<Lease>();
  let closed = false;

  function checkOpen(): void {
    if (closed) throw new Error('the lease manager is closed');
  }

  async function open(): Promise<Candidate> {
    const session = await driver.session();
    const candidate: Candidate = { session, lost: undefined, onLost: undefined };
    session.onLost((reason) => {
      if (candidate.lost !== undefined) return;
      candidate.lost = { reason };
      candidate.onLost?.(reason);
    });
    return candidate;
  }

  async function discard(candidate: Candidate, locked: boolean, key: string): Promise<void> {
    if (locked && candidate.lost === undefined) {
      // Bounded: on a connection that died silently the unlock would hang; ending the session frees the lock anyway.
      await withTimeout(candidate.session.query(UNLOCK, [key]), UNLOCK_TIMEOUT_MS, 'unlock').catch(() => undefined);
    }
    await candidate.session.release().catch(() => undefined);
  }

  /** Tries the lock on the candidate's session; throws if the session is (or gets) lost. */
  async function tryLock(candidate: Candidate, key: string): Promise<boolean> {
    const { rows } = await candidate.session.query<{ ok: boolean }>(embedded ? TRY_LOCK_EMBEDDED : TRY_LOCK, [key]);
    const ok = rows[0]?.ok === true;
    if (candidate.lost !== undefined) {
      throw new UnavailableError('the lease session was lost while locking', { cause: candidate.lost.reason });
    }
    return ok;
  }

  function promote(candidate: Candidate, name: string, key: string): Lease {
    const listeners = new Set<(reason: unknown) => void>();
    let state: 'held' | 'released' | 'lost' = 'held';
    let lostReason: unknown;
    let heartbeat: ReturnType<typeof setInterval> | undefined;

    const end = () => {
      if (heartbeat !== undefined) clearInterval(heartbeat);
      holding.delete(lease);
    };
    const lose = (reason: unknown) => {
      if (state !== 'held') return;
      state = 'lost';
      lostReason = reason;
      end();
      void candidate.session.release().catch(() => undefined);
      for (const listener of [...listeners]) notify(listener, reason);
    };
    const notify = (listener: (reason: unknown) => void, reason: unknown) => {
      try {
        listener(reason);
      } catch (error) {
        onError(error);
      }
    };

    const lease: Lease = {
      name,
      get held() {
        return state === 'held';
      },
      async release() {
        if (state !== 'held') return;
        state = 'released';
        end();
        await discard(candidate, true, key);
      },
      onLost(listener): Unsubscribe {
        if (state === 'lost') {
          // Registered too late to see the loss happen: tell it anyway, once.
          queueMicrotask(() => notify(listener, lostReason));
          return () => {};
        }
        listeners.add(listener);
        return () => {
          listeners.delete(listener);
        };
      },
    };

    holding.add(lease);
    candidate.onLost = lose;
    if (heartbeatMs > 0) {
      let beating = false;
      heartbeat = setInterval(() => {
        if (beating || state !== 'held') return;
        beating = true;
        withTimeout(candidate.session.query('SELECT 1'), heartbeatMs, 'lease heartbeat').then(
          () => {
            beating = false;
          },
          (error: unknown) => lose(error),
        );
      }, heartbeatMs);
      heartbeat.unref?.();
    }
    // Lost between locking and here: the lease is born lost (and says so to late onLost listeners).
    if (candidate.lost !== undefined) lose(candidate.lost.reason);
    return lease;
  }

  async function tryAcquire(name: string): Promise<Lease | undefined> {
    checkName(name);
    checkOpen();
    const key = advisoryLockKey(driver.schema, name);
    const candidate = await open();
    let locked = false;
    try {
      locked = await tryLock(candidate, key);
      checkOpen();
    } catch (error) {
      await discard(candidate, locked, key);
      throw error;
    }
    if (!locked) {
      await discard(candidate, false, key);
      return undefined;
    }
    return promote(candidate, name, key);
  }

  async function acquire(name: string, acquireOptions: AcquireOptions = {}): Promise<Lease> {
    checkName(name);
    const { signal } = acquireOptions;
    const pollMs = acquireOptions.pollMs ?? 250;
    const key = advisoryLockKey(driver.schema, name);
    // One session serves every attempt (a new connection per poll would be wasteful); a lost one is replaced.
    let candidate: Candidate | undefined;
    let locked = false;
    try {
      for (;;) {
        signal?.throwIfAborted();
        checkOpen();
        try {
          if (candidate?.lost !== undefined) {
            await discard(candidate, false, key);
            candidate = undefined;
          }
          candidate ??= await open();
          locked = await tryLock(candidate, key);
        } catch (error) {
          // The database is down or restarting: keep waiting, as for a lease held by someone else.
          if (!isTransient(error)) throw error;
          if (candidate !== undefined) await discard(candidate, false, key);
          candidate = undefined;
        }
        if (locked && candidate !== undefined) {
          signal?.throwIfAborted();
          checkOpen();
          const lease = promote(candidate, name, key);
          candidate = undefined;
          return lease;
        }
        await delay(pollMs, signal);
      }
    } finally {
      if (candidate !== undefined) await discard(candidate, locked, key);
    }
  }

  return {
    tryAcquire,
    acquire,
    async close() {
      closed = true;
      await Promise.all([...holding].map((lease) => lease.release()));
    },
  };
}

/**
 * The advisory-lock key of a lease: FNV-1a (64-bit) of the UTF-8 bytes of `hotline:<schema>:<name>`, as a signed
 * bigint in decimal. Fixed forever, so every process and version agrees; the schema keeps deployments sharing a
 * database apart. Find a lease's holder with `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1
 * AND ((classid::bigint << 32) | objid::bigint) = <key>`.
 */
export function advisoryLockKey(schema: string, name: string): string {
  return BigInt.asIntN(64, fnv1a64(`hotline:${schema}:${name}`)).toString();
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

/** FNV-1a, 64-bit, of the UTF-8 bytes of `text` (unsigned). */
export function fnv1a64(text: string): bigint {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK_64;
  }
  return hash;
}

// mapDbError leaves Node's socket errors (they carry a code such as ECONNREFUSED) unmapped, so they are checked here.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** Whether an error means the database is unreachable for now (worth waiting out). */
function isTransient(error: unknown): boolean {
  if (isHotlineError(error)) return error.code === 'UNAVAILABLE';
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ValidationError('a lease name must be a non-empty string', [
      { path: 'name', message: 'a non-empty string' },
    ]);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnavailableError(`${what} got no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
