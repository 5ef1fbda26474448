import { check, checkEqual, checkRejects } from '@hotline/core/testing';
import { defineTicketCases } from './case.js';
import { change, creation, makeComment, makeEntry, makeTicket } from './fixtures.js';

export const ticketCases = defineTicketCases('tickets', {
  'create stores version 1 and get returns it': async ({ store, tenantId }) => {
    const ticket = makeTicket(tenantId, { tags: ['vip'] });
    const stored = await store.create(creation(ticket));
    checkEqual(stored, ticket, 'create returns the stored ticket');
    checkEqual(await store.get(tenantId, ticket.id), ticket, 'get returns it');
    checkEqual(await store.getByNumber(tenantId, 1), ticket, 'getByNumber finds it');
    checkEqual(await store.get(tenantId, 'tkt_missing'), undefined, 'an unknown id is undefined');
  },
  'create refuses a version other than 1, a duplicate id and a duplicate number': async ({ store, tenantId }) => {
    const ticket = makeTicket(tenantId);
    await checkRejects(
      store.create({ ...creation(ticket), ticket: { ...ticket, version: 2 } }),
      'VALIDATION_FAILED',
      'version 2',
    );
    await store.create(creation(ticket));
    await checkRejects(store.create(creation(ticket)), 'ALREADY_EXISTS', 'same id');
    const sameNumber = makeTicket(tenantId, { number: 1 });
    const error = await checkRejects(store.create(creation(sameNumber)), 'ALREADY_EXISTS', 'same number');
    checkEqual((error as { details?: { reason?: unknown } }).details?.reason, 'number', 'reason names the number');
    checkEqual(await store.get(tenantId, sameNumber.id), undefined, 'the refused ticket is not stored');
  },
  'values are copied in and out': async ({ store, tenantId }) => {
    const ticket = makeTicket(tenantId, { tags: ['a'] });
    await store.create(creation(ticket));
    ticket.tags.push('mutated');
    checkEqual((await store.get(tenantId, ticket.id))?.tags, ['a'], 'the caller’s later mutation is not stored');
    const read = await store.get(tenantId, ticket.id);
    check(read !== undefined, 'stored');
    try {
      (read.tags as string[]).push('x');
    } catch {
      // frozen: fine
    }
    checkEqual((await store.get(tenantId, ticket.id))?.tags, ['a'], 'mutating a returned value changes nothing');
  },
  'update stores expectedVersion + 1 and refuses a stale version': async ({ store, tenantId }) => {
    const ticket = makeTicket(tenantId);
    await store.create(creation(ticket));
    const v2 = await store.update(change(ticket, 1, { status: 'open' }), 1);
    checkEqual([v2.version, v2.status], [2, 'open'], 'update returns version 2');
    const error = await checkRejects(store.update(change(ticket, 1, { status: 'pending' }), 1), 'CONFLICT', 'stale');
    checkEqual((error as { details?: { reason?: unknown } }).details?.reason, 'version', 'reason is version');
    checkEqual((await store.get(tenantId, ticket.id))?.status, 'open', 'the stale write changed nothing');
    checkEqual((await store.history(tenantId, ticket.id)).length, 2, 'and appended no entry');
  },
  'update of an unknown ticket is NOT_FOUND; a mismatched entry version is refused': async ({ store, tenantId }) => {
    const ticket = makeTicket(tenantId);
    await checkRejects(store.update(change(ticket, 1), 1), 'NOT_FOUND', 'unknown');
    await store.create(creation(ticket));
    const write = change(ticket, 1);
    await checkRejects(
      store.update({ ...write, entry: makeEntry(ticket, 5) }, 1),
      'VALIDATION_FAILED',
      'entry version',
    );
    checkEqual((await store.get(tenantId, ticket.id))?.version, 1, 'nothing written');
  },
  'concurrent updates from one version: exactly one wins': async ({ store, tenantId, concurrency }) => {
    const ticket = makeTicket(tenantId);
    await store.create(creation(ticket));
    const attempts = Array.from({ length: Math.min(concurrency, 50) }, (_, i) =>
      store.update(change(ticket, 1, { subject: `writer ${i}` }), 1).then(
        () => 'ok',
        (error: { code?: string }) => error.code,
      ),
    );
    const outcomes = await Promise.all(attempts);
    checkEqual(outcomes.filter((o) => o === 'ok').length, 1, 'one winner');
    check(
      outcomes.every((o) => o === 'ok' || o === 'CONFLICT'),
      'the others get CONFLICT',
    );
    checkEqual((await store.history(tenantId, ticket.id)).length, 2, 'one entry per successful write');
  },
  'nextNumber is 1, then strictly increasing, unique under concurrency': async ({
    store,
    tenantId,
    otherTenantId,
    concurrency,
  }) => {
    checkEqual(await store.nextNumber(tenantId), 1, 'first number');
    const numbers = await Promise.all(Array.from({ length: concurrency }, () => store.nextNumber(tenantId)));
    checkEqual(new Set(numbers).size, numbers.length, 'no repeats');
    check(Math.min(...numbers) > 1, 'after the first');
    checkEqual(await store.nextNumber(otherTenantId), 1, 'numbers are per tenant');
  },
  'a write with a comment stores both': async ({ store, tenantId }) => {
    const ticket = makeTicket(tenantId);
    const comment = makeComment(ticket);
    await store.create(creation(ticket, [comment]));
    checkEqual(await store.getComment(tenantId, comment.id), comment, 'comment stored');
  },
});
