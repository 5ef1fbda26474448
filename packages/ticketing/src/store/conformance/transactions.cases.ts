import { check, checkEqual, checkRejects } from '@hotline/core/testing';
import { defineTicketCases } from './case.js';
import { change, creation, makeComment, makeTicket } from './fixtures.js';

class Boom extends Error {}

export const transactionCases = defineTicketCases('transactions', {
  'a transaction commits every write together': async ({ store, tenantId }) => {
    const a = makeTicket(tenantId);
    const b = makeTicket(tenantId, { number: 2 });
    const result = await store.transaction(async (tx) => {
      await tx.create(creation(a));
      await tx.create(creation(b, [makeComment(b)]));
      await tx.update(change(a, 1, { status: 'open' }), 1);
      checkEqual((await tx.get(tenantId, a.id))?.version, 2, 'reads its own writes');
      return 'done';
    });
    checkEqual(result, 'done', 'returns the callback’s value');
    checkEqual((await store.get(tenantId, a.id))?.status, 'open', 'committed');
    checkEqual((await store.comments(tenantId, b.id)).items.length, 1, 'comment committed');
  },
  'a throwing transaction leaves nothing behind': async ({ store, tenantId }) => {
    const existing = makeTicket(tenantId);
    await store.create(creation(existing));
    const fresh = makeTicket(tenantId, { number: 2 });
    const failing = store.transaction(async (tx) => {
      const number = await tx.nextNumber(tenantId);
      await tx.create(creation({ ...fresh, number: number + 10 }, [makeComment(fresh, { clientCommentId: 'k' })]));
      await tx.update(change(existing, 1, { subject: 'changed' }, [makeComment(existing)]), 1);
      throw new Boom('rollback');
    });
    await failing.then(
      () => {
        throw new Error('transaction should have rejected');
      },
      (error: unknown) => check(error instanceof Boom, 'the callback’s error is rethrown'),
    );
    checkEqual(await store.get(tenantId, fresh.id), undefined, 'create rolled back');
    checkEqual((await store.get(tenantId, existing.id))?.subject, existing.subject, 'update rolled back');
    checkEqual((await store.history(tenantId, existing.id)).length, 1, 'history rolled back');
    checkEqual((await store.comments(tenantId, existing.id)).items, [], 'comments rolled back');
    checkEqual(await store.findCommentByClientId(tenantId, fresh.id, 'k'), undefined, 'comment key free again');
    await store.create(creation({ ...fresh, number: 11 }));
    checkEqual((await store.get(tenantId, fresh.id))?.number, 11, 'the id and number are free again');
  },
  'a refused write inside a transaction does not spoil it; nested transactions join': async ({ store, tenantId }) => {
    const ticket = makeTicket(tenantId);
    await store.create(creation(ticket));
    await store.transaction(async (tx) => {
      await checkRejects(tx.update(change(ticket, 7), 7), 'CONFLICT', 'stale inside');
      await tx.transaction(async (inner) => {
        await inner.update(change(ticket, 1, { status: 'open' }), 1);
      });
    });
    checkEqual((await store.get(tenantId, ticket.id))?.status, 'open', 'later write committed');
  },
  'calls through an ended transaction fail with UNAVAILABLE': async ({ store, tenantId }) => {
    let leaked: typeof store | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await checkRejects((leaked as typeof store).get(tenantId, 'tkt_x'), 'UNAVAILABLE', 'ended transaction');
  },
});
