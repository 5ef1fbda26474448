import type { Storage } from '../../storage/ports.js';
import { checkEqual, checkRejects } from '../assert.js';
import { FIXTURE_TIME, makeAuditEntry, makeContact, makeConversation, makeMessage } from '../fixtures.js';
import { defineCases } from './case.js';

class Boom extends Error {}

export const transactionCases = defineCases('transactions', {
  'a transaction commits every write': async (ctx) => {
    const conversation = makeConversation(ctx.tenantId);
    const result = await ctx.storage.transaction(async (tx) => {
      await tx.conversations.create(conversation);
      await tx.messages.append(makeMessage(ctx.tenantId, conversation.id));
      await tx.outbox.enqueue({
        tenantId: ctx.tenantId,
        id: 'obx_tx',
        topic: 'webhook',
        payload: {},
        createdAt: FIXTURE_TIME,
      });
      return 'done';
    });
    checkEqual(result, 'done', 'returns the callback’s value');
    checkEqual(await ctx.storage.messages.lastSeq(ctx.tenantId, conversation.id), 1, 'message committed');
    checkEqual((await ctx.storage.outbox.get(ctx.tenantId, 'obx_tx'))?.status, 'pending', 'outbox committed');
  },
  'a throwing transaction leaves nothing behind': async (ctx) => {
    const existing = await ctx.storage.conversations.create(makeConversation(ctx.tenantId));
    await ctx.storage.messages.append(makeMessage(ctx.tenantId, existing.id));
    const contact = makeContact(ctx.tenantId, {
      identities: [{ channel: 'email', address: 'tx@example.com', verified: false, addedAt: FIXTURE_TIME }],
    });
    const boom = ctx.storage.transaction(async (tx) => {
      await tx.contacts.create(contact);
      await tx.conversations.update({ ...existing, subject: 'changed' }, 1);
      await tx.messages.append(makeMessage(ctx.tenantId, existing.id, { clientMessageId: 'in-tx' }));
      await tx.timers.schedule({ tenantId: ctx.tenantId, id: 'tmr_tx', kind: 'x', dueAt: 1, payload: {} });
      await tx.outbox.enqueue({
        tenantId: ctx.tenantId,
        id: 'obx_tx',
        key: 'k',
        topic: 'webhook',
        payload: {},
        createdAt: FIXTURE_TIME,
      });
      await tx.audit.append(makeAuditEntry(ctx.tenantId, 1));
      throw new Boom('rollback');
    });
    await boom.then(
      () => {
        throw new Error('transaction should have rejected');
      },
      (error: unknown) => checkEqual(error instanceof Boom, true, 'the callback’s error is rethrown'),
    );
    checkEqual(await ctx.storage.contacts.get(ctx.tenantId, contact.id), undefined, 'contact rolled back');
    checkEqual(
      await ctx.storage.contacts.findByIdentity(ctx.tenantId, 'email', 'tx@example.com'),
      undefined,
      'identity index rolled back',
    );
    checkEqual((await ctx.storage.conversations.get(ctx.tenantId, existing.id))?.version, 1, 'update rolled back');
    checkEqual(await ctx.storage.messages.lastSeq(ctx.tenantId, existing.id), 1, 'append rolled back');
    checkEqual(await ctx.storage.timers.get(ctx.tenantId, 'tmr_tx'), undefined, 'timer rolled back');
    checkEqual(await ctx.storage.outbox.get(ctx.tenantId, 'obx_tx'), undefined, 'outbox rolled back');
    checkEqual(await ctx.storage.audit.head(ctx.tenantId), undefined, 'audit rolled back');
    const next = await ctx.storage.messages.append(
      makeMessage(ctx.tenantId, existing.id, { clientMessageId: 'in-tx' }),
    );
    checkEqual([next.created, next.message.seq], [true, 2], 'no gap and the key is free again');
  },
  'a transaction sees its own writes; nested transactions join it': async (ctx) => {
    const conversation = makeConversation(ctx.tenantId);
    await ctx.storage.transaction(async (tx) => {
      await tx.conversations.create(conversation);
      checkEqual((await tx.conversations.get(ctx.tenantId, conversation.id))?.id, conversation.id, 'read your writes');
      await tx.transaction(async (inner) => {
        await inner.messages.append(makeMessage(ctx.tenantId, conversation.id));
      });
      checkEqual(await tx.messages.lastSeq(ctx.tenantId, conversation.id), 1, 'nested write visible');
    });
    checkEqual(await ctx.storage.messages.lastSeq(ctx.tenantId, conversation.id), 1, 'committed together');
  },
  'a failing nested transaction rolls back the whole transaction': async (ctx) => {
    const conversation = makeConversation(ctx.tenantId);
    await checkRejects(
      ctx.storage.transaction(async (tx) => {
        await tx.conversations.create(conversation);
        await tx.transaction(async (inner) => {
          await inner.conversations.create(conversation);
        });
      }),
      'ALREADY_EXISTS',
      'the inner error propagates',
    );
    checkEqual(
      await ctx.storage.conversations.get(ctx.tenantId, conversation.id),
      undefined,
      'outer write rolled back',
    );
  },
  'concurrent transactions appending to one conversation stay gap-free': async (ctx) => {
    const conversation = await ctx.storage.conversations.create(makeConversation(ctx.tenantId));
    const n = Math.min(ctx.concurrency, 50);
    const outcomes = await Promise.allSettled(
      Array.from({ length: n }, (_, i) =>
        ctx.storage.transaction(async (tx) => {
          await tx.messages.append(makeMessage(ctx.tenantId, conversation.id));
          if (i % 3 === 0) throw new Boom('rolled back on purpose');
        }),
      ),
    );
    const committed = outcomes.filter((o) => o.status === 'fulfilled').length;
    const seqs = (await ctx.storage.messages.list(ctx.tenantId, conversation.id, { limit: 1000 })).map((m) => m.seq);
    checkEqual(
      seqs,
      Array.from({ length: committed }, (_, i) => i + 1),
      'committed appends are exactly 1..n',
    );
  },
  'a refused write inside a transaction changes nothing and the transaction goes on': async (ctx) => {
    const taken = { channel: 'email' as const, address: 'taken@example.com', verified: false, addedAt: FIXTURE_TIME };
    await ctx.storage.contacts.create(makeContact(ctx.tenantId, { identities: [taken] }));
    const conversation = await ctx.storage.conversations.create(makeConversation(ctx.tenantId));
    const loser = makeContact(ctx.tenantId, { identities: [taken] });
    await ctx.storage.transaction(async (tx) => {
      await checkRejects(tx.contacts.create(loser), 'CONFLICT', 'identity taken inside the transaction');
      await checkRejects(
        tx.conversations.update({ ...conversation, subject: 'stale' }, 5),
        'CONFLICT',
        'stale version inside',
      );
      await tx.messages.append(makeMessage(ctx.tenantId, conversation.id));
    });
    checkEqual(await ctx.storage.contacts.get(ctx.tenantId, loser.id), undefined, 'refused create left nothing');
    checkEqual(
      (await ctx.storage.conversations.get(ctx.tenantId, conversation.id))?.version,
      1,
      'refused update left nothing',
    );
    checkEqual(await ctx.storage.messages.lastSeq(ctx.tenantId, conversation.id), 1, 'later write committed');
  },
  'calls through a finished transaction fail with UNAVAILABLE': async (ctx) => {
    let leaked: Storage | undefined;
    await ctx.storage.transaction(async (tx) => {
      leaked = tx;
    });
    if (!leaked) throw new Error('transaction callback did not run');
    await checkRejects(leaked.contacts.create(makeContact(ctx.tenantId)), 'UNAVAILABLE', 'write after commit');
    let failed: Storage | undefined;
    await ctx.storage
      .transaction(async (tx) => {
        failed = tx;
        throw new Boom('rollback');
      })
      .catch(() => undefined);
    if (!failed) throw new Error('transaction callback did not run');
    await checkRejects(failed.contacts.get(ctx.tenantId, 'ctc_x'), 'UNAVAILABLE', 'read after rollback');
  },
});
