import { check, checkEqual, checkRejects } from '@hotline/core/testing';
import { defineTicketCases } from './case.js';
import { change, creation, makeComment, makeTicket } from './fixtures.js';

export const commentCases = defineTicketCases('comments', {
  'comments are ordered by createdAt then id and paged': async ({ store, tenantId }) => {
    const ticket = makeTicket(tenantId);
    const late = makeComment(ticket, { id: 'tcm_a', createdAt: '2026-01-05T10:00:00.000Z' });
    const early = makeComment(ticket, { id: 'tcm_b', createdAt: '2026-01-05T08:00:00.000Z' });
    const tie = makeComment(ticket, { id: 'tcm_c', createdAt: '2026-01-05T10:00:00.000Z' });
    await store.create(creation(ticket, [late]));
    await store.update(change(ticket, 1, {}, [early, tie]), 1);
    const all = await store.comments(tenantId, ticket.id);
    checkEqual(
      all.items.map((c) => c.id),
      ['tcm_b', 'tcm_a', 'tcm_c'],
      'by time, then id',
    );
    checkEqual(all.nextCursor, undefined, 'one page');
    const first = await store.comments(tenantId, ticket.id, { limit: 2 });
    checkEqual(
      first.items.map((c) => c.id),
      ['tcm_b', 'tcm_a'],
      'first page',
    );
    check(first.nextCursor !== undefined, 'a cursor');
    const second = await store.comments(tenantId, ticket.id, { limit: 2, cursor: first.nextCursor as string });
    checkEqual(
      second.items.map((c) => c.id),
      ['tcm_c'],
      'second page',
    );
  },
  'clientCommentId is unique per ticket; the refused write stores nothing': async ({ store, tenantId }) => {
    const ticket = makeTicket(tenantId);
    const first = makeComment(ticket, { clientCommentId: 'k1' });
    await store.create(creation(ticket, [first]));
    checkEqual(await store.findCommentByClientId(tenantId, ticket.id, 'k1'), first, 'found by key');
    const error = await checkRejects(
      store.update(change(ticket, 1, { subject: 'x' }, [makeComment(ticket, { clientCommentId: 'k1' })]), 1),
      'ALREADY_EXISTS',
      'same key',
    );
    const details = (error as { details?: Record<string, unknown> }).details;
    checkEqual([details?.['reason'], details?.['commentId']], ['client_comment_id', first.id], 'names the holder');
    checkEqual((await store.get(tenantId, ticket.id))?.version, 1, 'ticket unchanged');
    const other = makeTicket(tenantId, { number: 2 });
    await store.create(creation(other, [makeComment(other, { clientCommentId: 'k1' })]));
    check(
      (await store.findCommentByClientId(tenantId, other.id, 'k1')) !== undefined,
      'another ticket may use the key',
    );
  },
  'comment ids are unique per tenant': async ({ store, tenantId }) => {
    const ticket = makeTicket(tenantId);
    const comment = makeComment(ticket);
    await store.create(creation(ticket, [comment]));
    await checkRejects(store.update(change(ticket, 1, {}, [{ ...comment }]), 1), 'ALREADY_EXISTS', 'same comment id');
  },
});
