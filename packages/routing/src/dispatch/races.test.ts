import { createMemoryStorage, SimulatedClock } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import { Prng } from '../staffing/prng.js';
import { disagreements, gatedStorage, makeDispatch, T0 } from './dispatch-kit.js';

const A = 'acme';

function gatedKit(options: Parameters<typeof makeDispatch>[0] = {}) {
  const clock = new SimulatedClock(T0);
  const gate = gatedStorage(createMemoryStorage({ clock }));
  return { ...makeDispatch({ clock, storage: gate.storage, ...options }), gate };
}

describe('races between the engine and core writes', () => {
  it('lets one of two agents racing for one conversation win, even with the core write in flight', async () => {
    for (const order of [
      ['agt_ana', 'agt_bo'],
      ['agt_bo', 'agt_ana'],
    ]) {
      const kit = gatedKit({ engine: { maxParallelOffers: 2 } });
      await kit.connect('agt_ana');
      await kit.connect('agt_bo');
      const chat = await kit.enqueueChat();
      const offerTo = (agentId: string) => kit.offers(agentId)[0]?.reservationId as string;
      kit.gate.hold();
      const attempts = order.map((agentId) => kit.dispatcher.accept(A, agentId, offerTo(agentId)));
      kit.gate.release();
      const results = await Promise.allSettled(attempts);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
      await kit.dispatcher.idle();
      expect(await kit.conversation(chat.id)).toMatchObject({ status: 'active', assigneeId: order[0] });
      expect(kit.history(chat.id).filter((h) => h.startsWith('accept'))).toHaveLength(1);
      expect(kit.engine.queueStats('support').total.answered).toBe(1);
      expect(await disagreements(kit)).toEqual([]);
    }
  });

  it('settles an accept racing the offer timeout one way: the accept that reached the engine first wins', async () => {
    const kit = gatedKit({ engine: { reservationTimeoutSeconds: 30 } });
    await kit.connect('agt_ana');
    const chat = await kit.enqueueChat();
    const offer = kit.offerOf(chat.id);
    kit.gate.hold(); // the core write of the acceptance is in flight…
    const accepted = kit.dispatcher.accept(A, 'agt_ana', offer.reservationId);
    await kit.clock.advance(60_000); // …while the offer's deadline passes
    kit.gate.release();
    await expect(accepted).resolves.toEqual({ conversationId: chat.id });
    await kit.dispatcher.idle();
    expect(kit.ended('agt_ana').map((e) => e.reason)).toEqual(['accepted']);
    expect(await kit.conversation(chat.id)).toMatchObject({ status: 'active', assigneeId: 'agt_ana' });
    expect(await disagreements(kit)).toEqual([]);
  });

  it('settles it the other way when the timeout reached the engine first, even at the same instant', async () => {
    const kit = gatedKit({ engine: { reservationTimeoutSeconds: 30, refusalCooldownSeconds: 600 } });
    await kit.connect('agt_ana');
    const chat = await kit.enqueueChat();
    const offer = kit.offerOf(chat.id);
    kit.gate.hold(); // the core write of the timeout is in flight…
    await kit.clock.advance(30_000);
    const late = kit.dispatcher.accept(A, 'agt_ana', offer.reservationId); // …when the agent accepts
    await expect(late).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { from: 'timed_out' } });
    kit.gate.release();
    await kit.dispatcher.idle();
    expect(kit.ended('agt_ana').map((e) => e.reason)).toEqual(['timeout']);
    expect(await kit.conversation(chat.id)).toMatchObject({ status: 'queued' });
    expect(await disagreements(kit)).toEqual([]);

    // At the very instant of expiry, an accept the engine sees before its timer fires wins.
    const second = makeDispatch({ engine: { reservationTimeoutSeconds: 30 } });
    await second.connect('agt_ana');
    const chat2 = await second.enqueueChat();
    const offer2 = second.offerOf(chat2.id);
    second.clock.set(offer2.expiresAt);
    await expect(second.dispatcher.accept(A, 'agt_ana', offer2.reservationId)).resolves.toEqual({
      conversationId: chat2.id,
    });
    await second.advance(0);
    expect(second.ended('agt_ana').map((e) => e.reason)).toEqual(['accepted']);
  });

  it('treats a double click on accept as one acceptance', async () => {
    const kit = gatedKit();
    await kit.connect('agt_ana');
    const chat = await kit.enqueueChat();
    const { reservationId } = kit.offerOf(chat.id);
    kit.gate.hold();
    const both = Promise.all([
      kit.dispatcher.accept(A, 'agt_ana', reservationId),
      kit.dispatcher.accept(A, 'agt_ana', reservationId),
    ]);
    kit.gate.release();
    await expect(both).resolves.toEqual([{ conversationId: chat.id }, { conversationId: chat.id }]);
    expect(kit.history(chat.id).filter((h) => h.startsWith('accept'))).toEqual(['accept:offered>active']);
  });

  it('resolves accept against reject, disconnect or the customer leaving into one consistent outcome', async () => {
    const races: Record<
      string,
      (kit: ReturnType<typeof gatedKit>, reservationId: string, conversationId: string) => Promise<unknown>
    > = {
      reject: (kit, reservationId) => kit.dispatcher.reject(A, 'agt_ana', reservationId),
      disconnect: (kit) => kit.dispatcher.setConnected(A, 'agt_ana', false),
      customerLeft: (kit, _r, conversationId) => kit.dispatcher.customerLeft(A, conversationId),
    };
    for (const [name, other] of Object.entries(races)) {
      for (const acceptFirst of [true, false]) {
        const kit = gatedKit();
        await kit.connect('agt_ana');
        const chat = await kit.enqueueChat();
        const { reservationId } = kit.offerOf(chat.id);
        kit.gate.hold();
        const accept = () => kit.dispatcher.accept(A, 'agt_ana', reservationId);
        const calls = acceptFirst
          ? [accept(), other(kit, reservationId, chat.id)]
          : [other(kit, reservationId, chat.id), accept()];
        kit.gate.release();
        const [a, b] = await Promise.allSettled(calls);
        const accepted = (acceptFirst ? a : b)?.status === 'fulfilled';
        await kit.dispatcher.idle();
        const conversation = await kit.conversation(chat.id);
        const label = `${name}, accept ${acceptFirst ? 'first' : 'second'}`;
        if (accepted) {
          expect(conversation.assigneeId, label).toBe('agt_ana');
          expect(['active', 'wrap_up'], label).toContain(conversation.status);
        } else {
          expect(conversation.assigneeId, label).toBeUndefined();
          expect(['queued', 'abandoned'], label).toContain(conversation.status);
        }
        expect(kit.history(chat.id).filter((h) => h.startsWith('accept')).length, label).toBe(accepted ? 1 : 0);
        expect(await disagreements(kit), label).toEqual([]);
      }
    }
  });

  it('keeps core and routing in agreement under random interleavings', async () => {
    await randomInterleavings(false);
  });

  it('keeps core and routing in agreement under random interleavings with transfers', async () => {
    await randomInterleavings(true);
  });
});

/** Random calls of every kind in rounds, some with core writes held; core and routing must agree after each. */
async function randomInterleavings(transfers: boolean): Promise<void> {
  let transferred = 0;
  for (let seed = 1; seed <= 12; seed++) {
    const rng = new Prng(seed);
    const kit = gatedKit({
      engine: { reservationTimeoutSeconds: 20, maxParallelOffers: 1 + (seed % 2), refusalCooldownSeconds: 0 },
    });
    const agents = ['agt_a', 'agt_b', 'agt_c'];
    for (const id of agents) await kit.connect(id, { capacity: { webchat: 1 + (seed % 3) } });
    const chats: string[] = [];
    const winners = new Map<string, Set<string>>();
    const pick = <T>(items: readonly T[]) => items[rng.integer(0, items.length - 1)] as T;
    for (let round = 0; round < 25; round++) {
      const calls: Promise<unknown>[] = [];
      if (rng.uniform() < 0.5) kit.gate.hold();
      for (let i = rng.integer(1, 4); i > 0; i--) {
        const roll = rng.uniform();
        const chat = chats.length > 0 ? pick(chats) : undefined;
        const pending = kit.offers().filter((o) => !kit.ended().some((e) => e.reservationId === o.reservationId));
        const offer = pending.length > 0 ? pick(pending) : undefined;
        if (roll < 0.25) {
          calls.push(
            kit.startChat().then((c) => {
              chats.push(c.id);
              return kit.dispatcher.enqueue({
                tenantId: A,
                conversationId: c.id,
                channel: 'webchat',
                queueId: 'support',
                attributes: {},
              });
            }),
          );
        } else if (roll < 0.5 && offer) {
          const agentId = rng.uniform() < 0.9 ? offer.agentId : pick(agents);
          calls.push(
            kit.dispatcher.accept(A, agentId, offer.reservationId).then(({ conversationId }) => {
              const set = winners.get(conversationId) ?? new Set();
              set.add(agentId);
              winners.set(conversationId, set);
            }),
          );
        } else if (roll < 0.6 && offer) {
          calls.push(kit.dispatcher.reject(A, offer.agentId, offer.reservationId));
        } else if (transfers && roll < 0.66 && chat) {
          const c = await kit.conversation(chat);
          const target = rng.uniform() < 0.5 ? { queueId: 'support' } : { agentId: pick(agents) };
          if (c.assigneeId) calls.push(kit.dispatcher.transfer(A, c.assigneeId, chat, target));
        } else if (roll < 0.7 && chat) {
          const c = await kit.conversation(chat);
          if (c.assigneeId) calls.push(kit.dispatcher[rng.uniform() < 0.5 ? 'end' : 'resolve'](A, c.assigneeId, chat));
        } else if (roll < 0.78 && chat) {
          calls.push(kit.dispatcher.customerLeft(A, chat));
        } else if (roll < 0.88) {
          calls.push(kit.dispatcher.setConnected(A, pick(agents), rng.uniform() < 0.6));
        } else if (roll < 0.94) {
          calls.push(kit.dispatcher.setActivity(A, pick(agents), pick(['available', 'available', 'break'])));
        } else {
          calls.push(kit.clock.advance(rng.integer(1, 25_000)));
        }
      }
      kit.gate.release();
      await Promise.allSettled(calls);
      await kit.dispatcher.idle();
      expect(await disagreements(kit), `seed ${seed} round ${round}`).toEqual([]);
    }
    // One acceptance per routing of a conversation: the first, and one after each transfer.
    const transfersOf = (chat: string) => kit.history(chat).filter((h) => h.startsWith('transfer')).length;
    for (const [conversationId, agentsWhoWon] of winners) {
      expect(agentsWhoWon.size, `seed ${seed}: ${conversationId} won by ${[...agentsWhoWon]}`).toBeLessThanOrEqual(
        1 + transfersOf(conversationId),
      );
    }
    for (const chat of chats) {
      const accepts = kit.history(chat).filter((h) => h.startsWith('accept')).length;
      expect(accepts).toBeLessThanOrEqual(1 + transfersOf(chat));
      transferred += transfersOf(chat);
    }
  }
  if (transfers) expect(transferred).toBeGreaterThan(5);
}
