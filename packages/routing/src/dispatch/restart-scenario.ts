import { SimulatedClock, type Storage } from '@hotline/core';
import { expect } from 'vitest';
import type { RoutingEngine } from '../engine/routing-engine.js';
import { type DispatchKit, disagreements, makeDispatch, T0 } from './dispatch-kit.js';

const A = 'acme';

/** The routing configuration both "processes" share: one queue that keeps the slot through ten minutes of wrap-up. */
export function defineSupport(engine: RoutingEngine): void {
  engine.defineQueue({ id: 'support', wrapUpSeconds: 600 });
}

/**
 * A host routes four chats, then dies; the first process leaves on `storage`:
 * `wrapUp` (ana, wrapping up), `active` (bo, at capacity), `offered` (to ana, unanswered)
 * and `queued` (nobody had room). Tests only.
 */
export async function runFirstProcess(storage: Storage) {
  const first = makeDispatch({ storage, define: defineSupport });
  const { dispatcher } = first;
  await first.connect('agt_ana', { capacity: { webchat: 2 } });
  first.clock.set(first.clock.now() + 1000);
  await first.connect('agt_bo', { capacity: { webchat: 1 } });
  const wrapUp = await first.enqueueChat();
  await dispatcher.accept(A, 'agt_ana', first.offerOf(wrapUp.id).reservationId);
  const active = await first.enqueueChat();
  expect(first.offerOf(active.id).agentId).toBe('agt_bo');
  await dispatcher.accept(A, 'agt_bo', first.offerOf(active.id).reservationId);
  first.clock.set(first.clock.now() + 1000);
  const offered = await first.enqueueChat();
  expect(first.offerOf(offered.id).agentId).toBe('agt_ana');
  first.clock.set(first.clock.now() + 1000);
  await dispatcher.end(A, 'agt_ana', wrapUp.id);
  const queued = await first.enqueueChat();
  await dispatcher.idle();
  expect((await first.conversation(queued.id)).status).toBe('queued');
  expect((await first.conversation(offered.id)).status).toBe('offered');
  // The process dies: nothing is closed or flushed, its engine and its timers are gone.
  first.engine.stop();
  return {
    wrapUp: wrapUp.id,
    active: active.id,
    offered: offered.id,
    queued: queued.id,
    offeredTask: (await first.taskRecords(offered.id))[0]?.id,
  };
}

/** The second process on the same storage: a fresh engine and dispatcher, a clock a minute later. */
export function startSecondProcess(storage: Storage, restoreOnAttach = false): DispatchKit {
  return makeDispatch({
    storage,
    clock: new SimulatedClock(T0 + 60_000),
    define: defineSupport,
    dispatcher: { restoreOnAttach },
  });
}

/**
 * After the restart: assigned work is back with its agents and holds their capacity (an
 * agent at capacity gets no offer), waiting work is offered again, oldest first, and the
 * restored conversations can be ended and resolved through the new process.
 */
export async function checkSecondProcess(
  second: DispatchKit,
  chats: Awaited<ReturnType<typeof runFirstProcess>>,
): Promise<void> {
  const { dispatcher } = second;
  expect(await second.conversation(chats.offered)).toMatchObject({ status: 'queued' });
  expect(second.history(chats.offered)).toEqual(['offer_timeout:offered>queued']);
  expect(second.engine.getAgent('agt_ana')).toMatchObject({ activity: 'offline', load: { webchat: 1 } });
  expect(second.engine.getAgent('agt_bo')).toMatchObject({ activity: 'offline', load: { webchat: 1 } });
  expect((await second.taskRecords(chats.offered)).map((t) => [t.id, t.status])).toEqual([
    [chats.offeredTask, 'pending'],
  ]);

  // bo comes back at capacity: nothing for him. ana has one free slot: the oldest waiting chat.
  await dispatcher.setConnected(A, 'agt_bo', true);
  await dispatcher.idle();
  expect(second.offers()).toEqual([]);
  await dispatcher.setConnected(A, 'agt_ana', true);
  await dispatcher.idle();
  expect(second.offers().map((o) => [o.agentId, o.conversationId])).toEqual([['agt_ana', chats.offered]]);
  expect((await second.conversation(chats.queued)).status).toBe('queued');

  // Restored work goes on through the new process.
  await dispatcher.end(A, 'agt_bo', chats.active);
  await dispatcher.resolve(A, 'agt_bo', chats.active);
  await dispatcher.idle();
  expect(second.offerOf(chats.queued).agentId).toBe('agt_bo');
  await dispatcher.resolve(A, 'agt_ana', chats.wrapUp);
  expect((await second.conversation(chats.wrapUp)).status).toBe('resolved');
  await dispatcher.accept(A, 'agt_ana', second.offerOf(chats.offered).reservationId);
  expect(await second.conversation(chats.offered)).toMatchObject({ status: 'active', assigneeId: 'agt_ana' });
  expect(await disagreements(second)).toEqual([]);
  expect((await dispatcher.restore(A)).adopted).toEqual([]); // a second restore finds nothing to do
}
