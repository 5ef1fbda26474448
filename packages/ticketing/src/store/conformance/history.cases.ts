import { checkEqual } from '@hotline/core/testing';
import { defineTicketCases } from './case.js';
import { change, creation, makeTicket } from './fixtures.js';

export const historyCases = defineTicketCases('history', {
  'history lists entries by version; afterVersion and limit select': async ({ store, tenantId }) => {
    const ticket = makeTicket(tenantId);
    await store.create(creation(ticket));
    for (let v = 1; v < 5; v++) {
      const write = change(ticket, v);
      write.entry.changes = [{ property: 'subject', from: `s${v}`, to: `s${v + 1}` }];
      await store.update(write, v);
    }
    const all = await store.history(tenantId, ticket.id);
    checkEqual(
      all.map((e) => e.version),
      [1, 2, 3, 4, 5],
      'every version, ascending',
    );
    checkEqual(all[2]?.changes, [{ property: 'subject', from: 's2', to: 's3' }], 'entries are stored as given');
    checkEqual(
      (await store.history(tenantId, ticket.id, { afterVersion: 3 })).map((e) => e.version),
      [4, 5],
      'afterVersion',
    );
    checkEqual(
      (await store.history(tenantId, ticket.id, { afterVersion: 1, limit: 2 })).map((e) => e.version),
      [2, 3],
      'limit',
    );
    checkEqual(await store.history(tenantId, 'tkt_unknown'), [], 'unknown ticket: empty');
  },
});
