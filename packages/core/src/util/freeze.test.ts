import { describe, expect, it } from 'vitest';
import { frozenCopy } from './freeze.js';

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
});
