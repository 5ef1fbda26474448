import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lease, LeaseManager } from '@hotline/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeWithPostgres, sharedPostgresUrl } from '../../test/pg-available.js';
import { type TwoDrivers, useTwoDrivers } from '../../test/two-drivers.js';
import { sleep, until } from '../../test/wait.js';
import { createPgDriver } from '../driver/pg-driver.js';
import type { SqlDriver } from '../driver/sql-driver.js';
import { type PostgresServer, startPostgres } from '../testing/postgres-server.js';
import {
  type AdvisoryLeaseManagerOptions,
  advisoryLockKey,
  createAdvisoryLeaseManager,
  fnv1a64,
} from './advisory-lease-manager.js';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Resolves to 'pending' if `promise` has not settled after `ms`. */
async function stillPending(promise: Promise<unknown>, ms = 100): Promise<boolean> {
  const marker = Symbol('pending');
  const winner = await Promise.race([
    promise.then(
      () => 'settled',
      () => 'settled',
    ),
    sleep(ms).then(() => marker),
  ]);
  return winner === marker;
}

/** Who holds the advisory lock of a lease (pids), as the server sees it. */
async function holders(driver: SqlDriver, name: string): Promise<number[]> {
  const { rows } = await driver.query<{ pid: number }>(
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 AND granted
       AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
    [advisoryLockKey(driver.schema, name)],
  );
  return rows.map((row) => row.pid);
}

describe('advisoryLockKey', () => {
  it('is FNV-1a 64 of hotline:<schema>:<name>, fixed forever', () => {
    expect(fnv1a64('')).toBe(0xcbf29ce484222325n);
    expect(fnv1a64('a')).toBe(0xaf63dc4c8601ec8cn);
    expect(fnv1a64('foobar')).toBe(0x85944171f73967e8n);
    expect(advisoryLockKey('hotline', 'routing:ten_1')).toBe(
      BigInt.asIntN(64, fnv1a64('hotline:hotline:routing:ten_1')).toString(),
    );
    expect(advisoryLockKey('hotline', 'routing:ten_1')).toBe('2241958369765647884');
  });

  it('differs by name and by schema, and fits a signed bigint', () => {
    const keys = new Set<string>();
    for (const schema of ['hotline', 'other']) {
      for (let i = 0; i < 1_000; i++) keys.add(advisoryLockKey(schema, `routing:ten_${i}`));
    }
    expect(keys.size).toBe(2_000);
    for (const key of keys) {
      expect(BigInt(key)).toBeGreaterThanOrEqual(-(2n ** 63n));
      expect(BigInt(key)).toBeLessThan(2n ** 63n);
    }
    expect(advisoryLockKey('s', 'é')).toBe(BigInt.asIntN(64, fnv1a64('hotline:s:é')).toString());
  });
});

function leaseSuite(database: () => TwoDrivers): void {
  const managers: LeaseManager[] = [];
  let n = 0;
  let name: string;

  const manager = (driver: SqlDriver, options?: AdvisoryLeaseManagerOptions) => {
    const created = createAdvisoryLeaseManager(driver, options);
    managers.push(created);
    return created;
  };

  beforeAll(() => {
    name = `lease_${n++}`;
  });

  afterEach(async () => {
    for (const each of managers.splice(0)) await each.close();
    name = `lease_${n++}`;
  });

  it('excludes: one holder per name across managers, and in the same manager', async () => {
    const { a, b } = database();
    const one = manager(a);
    const two = manager(b);
    const lease = await one.tryAcquire(name);
    expect(lease).toMatchObject({ name, held: true });
    expect(await two.tryAcquire(name)).toBeUndefined();
    expect(await one.tryAcquire(name)).toBeUndefined();
    const other = await two.tryAcquire(`${name}:other`);
    expect(other?.held).toBe(true);
    expect(await holders(a, name)).toHaveLength(1);
  });

  it('gives the lease to exactly one of many concurrent contenders', async () => {
    const { a, b } = database();
    const contenders = [manager(a), manager(b), manager(a), manager(b)];
    const results = await Promise.all(
      contenders.flatMap((each) => [each.tryAcquire(name), each.tryAcquire(name), each.tryAcquire(name)]),
    );
    expect(results.filter((lease) => lease !== undefined)).toHaveLength(1);
  });

  it('release lets another manager in at once; release is idempotent', async () => {
    const { a, b } = database();
    const one = manager(a);
    const two = manager(b);
    const lease = await one.tryAcquire(name);
    const lost: unknown[] = [];
    lease?.onLost((reason) => lost.push(reason));
    await lease?.release();
    await lease?.release();
    expect(lease?.held).toBe(false);
    const next = await two.tryAcquire(name);
    expect(next?.held).toBe(true);
    expect(await holders(a, name)).toHaveLength(1);
    await next?.release();
    expect(await holders(a, name)).toHaveLength(0);
    expect(lost).toEqual([]);
  });

  it('acquire waits while another holds the lease and gets it after release', async () => {
    const { a, b } = database();
    const holder = await manager(a).tryAcquire(name);
    const waiting = manager(b).acquire(name, { pollMs: 20 });
    expect(await stillPending(waiting, 150)).toBe(true);
    await holder?.release();
    const lease = await waiting;
    expect(lease).toMatchObject({ name, held: true });
    expect(await holders(a, name)).toHaveLength(1);
  });

  it('acquire stops when its signal aborts, rejecting with the reason, and leaves no lock behind', async () => {
    const { a, b } = database();
    const holder = await manager(a).tryAcquire(name);
    const waiter = manager(b);
    const controller = new AbortController();
    const waiting = waiter.acquire(name, { signal: controller.signal, pollMs: 20 });
    expect(await stillPending(waiting, 100)).toBe(true);
    const reason = new Error('no longer needed');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(waiter.acquire(name, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);

    await holder?.release();
    expect(await holders(a, name)).toHaveLength(0);
    expect((await waiter.tryAcquire(name))?.held).toBe(true);
  });

  it('close() releases every lease of the manager; it refuses new ones afterwards', async () => {
    const { a, b } = database();
    const one = manager(a);
    const x = await one.tryAcquire(`${name}:x`);
    const y = await one.tryAcquire(`${name}:y`);
    await one.close();
    expect([x?.held, y?.held]).toEqual([false, false]);
    const two = manager(b);
    expect(await two.tryAcquire(`${name}:x`)).toBeDefined();
    expect(await two.tryAcquire(`${name}:y`)).toBeDefined();
    await expect(one.tryAcquire(name)).rejects.toThrow(/closed/);
    await expect(one.acquire(name)).rejects.toThrow(/closed/);
  });

  it('refuses an empty name', async () => {
    const { a } = database();
    await expect(manager(a).tryAcquire('')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
}

describe('AdvisoryLeaseManager on PGlite', () => {
  leaseSuite(useTwoDrivers('pglite'));
});

describeWithPostgres('AdvisoryLeaseManager on PostgreSQL', () => {
  const drivers = useTwoDrivers('postgres');
  leaseSuite(drivers);

  it('a lease whose session is terminated fires onLost once, and another manager takes it', async () => {
    const one = createAdvisoryLeaseManager(drivers().a);
    const two = createAdvisoryLeaseManager(drivers().b);
    try {
      const lease = await one.tryAcquire('terminated');
      const lost: unknown[] = [];
      lease?.onLost((reason) => lost.push(reason));
      const [pid] = await holders(drivers().b, 'terminated');
      expect(pid).toBeTypeOf('number');
      await drivers().b.query('SELECT pg_terminate_backend($1)', [pid]);
      await until(() => lost.length > 0, 'onLost');
      await sleep(50);
      expect(lost).toHaveLength(1);
      expect(lease?.held).toBe(false);
      const late: unknown[] = [];
      lease?.onLost((reason) => late.push(reason));
      await until(() => late.length === 1, 'a late onLost listener to hear of the loss');
      const next = await two.acquire('terminated', { signal: AbortSignal.timeout(5_000), pollMs: 20 });
      expect(next.held).toBe(true);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('a heartbeat that gets no answer (a silently dead connection) counts as losing the lease', async () => {
    let hang = false;
    const driver: SqlDriver = {
      ...drivers().a,
      async session() {
        const session = await drivers().a.session();
        return {
          ...session,
          query: (text, params) => (hang && text === 'SELECT 1' ? new Promise(() => {}) : session.query(text, params)),
        };
      },
    };
    const leases = createAdvisoryLeaseManager(driver, { heartbeatMs: 50 });
    const other = createAdvisoryLeaseManager(drivers().b);
    try {
      const lease = (await leases.tryAcquire('heartbeat')) as Lease;
      const lost: unknown[] = [];
      lease.onLost((reason) => lost.push(reason));
      await sleep(200);
      expect(lost).toEqual([]);
      hang = true;
      await until(() => lost.length === 1, 'onLost after the heartbeat went unanswered');
      expect(String(lost[0])).toMatch(/lease heartbeat got no answer within 50 ms/);
      expect(lease.held).toBe(false);
      await lease.release();
      // Its session was ended, so the server freed the lock.
      const next = await other.acquire('heartbeat', { signal: AbortSignal.timeout(5_000), pollMs: 20 });
      expect(next.held).toBe(true);
    } finally {
      await leases.close();
      await other.close();
    }
  });

  describe('another process', () => {
    let child: ChildProcess | undefined;

    afterEach(() => {
      if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      child = undefined;
    });

    /** Starts test/fixtures/lease-holder.ts holding `name`; resolves once it printed HELD. */
    async function holdInChild(url: string, name: string): Promise<ChildProcess> {
      const started = spawn(
        process.execPath,
        [
          '--conditions=@hotline/source',
          '--import',
          'tsx',
          'test/fixtures/lease-holder.ts',
          url,
          drivers().a.schema,
          name,
        ],
        { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = started;
      let output = '';
      started.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      started.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      await until(
        () => {
          if (started.exitCode !== null) throw new Error(`lease holder exited (${started.exitCode}):\n${output}`);
          return output.includes('HELD');
        },
        'the child to hold the lease',
        30_000,
      );
      return started;
    }

    it('takes over within seconds when the holding process is killed (SIGKILL)', async () => {
      const holder = await holdInChild(sharedPostgresUrl(), 'failover');
      const leases = createAdvisoryLeaseManager(drivers().a);
      try {
        expect(await leases.tryAcquire('failover')).toBeUndefined();
        const [childPid] = await holders(drivers().a, 'failover');
        expect(childPid).toBeTypeOf('number');

        const waiting = leases.acquire('failover', { signal: AbortSignal.timeout(10_000), pollMs: 50 });
        expect(await stillPending(waiting, 300)).toBe(true);
        const exited = new Promise((resolve) => holder.once('exit', resolve));
        const killedAt = Date.now();
        holder.kill('SIGKILL');
        await exited;
        const lease = await waiting;
        const tookMs = Date.now() - killedAt;
        expect(lease.held).toBe(true);
        expect(tookMs).toBeLessThan(5_000);
        const now = await holders(drivers().a, 'failover');
        expect(now).toHaveLength(1);
        expect(now[0]).not.toBe(childPid);
      } finally {
        await leases.close();
      }
    });
  });

  describe('a server that dies', () => {
    let server: PostgresServer;

    beforeAll(async () => {
      server = await startPostgres();
    });

    afterAll(async () => {
      await server?.stop();
    });

    it('fires the holder’s onLost when the server is killed; after a restart the lease is free again', async () => {
      const driver = createPgDriver({
        connectionString: server.url,
        schema: drivers().a.schema,
        connectionTimeoutMs: 2_000,
      });
      const leases = createAdvisoryLeaseManager(driver);
      try {
        const lease = (await leases.tryAcquire('leader')) as Lease;
        expect(lease.held).toBe(true);
        const lost: unknown[] = [];
        lease.onLost((reason) => lost.push(reason));

        await server.kill();
        await until(() => lost.length > 0, 'onLost after the server was killed');
        expect(lost).toHaveLength(1);
        expect(lost[0]).toMatchObject({ code: 'UNAVAILABLE' });
        expect(lease.held).toBe(false);
        await expect(leases.tryAcquire('leader')).rejects.toThrow(/ECONNREFUSED|unavailable/i);

        // acquire keeps waiting through the outage, and gets the lease once the server is back.
        const waiting = leases.acquire('leader', { signal: AbortSignal.timeout(30_000), pollMs: 100 });
        await server.restart();
        const again = await waiting;
        expect(again.held).toBe(true);
        expect(await holders(driver, 'leader')).toHaveLength(1);
      } finally {
        await leases.close();
        await driver.close();
      }
    });
  });
});
