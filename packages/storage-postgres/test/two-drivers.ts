import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll } from 'vitest';
import {
  createPgDriver,
  createPgliteDriver,
  createPgliteStorage,
  createPostgresStorage,
  type SqlBackedStorage,
  type SqlDriver,
} from '../src/index.js';
import { sharedPostgresUrl } from './pg-available.js';
import { dropSchema, freshSchemaName } from './schema.js';

/** Two drivers on one migrated database, as two processes would see it. */
export interface TwoDrivers {
  /** The migrated storage's own driver. */
  a: SqlDriver;
  /** A second driver on the same schema. */
  b: SqlDriver;
  storage: SqlBackedStorage;
}

/**
 * Registers hooks that open a fresh schema with two drivers on it, on one in-memory PGlite
 * instance or on the shared PostgreSQL server, and close (and drop) it after the suite.
 * Call inside a `describe`; read the drivers from the returned getter inside tests.
 */
export function useTwoDrivers(kind: 'pglite' | 'postgres'): () => TwoDrivers {
  const schema = freshSchemaName();
  let db: PGlite | undefined;
  let opened: TwoDrivers | undefined;
  beforeAll(async () => {
    if (kind === 'pglite') {
      db = new PGlite();
      const storage = await createPgliteStorage({ instance: db, schema });
      opened = { storage, a: storage.driver, b: await createPgliteDriver({ instance: db, schema }) };
    } else {
      const storage = await createPostgresStorage({ connectionString: sharedPostgresUrl(), schema });
      opened = { storage, a: storage.driver, b: createPgDriver({ connectionString: sharedPostgresUrl(), schema }) };
    }
  });
  afterAll(async () => {
    await opened?.b.close();
    await opened?.storage.close();
    await db?.close();
    if (kind === 'postgres') await dropSchema(sharedPostgresUrl(), schema);
  });
  return () => {
    if (!opened) throw new Error('the drivers are opened in beforeAll');
    return opened;
  };
}
