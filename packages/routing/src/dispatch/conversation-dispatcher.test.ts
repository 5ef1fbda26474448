import { type DispatchNotice, systemClock } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import { disagreements, makeDispatch } from './dispatch-kit.js';

const A = 'acme';

describe('ConversationDispatcher: the life of a conversation', () => {
  it('enqueues, offers, accepts, carries messages, ends and resolves', async () => {
    const kit = makeDispatch();
    const { dispatcher, hotline } = kit;
    await kit.connect('agt_ana');
    expect(dispatcher.activityOf(A, 'agt_ana')).toBe('available');
    expect(dispatcher.isOpen(A, 'support')).toBe(true);

    const chat = await kit.enqueueChat();
    expect(await kit.conversation(chat.id)).toMatchObject({
      status: 'offered',
      offeredTo: 'agt_ana',
      queueId: 'support',
    });
    const offer = kit.offerOf(chat.id);
    expect(offer).toMatchObject({
      tenantId: A,
      agentId: 'agt_ana',
      conversationId: chat.id,
      channel: 'webchat',
      queueId: 'support',
      expiresAt: kit.clock.now() + 120_000,
      attributes: {},
    });
    expect(dispatcher.offersFor(A, 'agt_ana')).toEqual([offer]);

    await expect(dispatcher.accept(A, 'agt_ana', offer.reservationId)).resolves.toEqual({ conversationId: chat.id });
    expect(await kit.conversation(chat.id)).toMatchObject({ status: 'active', assigneeId: 'agt_ana' });
    await dispatcher.idle();
    expect(kit.ended('agt_ana')).toEqual([expect.objectContaining({ reason: 'accepted', conversationId: chat.id })]);
    expect(dispatcher.offersFor(A, 'agt_ana')).toEqual([]);

    const said = await hotline.conversations.appendMessage({
      tenantId: A,
      conversationId: chat.id,
      direction: 'inbound',
      author: { kind: 'contact', id: chat.contactId },
      content: { type: 'text', text: 'my order is late' },
    });
    const replied = await hotline.conversations.appendMessage({
      tenantId: A,
      conversationId: chat.id,
      direction: 'outbound',
      author: { kind: 'agent', id: 'agt_ana' },
      content: { type: 'text', text: 'let me check' },
    });
    expect([said.message.seq, replied.message.seq]).toEqual([1, 2]);

    await dispatcher.end(A, 'agt_ana', chat.id);
    expect((await kit.conversation(chat.id)).status).toBe('wrap_up');
    expect(kit.load('agt_ana')).toBe(0); // the queue has no wrap-up time: the slot is free at once
    await dispatcher.resolve(A, 'agt_ana', chat.id);
    await dispatcher.idle();
    expect((await kit.conversation(chat.id)).status).toBe('resolved');
    expect(kit.history(chat.id)).toEqual([
      'enqueue:new>queued',
      'offer:queued>offered',
      'accept:offered>active',
      'end:active>wrap_up',
      'resolve:wrap_up>resolved',
    ]);
    const [record] = await kit.taskRecords(chat.id);
    expect(record).toMatchObject({ status: 'completed', agentId: 'agt_ana', queueId: 'support', kind: 'conversation' });
    expect(kit.engine.queueStats('support').total.answered).toBe(1);
  });

  it('keeps the slot through wrap-up where the queue has wrap-up time, until resolve', async () => {
    const kit = makeDispatch({ define: (e) => e.defineQueue({ id: 'support', wrapUpSeconds: 300 }) });
    await kit.connect('agt_ana', { capacity: { webchat: 1 } });
    const first = await kit.enqueueChat();
    await kit.dispatcher.accept(A, 'agt_ana', kit.offerOf(first.id).reservationId);
    const second = await kit.enqueueChat();
    await kit.dispatcher.end(A, 'agt_ana', first.id);
    await kit.dispatcher.idle();
    expect(kit.load('agt_ana')).toBe(1);
    expect((await kit.conversation(second.id)).status).toBe('queued');
    const [record] = await kit.taskRecords(first.id);
    expect(record?.status).toBe('wrapping');
    await kit.dispatcher.resolve(A, 'agt_ana', first.id);
    await kit.dispatcher.idle();
    expect(kit.offerOf(second.id).agentId).toBe('agt_ana');
    expect(await disagreements(kit)).toEqual([]);
  });

  it('is idempotent per conversation', async () => {
    const kit = makeDispatch();
    await kit.connect('agt_ana');
    const chat = await kit.startChat();
    const request = {
      tenantId: A,
      conversationId: chat.id,
      channel: 'webchat' as const,
      queueId: 'support',
      attributes: {},
    };
    await Promise.all([
      kit.dispatcher.enqueue(request),
      kit.dispatcher.enqueue(request),
      kit.dispatcher.enqueue(request),
    ]);
    await kit.dispatcher.enqueue(request);
    await kit.dispatcher.idle();
    expect(kit.engine.openTasks()).toHaveLength(1);
    expect(await kit.taskRecords(chat.id)).toHaveLength(1);
    expect(kit.offers()).toHaveLength(1);
    // Once with an agent, enqueueing again changes nothing either.
    await kit.dispatcher.accept(A, 'agt_ana', kit.offerOf(chat.id).reservationId);
    await kit.dispatcher.enqueue(request);
    expect((await kit.conversation(chat.id)).status).toBe('active');
  });

  it('routes through a workflow when no queue is named, on the conversation attributes', async () => {
    const kit = makeDispatch({
      define: (e) => {
        e.defineQueue({ id: 'support' });
        e.defineQueue({ id: 'billing', skills: { billing: 1 } });
        e.defineWorkflow({
          id: 'main',
          filters: [{ match: "task.topic == 'billing'", steps: [{ queueId: 'billing' }] }],
          defaultSteps: [{ queueId: 'support' }],
        });
      },
      dispatcher: { workflowId: 'main' },
    });
    await kit.connect('agt_ana', { skills: { billing: 5 } });
    const chat = await kit.startChat();
    await kit.dispatcher.enqueue({
      tenantId: A,
      conversationId: chat.id,
      channel: 'webchat',
      attributes: { topic: 'billing' },
    });
    await kit.dispatcher.idle();
    expect(await kit.conversation(chat.id)).toMatchObject({ status: 'offered', queueId: 'billing' });
    expect((await kit.taskRecords(chat.id))[0]).toMatchObject({ workflowId: 'main', queueId: 'billing' });
  });
});

describe('ConversationDispatcher: offers that end without acceptance', () => {
  it('re-offers a rejected conversation to another agent', async () => {
    const kit = makeDispatch();
    await kit.connect('agt_ana');
    kit.clock.set(kit.clock.now() + 1000); // ana has been idle longer: she is offered first
    await kit.connect('agt_bo');
    const chat = await kit.enqueueChat();
    const first = kit.offerOf(chat.id);
    expect(first.agentId).toBe('agt_ana');
    await kit.dispatcher.reject(A, 'agt_ana', first.reservationId);
    await kit.dispatcher.idle();
    expect(kit.offerOf(chat.id).agentId).toBe('agt_bo');
    expect(await kit.conversation(chat.id)).toMatchObject({ status: 'offered', offeredTo: 'agt_bo' });
    expect(kit.history(chat.id)).toEqual([
      'enqueue:new>queued',
      'offer:queued>offered',
      'reject:offered>queued',
      'offer:queued>offered',
    ]);
    expect(kit.ended('agt_ana')).toEqual([
      expect.objectContaining({ reservationId: first.reservationId, reason: 'rejected' }),
    ]);
    // Declining again is a harmless retry; accepting what was declined is not.
    await kit.dispatcher.reject(A, 'agt_ana', first.reservationId);
    await expect(kit.dispatcher.accept(A, 'agt_ana', first.reservationId)).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    });
  });

  it('times an unanswered offer out and offers it to another agent', async () => {
    const kit = makeDispatch({ engine: { reservationTimeoutSeconds: 30 } });
    await kit.connect('agt_ana');
    kit.clock.set(kit.clock.now() + 1000);
    await kit.connect('agt_bo');
    const chat = await kit.enqueueChat();
    const first = kit.offerOf(chat.id);
    await kit.advance(29_999);
    expect(kit.ended()).toEqual([]);
    await kit.advance(1);
    expect(kit.ended('agt_ana')).toEqual([
      expect.objectContaining({ reservationId: first.reservationId, reason: 'timeout' }),
    ]);
    expect(kit.offerOf(chat.id).agentId).toBe('agt_bo');
    expect(kit.history(chat.id).slice(-2)).toEqual(['offer_timeout:offered>queued', 'offer:queued>offered']);
    expect(await disagreements(kit)).toEqual([]);
  });

  it('offers in parallel when the engine does; the first acceptance wins and the others are withdrawn', async () => {
    const kit = makeDispatch({ engine: { maxParallelOffers: 2 } });
    await kit.connect('agt_ana');
    await kit.connect('agt_bo');
    const chat = await kit.enqueueChat();
    const [toAna] = kit.offers('agt_ana');
    const [toBo] = kit.offers('agt_bo');
    expect(toAna && toBo).toBeTruthy();
    await kit.dispatcher.accept(A, 'agt_bo', toBo?.reservationId as string);
    await kit.dispatcher.idle();
    expect(await kit.conversation(chat.id)).toMatchObject({ status: 'active', assigneeId: 'agt_bo' });
    expect(kit.ended('agt_ana')).toEqual([expect.objectContaining({ reason: 'withdrawn' })]);
    expect(kit.ended('agt_bo')).toEqual([expect.objectContaining({ reason: 'accepted' })]);
    await expect(kit.dispatcher.accept(A, 'agt_ana', toAna?.reservationId as string)).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      details: { from: 'withdrawn' },
    });
    expect(await disagreements(kit)).toEqual([]);
  });

  it('cancels a waiting conversation when the customer leaves, and ends an answered one', async () => {
    const kit = makeDispatch();
    await kit.connect('agt_ana', { capacity: { webchat: 1 } });
    const answered = await kit.enqueueChat();
    await kit.dispatcher.accept(A, 'agt_ana', kit.offerOf(answered.id).reservationId);
    const waiting = await kit.enqueueChat();
    await kit.dispatcher.customerLeft(A, waiting.id);
    expect((await kit.conversation(waiting.id)).status).toBe('abandoned');
    expect((await kit.taskRecords(waiting.id))[0]).toMatchObject({ status: 'canceled', reason: 'abandoned' });
    expect(kit.engine.queueStats('support').total.abandoned).toBe(1);

    await kit.dispatcher.customerLeft(A, answered.id);
    expect((await kit.conversation(answered.id)).status).toBe('wrap_up');
    expect(kit.load('agt_ana')).toBe(0);
    await kit.dispatcher.customerLeft(A, answered.id); // twice: nothing more
    await kit.dispatcher.resolve(A, 'agt_ana', answered.id);
    expect((await kit.conversation(answered.id)).status).toBe('resolved');
  });

  it('withdraws an offered conversation the customer leaves, with an offer_ended notice', async () => {
    const kit = makeDispatch();
    await kit.connect('agt_ana');
    const chat = await kit.enqueueChat();
    const offer = kit.offerOf(chat.id);
    await kit.dispatcher.customerLeft(A, chat.id);
    await kit.dispatcher.idle();
    expect(kit.ended('agt_ana')).toEqual([
      expect.objectContaining({ reservationId: offer.reservationId, reason: 'canceled' }),
    ]);
    expect(kit.history(chat.id).at(-1)).toBe('abandon:offered>abandoned');
  });
});

describe('ConversationDispatcher: agents', () => {
  it('withdraws offers when the last connection goes, keeps assigned work, and resumes the activity on return', async () => {
    const kit = makeDispatch();
    await kit.connect('agt_ana', { capacity: { webchat: 2 } });
    const kept = await kit.enqueueChat();
    await kit.dispatcher.accept(A, 'agt_ana', kit.offerOf(kept.id).reservationId);
    const pending = await kit.enqueueChat();
    const offer = kit.offerOf(pending.id);
    expect(offer.agentId).toBe('agt_ana');
    await kit.connect('agt_bo', { capacity: { webchat: 1 } });

    await kit.dispatcher.setConnected(A, 'agt_ana', false);
    await kit.dispatcher.idle();
    expect(kit.dispatcher.activityOf(A, 'agt_ana')).toBe('offline');
    expect(kit.ended('agt_ana')).toContainEqual(
      expect.objectContaining({ reservationId: offer.reservationId, reason: 'withdrawn' }),
    );
    expect(kit.offerOf(pending.id).agentId).toBe('agt_bo');
    expect(await kit.conversation(kept.id)).toMatchObject({ status: 'active', assigneeId: 'agt_ana' });
    expect(kit.load('agt_ana')).toBe(1);
    expect(kit.notices).toContainEqual({ type: 'agent', tenantId: A, agentId: 'agt_ana', activity: 'offline' });
    expect(kit.dispatcher.isOpen(A)).toBe(true); // bo is still there

    await kit.dispatcher.setConnected(A, 'agt_ana', true);
    expect(kit.dispatcher.activityOf(A, 'agt_ana')).toBe('available');
    // Ending work still goes through while disconnected.
    await kit.dispatcher.setConnected(A, 'agt_ana', false);
    await kit.dispatcher.end(A, 'agt_ana', kept.id);
    expect((await kit.conversation(kept.id)).status).toBe('wrap_up');
  });

  it('stores the chosen activity, applies it while connected and resumes it on the next connection', async () => {
    const kit = makeDispatch();
    await kit.connect('agt_ana', { activity: 'offline' });
    expect(kit.dispatcher.activityOf(A, 'agt_ana')).toBe('offline');
    expect(kit.dispatcher.isOpen(A, 'support')).toBe(false);
    const chat = await kit.enqueueChat();
    expect((await kit.conversation(chat.id)).status).toBe('queued');

    await kit.dispatcher.setActivity(A, 'agt_ana', 'available');
    await kit.dispatcher.idle();
    expect(kit.offerOf(chat.id).agentId).toBe('agt_ana');
    expect((await kit.storage.agents.get(A, 'agt_ana'))?.activity).toBe('available');

    await kit.dispatcher.setActivity(A, 'agt_ana', 'break');
    await kit.dispatcher.idle();
    expect(kit.ended('agt_ana')).toEqual([expect.objectContaining({ reason: 'withdrawn' })]);
    expect((await kit.conversation(chat.id)).status).toBe('queued');
    expect(kit.dispatcher.isOpen(A, 'support')).toBe(false);
    await kit.dispatcher.setConnected(A, 'agt_ana', false);
    await kit.dispatcher.setConnected(A, 'agt_ana', true);
    expect(kit.dispatcher.activityOf(A, 'agt_ana')).toBe('break');
    const agentNotices = kit.notices.filter((n) => n.type === 'agent').map((n) => n.type === 'agent' && n.activity);
    expect(agentNotices).toEqual(['available', 'break', 'offline', 'break']);
  });

  it('refuses an unknown activity, an unknown agent and a malformed call, changing nothing', async () => {
    const kit = makeDispatch();
    await kit.connect('agt_ana');
    await expect(kit.dispatcher.setActivity(A, 'agt_ana', 'napping')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(kit.dispatcher.setActivity(A, 'agt_ana', 'Not An Activity')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(kit.dispatcher.setConnected(A, 'agt_nobody', true)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(kit.dispatcher.setConnected(A, 'agt_nobody', false)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(kit.dispatcher.setActivity(A, 'agt_nobody', 'break')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(kit.dispatcher.setConnected(A, 'agt_ana', 'yes' as unknown as boolean)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(kit.dispatcher.activityOf(A, 'agt_ana')).toBe('available');
    expect((await kit.storage.agents.get(A, 'agt_ana'))?.activity).toBe('available');
  });

  it('knows when a queue is open: its hours and a routable agent', async () => {
    let open = true;
    const kit = makeDispatch({
      define: (e) => {
        e.defineQueue({ id: 'support', hours: { isOpen: () => open } });
        e.defineQueue({ id: 'billing', skills: { billing: 3 } });
      },
    });
    expect(kit.dispatcher.isOpen(A)).toBe(false);
    await kit.connect('agt_ana', { capacity: { webchat: 1 } });
    expect(kit.dispatcher.isOpen(A, 'support')).toBe(true);
    expect(kit.dispatcher.isOpen(A, 'billing')).toBe(false); // ana lacks the skill
    const chat = await kit.enqueueChat();
    await kit.dispatcher.accept(A, 'agt_ana', kit.offerOf(chat.id).reservationId);
    expect(kit.dispatcher.isOpen(A, 'support')).toBe(true); // busy, but routable: customers wait for her
    open = false;
    expect(kit.dispatcher.isOpen(A, 'support')).toBe(false);
    expect(() => kit.dispatcher.isOpen(A, 'sales')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('ConversationDispatcher: notices', () => {
  it('delivers every agent its notices in the order things happened, past a throwing listener', async () => {
    const errors: unknown[] = [];
    const kit = makeDispatch({
      engine: { reservationTimeoutSeconds: 10, refusalCooldownSeconds: 0 },
      dispatcher: { onError: (error) => errors.push(error) },
    });
    const seen: DispatchNotice[] = [];
    kit.dispatcher.subscribe(() => {
      throw new Error('listener bug');
    });
    const off = kit.dispatcher.subscribe((notice) => seen.push(notice));
    await kit.connect('agt_ana', { capacity: { webchat: 1 } });
    const chat = await kit.enqueueChat();
    await kit.advance(10_000); // times out, offered again to ana (no cooldown)
    await kit.dispatcher.accept(A, 'agt_ana', kit.offerOf(chat.id).reservationId);
    await kit.dispatcher.idle();
    // `stats` notices come on a timer of their own, coalesced: the per-agent story is the rest.
    const story = seen.flatMap((n) =>
      n.type === 'stats' ? [] : [n.type === 'offer_ended' ? `ended:${n.reason}` : n.type],
    );
    expect(story).toEqual(['agent', 'offer', 'ended:timeout', 'offer', 'ended:accepted']);
    expect(errors.length).toBe(seen.length);
    off();
    const heard = seen.length;
    await kit.dispatcher.setActivity(A, 'agt_ana', 'break');
    await kit.advance(1000);
    expect(seen).toHaveLength(heard);
    expect(kit.notices.filter((n) => n.type !== 'stats').at(-1)).toMatchObject({ type: 'agent', activity: 'break' });
  });

  it('fires offer timeouts on the real clock and stops them on close', async () => {
    const kit = makeDispatch({ clock: systemClock, engine: { reservationTimeoutSeconds: 1 } });
    await kit.connect('agt_ana');
    const chat = await kit.enqueueChat();
    const offer = kit.offerOf(chat.id);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    await kit.dispatcher.idle();
    expect(kit.ended('agt_ana')).toContainEqual(
      expect.objectContaining({ reservationId: offer.reservationId, reason: 'timeout' }),
    );
    // The cooldown keeps ana from being offered it again: it waits. A new chat is offered to her and then…
    const second = await kit.enqueueChat();
    expect(kit.offerOf(second.id).agentId).toBe('agt_ana');
    await kit.dispatcher.close();
    const count = kit.notices.length;
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(kit.notices).toHaveLength(count); // … never times out: the timers are stopped
    await expect(
      kit.dispatcher.enqueue({ tenantId: A, conversationId: chat.id, channel: 'webchat', attributes: {} }),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});

describe('ConversationDispatcher: core moved by someone else', () => {
  it('frees the agent when a conversation is resolved directly in core', async () => {
    const kit = makeDispatch();
    await kit.connect('agt_ana', { capacity: { webchat: 1 } });
    const chat = await kit.enqueueChat();
    await kit.dispatcher.accept(A, 'agt_ana', kit.offerOf(chat.id).reservationId);
    const next = await kit.enqueueChat();
    await kit.hotline.conversations.apply(A, chat.id, { type: 'resolve' });
    await kit.dispatcher.idle();
    expect(kit.offerOf(next.id).agentId).toBe('agt_ana');
    expect((await kit.taskRecords(chat.id))[0]?.status).toBe('completed');
    expect(await disagreements(kit)).toEqual([]);
  });

  it('withdraws the task of a waiting conversation abandoned or handed to a bot in core', async () => {
    const kit = makeDispatch();
    const abandoned = await kit.enqueueChat();
    const toBot = await kit.enqueueChat();
    await kit.hotline.conversations.apply(A, abandoned.id, { type: 'abandon' });
    await kit.hotline.conversations.apply(A, toBot.id, { type: 'transfer', toBot: true });
    await kit.dispatcher.idle();
    expect(kit.engine.openTasks()).toEqual([]);
    expect((await kit.taskRecords(abandoned.id))[0]).toMatchObject({ status: 'canceled', reason: 'abandoned' });
    expect((await kit.taskRecords(toBot.id))[0]).toMatchObject({ status: 'canceled', reason: 'moved' });
    await kit.connect('agt_ana');
    expect(kit.offers()).toEqual([]);
    expect((await kit.conversation(toBot.id)).status).toBe('bot');
  });
});
