import { describeTicketStoreConformance } from '@hotline/ticketing/testing';
import { describe, it } from 'vitest';
import { describeWithPostgres, sharedPostgresUrl } from '../../test/pg-available.js';
import { dropSchema, freshSchemaName } from '../../test/schema.js';
import { createPgDriver } from '../driver/pg-driver.js';
import type { SqlDriver } from '../driver/sql-driver.js';
import { createSqlTicketStore } from './sql-ticket-store.js';

// Through a bare driver: the store migrates the schema itself.
const drivers = new WeakMap<object, SqlDriver>();

describeWithPostgres('PostgreSQL server', () => {
  describeTicketStoreConformance(
    { describe, it },
    {
      name: 'postgres',
      create: async () => {
        const driver = createPgDriver({
          connectionString: sharedPostgresUrl(),
          schema: freshSchemaName(),
          maxConnections: 20,
        });
        const store = await createSqlTicketStore(driver);
        drivers.set(store, driver);
        return store;
      },
      destroy: async (store) => {
        const driver = drivers.get(store);
        if (!driver) return;
        await driver.close();
        await dropSchema(sharedPostgresUrl(), driver.schema);
      },
    },
  );
});
