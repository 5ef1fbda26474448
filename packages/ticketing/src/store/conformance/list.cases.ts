import { check, checkEqual } from '@hotline/core/testing';
import type { Ticket } from '../../model/ticket.js';
import { defineTicketCases } from './case.js';
import { creation, makeTicket } from './fixtures.js';

export const listCases = defineTicketCases('list', {
  'list filters by status, assignee, group, requester and tag': async ({ store, tenantId }) => {
    const specs: Partial<Ticket>[] = [
      { status: 'open', assigneeId: 'agt_1', groupId: 'grp_1', requesterId: 'ctc_1', tags: ['vip'] },
      { status: 'pending', assigneeId: 'agt_2', groupId: 'grp_1', requesterId: 'ctc_2', tags: [] },
      { status: 'open', assigneeId: 'agt_2', groupId: 'grp_2', requesterId: 'ctc_1', tags: ['vip', 'billing'] },
    ];
    const made: Ticket[] = [];
    for (const [i, spec] of specs.entries()) {
      const ticket = makeTicket(tenantId, { id: `tkt_list_${i}`, number: i + 1, ...spec });
      made.push(await store.create(creation(ticket)));
    }
    const ids = async (filter: Parameters<typeof store.list>[1]) =>
      (await store.list(tenantId, filter)).items.map((t) => t.id);
    checkEqual(
      await ids({}),
      made.map((t) => t.id),
      'everything, by id',
    );
    checkEqual(await ids({ status: ['open'] }), ['tkt_list_0', 'tkt_list_2'], 'status');
    checkEqual(await ids({ status: ['pending', 'solved'] }), ['tkt_list_1'], 'any of the statuses');
    checkEqual(await ids({ assigneeId: 'agt_2' }), ['tkt_list_1', 'tkt_list_2'], 'assignee');
    checkEqual(await ids({ groupId: 'grp_1' }), ['tkt_list_0', 'tkt_list_1'], 'group');
    checkEqual(await ids({ requesterId: 'ctc_1' }), ['tkt_list_0', 'tkt_list_2'], 'requester');
    checkEqual(await ids({ tag: 'billing' }), ['tkt_list_2'], 'tag');
    checkEqual(
      await ids({ status: ['open'], tag: 'vip', assigneeId: 'agt_1' }),
      ['tkt_list_0'],
      'all filters together',
    );
  },
  'list pages with a stable cursor while tickets are added': async ({ store, tenantId }) => {
    for (let i = 0; i < 5; i++) {
      await store.create(creation(makeTicket(tenantId, { id: `tkt_page_${i}`, number: i + 1 })));
    }
    const first = await store.list(tenantId, {}, { limit: 2 });
    checkEqual(
      first.items.map((t) => t.id),
      ['tkt_page_0', 'tkt_page_1'],
      'first page',
    );
    check(first.nextCursor !== undefined, 'has more');
    await store.create(creation(makeTicket(tenantId, { id: 'tkt_page_9', number: 10 })));
    const seen = first.items.map((t) => t.id);
    let cursor: string | undefined = first.nextCursor;
    while (cursor) {
      const page = await store.list(tenantId, {}, { limit: 2, cursor });
      seen.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor;
    }
    checkEqual(
      seen,
      ['tkt_page_0', 'tkt_page_1', 'tkt_page_2', 'tkt_page_3', 'tkt_page_4', 'tkt_page_9'],
      'no gap, no repeat',
    );
  },
});
