import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../clock/simulated-clock.js';
import { createHotline } from '../services/create-hotline.js';
import { createMemoryStorage } from '../storage/memory/memory-storage.js';
import type { Storage } from '../storage/ports.js';

const T = 'ten_prop';

/** Hands every storage call's resolution to the fast-check scheduler, so it explores interleavings. */
function scheduledStorage(storage: Storage, s: fc.Scheduler): Storage {
  const wrap = <R extends object>(repo: R): R =>
    new Proxy(repo, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? s.scheduleFunction(value.bind(target)) : value;
      },
    });
  return {
    ...storage,
    conversations: wrap(storage.conversations),
    messages: wrap(storage.messages),
    contacts: wrap(storage.contacts),
  };
}

describe('message appends (property)', () => {
  it('never leave a gap or a duplicate seq, and dedupe every repeated key, under any interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(
          fc.record({
            conversation: fc.integer({ min: 0, max: 2 }),
            key: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
            provider: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        async (s, sends) => {
          const base = createMemoryStorage();
          const setupHotline = createHotline({ storage: base, clock: new SimulatedClock() });
          const ids: string[] = [];
          for (let i = 0; i < 3; i++) {
            const { conversation } = await setupHotline.conversations.start({
              tenantId: T,
              channel: 'whatsapp',
              contact: { identity: { channel: 'whatsapp', address: `1415555010${i}` } },
            });
            ids.push(conversation.id);
          }
          const hotline = createHotline({ storage: scheduledStorage(base, s), clock: new SimulatedClock() });
          const pending = sends.map((send) =>
            hotline.conversations.appendMessage({
              tenantId: T,
              conversationId: ids[send.conversation] as string,
              direction: 'inbound',
              author: { kind: 'contact' },
              content: { type: 'text', text: 'hi' },
              ...(send.key === undefined ? {} : { clientMessageId: `k${send.key}` }),
              ...(send.provider === undefined ? {} : { providerMessageId: `p${send.provider}` }),
            }),
          );
          await s.waitFor(Promise.all(pending));
          const results = await Promise.all(pending);
          for (const id of ids) {
            const seqs = (await base.messages.list(T, id, { limit: 1000 })).map((m) => m.seq);
            expect(seqs).toEqual(seqs.map((_, i) => i + 1));
          }
          // Each send got a message carrying one of its keys (or a new one when it had none)…
          sends.forEach((send, i) => {
            const result = results[i];
            const message = result?.message;
            const matches =
              (send.key !== undefined && message?.clientMessageId === `k${send.key}`) ||
              (send.provider !== undefined && message?.providerMessageId === `p${send.provider}`) ||
              (send.key === undefined && send.provider === undefined && result?.created === true);
            expect(matches).toBe(true);
          });
          // …and no key is stored twice.
          const stored = (await Promise.all(ids.map((id) => base.messages.list(T, id, { limit: 1000 })))).flat();
          const clientKeys = stored
            .filter((m) => m.clientMessageId)
            .map((m) => `${m.conversationId}:${m.clientMessageId}`);
          const providerKeys = stored.filter((m) => m.providerMessageId).map((m) => m.providerMessageId);
          expect(new Set(clientKeys).size).toBe(clientKeys.length);
          expect(new Set(providerKeys).size).toBe(providerKeys.length);
          expect(results.filter((r) => r.created).length).toBe(stored.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});
