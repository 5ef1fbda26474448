import { checkEqual, checkRejects } from '../assert.js';
import {
  FIXTURE_TIME,
  makeAgent,
  makeAuditEntry,
  makeContact,
  makeConversation,
  makeMessage,
  makeQueue,
  makeTask,
} from '../fixtures.js';
import { type CaseContext, defineCases } from './case.js';

const T0 = Date.UTC(2026, 0, 5, 9);

/** Writes one of everything into `ctx.tenantId` and returns it. */
async function seed(ctx: CaseContext) {
  const s = ctx.storage;
  const t = ctx.tenantId;
  const contact = await s.contacts.create(
    makeContact(t, {
      identities: [{ channel: 'email', address: 'mine@example.com', verified: true, addedAt: FIXTURE_TIME }],
    }),
  );
  const conversation = await s.conversations.create(
    makeConversation(t, { contactId: contact.id, status: 'queued', queueId: 'q1' }),
  );
  const { message } = await s.messages.append(
    makeMessage(t, conversation.id, { channel: 'whatsapp', providerMessageId: 'wamid.secret', clientMessageId: 'c1' }),
  );
  const task = await s.tasks.create(makeTask(t, { conversationId: conversation.id, queueId: 'q1' }));
  const agent = await s.agents.create(makeAgent(t));
  const queue = await s.queues.create(makeQueue(t));
  const audit = await s.audit.append(makeAuditEntry(t, 1));
  const timer = await s.timers.schedule({ tenantId: t, id: 'tmr_mine', kind: 'x', dueAt: T0, payload: {} });
  const outbox = await s.outbox.enqueue({
    tenantId: t,
    id: 'obx_mine',
    key: 'k1',
    topic: 'webhook',
    payload: {},
    createdAt: FIXTURE_TIME,
    availableAt: T0,
  });
  return { contact, conversation, message, task, agent, queue, audit, timer, outbox };
}

async function snapshot(ctx: CaseContext, seeded: Awaited<ReturnType<typeof seed>>) {
  const s = ctx.storage;
  const t = ctx.tenantId;
  return {
    contact: await s.contacts.get(t, seeded.contact.id),
    conversation: await s.conversations.get(t, seeded.conversation.id),
    messages: await s.messages.list(t, seeded.conversation.id),
    task: await s.tasks.get(t, seeded.task.id),
    agent: await s.agents.get(t, seeded.agent.id),
    queue: await s.queues.get(t, seeded.queue.id),
    audit: await s.audit.list(t),
    timer: await s.timers.get(t, seeded.timer.id),
    outbox: await s.outbox.get(t, seeded.outbox.id),
  };
}

export const tenancyCases = defineCases('tenancy', {
  'no read through any method crosses tenants': async (ctx) => {
    const seeded = await seed(ctx);
    const s = ctx.storage;
    const o = ctx.otherTenantId;
    checkEqual(await s.contacts.get(o, seeded.contact.id), undefined, 'contacts.get');
    checkEqual(await s.contacts.findByIdentity(o, 'email', 'mine@example.com'), undefined, 'contacts.findByIdentity');
    checkEqual((await s.contacts.list(o)).items, [], 'contacts.list');
    checkEqual(await s.conversations.get(o, seeded.conversation.id), undefined, 'conversations.get');
    checkEqual(
      (await s.conversations.list(o, { contactIds: [seeded.contact.id] })).items,
      [],
      'conversations.list by contact',
    );
    checkEqual((await s.conversations.list(o, { queueId: 'q1' })).items, [], 'conversations.list by queue');
    checkEqual(await s.messages.get(o, seeded.message.id), undefined, 'messages.get');
    checkEqual(await s.messages.list(o, seeded.conversation.id), [], 'messages.list');
    checkEqual(await s.messages.lastSeq(o, seeded.conversation.id), 0, 'messages.lastSeq');
    checkEqual(
      await s.messages.findByProviderMessageId(o, 'whatsapp', 'wamid.secret'),
      undefined,
      'messages.findByProviderMessageId',
    );
    checkEqual(await s.tasks.get(o, seeded.task.id), undefined, 'tasks.get');
    checkEqual((await s.tasks.list(o, { conversationId: seeded.conversation.id })).items, [], 'tasks.list');
    checkEqual(await s.agents.get(o, seeded.agent.id), undefined, 'agents.get');
    checkEqual((await s.agents.list(o)).items, [], 'agents.list');
    checkEqual(await s.queues.get(o, seeded.queue.id), undefined, 'queues.get');
    checkEqual((await s.queues.list(o)).items, [], 'queues.list');
    checkEqual(await s.audit.head(o), undefined, 'audit.head');
    checkEqual(await s.audit.list(o), [], 'audit.list');
    checkEqual(await s.timers.get(o, seeded.timer.id), undefined, 'timers.get');
    checkEqual(await s.outbox.get(o, seeded.outbox.id), undefined, 'outbox.get');
    checkEqual((await s.outbox.list(o)).items, [], 'outbox.list');
  },
  'no write through any method crosses tenants': async (ctx) => {
    const seeded = await seed(ctx);
    const before = await snapshot(ctx, seeded);
    const s = ctx.storage;
    const o = ctx.otherTenantId;
    const as = <T extends { tenantId: string }>(record: T): T => ({ ...record, tenantId: o });
    await checkRejects(s.contacts.update(as({ ...seeded.contact, name: 'x' }), 1), 'NOT_FOUND', 'contacts.update');
    await checkRejects(
      s.conversations.update(as({ ...seeded.conversation, subject: 'x' }), 1),
      'NOT_FOUND',
      'conversations.update',
    );
    await checkRejects(s.tasks.update(as({ ...seeded.task, priority: 9 }), 1), 'NOT_FOUND', 'tasks.update');
    await checkRejects(s.agents.update(as({ ...seeded.agent, name: 'x' }), 1), 'NOT_FOUND', 'agents.update');
    await checkRejects(s.queues.update(as({ ...seeded.queue, name: 'x' }), 1), 'NOT_FOUND', 'queues.update');
    await checkRejects(s.agents.delete(o, seeded.agent.id, 1), 'NOT_FOUND', 'agents.delete');
    await checkRejects(s.queues.delete(o, seeded.queue.id, 1), 'NOT_FOUND', 'queues.delete');
    await checkRejects(
      s.messages.append(makeMessage(o, seeded.conversation.id)),
      'NOT_FOUND',
      'messages.append into another tenant',
    );
    await checkRejects(s.messages.updateStatus(o, seeded.message.id, 'read'), 'NOT_FOUND', 'messages.updateStatus');
    checkEqual(await s.timers.cancel(o, seeded.timer.id), false, 'timers.cancel');
    const [claimedTimer] = await s.timers.claimDue({ now: T0, limit: 1, owner: 'w', leaseMs: 60_000 });
    checkEqual(await s.timers.complete(o, seeded.timer.id, claimedTimer?.claimToken ?? ''), false, 'timers.complete');
    checkEqual(
      await s.timers.release(o, seeded.timer.id, claimedTimer?.claimToken ?? '', { dueAt: 0 }),
      false,
      'timers.release',
    );
    const [claimedEntry] = await s.outbox.claim({ now: T0, limit: 1, owner: 'w', leaseMs: 60_000 });
    checkEqual(
      await s.outbox.complete(o, seeded.outbox.id, claimedEntry?.claimToken ?? '', FIXTURE_TIME),
      false,
      'outbox.complete',
    );
    checkEqual(
      await s.outbox.fail(o, seeded.outbox.id, claimedEntry?.claimToken ?? '', { retryAt: 0, error: 'x' }),
      false,
      'outbox.fail',
    );
    const dup = await s.outbox.enqueue({
      tenantId: o,
      id: 'obx_theirs',
      key: 'k1',
      topic: 'webhook',
      payload: {},
      createdAt: FIXTURE_TIME,
    });
    checkEqual(dup.id, 'obx_theirs', 'outbox keys do not collide across tenants');
    // Identities are per tenant: the other tenant can hold the same address.
    await s.contacts.create(
      makeContact(o, {
        identities: [{ channel: 'email', address: 'mine@example.com', verified: false, addedAt: FIXTURE_TIME }],
      }),
    );
    const after = await snapshot(ctx, seeded);
    checkEqual(
      { ...after, timer: undefined, outbox: undefined },
      { ...before, timer: undefined, outbox: undefined },
      'the first tenant’s records are unchanged',
    );
    checkEqual(after.timer?.id, seeded.timer.id, 'timer still there (claimed by the system worker only)');
    checkEqual(after.outbox?.status, 'inflight', 'outbox entry still in flight, not completed by the other tenant');
    checkEqual(
      (await s.contacts.findByIdentity(ctx.tenantId, 'email', 'mine@example.com'))?.id,
      seeded.contact.id,
      'identity holder unchanged',
    );
  },
});
