import { checkEqual, checkRejects } from '@hotline/core/testing';
import { defineTicketCases } from './case.js';
import { change, creation, makeComment, makeTicket } from './fixtures.js';

export const tenancyCases = defineTicketCases('tenancy', {
  'another tenant’s ticket behaves as if it did not exist': async ({ store, tenantId, otherTenantId }) => {
    const ticket = makeTicket(tenantId, { tags: ['vip'] });
    const comment = makeComment(ticket, { clientCommentId: 'k' });
    await store.create(creation(ticket, [comment]));
    checkEqual(await store.get(otherTenantId, ticket.id), undefined, 'get');
    checkEqual(await store.getByNumber(otherTenantId, ticket.number), undefined, 'getByNumber');
    checkEqual((await store.list(otherTenantId, { tag: 'vip' })).items, [], 'list');
    checkEqual(await store.history(otherTenantId, ticket.id), [], 'history');
    checkEqual((await store.comments(otherTenantId, ticket.id)).items, [], 'comments');
    checkEqual(await store.getComment(otherTenantId, comment.id), undefined, 'getComment');
    checkEqual(await store.findCommentByClientId(otherTenantId, ticket.id, 'k'), undefined, 'findCommentByClientId');
    const foreign = { ...ticket, tenantId: otherTenantId };
    await checkRejects(store.update(change(foreign, 1), 1), 'NOT_FOUND', 'update through the other tenant');
    checkEqual((await store.get(tenantId, ticket.id))?.version, 1, 'untouched');
    const twin = makeTicket(otherTenantId, { id: ticket.id, number: ticket.number });
    await store.create(creation(twin));
    checkEqual(
      (await store.get(otherTenantId, ticket.id))?.tenantId,
      otherTenantId,
      'same id and number in another tenant',
    );
  },
});
