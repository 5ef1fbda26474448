import { describe, expect, it } from 'vitest';
import { frozenCopy, frozenCopyWith } from './freeze.js';

describe('frozenCopy', () => {
  it('copies deeply, freezes deeply, and drops undefined keys', () => {
    const input = { a: 1, nested: { list: [{ x: 'y' }], gone: undefined }, when: new Date(0) };
    const out = frozenCopy(input);
    expect(out).toEqual({ a: 1, nested: { list: [{ x: 'y' }] }, when: new Date(0) });
    expect('gone' in out.nested).toBe(false);
    expect(Object.isFrozen(out.nested.list[0])).toBe(true);
    (input.nested.list[0] as { x: string }).x = 'changed';
    expect(out.nested.list[0]?.x).toBe('y');
    expect(() => {
      (out as { a: number }).a = 2;
    }).toThrow(TypeError);
  });

  it('keeps own keys named __proto__ as data, never as a prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}');
    const out = frozenCopy(input) as Record<string, unknown>;
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((out as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('copies with extra fields on top in one pass, as a spread would, without touching the input', () => {
    const input = { id: 'm1', seq: 0, author: { kind: 'contact' }, gone: undefined };
    const out = frozenCopyWith(input, { seq: 7, extra: ['x'] });
    expect(out).toStrictEqual(frozenCopy({ ...input, seq: 7, extra: ['x'] }));
    expect(Object.keys(out)).toEqual(['id', 'seq', 'author', 'extra']);
    expect(Object.isFrozen(out.author) && Object.isFrozen(out.extra)).toBe(true);
    expect(out.author).not.toBe(input.author);
    expect(input.seq).toBe(0);
    const inherited = Object.assign(Object.create({ polluted: true }) as object, { own: 1 });
    expect(frozenCopyWith(inherited, { seq: 1 })).toEqual({ own: 1, seq: 1 });
    expect('polluted' in frozenCopyWith(inherited, { seq: 1 })).toBe(false);
  });
});
