import type { Unsubscribe } from '../events/event-bus.js';

/**
 * A held lease: the right to be the one process doing something (the routing leader of a
 * tenant, the outbox relay). It ends when released, or is lost when its holder dies (its
 * database session ends); `onLost` tells the holder to stop at once.
 */
export interface Lease {
  readonly name: string;
  /** Whether the lease is still held (false after release or loss). */
  readonly held: boolean;
  /** Gives the lease up; others may acquire it at once. Idempotent. */
  release(): Promise<void>;
  /** Called once if the lease is lost without being released. Returns an unsubscribe. */
  onLost(listener: (reason: unknown) => void): Unsubscribe;
}

/** Options for {@link LeaseManager.acquire}. */
export interface AcquireOptions {
  /** Stops waiting (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
  /** How often to try again while someone else holds the lease. @default 250 */
  pollMs?: number;
}

/**
 * The lease port. `@hotline/storage-postgres` implements it with advisory locks, so a
 * process that dies loses its leases with its session and another takes over.
 *
 * Contract: at most one holder per name at any time across every manager sharing the
 * backing store; `tryAcquire` never waits; `acquire` waits until it holds the lease.
 */
export interface LeaseManager {
  tryAcquire(name: string): Promise<Lease | undefined>;
  acquire(name: string, options?: AcquireOptions): Promise<Lease>;
  /** Releases every lease this manager holds. */
  close(): Promise<void>;
}

/** Waits `ms`, or rejects when `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Leases in one process: several managers sharing a `registry` behave like several
 * processes sharing a database (for tests and single-process deployments).
 *
 * @example
 * ```ts
 * const registry = new Map();
 * const a = new InMemoryLeaseManager({ registry });
 * const lease = await a.tryAcquire('routing:acme'); // held
 * await new InMemoryLeaseManager({ registry }).tryAcquire('routing:acme'); // undefined
 * ```
 */
export class InMemoryLeaseManager implements LeaseManager {
  private readonly registry: Map<string, object>;
  private readonly mine = new Set<{ release(): Promise<void> }>();

  constructor(options: { registry?: Map<string, object> } = {}) {
    this.registry = options.registry ?? new Map();
  }

  async tryAcquire(name: string): Promise<Lease | undefined> {
    if (this.registry.has(name)) return undefined;
    const token = {};
    this.registry.set(name, token);
    let held = true;
    const lease: Lease = {
      name,
      get held() {
        return held;
      },
      release: async () => {
        if (!held) return;
        held = false;
        if (this.registry.get(name) === token) this.registry.delete(name);
        this.mine.delete(lease);
      },
      // An in-process lease is never lost: its holder is this process.
      onLost: () => () => {},
    };
    this.mine.add(lease);
    return lease;
  }

  async acquire(name: string, options: AcquireOptions = {}): Promise<Lease> {
    for (;;) {
      const lease = await this.tryAcquire(name);
      if (lease) return lease;
      await delay(options.pollMs ?? 250, options.signal);
    }
  }

  async close(): Promise<void> {
    for (const lease of [...this.mine]) await lease.release();
  }
}
