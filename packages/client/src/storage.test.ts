import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../test/helpers.js';
import { Persisted } from './storage.js';

const entry = (clientMessageId: string) => ({
  clientMessageId,
  conversationId: 'cnv_1',
  content: { type: 'text' as const, text: clientMessageId },
  createdAt: '2025-01-01T00:00:00.000Z',
});

describe('Persisted', () => {
  it('touches no storage before enable(), then merges what memory holds with what was stored', () => {
    const storage = new MemoryStorage();
    storage.setItem('k', JSON.stringify({ v: 1, token: 't1', outbox: [entry('a')] }));
    storage.writes = storage.reads = 0;
    const saved = new Persisted(storage, 'k');
    saved._update((s) => {
      s.outbox = [entry('b')];
    });
    expect(storage.reads + storage.writes).toBe(0);
    const state = saved._enable();
    expect(state.token).toBe('t1');
    expect(state.outbox?.map((e) => e.clientMessageId)).toEqual(['a', 'b']);
    expect(JSON.parse(storage.map.get('k') ?? '').outbox).toHaveLength(2);
  });

  it('applies outbox changes to what is stored, so two tabs do not erase each other', () => {
    const storage = new MemoryStorage();
    const tabA = new Persisted(storage, 'k');
    const tabB = new Persisted(storage, 'k');
    tabA._enable();
    tabB._enable();
    tabA._update((s) => {
      s.outbox = [...(s.outbox ?? []), entry('from-a')];
    });
    tabB._update((s) => {
      s.outbox = [...(s.outbox ?? []), entry('from-b')];
    });
    tabB._set('token', 'tb');
    expect(
      JSON.parse(storage.map.get('k') ?? '').outbox.map((e: { clientMessageId: string }) => e.clientMessageId),
    ).toEqual(['from-a', 'from-b']);
    tabA._update((s) => {
      s.outbox = s.outbox?.filter((e) => e.clientMessageId !== 'from-a');
    });
    expect(JSON.parse(storage.map.get('k') ?? '').outbox).toHaveLength(1);
  });

  it('keeps working from memory when storage throws or holds garbage', () => {
    const broken = {
      getItem: () => '{not json',
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const saved = new Persisted(broken, 'k');
    expect(saved._enable()).toEqual({ outbox: [] });
    saved._set('token', 't');
    expect(saved._state.token).toBe('t');
    expect(() => saved._clear()).not.toThrow();
  });
});
