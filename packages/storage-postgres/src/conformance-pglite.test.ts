import { PGlite } from '@electric-sql/pglite';
import { describeStorageConformance } from '@hotline/core/testing';
import { afterAll, describe, it } from 'vitest';
import { freshSchemaName } from '../test/schema.js';
import { createPgliteStorage } from './create-storage.js';

// One embedded database for the file, one fresh schema per case: starting PGlite takes a while.
const db = new PGlite();
afterAll(() => db.close());

describeStorageConformance(
  { describe, it },
  {
    name: 'pglite',
    create: () => createPgliteStorage({ instance: db, schema: freshSchemaName() }),
    destroy: async (storage) => {
      await storage.close();
    },
  },
);
