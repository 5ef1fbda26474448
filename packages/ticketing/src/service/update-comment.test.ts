import { describe, expect, it } from 'vitest';
import { agent, as, makeKit, requester, TENANT } from './test-kit.js';

// `update` with a comment and meta: what a trigger that changes properties and replies
// writes as ONE history entry.

const trigger = as({ type: 'trigger', id: 'trg_wait' });

describe('update with a comment and meta', () => {
  it('stores the changes, the comment and the meta as one entry', async () => {
    const kit = makeKit();
    const t = await kit.tickets.create(requester(), { subject: 'S', requesterId: 'ctc_1', description: 'd' });
    const after = await kit.tickets.update(trigger, t.id, {
      changes: { status: 'pending', addTags: ['asked'] },
      comment: { body: 'Could you send the order number?', public: true },
      meta: { rule: 'trigger', ruleId: 'trg_wait' },
    });
    expect(after).toMatchObject({ version: 2, status: 'pending', tags: ['asked'] });
    const history = await kit.tickets.history({ tenantId: TENANT }, t.id);
    expect(history).toHaveLength(2);
    expect(history[1]).toMatchObject({
      kind: 'commented',
      actor: { type: 'trigger', id: 'trg_wait' },
      comment: { public: true, author: 'system' },
      meta: { rule: 'trigger', ruleId: 'trg_wait' },
    });
    expect(history[1]?.changes.map((change) => change.property).sort()).toEqual(['status', 'tags']);
    const comments = await kit.tickets.comments({ tenantId: TENANT }, t.id);
    expect(comments.items.at(-1)).toMatchObject({ author: 'system', body: 'Could you send the order number?' });
    expect(kit.results.at(-1)?.entry.comment?.id).toBe(comments.items.at(-1)?.id);
  });

  it('has the lifecycle effects of a comment when the changes set no status', async () => {
    const kit = makeKit();
    const t = await kit.tickets.create(requester(), { subject: 'S', requesterId: 'ctc_1' });
    const opened = await kit.tickets.update(agent(), t.id, { changes: {}, comment: { body: 'Hi', public: true } });
    expect(opened.status).toBe('open');
    await kit.tickets.update(agent(), t.id, { changes: { status: 'pending' } });
    const reopened = await kit.tickets.update(requester(), t.id, {
      changes: {},
      comment: { body: 'Here it is', public: true },
    });
    expect(reopened.status).toBe('open');
    const history = await kit.tickets.history({ tenantId: TENANT }, t.id);
    expect(history.at(-1)?.comment).toMatchObject({ author: 'requester', public: true });
  });

  it('refuses a comment on a closed ticket and bad meta, writing nothing', async () => {
    const kit = makeKit();
    const t = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1', assigneeId: 'agt_1' });
    await kit.tickets.update(agent(), t.id, { changes: { status: 'solved' } });
    await kit.tickets.update(agent(), t.id, { changes: { status: 'closed' } });
    await expect(
      kit.tickets.update(trigger, t.id, { changes: {}, comment: { body: 'x', public: true } }),
    ).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { followUp: true } });
    const open = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1' });
    for (const meta of [{ big: 'x'.repeat(5000) }, JSON.parse('{"__proto__": 1}'), { f: () => 1 }]) {
      await expect(kit.tickets.update(trigger, open.id, { changes: { priority: 'high' }, meta })).rejects.toMatchObject(
        { code: 'VALIDATION_FAILED' },
      );
    }
    await expect(
      kit.tickets.update(trigger, open.id, { changes: {}, comment: { body: '  ', public: true } }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await kit.tickets.get({ tenantId: TENANT }, open.id)).version).toBe(1);
    expect((await kit.tickets.get({ tenantId: TENANT }, t.id)).version).toBe(3);
  });
});
