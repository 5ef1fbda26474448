import { describe, expect, it } from 'vitest';
import { MAX_COMMENT_BYTES } from '../model/comment.js';
import type { CreateTicketInput } from './inputs.js';
import { agent, as, makeKit, OTHER_TENANT, TENANT } from './test-kit.js';

const read = { tenantId: TENANT };

describe('hostile input', () => {
  it('oversized subjects, bodies and lists are refused and write nothing', async () => {
    const kit = makeKit({ fields: [{ key: 'plan', type: 'text' }] });
    const bad: CreateTicketInput[] = [
      { subject: 'x'.repeat(501), requesterId: 'ctc_1' },
      { subject: '   ', requesterId: 'ctc_1' },
      { subject: 'ok', requesterId: 'ctc_1', description: 'x'.repeat(MAX_COMMENT_BYTES + 1) },
      // Under the character limit, over the byte limit.
      { subject: 'ok', requesterId: 'ctc_1', description: '€'.repeat(Math.ceil(MAX_COMMENT_BYTES / 3) + 1) },
      { subject: 'ok', requesterId: 'ctc_1', tags: Array.from({ length: 101 }, (_, i) => `t${i}`) },
      { subject: 'ok', requesterId: 'ctc_1', tags: ['has space'] },
      { subject: 'ok', requesterId: 'bad id with spaces' },
      { subject: 'ok', requesterId: 'ctc_1', fields: { plan: 'x'.repeat(300) } },
      { subject: 'ok', requesterId: 'ctc_1', fields: { unknown_field: 1 } },
      { subject: 'ok', requesterId: 'ctc_1', attributes: JSON.parse('{"__proto__": {"admin": true}}') },
      JSON.parse('{"subject": "ok", "requesterId": "ctc_1", "fields": {"__proto__": {"admin": true}}}'),
      { subject: 'ok', requesterId: 'ctc_1', source: { kind: 'split' as 'api' } },
      { subject: 'ok', requesterId: 'ctc_1', status: 'closed' as 'new' },
      { subject: 'ok', requesterId: 'ctc_1', priority: 'whenever' as 'low' },
      { subject: 'ok', requesterId: 'ctc_1', extra: true } as CreateTicketInput,
    ];
    for (const input of bad) {
      await expect(kit.tickets.create(agent(), input), JSON.stringify(input).slice(0, 80)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    }
    expect((await kit.tickets.list(read)).items).toEqual([]);
    expect(await kit.storage.audit.head(TENANT)).toBeUndefined();
  });

  it('unknown change keys, bad comment bodies and bad contexts are refused', async () => {
    const kit = makeKit();
    const t = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1' });
    await expect(kit.tickets.update(agent(), t.id, { changes: { version: 99 } as never })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(kit.tickets.update(agent(), t.id, { changes: { tags: ['a'], addTags: ['b'] } })).rejects.toMatchObject(
      {
        code: 'VALIDATION_FAILED',
      },
    );
    await expect(kit.tickets.update(agent(), t.id, { changes: { status: 'merged' } })).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    });
    await expect(kit.tickets.comment(agent(), t.id, { body: '   ', public: true })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      kit.tickets.comment(agent(), t.id, { body: 'x'.repeat(MAX_COMMENT_BYTES + 1), public: true }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      kit.tickets.update({ tenantId: TENANT, actor: { type: 'hacker', id: 'x' }, depth: 0 } as never, t.id, {
        changes: {},
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(kit.tickets.update({ ...agent(), depth: -1 }, t.id, { changes: {} })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(kit.tickets.get(read, '../../etc/passwd')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await kit.tickets.get(read, t.id)).version).toBe(1);
  });

  it('another tenant’s ticket is NOT_FOUND for every operation', async () => {
    const kit = makeKit();
    const mine = await kit.tickets.create(agent(), { subject: 'Mine', requesterId: 'ctc_1', assigneeId: 'agt_1' });
    const other = as({ type: 'agent', id: 'agt_x' }, OTHER_TENANT);
    const theirs = await kit.tickets.create(other, { subject: 'Theirs', requesterId: 'ctc_9' });
    const attempts: Promise<unknown>[] = [
      kit.tickets.get({ tenantId: OTHER_TENANT }, mine.id),
      kit.tickets.history({ tenantId: OTHER_TENANT }, mine.id),
      kit.tickets.comments({ tenantId: OTHER_TENANT }, mine.id),
      kit.tickets.update(other, mine.id, { changes: { priority: 'low' } }),
      kit.tickets.comment(other, mine.id, { body: 'x', public: true }),
      kit.tickets.assign(other, mine.id, { assigneeId: 'agt_x' }),
      kit.tickets.merge(other, { survivorId: theirs.id, mergedIds: [mine.id] }),
      kit.tickets.link(other, theirs.id, mine.id, 'related'),
      kit.tickets.split(other, mine.id, { commentIds: ['tcm_1'], subject: 'x' }),
      kit.tickets.createFollowUp(other, mine.id),
      kit.tickets.recordCsat(as({ type: 'requester', id: 'ctc_1' }, OTHER_TENANT), mine.id, { rating: 'good' }),
    ];
    for (const attempt of attempts) await expect(attempt).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await kit.tickets.get(read, mine.id)).version).toBe(1);
    expect((await kit.tickets.get({ tenantId: OTHER_TENANT }, theirs.id)).links).toEqual([]);
    expect((await kit.tickets.list({ tenantId: OTHER_TENANT })).items.map((t) => t.id)).toEqual([theirs.id]);
  });
});
