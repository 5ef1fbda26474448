import { describe, expect, it } from 'vitest';
import { agent, makeKit, requester, TENANT } from './test-kit.js';

const read = { tenantId: TENANT };

async function three() {
  const kit = makeKit({ autoCloseAfterMs: null });
  const { conversation } = await kit.hotline.conversations.start({
    tenantId: TENANT,
    channel: 'webchat',
    contact: { identity: { channel: 'webchat', address: 'v-2' } },
  });
  const survivor = await kit.tickets.create(agent(), {
    subject: 'Main',
    requesterId: 'ctc_1',
    tags: ['a'],
    description: 'first',
  });
  const dup = await kit.tickets.create(agent(), {
    subject: 'Dup',
    requesterId: 'ctc_2',
    tags: ['b'],
    followerIds: ['agt_7'],
    description: 'second',
    source: { kind: 'conversation', conversationId: conversation.id },
  });
  await kit.tickets.comment(agent(), dup.id, { body: 'internal on dup', public: false });
  const other = await kit.tickets.create(agent(), { subject: 'Other', requesterId: 'ctc_1' });
  return { kit, survivor, dup, other, conversation };
}

describe('merge', () => {
  it('copies comments, conversations, tags and followers to the survivor; deletes nothing', async () => {
    const { kit, survivor, dup, conversation } = await three();
    const merged: string[] = [];
    kit.hotline.bus.subscribe('ticket.merged', (event) => {
      merged.push(`${event.ticketId}>${event.survivorId}`);
    });
    const result = await kit.tickets.merge(agent(), { survivorId: survivor.id, mergedIds: [dup.id] });
    expect(result.survivor).toMatchObject({
      tags: ['a', 'b'],
      conversationIds: [conversation.id],
      followerIds: ['agt_7', 'ctc_2'],
      links: [{ kind: 'merged_from', ticketId: dup.id }],
    });
    expect(result.merged[0]).toMatchObject({
      status: 'merged',
      links: [{ kind: 'merged_into', ticketId: survivor.id }],
    });
    const bodies = (await kit.tickets.comments(read, survivor.id)).items.map((c) => c.body);
    expect(bodies).toEqual(
      expect.arrayContaining(['first', 'second', 'internal on dup', `Merged #${dup.number} into this ticket.`]),
    );
    const kept = (await kit.tickets.comments(read, dup.id)).items.map((c) => c.body);
    expect(kept).toEqual(expect.arrayContaining(['second', 'internal on dup']));
    expect((await kit.hotline.conversations.get(TENANT, conversation.id)).attributes['ticketId']).toBe(survivor.id);
    expect(merged).toEqual([`${dup.id}>${survivor.id}`]);
    const survivorHistory = await kit.tickets.history(read, survivor.id);
    expect(survivorHistory.at(-1)).toMatchObject({ kind: 'merged', meta: { mergedIds: [dup.id] } });
  });

  it('a merged ticket is final: no comment, no update, no second merge', async () => {
    const { kit, survivor, dup, other } = await three();
    await kit.tickets.merge(agent(), { survivorId: survivor.id, mergedIds: [dup.id] });
    await expect(
      kit.tickets.comment(requester('ctc_2'), dup.id, { body: 'hello?', public: true }),
    ).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    });
    await expect(kit.tickets.update(agent(), dup.id, { changes: { status: 'open' } })).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    });
    await expect(kit.tickets.merge(agent(), { survivorId: other.id, mergedIds: [dup.id] })).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    });
    await expect(kit.tickets.merge(agent(), { survivorId: dup.id, mergedIds: [other.id] })).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    });
  });

  it('refuses bad input and changes nothing when any ticket is missing', async () => {
    const { kit, survivor, dup } = await three();
    await expect(
      kit.tickets.merge(agent(), { survivorId: survivor.id, mergedIds: [survivor.id] }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      kit.tickets.merge(agent(), { survivorId: survivor.id, mergedIds: [dup.id, 'tkt_missing'] }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await kit.tickets.get(read, dup.id)).status).toBe('new');
    expect((await kit.tickets.get(read, survivor.id)).version).toBe(1);
  });

  it('is all or nothing: a survivor that would exceed 100 tags refuses the whole merge', async () => {
    const kit = makeKit();
    const many = Array.from({ length: 60 }, (_, i) => `s${i}`);
    const more = Array.from({ length: 60 }, (_, i) => `m${i}`);
    const a = await kit.tickets.create(agent(), { subject: 'A', requesterId: 'ctc_1', tags: many });
    const b = await kit.tickets.create(agent(), { subject: 'B', requesterId: 'ctc_1', tags: more });
    await expect(kit.tickets.merge(agent(), { survivorId: a.id, mergedIds: [b.id] })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect((await kit.tickets.get(read, b.id)).status).toBe('new');
    expect((await kit.tickets.comments(read, a.id)).items).toEqual([]);
  });
});

describe('link', () => {
  it('stores the inverse on the other ticket; linking twice changes nothing', async () => {
    const { kit, survivor, other } = await three();
    const result = await kit.tickets.link(agent(), survivor.id, other.id, 'parent');
    expect(result.ticket.links).toEqual([{ kind: 'parent', ticketId: other.id }]);
    expect(result.other.links).toEqual([{ kind: 'child', ticketId: survivor.id }]);
    const again = await kit.tickets.link(agent(), survivor.id, other.id, 'parent');
    expect(again.ticket.version).toBe(result.ticket.version);
    const related = await kit.tickets.link(agent(), other.id, survivor.id, 'related');
    expect(related.other.links).toContainEqual({ kind: 'related', ticketId: other.id });
    await expect(kit.tickets.link(agent(), other.id, other.id, 'related')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(kit.tickets.link(agent(), other.id, survivor.id, 'merged_into' as 'related')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('split', () => {
  it('creates a ticket with copies of the chosen comments, linked both ways', async () => {
    const { kit, dup } = await three();
    const comments = (await kit.tickets.comments(read, dup.id)).items;
    const chosen = comments.find((c) => c.body === 'internal on dup');
    const { source, created } = await kit.tickets.split(agent(), dup.id, {
      commentIds: [chosen?.id as string],
      subject: 'Split off',
    });
    expect(created).toMatchObject({
      subject: 'Split off',
      status: 'new',
      requesterId: 'ctc_2',
      source: { kind: 'split', ticketId: dup.id },
      links: [{ kind: 'split_from', ticketId: dup.id }],
    });
    expect(source.links).toContainEqual({ kind: 'split_into', ticketId: created.id });
    const copied = (await kit.tickets.comments(read, created.id)).items;
    expect(copied).toEqual([expect.objectContaining({ body: 'internal on dup', public: false, ticketId: created.id })]);
    expect(copied[0]?.id).not.toBe(chosen?.id);
    expect((await kit.tickets.comments(read, dup.id)).items).toHaveLength(comments.length);
    await expect(
      kit.tickets.split(agent(), dup.id, { commentIds: ['tcm_foreign'], subject: 'x' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('follow-up', () => {
  it('is the only way to continue a closed ticket', async () => {
    const kit = makeKit({ autoCloseAfterMs: null });
    const t = await kit.tickets.create(agent(), {
      subject: 'Old',
      requesterId: 'ctc_1',
      assigneeId: 'agt_1',
      tags: ['x'],
    });
    await expect(kit.tickets.createFollowUp(agent(), t.id, {})).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      details: expect.objectContaining({ reason: 'not_closed' }),
    });
    await kit.tickets.update(agent(), t.id, { changes: { status: 'solved' } });
    await kit.tickets.update(agent(), t.id, { changes: { status: 'closed' } });
    const { source, created } = await kit.tickets.createFollowUp(requester(), t.id, { description: 'It broke again' });
    expect(created).toMatchObject({
      subject: 'Old',
      status: 'new',
      requesterId: 'ctc_1',
      tags: ['x'],
      assigneeId: 'agt_1',
      source: { kind: 'follow_up', ticketId: t.id },
      links: [{ kind: 'follow_up', ticketId: t.id }],
    });
    expect(source).toMatchObject({ status: 'closed', links: [{ kind: 'followed_by', ticketId: created.id }] });
    const [first] = (await kit.tickets.comments(read, created.id)).items;
    expect(first).toMatchObject({ body: 'It broke again', author: 'requester' });
  });
});
