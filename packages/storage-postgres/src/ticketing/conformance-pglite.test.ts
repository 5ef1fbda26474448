import { PGlite } from '@electric-sql/pglite';
import { describeTicketStoreConformance } from '@hotline/ticketing/testing';
import { afterAll, describe, it } from 'vitest';
import { freshSchemaName } from '../../test/schema.js';
import { createPgliteStorage, type SqlBackedStorage } from '../create-storage.js';
import { createSqlTicketStore } from './sql-ticket-store.js';

// One embedded database for the file, one fresh schema per case: starting PGlite takes a while.
const db = new PGlite();
afterAll(() => db.close());

// Through a storage: the way an application shares one database between core and tickets.
const storages = new WeakMap<object, SqlBackedStorage>();

describeTicketStoreConformance(
  { describe, it },
  {
    name: 'pglite',
    create: async () => {
      const storage = await createPgliteStorage({ instance: db, schema: freshSchemaName() });
      const store = await createSqlTicketStore(storage);
      storages.set(store, storage);
      return store;
    },
    destroy: async (store) => {
      await storages.get(store)?.close();
    },
  },
);
