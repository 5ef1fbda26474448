import type { Storage } from '../../storage/ports.js';
import { check, checkEqual, checkRejects } from '../assert.js';
import { makeConversation, makeMessage } from '../fixtures.js';
import { defineCases } from './case.js';

async function conversation(storage: Storage, tenantId: string) {
  return storage.conversations.create(makeConversation(tenantId));
}

/** Checks that a conversation's seqs are exactly 1..n. */
async function checkGapFree(storage: Storage, tenantId: string, conversationId: string, n: number) {
  const all = [];
  let after = 0;
  for (;;) {
    const page = await storage.messages.list(tenantId, conversationId, { afterSeq: after, limit: 1000 });
    if (page.length === 0) break;
    all.push(...page);
    after = page[page.length - 1]?.seq ?? after;
  }
  checkEqual(
    all.map((m) => m.seq),
    Array.from({ length: n }, (_, i) => i + 1),
    `seqs of ${conversationId} are 1..${n}`,
  );
  checkEqual(await storage.messages.lastSeq(tenantId, conversationId), n, 'lastSeq');
}

export const messageCases = defineCases('messages', {
  'append assigns seq 1, 2, 3… per conversation': async (ctx) => {
    const a = await conversation(ctx.storage, ctx.tenantId);
    const b = await conversation(ctx.storage, ctx.tenantId);
    for (let i = 1; i <= 3; i++) {
      const { message, created } = await ctx.storage.messages.append(makeMessage(ctx.tenantId, a.id));
      check(created, 'created');
      checkEqual(message.seq, i, 'seq in conversation a');
    }
    checkEqual((await ctx.storage.messages.append(makeMessage(ctx.tenantId, b.id))).message.seq, 1, 'b starts at 1');
    checkEqual(await ctx.storage.messages.lastSeq(ctx.tenantId, a.id), 3, 'lastSeq a');
    checkEqual(await ctx.storage.messages.lastSeq(ctx.tenantId, 'cnv_none'), 0, 'lastSeq of nothing');
  },
  'append stores the message exactly as given, plus seq': async (ctx) => {
    const c = await conversation(ctx.storage, ctx.tenantId);
    const input = makeMessage(ctx.tenantId, c.id, {
      clientMessageId: 'c-1',
      content: { type: 'attachments', attachments: [{ id: 'att_1', name: 'a.png', mimeType: 'image/png', size: 10 }] },
      metadata: { page: '/pricing' },
    });
    const { message } = await ctx.storage.messages.append(input);
    checkEqual(message, { ...input, seq: 1 }, 'returned');
    checkEqual(await ctx.storage.messages.get(ctx.tenantId, input.id), { ...input, seq: 1 }, 'get');
  },
  'a repeated clientMessageId returns the first message and uses no seq': async (ctx) => {
    const c = await conversation(ctx.storage, ctx.tenantId);
    const first = await ctx.storage.messages.append(makeMessage(ctx.tenantId, c.id, { clientMessageId: 'k1' }));
    const again = await ctx.storage.messages.append(
      makeMessage(ctx.tenantId, c.id, { clientMessageId: 'k1', content: { type: 'text', text: 'different body' } }),
    );
    checkEqual(again.created, false, 'not created');
    checkEqual(again.message, first.message, 'the first message');
    const next = await ctx.storage.messages.append(makeMessage(ctx.tenantId, c.id));
    checkEqual(next.message.seq, 2, 'no seq used by the duplicate');
    const other = await conversation(ctx.storage, ctx.tenantId);
    checkEqual(
      (await ctx.storage.messages.append(makeMessage(ctx.tenantId, other.id, { clientMessageId: 'k1' }))).created,
      true,
      'clientMessageId is scoped to its conversation',
    );
  },
  'a repeated providerMessageId on a channel returns the first message': async (ctx) => {
    const c = await conversation(ctx.storage, ctx.tenantId);
    const d = await conversation(ctx.storage, ctx.tenantId);
    const first = await ctx.storage.messages.append(
      makeMessage(ctx.tenantId, c.id, { channel: 'whatsapp', providerMessageId: 'wamid.1' }),
    );
    const again = await ctx.storage.messages.append(
      makeMessage(ctx.tenantId, d.id, { channel: 'whatsapp', providerMessageId: 'wamid.1' }),
    );
    checkEqual(again, { message: first.message, created: false }, 'dedupe across conversations of the tenant');
    const sms = await ctx.storage.messages.append(
      makeMessage(ctx.tenantId, c.id, { channel: 'sms', providerMessageId: 'wamid.1' }),
    );
    checkEqual(sms.created, true, 'providerMessageId is scoped to its channel');
    checkEqual(
      (await ctx.storage.messages.findByProviderMessageId(ctx.tenantId, 'whatsapp', 'wamid.1'))?.id,
      first.message.id,
      'findByProviderMessageId',
    );
    checkEqual(
      await ctx.storage.messages.findByProviderMessageId(ctx.tenantId, 'telegram', 'wamid.1'),
      undefined,
      'other channel',
    );
  },
  'append with a used message id fails with ALREADY_EXISTS and uses no seq': async (ctx) => {
    const c = await conversation(ctx.storage, ctx.tenantId);
    const first = makeMessage(ctx.tenantId, c.id);
    await ctx.storage.messages.append(first);
    await checkRejects(
      ctx.storage.messages.append({ ...first, clientMessageId: 'other' }),
      'ALREADY_EXISTS',
      'reused id',
    );
    checkEqual((await ctx.storage.messages.append(makeMessage(ctx.tenantId, c.id))).message.seq, 2, 'no gap');
  },
  'append to an unknown conversation fails with NOT_FOUND': async (ctx) => {
    await checkRejects(
      ctx.storage.messages.append(makeMessage(ctx.tenantId, 'cnv_missing')),
      'NOT_FOUND',
      'unknown conversation',
    );
  },
  'list reads forward, backward and after a seq': async (ctx) => {
    const c = await conversation(ctx.storage, ctx.tenantId);
    for (let i = 0; i < 10; i++) await ctx.storage.messages.append(makeMessage(ctx.tenantId, c.id));
    const seqs = async (options: Parameters<Storage['messages']['list']>[2]) =>
      (await ctx.storage.messages.list(ctx.tenantId, c.id, options)).map((m) => m.seq);
    checkEqual(await seqs({}), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'all ascending');
    checkEqual(await seqs({ afterSeq: 7 }), [8, 9, 10], 'after 7');
    checkEqual(await seqs({ afterSeq: 2, limit: 3 }), [3, 4, 5], 'after 2, limit 3');
    checkEqual(await seqs({ order: 'desc', limit: 3 }), [10, 9, 8], 'newest 3');
    checkEqual(await seqs({ beforeSeq: 4, order: 'desc' }), [3, 2, 1], 'before 4, newest first');
    checkEqual(await seqs({ afterSeq: 3, beforeSeq: 6 }), [4, 5], 'window');
    checkEqual(await seqs({ afterSeq: 10 }), [], 'nothing after the last');
  },
  'status only moves forward': async (ctx) => {
    const c = await conversation(ctx.storage, ctx.tenantId);
    const { message } = await ctx.storage.messages.append(
      makeMessage(ctx.tenantId, c.id, { direction: 'outbound', status: 'pending' }),
    );
    checkEqual(
      (await ctx.storage.messages.updateStatus(ctx.tenantId, message.id, 'sent')).status,
      'sent',
      'pending → sent',
    );
    checkEqual(
      (await ctx.storage.messages.updateStatus(ctx.tenantId, message.id, 'read')).status,
      'read',
      'sent → read',
    );
    checkEqual(
      (await ctx.storage.messages.updateStatus(ctx.tenantId, message.id, 'delivered')).status,
      'read',
      'late delivered ignored',
    );
    checkEqual(
      (await ctx.storage.messages.updateStatus(ctx.tenantId, message.id, 'failed')).status,
      'read',
      'read is final',
    );
    checkEqual((await ctx.storage.messages.get(ctx.tenantId, message.id))?.status, 'read', 'stored');
    await checkRejects(
      ctx.storage.messages.updateStatus(ctx.tenantId, 'msg_missing', 'read'),
      'NOT_FOUND',
      'unknown message',
    );
  },
  'concurrent appends leave no gap and no duplicate seq': async (ctx) => {
    const conversations = await Promise.all([1, 2, 3, 4].map(() => conversation(ctx.storage, ctx.tenantId)));
    const per = Math.max(1, Math.floor(ctx.concurrency / conversations.length));
    await Promise.all(
      conversations.flatMap((c) =>
        Array.from({ length: per }, () => ctx.storage.messages.append(makeMessage(ctx.tenantId, c.id))),
      ),
    );
    for (const c of conversations) await checkGapFree(ctx.storage, ctx.tenantId, c.id, per);
  },
  'concurrent appends with one clientMessageId create exactly one message': async (ctx) => {
    const c = await conversation(ctx.storage, ctx.tenantId);
    const results = await Promise.all(
      Array.from({ length: 25 }, () =>
        ctx.storage.messages.append(makeMessage(ctx.tenantId, c.id, { clientMessageId: 'same' })),
      ),
    );
    checkEqual(results.filter((r) => r.created).length, 1, 'one created');
    checkEqual(new Set(results.map((r) => r.message.id)).size, 1, 'everyone got the same message');
    await checkGapFree(ctx.storage, ctx.tenantId, c.id, 1);
  },
});
