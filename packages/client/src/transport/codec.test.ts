import { describe, expect, it } from 'vitest';
import { decode, encode } from './codec.js';

const message = {
  id: 'msg_1',
  conversationId: 'cnv_1',
  seq: 1,
  direction: 'outbound',
  author: { kind: 'agent' },
  content: { type: 'text', text: 'hi' },
  createdAt: '2025-01-01T00:00:00.000Z',
};

describe('codec', () => {
  it('round-trips the frames the server sends', () => {
    const frames = [
      { type: 'reply', re: '1', result: { ok: true } },
      { type: 'error', code: 'NOT_FOUND', message: 'x' },
      { type: 'pong' },
      { type: 'message', message },
      { type: 'messages', conversationId: 'cnv_1', messages: [message], more: false },
      { type: 'typing', conversationId: 'cnv_1', author: { kind: 'agent' }, on: true },
      { type: 'read', conversationId: 'cnv_1', read: { contact: 1, agent: 1 } },
      {
        type: 'conversation',
        conversation: { id: 'cnv_1', status: 'active', lastSeq: 1, read: { contact: 0, agent: 0 } },
      },
      { type: 'offer', offer: { reservationId: 'res_1', conversationId: 'cnv_1' } },
      { type: 'offer_ended', reservationId: 'res_1', reason: 'timeout' },
      { type: 'stats', stats: { queues: [], agents: [], at: 1 } },
      { type: 'bye', reason: 'shutdown', retryAfterMs: 100 },
    ];
    for (const frame of frames) expect(decode(encode(frame))).toEqual(frame);
  });

  it('drops what it cannot read instead of misreading it', () => {
    const bad: unknown[] = [
      'not json',
      new Uint8Array([1, 2]),
      JSON.stringify(null),
      JSON.stringify([1]),
      JSON.stringify({ type: 'nope' }),
      JSON.stringify({ type: 'constructor' }),
      JSON.stringify({ type: 'toString' }),
      JSON.stringify({ type: 'reply' }),
      JSON.stringify({ type: 'message', message: { ...message, seq: '1' } }),
      JSON.stringify({ type: 'message', message: null }),
      JSON.stringify({ type: 'messages', conversationId: 'c', messages: [message, { id: 'x' }], more: false }),
      JSON.stringify({ type: 'messages', conversationId: 'c', messages: {}, more: false }),
      JSON.stringify({ type: 'typing', conversationId: 'c', author: null, on: true }),
      JSON.stringify({ type: 'conversation', conversation: { id: 'c' } }),
      JSON.stringify({ type: 'stats', stats: { queues: {}, agents: [], at: 1 } }),
    ];
    for (const data of bad) expect(decode(data), String(data)).toBeUndefined();
  });
});
