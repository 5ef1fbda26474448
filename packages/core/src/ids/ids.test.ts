import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createIdGenerator, idTimestamp, newId } from './ids.js';

describe('ids', () => {
  it('are prefixed ULIDs that carry their creation time', () => {
    const id = newId('conversation');
    expect(id).toMatch(/^cnv_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(Math.abs((idTimestamp(id) ?? 0) - Date.now())).toBeLessThan(5_000);
    expect(idTimestamp('not-an-id')).toBeUndefined();
  });

  it('sort by creation order, even within one millisecond and when the clock steps back', () => {
    let now = 1_700_000_000_000;
    const ids = createIdGenerator({ now: () => now });
    const made: string[] = [];
    for (let i = 0; i < 5_000; i++) {
      if (i % 1000 === 999) now -= 5; // a clock correction
      if (i % 7 === 0) now += 1;
      made.push(ids.next('message'));
    }
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });

  it('sort by time across generators', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), fc.integer({ min: 1, max: 2 ** 20 }), (t, dt) => {
        const a = createIdGenerator({ now: () => t }).next('task');
        const b = createIdGenerator({ now: () => t + dt }).next('task');
        return a < b && idTimestamp(a) === t && idTimestamp(b) === t + dt;
      }),
    );
  });

  it('refuse bad prefixes and clocks', () => {
    expect(() => newId('Bad Prefix')).toThrow(RangeError);
    expect(() => newId('Bad Prefix')).toThrow(RangeError);
    expect(() => newId('constructor')).toThrow(RangeError);
    expect(() => createIdGenerator({ now: () => -1 }).next('task')).toThrow(RangeError);
  });

  it('keep every prefix apart, however many a generator makes and in whatever order', () => {
    const ids = createIdGenerator({ now: () => 1_700_000_000_000 });
    const prefixes = Array.from(
      { length: 100 },
      (_, i) => `p${String.fromCharCode(97 + (i % 26))}${'q'.repeat(i % 5)}x`,
    );
    for (let round = 0; round < 3; round++) {
      for (const prefix of prefixes) {
        const id = ids.next(prefix);
        expect(id.startsWith(`${prefix}_`)).toBe(true);
        expect(id).toHaveLength(prefix.length + 27);
        expect(idTimestamp(id)).toBe(1_700_000_000_000);
      }
      expect(ids.next('message')).toMatch(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/);
    }
  });
});
