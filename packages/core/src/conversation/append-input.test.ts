import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/hotline-error.js';
import { appendMessageInputSchema, MAX_MESSAGE_TEXT } from '../schemas/message.js';
import { parseAppendMessageInput, parseCommonAppendInput } from './append-input.js';

/** A value's keys in order, nested, with `undefined` kept: what `toStrictEqual` does not compare. */
function keyOrder(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return Object.entries(value).map(([key, item]) => [key, keyOrder(item)]);
}

/** Mostly valid values (so most candidates get past every check), sometimes one of the invalid ones. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: invalid, weight: 1 });
const optional = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: arb, weight: 3 }, fc.constant(undefined));

const id = mostly(
  fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,12}$/), fc.constant('a'.repeat(128))),
  fc.constantFrom('a'.repeat(129), '', ' x', 'a b', 'é', '_x', 'x\n', 1, null, {}, ['x']),
);
const key = mostly(
  fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constant('k'.repeat(200))),
  fc.constantFrom('', 'k'.repeat(201), 7, null, { k: 1 }),
);
const text = mostly(
  fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constant('t'.repeat(MAX_MESSAGE_TEXT))),
  fc.constantFrom('', 't'.repeat(MAX_MESSAGE_TEXT + 1), 3, null),
);
const author = mostly(
  fc.record(
    {
      kind: mostly(fc.constantFrom('contact', 'agent', 'bot', 'system'), fc.constantFrom('robot', 1)),
      id: optional(id),
      name: optional(
        mostly(
          fc.oneof(fc.string({ maxLength: 4 }), fc.constant('n'.repeat(200))),
          fc.constantFrom('n'.repeat(201), 5),
        ),
      ),
      extra: fc.anything(),
    },
    { requiredKeys: ['kind'] },
  ),
  fc.constantFrom(null, 'contact', [{ kind: 'contact' }], Object.assign(Object.create({ kind: 'contact' }), {})),
);
const content = mostly(
  fc.record({ type: fc.constant('text'), text, extra: fc.anything() }, { requiredKeys: ['type', 'text'] }),
  fc.constantFrom(
    { type: 'attachments', attachments: [{ id: 'att_1', name: 'a.png', mimeType: 'image/png', size: 1 }] },
    { type: 'event', name: 'call.answered' },
    { type: 'card', title: 'Hi' },
    { type: 'text' },
    { type: 'video' },
    'text',
    null,
  ),
);
const input = fc
  .tuple(
    fc.record(
      {
        tenantId: id,
        conversationId: id,
        direction: mostly(fc.constantFrom('inbound', 'outbound', 'note', 'system'), fc.constant('sideways')),
        author,
        content,
        channel: optional(mostly(fc.constantFrom('webchat', 'sms'), fc.constant('pigeon'))),
        legId: optional(id),
        providerMessageId: optional(key),
        clientMessageId: optional(key),
        status: optional(
          mostly(fc.constantFrom('pending', 'sent', 'delivered', 'read', 'failed'), fc.constant('lost')),
        ),
        metadata: fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 6 },
          fc.constantFrom({}, { tier: 'gold' }, { __proto__: null, a: 1 }, [], 'x'),
        ),
        unknownKey: fc.anything(),
      },
      { requiredKeys: ['tenantId', 'conversationId', 'direction', 'author', 'content'] },
    ),
    // Sometimes a required key is missing.
    fc.oneof({ arbitrary: fc.constant(undefined), weight: 12 }, fc.constantFrom('tenantId', 'author', 'content')),
  )
  .map(([record, missing]) => {
    if (missing !== undefined) delete (record as Record<string, unknown>)[missing];
    return record;
  });

describe('appendMessage input', () => {
  it('takes the common shape past the schema with exactly the schema’s result, and nothing the schema refuses', () => {
    let common = 0;
    fc.assert(
      fc.property(input, (candidate) => {
        const parsed = parseCommonAppendInput(candidate);
        const schema = appendMessageInputSchema.safeParse(candidate);
        if (parsed === undefined) return;
        common += 1;
        expect(schema.success).toBe(true);
        expect(parsed).toStrictEqual(schema.data);
        expect(keyOrder(parsed)).toEqual(keyOrder(schema.data));
      }),
      { numRuns: 5000 },
    );
    // The comparison above must have run often enough to mean something.
    expect(common).toBeGreaterThan(500);
  });

  it('is the common shape for what channels append: text from a contact, an agent, a bot', () => {
    const base = { tenantId: 'ten_1', conversationId: 'cnv_1', content: { type: 'text', text: 'Hello' } };
    const cases = [
      {
        ...base,
        direction: 'inbound',
        author: { kind: 'contact', id: 'ctc_1' },
        channel: 'webchat',
        clientMessageId: 'c-1',
      },
      { ...base, direction: 'outbound', author: { kind: 'agent', id: 'agt_1', name: 'Ann' }, status: 'sent' },
      {
        ...base,
        direction: 'note',
        author: { kind: 'agent', id: 'agt_1' },
        providerMessageId: 'wamid.1',
        legId: 'leg_1',
      },
      { ...base, direction: 'outbound', author: { kind: 'bot' }, channel: undefined },
    ];
    for (const candidate of cases) {
      expect(parseCommonAppendInput(candidate)).toStrictEqual(appendMessageInputSchema.parse(candidate));
    }
  });

  it('leaves everything else to the schema, which refuses invalid input with its issues', () => {
    const valid = {
      tenantId: 'ten_1',
      conversationId: 'cnv_1',
      direction: 'inbound',
      author: { kind: 'contact' },
      content: { type: 'text', text: 'Hi' },
    };
    const withMetadata = { ...valid, metadata: { tier: 'gold' } };
    expect(parseCommonAppendInput(withMetadata)).toBeUndefined();
    expect(parseAppendMessageInput(withMetadata).metadata).toEqual({ tier: 'gold' });
    const bad = { ...valid, conversationId: 'not an id' };
    expect(parseCommonAppendInput(bad)).toBeUndefined();
    expect(() => parseAppendMessageInput(bad)).toThrow(ValidationError);
    expect(() => parseAppendMessageInput({ ...valid, content: { type: 'text', text: '' } })).toThrow(/content\.text/);
  });
});
