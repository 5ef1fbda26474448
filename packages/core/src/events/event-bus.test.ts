import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from '../clock/simulated-clock.js';
import { InMemoryEventBus } from './event-bus.js';
import type { HotlineEvent } from './event-map.js';

const created = { type: 'contact.created', tenantId: 'ten_1', contactId: 'ctc_1' } as const;

describe('InMemoryEventBus', () => {
  it('delivers by exact type, by prefix and to *', async () => {
    const bus = new InMemoryEventBus();
    const exact = vi.fn();
    const prefix = vi.fn();
    const all = vi.fn();
    const other = vi.fn();
    bus.subscribe('contact.created', exact);
    bus.subscribe('contact.*', prefix);
    bus.subscribe('*', all);
    bus.subscribe('message.*', other);
    await bus.publish(created);
    expect(exact).toHaveBeenCalledTimes(1);
    expect(prefix).toHaveBeenCalledTimes(1);
    expect(all).toHaveBeenCalledTimes(1);
    expect(other).not.toHaveBeenCalled();
  });

  it('stamps id and at from the clock, keeping given ones', async () => {
    const bus = new InMemoryEventBus({ clock: new SimulatedClock(Date.UTC(2026, 0, 1)) });
    const event = await bus.publish(created);
    expect(event.at).toBe('2026-01-01T00:00:00.000Z');
    expect(event.id).toMatch(/^evt_/);
    expect((await bus.publish({ ...created, id: 'evt_x', at: '2026-02-02T00:00:00.000Z' })).id).toBe('evt_x');
    const input = { ...created };
    const stamped = await bus.publish(input);
    expect(stamped).not.toBe(input);
    expect(input).toEqual(created);
    expect(Object.keys(stamped)).toEqual(['type', 'tenantId', 'contactId', 'id', 'at']);
  });

  it('hasListeners looks at the type, its prefix and *', () => {
    const bus = new InMemoryEventBus();
    expect(bus.hasListeners('contact.created')).toBe(false);
    const off = bus.subscribe('contact.*', () => {});
    expect(bus.hasListeners('contact.created')).toBe(true);
    expect(bus.hasListeners('message.received')).toBe(false);
    off();
    const offAll = bus.subscribe('*', () => {});
    expect(bus.hasListeners('message.received')).toBe(true);
    offAll();
    expect(bus.hasListeners('contact.created')).toBe(false);
  });

  it('unsubscribe stops delivery and is idempotent', async () => {
    const bus = new InMemoryEventBus();
    const handler = vi.fn();
    const off = bus.subscribe('contact.*', handler);
    off();
    off();
    await bus.publish(created);
    expect(handler).not.toHaveBeenCalled();
    expect(bus.listenerCount('contact.*')).toBe(0);
  });

  it('isolates failing subscribers, sync and async', async () => {
    const errors: unknown[] = [];
    const bus = new InMemoryEventBus({ onError: (error) => errors.push(error) });
    const after = vi.fn();
    bus.subscribe('*', () => {
      throw new Error('sync boom');
    });
    bus.subscribe('*', async () => {
      throw new Error('async boom');
    });
    bus.subscribe('*', after);
    await expect(bus.publish(created)).resolves.toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(after).toHaveBeenCalledTimes(1);
    expect(errors.map((e) => (e as Error).message).sort()).toEqual(['async boom', 'sync boom']);
  });

  it('narrows handler types by pattern', async () => {
    const bus = new InMemoryEventBus();
    const seen: string[] = [];
    bus.subscribe('message.*', (event) => {
      // Type-level check: every message.* event except status_changed carries a direction.
      seen.push(event.type);
    });
    bus.subscribe('contact.merged', (event: HotlineEvent<'contact.merged'>) => {
      seen.push(event.survivorId);
    });
    await bus.publish({ type: 'contact.merged', tenantId: 't', survivorId: 's', mergedId: 'm' });
    expect(seen).toEqual(['s']);
  });

  it('refuses malformed patterns and handlers', () => {
    const bus = new InMemoryEventBus();
    for (const pattern of ['', 'contact', 'contact.**', '*.created', 'Contact.created', 'a b']) {
      expect(() => bus.subscribe(pattern as never, () => {})).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED' }),
      );
    }
    expect(() => bus.subscribe('*', 'nope' as never)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
