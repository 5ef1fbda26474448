/**
 * One schema per test (or suite) on the shared server, so tests never see each other's tables.
 */
import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier } from 'pg';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A fresh, unique, lowercase schema name such as `t_3f9a0c1b7e2d4a65` (no quoting needed). */
export function freshSchemaName(prefix = 't'): string {
  const name = `${prefix}_${randomBytes(8).toString('hex')}`;
  if (!SCHEMA_NAME.test(name)) throw new Error(`invalid schema name prefix: ${JSON.stringify(prefix)}`);
  return name;
}

async function withClient<T>(url: string, body: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** `CREATE SCHEMA <name>` on the server at `url`. */
export async function createSchema(url: string, name: string): Promise<void> {
  await withClient(url, (client) => client.query(`CREATE SCHEMA ${escapeIdentifier(name)}`));
}

/** `DROP SCHEMA IF EXISTS <name> CASCADE` on the server at `url`. */
export async function dropSchema(url: string, name: string): Promise<void> {
  await withClient(url, (client) => client.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(name)} CASCADE`));
}
