import { createHotline, createMemoryStorage, SimulatedClock } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import { RoutingEngine } from '../engine/routing-engine.js';
import { createConversationDispatcher } from './conversation-dispatcher.js';
import { makeDispatch, T0 } from './dispatch-kit.js';

/** Two tenants on one storage and one dispatcher; `acme` has an offered chat and an active one. */
async function twoTenants() {
  const clock = new SimulatedClock(T0);
  const storage = createMemoryStorage({ clock });
  const acme = makeDispatch({ clock, storage });
  const globexEngine = new RoutingEngine({ tenantId: 'globex', clock });
  globexEngine.defineQueue({ id: 'support' });
  const dispatcher = createConversationDispatcher({
    hotline: acme.hotline,
    engineFor: (tenantId) => (tenantId === 'globex' ? globexEngine : tenantId === 'acme' ? acme.engine : undefined),
  });
  const notices: unknown[] = [];
  dispatcher.subscribe((n) => notices.push(n));
  await acme.addAgent('agt_ana');
  await dispatcher.setConnected('acme', 'agt_ana', true);
  const enqueue = async () => {
    const chat = await acme.startChat();
    await dispatcher.enqueue({
      tenantId: 'acme',
      conversationId: chat.id,
      channel: 'webchat',
      queueId: 'support',
      attributes: {},
    });
    await dispatcher.idle();
    return { chat, reservationId: acme.engine.getAgent('agt_ana').reservationIds[0] as string };
  };
  const first = await enqueue();
  const active = first.chat;
  await dispatcher.accept('acme', 'agt_ana', first.reservationId);
  const { chat: offered, reservationId } = await enqueue();
  return { acme, dispatcher, globexEngine, active, offered, reservationId, notices };
}

describe('ConversationDispatcher: tenants', () => {
  it('answers NOT_FOUND for another tenant’s conversation, reservation and agent, and changes nothing', async () => {
    const { acme, dispatcher, globexEngine, active, offered, reservationId } = await twoTenants();
    const G = 'globex';
    const attempts: [string, () => Promise<unknown>][] = [
      [
        'enqueue',
        () =>
          dispatcher.enqueue({
            tenantId: G,
            conversationId: offered.id,
            channel: 'webchat',
            queueId: 'support',
            attributes: {},
          }),
      ],
      ['accept', () => dispatcher.accept(G, 'agt_ana', reservationId)],
      ['reject', () => dispatcher.reject(G, 'agt_ana', reservationId)],
      ['end', () => dispatcher.end(G, 'agt_ana', active.id)],
      ['resolve', () => dispatcher.resolve(G, 'agt_ana', active.id)],
      ['customerLeft', () => dispatcher.customerLeft(G, offered.id)],
      ['setConnected', () => dispatcher.setConnected(G, 'agt_ana', true)],
      ['disconnect', () => dispatcher.setConnected(G, 'agt_ana', false)],
      ['setActivity', () => dispatcher.setActivity(G, 'agt_ana', 'break')],
      [
        'unknown tenant',
        () =>
          dispatcher.enqueue({ tenantId: 'initech', conversationId: offered.id, channel: 'webchat', attributes: {} }),
      ],
    ];
    for (const [what, attempt] of attempts) {
      await expect(attempt(), what).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(() => dispatcher.isOpen('initech')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(dispatcher.offersFor(G, 'agt_ana')).toEqual([]);
    expect(dispatcher.activityOf(G, 'agt_ana')).toBeUndefined();
    expect(dispatcher.isOpen(G)).toBe(false);
    await dispatcher.idle();
    expect(await acme.conversation(offered.id)).toMatchObject({ status: 'offered', offeredTo: 'agt_ana' });
    expect(await acme.conversation(active.id)).toMatchObject({ status: 'active', assigneeId: 'agt_ana' });
    expect(dispatcher.activityOf('acme', 'agt_ana')).toBe('available');
    expect(dispatcher.offersFor('acme', 'agt_ana').map((o) => o.reservationId)).toEqual([reservationId]);
    expect(await acme.storage.tasks.list('globex')).toEqual({ items: [] });
    expect(globexEngine.openTasks()).toEqual([]);
  });

  it('keeps reservations to their agent: another agent of the same tenant gets NOT_FOUND; a non-assignee FORBIDDEN', async () => {
    const { acme, dispatcher, active, offered, reservationId } = await twoTenants();
    await acme.addAgent('agt_bo');
    await dispatcher.setConnected('acme', 'agt_bo', true);
    await expect(dispatcher.accept('acme', 'agt_bo', reservationId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(dispatcher.reject('acme', 'agt_bo', reservationId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(dispatcher.accept('acme', 'agt_ana', 'rsv_unknown')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(dispatcher.end('acme', 'agt_bo', active.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(dispatcher.resolve('acme', 'agt_bo', active.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(dispatcher.end('acme', 'agt_ana', 'cnv_unknown')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await acme.conversation(offered.id)).toMatchObject({ status: 'offered', offeredTo: 'agt_ana' });
    expect(await acme.conversation(active.id)).toMatchObject({ status: 'active' });
  });

  it('refuses an engine given for the wrong tenant and one whose offline activity is routable', () => {
    const clock = new SimulatedClock(T0);
    const hotline = createHotline({ clock });
    const engine = new RoutingEngine({ tenantId: 'acme', clock });
    const wrong = createConversationDispatcher({ hotline, engineFor: () => engine });
    expect(() => wrong.isOpen('globex')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    const routableOffline = new RoutingEngine({
      tenantId: 'acme',
      clock,
      activities: [{ name: 'offline', routable: true }],
    });
    const bad = createConversationDispatcher({ hotline, engines: [routableOffline] });
    expect(() => bad.isOpen('acme')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => createConversationDispatcher({ hotline, engines: [engine, engine] })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});

describe('ConversationDispatcher: bad input', () => {
  it('answers VALIDATION_FAILED (or NOT_FOUND for unknown routes) and changes nothing', async () => {
    const kit = makeDispatch({ define: (e) => e.defineQueue({ id: 'support', channels: ['webchat'] }) });
    const { dispatcher } = kit;
    await kit.connect('agt_ana');
    const chat = await kit.startChat();
    const good = {
      tenantId: 'acme',
      conversationId: chat.id,
      channel: 'webchat' as const,
      queueId: 'support',
      attributes: {},
    };
    const invalid: [string, unknown][] = [
      ['no tenant', { ...good, tenantId: undefined }],
      ['bad tenant id', { ...good, tenantId: 'a b' }],
      ['no conversation', { ...good, conversationId: '' }],
      ['bad channel', { ...good, channel: 'pigeon' }],
      ['negative priority', { ...good, priority: -1 }],
      ['fractional priority', { ...good, priority: 1.5 }],
      ['attributes not an object', { ...good, attributes: 'vip' }],
      ['bad attribute key', { ...good, attributes: { '1st': true } }],
      ['not an object', 'hello'],
    ];
    for (const [what, request] of invalid) {
      await expect(dispatcher.enqueue(request as never), what).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    await expect(dispatcher.enqueue({ ...good, channel: 'voice' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(dispatcher.enqueue({ ...good, queueId: 'sales' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(dispatcher.enqueue({ ...good, queueId: undefined })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [expect.objectContaining({ path: 'queueId' })] },
    });
    await dispatcher.idle();
    expect((await kit.conversation(chat.id)).status).toBe('new');
    expect(kit.engine.openTasks()).toEqual([]);
    expect(await kit.taskRecords(chat.id)).toEqual([]);
    expect(kit.offers()).toEqual([]);

    const calls: [string, () => unknown][] = [
      ['accept', () => dispatcher.accept('acme', 'agt ana', 'rsv_1')],
      ['reject', () => dispatcher.reject('acme', 'agt_ana', '')],
      ['end', () => dispatcher.end('acme', 'agt_ana', 'x'.repeat(200))],
      ['resolve', () => dispatcher.resolve('', 'agt_ana', chat.id)],
      ['customerLeft', () => dispatcher.customerLeft('acme', 'cnv/1')],
      ['setConnected', () => dispatcher.setConnected('acme', 'agt_ana', 1 as unknown as boolean)],
      ['setActivity', () => dispatcher.setActivity('acme', 'agt_ana', '')],
    ];
    for (const [what, call] of calls) {
      await expect(Promise.resolve().then(call), what).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(() => dispatcher.isOpen('acme', 'bad queue')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => dispatcher.offersFor('acme', '')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => dispatcher.activityOf('acme', 'a b')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => dispatcher.subscribe('listener' as never)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(dispatcher.activityOf('acme', 'agt_ana')).toBe('available');
  });

  it('refuses to enqueue a conversation already with an agent or closed, and to end one that is not active', async () => {
    const kit = makeDispatch();
    await kit.connect('agt_ana');
    const chat = await kit.startChat();
    await kit.hotline.conversations.apply('acme', chat.id, { type: 'assign', agentId: 'agt_ana' });
    const request = {
      tenantId: 'acme',
      conversationId: chat.id,
      channel: 'webchat' as const,
      queueId: 'support',
      attributes: {},
    };
    await expect(kit.dispatcher.enqueue(request)).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    await kit.dispatcher.end('acme', 'agt_ana', chat.id); // assigned directly in core: core alone
    await expect(kit.dispatcher.end('acme', 'agt_ana', chat.id)).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    await kit.dispatcher.resolve('acme', 'agt_ana', chat.id);
    await expect(kit.dispatcher.enqueue(request)).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    expect(kit.engine.openTasks()).toEqual([]);
  });
});
