import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../clock/simulated-clock.js';
import { createHotline } from '../services/create-hotline.js';

const T = 'ten_prop';

describe('contact merges (property)', () => {
  it('never lose an identity or a message, whatever the order and direction of merges', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 7 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 12 }),
        fc.array(fc.nat({ max: 3 }), { minLength: 7, maxLength: 7 }),
        async (count, merges, messagesPer) => {
          const hotline = createHotline({ clock: new SimulatedClock() });
          const contacts: string[] = [];
          const identities: { contact: number; channel: 'email' | 'external'; address: string }[] = [];
          const messagesOf = new Map<number, string[]>();
          for (let i = 0; i < count; i++) {
            const contact = await hotline.contacts.create(T, {
              identities: [
                { channel: 'email', address: `c${i}@example.com` },
                { channel: 'external', address: `user-${i}` },
              ],
            });
            contacts.push(contact.id);
            identities.push(
              { contact: i, channel: 'email', address: `c${i}@example.com` },
              { contact: i, channel: 'external', address: `user-${i}` },
            );
            const { conversation } = await hotline.conversations.start({
              tenantId: T,
              channel: 'email',
              contact: { contactId: contact.id },
            });
            const ids: string[] = [];
            for (let m = 0; m < (messagesPer[i] ?? 0); m++) {
              const { message } = await hotline.conversations.appendMessage({
                tenantId: T,
                conversationId: conversation.id,
                direction: 'inbound',
                author: { kind: 'contact', id: contact.id },
                content: { type: 'text', text: `m${m}` },
              });
              ids.push(message.id);
            }
            messagesOf.set(i, ids);
          }
          for (const [a, b] of merges) {
            const survivor = await hotline.contacts.resolve(T, contacts[a % count] as string);
            const merged = await hotline.contacts.resolve(T, contacts[b % count] as string);
            if (survivor.id === merged.id) continue;
            await hotline.contacts.merge(T, { survivorId: survivor.id, mergedId: merged.id });
          }
          for (const identity of identities) {
            const root = await hotline.contacts.resolve(T, contacts[identity.contact] as string);
            const holder = await hotline.contacts.findByIdentity(T, identity);
            expect(holder?.id).toBe(root.id);
            expect(root.identities.some((i) => i.channel === identity.channel && i.address === identity.address)).toBe(
              true,
            );
          }
          const seen = new Map<string, number>();
          const roots = new Set<string>();
          for (const id of contacts) roots.add((await hotline.contacts.resolve(T, id)).id);
          for (const root of roots) {
            const timeline = await hotline.contacts.timeline(T, root);
            for (const item of timeline.items) {
              if (item.kind === 'message') seen.set(item.message.id, (seen.get(item.message.id) ?? 0) + 1);
            }
          }
          const all = [...messagesOf.values()].flat();
          expect(seen.size).toBe(all.length);
          for (const id of all) expect(seen.get(id)).toBe(1);
        },
      ),
      { numRuns: 60 },
    );
  });
});
