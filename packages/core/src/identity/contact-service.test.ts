import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../clock/simulated-clock.js';
import type { HotlineEvent } from '../events/event-map.js';
import { createHotline } from '../services/create-hotline.js';

const T = 'ten_acme';

function setup() {
  const hotline = createHotline({ clock: new SimulatedClock() });
  const events: HotlineEvent[] = [];
  hotline.bus.subscribe('*', (event) => {
    events.push(event);
  });
  return { hotline, events };
}

describe('ContactService', () => {
  it('findOrCreate finds the same contact however the address is typed', async () => {
    const { hotline, events } = setup();
    const first = await hotline.contacts.findOrCreate(T, { channel: 'phone', address: '+86 138 1234 5678' });
    const again = await hotline.contacts.findOrCreate(T, { channel: 'phone', address: '008613812345678' });
    expect(first.created).toBe(true);
    expect(again).toEqual({ contact: first.contact, created: false });
    expect(events.filter((e) => e.type === 'contact.created')).toHaveLength(1);
  });

  it('concurrent findOrCreate calls converge on one contact', async () => {
    const { hotline } = setup();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        hotline.contacts.findOrCreate(T, { channel: 'email', address: 'race@example.com' }),
      ),
    );
    expect(new Set(results.map((r) => r.contact.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('link adds an identity, is idempotent, and never takes one from another contact', async () => {
    const { hotline, events } = setup();
    const ana = await hotline.contacts.create(T, {
      name: 'Ana',
      identities: [{ channel: 'email', address: 'ana@example.com' }],
    });
    const bo = await hotline.contacts.create(T, {
      name: 'Bo',
      identities: [{ channel: 'phone', address: '+14155550100' }],
    });
    const linked = await hotline.contacts.link(T, ana.id, { channel: 'whatsapp', address: '+86 138 1234 5678' });
    expect(linked.identities.map((i) => `${i.channel}:${i.address}`)).toEqual([
      'email:ana@example.com',
      'whatsapp:8613812345678',
    ]);
    const again = await hotline.contacts.link(T, ana.id, {
      channel: 'whatsapp',
      address: '8613812345678',
      verified: true,
    });
    expect(again.identities[1]?.verified).toBe(true);
    expect(events.filter((e) => e.type === 'contact.identity_linked')).toHaveLength(1);
    await expect(
      hotline.contacts.link(T, ana.id, { channel: 'phone', address: '+1 415 555 0100' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'identity_taken', contactId: bo.id },
    });
    expect((await hotline.contacts.get(T, ana.id)).version).toBe(3);
  });

  it('merge moves every identity to the chosen survivor and records the direction', async () => {
    const { hotline, events } = setup();
    const web = await hotline.contacts.create(T, {
      identities: [
        { channel: 'webchat', address: 'visitor-1' },
        { channel: 'email', address: 'ana@example.com', verified: true },
      ],
      attributes: { plan: 'pro', city: 'Lisbon' },
    });
    const phone = await hotline.contacts.create(T, {
      name: 'Ana Lima',
      identities: [{ channel: 'phone', address: '+351912345678' }],
      attributes: { plan: 'free' },
    });
    const survivor = await hotline.contacts.merge(T, { survivorId: phone.id, mergedId: web.id });
    expect(survivor.id).toBe(phone.id);
    expect(survivor.name).toBe('Ana Lima');
    expect(survivor.attributes).toEqual({ plan: 'free', city: 'Lisbon' });
    expect(survivor.mergedFrom).toEqual([web.id]);
    expect(survivor.identities.map((i) => i.address).sort()).toEqual(['+351912345678', 'ana@example.com', 'visitor-1']);
    expect((await hotline.contacts.get(T, web.id)).mergedInto).toBe(phone.id);
    expect((await hotline.contacts.findByIdentity(T, { channel: 'webchat', address: 'visitor-1' }))?.id).toBe(phone.id);
    expect((await hotline.contacts.resolve(T, web.id)).id).toBe(phone.id);
    expect(events.filter((e) => e.type === 'contact.merged')).toEqual([
      expect.objectContaining({ survivorId: phone.id, mergedId: web.id }),
    ]);
    // Merging again is a no-op; merging the other way round is refused.
    expect((await hotline.contacts.merge(T, { survivorId: phone.id, mergedId: web.id })).version).toBe(
      survivor.version,
    );
    await expect(hotline.contacts.merge(T, { survivorId: web.id, mergedId: phone.id })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(
      hotline.contacts.link(T, web.id, { channel: 'email', address: 'x@example.com' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'merged' },
    });
  });

  it('merge chains flatten: A ← B ← C leaves every identity on the final survivor', async () => {
    const { hotline } = setup();
    const created = await Promise.all(
      ['a', 'b', 'c'].map((n) => hotline.contacts.create(T, { identities: [{ channel: 'external', address: n }] })),
    );
    const [a, b, c] = created.map((contact) => contact.id) as [string, string, string];
    await hotline.contacts.merge(T, { survivorId: b, mergedId: c });
    const final = await hotline.contacts.merge(T, { survivorId: a, mergedId: b });
    expect(final.mergedFrom).toEqual([b, c]);
    expect((await hotline.contacts.resolve(T, c)).id).toBe(a);
    for (const n of ['a', 'b', 'c']) {
      expect((await hotline.contacts.findByIdentity(T, { channel: 'external', address: n }))?.id).toBe(a);
    }
  });

  it('rejects bad input and changes nothing', async () => {
    const { hotline } = setup();
    const ana = await hotline.contacts.create(T, { name: 'Ana' });
    await expect(hotline.contacts.create(T, { name: 'x'.repeat(201) })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(hotline.contacts.create('bad tenant!', {})).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(hotline.contacts.update(T, ana.id, { attributes: { 'bad key': 1 } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(hotline.contacts.update(T, ana.id, { name: 'Stale' }, { expectedVersion: 9 })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(hotline.contacts.merge(T, { survivorId: ana.id, mergedId: ana.id })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(hotline.contacts.merge(T, { survivorId: ana.id, mergedId: 'ctc_missing' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(hotline.contacts.get('ten_other', ana.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await hotline.contacts.get(T, ana.id)).toEqual(ana);
  });
});
