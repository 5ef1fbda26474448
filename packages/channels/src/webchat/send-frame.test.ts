import { agentFrameSchema, customerFrameSchema, MAX_MESSAGE_TEXT } from '@hotline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, MAX_NESTING } from './frame-codec.js';
import { parseTextSend } from './send-frame.js';

/** Keys in order and `undefined` values kept: what `toStrictEqual` does not compare. */
const layout = (value: unknown) => JSON.stringify(value, (_key, item) => (item === undefined ? '(undefined)' : item));

/** Mostly valid values, so most frames get past every check; sometimes an invalid one. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: invalid, weight: 1 });

const text = mostly(
  fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constant('t'.repeat(MAX_MESSAGE_TEXT))),
  fc.constantFrom('', 't'.repeat(MAX_MESSAGE_TEXT + 1), 1, null, ['x']),
);
const frame = fc.record(
  {
    type: mostly(fc.constant('send'), fc.constantFrom('ping', 'typing', 'sen')),
    id: mostly(
      fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.constant('i'.repeat(64))),
      fc.constantFrom('', 'i'.repeat(65), 1, null),
    ),
    conversationId: mostly(
      fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,12}$/), fc.constant('c'.repeat(128))),
      fc.constantFrom('c'.repeat(129), '', '-x', 'a b', 'ü', 'x\n', 9, null, {}),
    ),
    clientMessageId: mostly(
      fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.constant('k'.repeat(200))),
      fc.constantFrom('', 'k'.repeat(201), 2, null),
    ),
    content: mostly(
      fc.record(
        { type: fc.constant('text'), text, extra: fc.anything() },
        { requiredKeys: ['type', 'text'], noNullPrototype: true },
      ),
      fc.constantFrom(
        { type: 'attachments', attachmentIds: ['att_1'] },
        { type: 'attachments', attachmentIds: ['att_1'], text: 'caption' },
        { type: 'card', title: 'x' },
        { type: 'text' },
        Object.create(null) as object,
        'text',
        null,
        [],
      ),
    ),
    note: fc.oneof({ arbitrary: fc.boolean(), weight: 6 }, fc.constantFrom(undefined, 'yes', 0)),
    unknownKey: fc.anything(),
  },
  { requiredKeys: ['type', 'id', 'conversationId', 'clientMessageId', 'content'], noNullPrototype: true },
);

describe('text send frames', () => {
  it('get exactly the result of either side’s schema, and nothing the schema refuses', () => {
    let checked = 0;
    fc.assert(
      fc.property(frame, fc.constantFrom('customer' as const, 'agent' as const), (raw, role) => {
        const parsed = parseTextSend(raw, role);
        if (parsed === undefined) return;
        checked += 1;
        const schema = (role === 'customer' ? customerFrameSchema : agentFrameSchema).safeParse(raw);
        expect(schema.success).toBe(true);
        expect(parsed).toStrictEqual(schema.data);
        expect(layout(parsed)).toBe(layout(schema.data));
      }),
      { numRuns: 5000 },
    );
    // The comparison above must have run often enough to mean something.
    expect(checked).toBeGreaterThan(1000);
  });

  it('are what the widget and agent desks send, decoded the same as through the schema', () => {
    const customer = `{"type":"send","id":"m1","conversationId":"cnv_01J9Z3K6W8C7Q2V4R5T6Y7U8I9","clientMessageId":"c-1","content":{"type":"text","text":"Hi \\u2764"}}`;
    const agent = `{"type":"send","id":"m2","conversationId":"cnv_1","clientMessageId":"a-1","note":true,"content":{"type":"text","text":"internal"}}`;
    expect(parseTextSend(JSON.parse(customer), 'customer')).toStrictEqual(
      customerFrameSchema.parse(JSON.parse(customer)),
    );
    expect(parseTextSend(JSON.parse(agent), 'agent')).toStrictEqual(agentFrameSchema.parse(JSON.parse(agent)));
    expect(decodeFrame(agent, 'agent', true)).toStrictEqual(agentFrameSchema.parse(JSON.parse(agent)));
  });

  it('leave the rest to the schema, whose errors name the field', () => {
    const long = `{"type":"send","id":"m1","conversationId":"cnv_1","clientMessageId":"c-1","content":{"type":"text","text":"${'x'.repeat(MAX_MESSAGE_TEXT + 1)}"}}`;
    expect(() => decodeFrame(long, 'customer', true)).toThrow(/content\.text/);
    const attachments = `{"type":"send","id":"m1","conversationId":"cnv_1","clientMessageId":"c-1","content":{"type":"attachments","attachmentIds":["att_1"]}}`;
    expect(parseTextSend(JSON.parse(attachments), 'customer')).toBeUndefined();
    const bare = Object.assign(Object.create(null) as object, JSON.parse(long.replace(/x+/, 'x')) as object);
    expect(parseTextSend(bare as Record<string, unknown>, 'customer')).toBeUndefined();
    expect(decodeFrame(attachments, 'customer', true)).toMatchObject({ content: { attachmentIds: ['att_1'] } });
  });
});

describe('frame nesting', () => {
  // An unknown key: the schema drops it unread, so only the nesting check looks at it.
  const nested = (depth: number) => `{"type":"ping","x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

  it(`refuses a frame nested deeper than ${MAX_NESTING} levels, and only such a frame`, () => {
    expect(decodeFrame(nested(MAX_NESTING), 'customer', true)).toEqual({ type: 'ping' });
    expect(() => decodeFrame(nested(MAX_NESTING + 1), 'customer', true)).toThrow(/nest at most/);
  });

  it('counts brackets inside strings as text, however many there are', () => {
    const brackets = `{"type":"send","id":"m1","conversationId":"cnv_1","clientMessageId":"c-1","content":{"type":"text","text":"${'[{'.repeat(100)}"}}`;
    expect(decodeFrame(brackets, 'customer', true)).toMatchObject({ content: { text: '[{'.repeat(100) } });
  });
});
