import { describe, expect, it } from 'vitest';
import { createFieldCatalog } from './field-catalog.js';
import type { FieldDefinitionInput } from './field-definition.js';

const definitions: FieldDefinitionInput[] = [
  { key: 'summary', type: 'text', maxLength: 10 },
  { key: 'notes', type: 'textarea', maxLength: 20 },
  { key: 'seats', type: 'number', min: 1, max: 100 },
  { key: 'count', type: 'integer', min: 0 },
  { key: 'amount', type: 'decimal', scale: 2, max: 1000 },
  { key: 'urgent_ok', type: 'checkbox' },
  { key: 'due', type: 'date' },
  { key: 'plan', type: 'dropdown', options: ['free', 'pro'] },
  { key: 'areas', type: 'multiselect', options: ['a', 'b', 'c'], maxItems: 2 },
  { key: 'order_id', type: 'regex', pattern: 'ORD-[0-9]{4}' },
];
const catalog = createFieldCatalog(definitions);

const cases: [key: string, valid: unknown[], invalid: unknown[]][] = [
  ['summary', ['hello', ''], ['x'.repeat(11), 'two\nlines', 5, true]],
  ['notes', ['two\nlines'], ['x'.repeat(21), 1]],
  ['seats', [1, 2.5, 100], [0, 101, '3', Number.NaN, Number.POSITIVE_INFINITY]],
  ['count', [0, 42], [1.5, -1, '2', 2 ** 60]],
  ['amount', [12.5, 999.99, 0, 1e-2], [12.345, 1000.01, '12.50', 1e-7]],
  ['urgent_ok', [true, false], ['true', 1]],
  ['due', ['2026-02-28', '2024-02-29'], ['2026-02-29', '2026-13-01', '2026-1-5', '20260105', 20260105]],
  ['plan', ['free', 'pro'], ['gold', ['free'], 1]],
  ['areas', [['a'], ['a', 'c'], []], [['d'], 'a', ['a', 'b', 'c'], [1]]],
  ['order_id', ['ORD-1234'], ['ORD-12345', 'xORD-1234', 'ord-1234', 1234]],
];

describe('field values', () => {
  it.each(cases)('%s accepts its valid values and refuses invalid ones', (key, valid, invalid) => {
    for (const value of valid) expect(catalog.validateValues({ [key]: value })).toHaveProperty(key);
    for (const value of invalid) {
      expect(() => catalog.validateValues({ [key]: value }), `${key} = ${JSON.stringify(value)}`).toThrowError(
        expect.objectContaining({
          code: 'VALIDATION_FAILED',
          issues: [expect.objectContaining({ path: `fields.${key}` })],
        }),
      );
    }
  });

  it('null clears any field', () => {
    for (const { key } of definitions) expect(catalog.validateValues({ [key]: null })).toEqual({ [key]: null });
  });

  it('multiselect values are stored without duplicates', () => {
    expect(catalog.validateValues({ areas: ['b', 'b'] })).toEqual({ areas: ['b'] });
  });

  it('unknown keys are refused with the key, all problems at once', () => {
    try {
      catalog.validateValues({ plan: 'gold', secret: 1, __proto__x: 2 });
      expect.unreachable();
    } catch (error) {
      const e = error as { code: string; issues: { path: string }[]; details: { unknownKeys: string[] } };
      expect(e.code).toBe('VALIDATION_FAILED');
      expect(e.details.unknownKeys).toEqual(['secret', '__proto__x']);
      expect(e.issues.map((i) => i.path)).toEqual(['fields.plan', 'fields.secret', 'fields.__proto__x']);
    }
    expect(() => catalog.validateValues(JSON.parse('{"__proto__": {"polluted": true}}'))).toThrowError(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('field definitions', () => {
  it('refuse duplicate keys, bad keys, bad patterns and bad options', () => {
    const bad: FieldDefinitionInput[][] = [
      [
        { key: 'a', type: 'checkbox' },
        { key: 'a', type: 'text' },
      ],
      [{ key: 'Bad Key', type: 'checkbox' }],
      [{ key: 'r', type: 'regex', pattern: '(' }],
      [{ key: 'd', type: 'dropdown', options: [] }],
      [{ key: 'd', type: 'dropdown', options: ['x', 'x'] }],
      [{ key: 'x', type: 'nope' } as unknown as FieldDefinitionInput],
    ];
    for (const list of bad)
      expect(() => createFieldCatalog(list)).toThrowError(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe('requirements', () => {
  const required = createFieldCatalog([
    { key: 'plan', type: 'dropdown', options: ['free', 'pro'], requiredIn: ['solved', 'closed'] },
    { key: 'agreed', type: 'checkbox', requiredIn: ['solved'] },
    { key: 'areas', type: 'multiselect', options: ['a'], requiredIn: ['pending'] },
  ]);

  it('apply only in their statuses', () => {
    expect(required.missingRequired({}, 'open')).toEqual([]);
    expect(required.missingRequired({}, 'solved')).toEqual(['plan', 'agreed']);
    expect(required.missingRequired({ plan: 'pro', agreed: true }, 'solved')).toEqual([]);
    expect(required.missingRequired({}, 'closed')).toEqual(['plan']);
  });

  it('count unchecked checkboxes, empty text and empty lists as missing', () => {
    expect(required.missingRequired({ plan: 'pro', agreed: false }, 'solved')).toEqual(['agreed']);
    expect(required.missingRequired({ areas: [] }, 'pending')).toEqual(['areas']);
  });
});

describe('forms', () => {
  const withForms = createFieldCatalog(
    [
      { key: 'plan', type: 'dropdown', options: ['free', 'pro'] },
      { key: 'order_id', type: 'text' },
      { key: 'browser', type: 'text' },
    ],
    [
      { id: 'form_refund', name: 'Refund', fieldKeys: ['plan', 'order_id'], requiredKeys: ['order_id'] },
      { id: 'form_bug', name: 'Bug', fieldKeys: ['browser'] },
    ],
  );

  it('a ticket on a form accepts only its fields', () => {
    expect(withForms.validateValues({ plan: 'pro' }, 'form_refund')).toEqual({ plan: 'pro' });
    expect(() => withForms.validateValues({ browser: 'x' }, 'form_refund')).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ outsideForm: ['browser'] }) }),
    );
    expect(withForms.validateValues({ browser: 'x' })).toEqual({ browser: 'x' });
  });

  it('required keys of a form apply in every status; other forms’ fields are not required', () => {
    expect(withForms.missingRequired({}, 'new', 'form_refund')).toEqual(['order_id']);
    expect(withForms.missingRequired({}, 'new', 'form_bug')).toEqual([]);
    expect(withForms.missingRequired({}, 'new')).toEqual([]);
  });

  it('forms must name defined fields, required keys among them, unique ids', () => {
    const defs: FieldDefinitionInput[] = [{ key: 'a', type: 'checkbox' }];
    expect(() => createFieldCatalog(defs, [{ id: 'f', name: 'F', fieldKeys: ['b'] }])).toThrow();
    expect(() => createFieldCatalog(defs, [{ id: 'f', name: 'F', fieldKeys: ['a'], requiredKeys: ['c'] }])).toThrow();
    expect(() =>
      createFieldCatalog(defs, [
        { id: 'f', name: 'F', fieldKeys: ['a'] },
        { id: 'f', name: 'G', fieldKeys: [] },
      ]),
    ).toThrow();
    expect(() => withForms.assertForm('form_nope')).toThrowError(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});
