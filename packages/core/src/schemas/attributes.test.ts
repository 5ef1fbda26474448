import { describe, expect, it } from 'vitest';
import { attributesSchema, MAX_ATTRIBUTE_DEPTH } from './common.js';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
}

describe('attributesSchema', () => {
  it('accepts plain JSON up to the depth limit', () => {
    expect(
      attributesSchema.safeParse({ plan: 'gold', seats: 3, tags: ['a'], deep: nested(MAX_ATTRIBUTE_DEPTH - 1) })
        .success,
    ).toBe(true);
  });

  it('refuses deeper nesting without recursing (a hostile 100,000-level payload does not overflow the stack)', () => {
    expect(attributesSchema.safeParse({ deep: nested(MAX_ATTRIBUTE_DEPTH + 1) }).success).toBe(false);
    const hostile = JSON.parse(`{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(attributesSchema.safeParse(hostile).success).toBe(false);
  });

  it('refuses prototype-reaching keys at any depth instead of dropping them', () => {
    expect(attributesSchema.safeParse(JSON.parse('{"__proto__":{"admin":true}}')).success).toBe(false);
    expect(attributesSchema.safeParse(JSON.parse('{"a":{"__proto__":{"admin":true}}}')).success).toBe(false);
    expect(attributesSchema.safeParse({ a: { constructor: 1 } }).success).toBe(false);
  });

  it('refuses values that are not JSON', () => {
    expect(attributesSchema.safeParse({ a: Number.NaN }).success).toBe(false);
    expect(attributesSchema.safeParse({ a: new Date() }).success).toBe(false);
    expect(attributesSchema.safeParse({ a: () => 1 }).success).toBe(false);
  });
});
