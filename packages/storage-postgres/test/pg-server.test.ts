import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { dirname } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type PostgresServer, startPostgres } from '../src/testing/postgres-server.js';
import { describeWithPostgres, sharedPostgresUrl } from './pg-available.js';
import { createSchema, dropSchema, freshSchemaName } from './schema.js';

async function connected(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  // A server crash makes idle clients emit 'error'; without a listener that would crash the worker.
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

describeWithPostgres('startPostgres (a real PostgreSQL server on loopback)', () => {
  let server: PostgresServer;

  beforeAll(async () => {
    server = await startPostgres();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('accepts connections at its url, as the postgres superuser', async () => {
    expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
    const client = await connected(server.url);
    try {
      const { rows } = await client.query<{ version: string; user: string; fsync: string }>(
        `SELECT current_setting('server_version_num') AS version, current_user AS user,
                current_setting('fsync') AS fsync`,
      );
      expect(Number(rows[0]?.version)).toBeGreaterThanOrEqual(150_000);
      expect(rows[0]?.user).toBe('postgres');
      expect(rows[0]?.fsync).toBe('on');
    } finally {
      await client.end();
    }
  });

  it('listens on 127.0.0.1 only, with its unix socket inside its own temp dir', async () => {
    const client = await connected(server.url);
    try {
      const listen = await client.query<{ listen_addresses: string }>('SHOW listen_addresses');
      expect(listen.rows[0]?.listen_addresses).toBe('127.0.0.1');
      const sockets = await client.query<{ unix_socket_directories: string }>('SHOW unix_socket_directories');
      expect(sockets.rows[0]?.unix_socket_directories).toBe(server.tempDir);
      expect(dirname(server.dataDir)).toBe(server.tempDir);
    } finally {
      await client.end();
    }
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address !== undefined && !address.internal)
      .map((address) => address?.address ?? '');
    for (const address of external) {
      expect(await accepts(address, server.port), `${address}:${server.port}`).toBe(false);
    }
  });

  it('keeps committed rows across a crash (immediate shutdown) and loses the uncommitted ones', async () => {
    const client = await connected(server.url);
    await client.query('CREATE TABLE durable (id int PRIMARY KEY, note text NOT NULL)');
    await client.query("INSERT INTO durable VALUES (1, 'committed')");
    const inFlight = await connected(server.url);
    await inFlight.query('BEGIN');
    await inFlight.query("INSERT INTO durable VALUES (2, 'in flight')");

    await server.kill();
    await expect(client.query('SELECT 1')).rejects.toThrow();
    await client.end().catch(() => {});
    await inFlight.end().catch(() => {});

    await server.restart();
    const after = await connected(server.url);
    try {
      const { rows } = await after.query<{ id: number; note: string }>('SELECT id, note FROM durable ORDER BY id');
      expect(rows).toEqual([{ id: 1, note: 'committed' }]);
    } finally {
      await after.end();
    }
  });

  it('stop() shuts the server down and removes its directory; a second stop() is a no-op', async () => {
    const other = await startPostgres();
    expect(other.port).not.toBe(server.port);
    expect(other.tempDir).not.toBe(server.tempDir);
    expect(existsSync(other.dataDir)).toBe(true);
    await other.stop();
    expect(existsSync(other.tempDir)).toBe(false);
    expect(await accepts('127.0.0.1', other.port)).toBe(false);
    await other.stop();
  });

  it('starts several servers at once, each on its own port and directory', async () => {
    const servers = await Promise.all([startPostgres(), startPostgres()]);
    try {
      const [a, b] = servers;
      expect(a?.port).not.toBe(b?.port);
      expect(a?.tempDir).not.toBe(b?.tempDir);
      for (const each of servers) {
        const client = await connected(each.url);
        await expect(client.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
        await client.end();
      }
    } finally {
      await Promise.all(servers.map((each) => each.stop()));
    }
  });
});

describeWithPostgres('the shared server from global-setup.ts, and per-test schemas', () => {
  it('is reachable through inject', async () => {
    const client = await connected(sharedPostgresUrl());
    try {
      const { rows } = await client.query<{ addr: string }>('SELECT host(inet_server_addr()) AS addr');
      expect(rows[0]?.addr).toBe('127.0.0.1');
    } finally {
      await client.end();
    }
  });

  it('freshSchemaName() gives unique lowercase names; dropSchema() drops a schema and its tables', async () => {
    const names = new Set(Array.from({ length: 100 }, () => freshSchemaName()));
    expect(names.size).toBe(100);
    for (const name of names) expect(name).toMatch(/^t_[0-9a-f]{16}$/);

    const url = sharedPostgresUrl();
    const [name] = names;
    if (name === undefined) throw new Error('unreachable');
    await createSchema(url, name);
    const client = await connected(url);
    try {
      await client.query(`CREATE TABLE ${name}.thing (id int)`);
      await dropSchema(url, name);
      await dropSchema(url, name);
      const { rows } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [name]);
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
