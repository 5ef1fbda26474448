import { describe, expect, it } from 'vitest';
import { agent, as, makeKit, requester, TENANT } from './test-kit.js';

const fields = [
  { key: 'plan', type: 'dropdown' as const, options: ['free', 'pro'], requiredIn: ['solved' as const] },
  { key: 'order_id', type: 'text' as const },
];

describe('create', () => {
  it('numbers tickets per tenant, writes the first comment and one history entry', async () => {
    const kit = makeKit();
    const first = await kit.tickets.create(agent(), {
      subject: 'Printer',
      requesterId: 'ctc_1',
      description: 'It smokes',
    });
    const second = await kit.tickets.create(agent(), { subject: 'Scanner', requesterId: 'ctc_1' });
    const other = await kit.tickets.create(as({ type: 'agent', id: 'agt_9' }, 'ten_b'), {
      subject: 'X',
      requesterId: 'ctc_9',
    });
    expect([first.number, second.number, other.number]).toEqual([1, 2, 1]);
    expect(first).toMatchObject({ status: 'new', priority: 'normal', version: 1, source: { kind: 'api' } });
    const comments = await kit.tickets.comments({ tenantId: TENANT }, first.id);
    expect(comments.items).toEqual([expect.objectContaining({ body: 'It smokes', author: 'agent', public: true })]);
    const [entry] = await kit.tickets.history({ tenantId: TENANT }, first.id);
    expect(entry).toMatchObject({ version: 1, kind: 'created', comment: { author: 'agent', public: true } });
    expect(entry?.changes).toContainEqual({ property: 'status', from: null, to: 'new' });
    expect((await kit.tickets.getByNumber({ tenantId: TENANT }, 2)).id).toBe(second.id);
    expect(kit.results.map((r) => r.entry.kind)).toEqual(['created', 'created', 'created']);
  });

  it('links a conversation both ways through core’s conversation service', async () => {
    const kit = makeKit();
    const { conversation } = await kit.hotline.conversations.start({
      tenantId: TENANT,
      channel: 'webchat',
      contact: { identity: { channel: 'webchat', address: 'visitor-1' } },
    });
    const ticket = await kit.tickets.create(as({ type: 'system', reason: 'escalation' }), {
      subject: 'From chat',
      requesterId: conversation.contactId,
      description: 'My order is late',
      source: { kind: 'conversation', conversationId: conversation.id },
    });
    expect(ticket.conversationIds).toEqual([conversation.id]);
    const linked = await kit.hotline.conversations.get(TENANT, conversation.id);
    expect(linked.attributes['ticketId']).toBe(ticket.id);
    const [comment] = (await kit.tickets.comments({ tenantId: TENANT }, ticket.id)).items;
    expect(comment).toMatchObject({ author: 'requester', authorId: conversation.contactId });
    await expect(
      kit.tickets.create(agent(), {
        subject: 'x',
        requesterId: 'c',
        source: { kind: 'conversation', conversationId: 'cnv_nope' },
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      kit.tickets.create(agent(), { subject: 'x', requesterId: 'c', source: { kind: 'conversation' } }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('validates fields, forms, custom statuses and the initial status', async () => {
    const kit = makeKit({
      fields,
      forms: [{ id: 'form_refund', name: 'Refund', fieldKeys: ['order_id'], requiredKeys: ['order_id'] }],
      customStatuses: [{ id: 'cs_vendor', name: 'Waiting for vendor', category: 'on_hold' }],
    });
    const ok = await kit.tickets.create(agent(), {
      subject: 'Refund',
      requesterId: 'ctc_1',
      formId: 'form_refund',
      fields: { order_id: 'A-1' },
      customStatusId: 'cs_vendor',
    });
    expect(ok).toMatchObject({ status: 'on_hold', customStatusId: 'cs_vendor', fields: { order_id: 'A-1' } });
    const bad = [
      { subject: 'x', requesterId: 'c', formId: 'form_refund', fields: { plan: 'pro', order_id: 'A' } },
      { subject: 'x', requesterId: 'c', formId: 'form_refund' },
      { subject: 'x', requesterId: 'c', fields: { nope: 1 } },
      { subject: 'x', requesterId: 'c', status: 'solved' as const },
      { subject: 'x', requesterId: 'c', status: 'solved' as const, assigneeId: 'agt_1' },
      { subject: 'x', requesterId: 'c', customStatusId: 'cs_nope' },
    ];
    for (const input of bad) await expect(kit.tickets.create(agent(), input)).rejects.toThrow();
    expect((await kit.tickets.list({ tenantId: TENANT })).items).toHaveLength(1);
  });
});

describe('comments', () => {
  it('a requester reply reopens pending, on_hold and solved; closed refuses with a follow-up hint', async () => {
    const kit = makeKit({ autoCloseAfterMs: null });
    const t = await kit.tickets.create(agent(), {
      subject: 'S',
      requesterId: 'ctc_1',
      assigneeId: 'agt_1',
      status: 'open',
    });
    for (const status of ['pending', 'on_hold', 'solved'] as const) {
      await kit.tickets.update(agent(), t.id, { changes: { status } });
      const { ticket } = await kit.tickets.comment(requester(), t.id, { body: 'still broken', public: true });
      expect(ticket.status).toBe('open');
      expect(ticket.solvedAt).toBeUndefined();
    }
    await kit.tickets.update(agent(), t.id, { changes: { status: 'solved' } });
    await kit.tickets.update(agent(), t.id, { changes: { status: 'closed' } });
    await expect(kit.tickets.comment(requester(), t.id, { body: 'again', public: true })).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      details: expect.objectContaining({ followUp: true }),
    });
    await expect(kit.tickets.update(agent(), t.id, { changes: { status: 'open' } })).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    });
  });

  it('an agent’s public reply opens a new ticket; an internal note does not', async () => {
    const kit = makeKit();
    const t = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1' });
    const note = await kit.tickets.comment(agent(), t.id, { body: 'looking', public: false });
    expect(note.ticket.status).toBe('new');
    const reply = await kit.tickets.comment(agent(), t.id, { body: 'Hello!', public: true });
    expect(reply.ticket.status).toBe('open');
    const entries = await kit.tickets.history({ tenantId: TENANT }, t.id);
    expect(entries.at(-1)).toMatchObject({
      kind: 'commented',
      comment: { id: reply.comment.id, public: true, author: 'agent' },
      changes: [{ property: 'status', from: 'new', to: 'open' }],
    });
  });

  it('is idempotent by clientCommentId, also under concurrency', async () => {
    const kit = makeKit();
    const t = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1' });
    const tries = await Promise.all(
      Array.from({ length: 5 }, () =>
        kit.tickets.comment(requester(), t.id, { body: 'once', public: true, clientCommentId: 'k-1' }),
      ),
    );
    expect(new Set(tries.map((r) => r.comment.id)).size).toBe(1);
    expect(tries.filter((r) => r.created)).toHaveLength(1);
    expect((await kit.tickets.comments({ tenantId: TENANT }, t.id)).items).toHaveLength(1);
    expect((await kit.tickets.get({ tenantId: TENANT }, t.id)).version).toBe(2);
  });

  it('requesters write public comments as themselves; reply-and-set-status is one write', async () => {
    const kit = makeKit();
    const t = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1', assigneeId: 'agt_1' });
    await expect(kit.tickets.comment(requester(), t.id, { body: 'x', public: false })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      kit.tickets.comment(requester(), t.id, { body: 'x', public: true, author: 'agent' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const r = await kit.tickets.comment(agent(), t.id, { body: 'Try this', public: true, status: 'pending' });
    expect(r.ticket).toMatchObject({ status: 'pending', version: 2 });
    const emailed = await kit.tickets.comment(as({ type: 'integration', id: 'int_mail' }), t.id, {
      body: 'reply by email',
      public: true,
      author: 'requester',
      authorId: 'ctc_1',
    });
    expect(emailed.ticket.status).toBe('open');
  });
});

describe('CSAT', () => {
  it('is requested on solve and stored with the ticket; a later answer replaces it', async () => {
    const kit = makeKit({ autoCloseAfterMs: null });
    const requested: string[] = [];
    kit.hotline.bus.subscribe('ticket.csat_requested', (event) => {
      requested.push(event.ticketId);
    });
    const t = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1', assigneeId: 'agt_1' });
    await expect(kit.tickets.recordCsat(requester(), t.id, { rating: 'good' })).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    });
    await kit.tickets.update(agent(), t.id, { changes: { status: 'solved' } });
    expect(requested).toEqual([t.id]);
    await expect(kit.tickets.recordCsat(requester('ctc_other'), t.id, { rating: 'good' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(kit.tickets.recordCsat(agent(), t.id, { rating: 'good' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const good = await kit.tickets.recordCsat(requester(), t.id, { rating: 'good', comment: 'thanks' });
    expect(good.csat).toMatchObject({ rating: 'good', comment: 'thanks' });
    const bad = await kit.tickets.recordCsat(requester(), t.id, { rating: 'bad' });
    expect(bad.csat).toMatchObject({ rating: 'bad' });
    expect(bad.csat?.comment).toBeUndefined();
    expect(bad.status).toBe('solved');
    const entries = await kit.tickets.history({ tenantId: TENANT }, t.id);
    expect(entries.at(-1)).toMatchObject({ kind: 'csat', actor: { type: 'requester', id: 'ctc_1' } });
  });
});

describe('required fields', () => {
  it('solving needs the fields required in solved; rules and the system are not held to them', async () => {
    const kit = makeKit({ fields, autoCloseAfterMs: null });
    const t = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1', assigneeId: 'agt_1' });
    await expect(kit.tickets.update(agent(), t.id, { changes: { status: 'solved' } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: expect.objectContaining({ missing: ['plan'] }),
    });
    expect((await kit.tickets.get({ tenantId: TENANT }, t.id)).version).toBe(1);
    const solved = await kit.tickets.update(agent(), t.id, { changes: { status: 'solved', fields: { plan: 'pro' } } });
    expect(solved.status).toBe('solved');
    const other = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1', assigneeId: 'agt_1' });
    const byRule = await kit.tickets.update(as({ type: 'trigger', id: 'trg_1' }), other.id, {
      changes: { status: 'solved' },
    });
    expect(byRule.status).toBe('solved');
  });
});

describe('forms on update', () => {
  it('moving to a form refuses values it does not have unless the same change clears them', async () => {
    const kit = makeKit({
      fields,
      forms: [{ id: 'form_refund', name: 'Refund', fieldKeys: ['order_id'] }],
    });
    const t = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1', fields: { plan: 'pro' } });
    await expect(kit.tickets.update(agent(), t.id, { changes: { formId: 'form_refund' } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: expect.objectContaining({ outsideForm: ['plan'] }),
    });
    const moved = await kit.tickets.update(agent(), t.id, {
      changes: { formId: 'form_refund', fields: { plan: null, order_id: 'A-1' } },
    });
    expect(moved).toMatchObject({ formId: 'form_refund', fields: { order_id: 'A-1' } });
    await expect(kit.tickets.update(agent(), t.id, { changes: { fields: { plan: 'free' } } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: expect.objectContaining({ outsideForm: ['plan'] }),
    });
    await expect(kit.tickets.update(agent(), t.id, { changes: { fields: { nope: 1 } } })).rejects.toMatchObject({
      details: expect.objectContaining({ unknownKeys: ['nope'] }),
    });
    const history = await kit.tickets.history({ tenantId: TENANT }, t.id);
    expect(history.at(-1)?.changes).toEqual(
      expect.arrayContaining([
        { property: 'fields.plan', from: 'pro', to: null },
        { property: 'fields.order_id', from: null, to: 'A-1' },
        { property: 'formId', from: null, to: 'form_refund' },
      ]),
    );
  });
});
