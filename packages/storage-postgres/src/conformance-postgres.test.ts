import { describeStorageConformance } from '@hotline/core/testing';
import { describe, it } from 'vitest';
import { describeWithPostgres, sharedPostgresUrl } from '../test/pg-available.js';
import { dropSchema, freshSchemaName } from '../test/schema.js';
import { createPostgresStorage, type SqlBackedStorage } from './create-storage.js';

describeWithPostgres('PostgreSQL server', () => {
  describeStorageConformance(
    { describe, it },
    {
      name: 'postgres',
      create: () =>
        createPostgresStorage({ connectionString: sharedPostgresUrl(), schema: freshSchemaName(), maxConnections: 20 }),
      destroy: async (storage) => {
        const schema = (storage as SqlBackedStorage).driver.schema;
        await storage.close();
        await dropSchema(sharedPostgresUrl(), schema);
      },
    },
  );
});
