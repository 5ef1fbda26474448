import { describe, expect, it } from 'vitest';
import { makeMessage } from '../testing/fixtures.js';
import { agentFrameSchema, customerFrameSchema } from './client-frames.js';
import { serverFrameSchema } from './server-frames.js';
import { toWireMessage } from './to-wire.js';

describe('web chat wire frames', () => {
  it('accepts the frames a customer sends', () => {
    const frames = [
      { type: 'hello', id: '1', v: 1, siteId: 'site_1', resume: [{ conversationId: 'cnv_1', afterSeq: 4 }] },
      { type: 'hello', id: '1', v: 1, siteId: 'site_1', identity: { userId: 'u1', hash: 'a'.repeat(64) } },
      { type: 'start', id: '2', key: 'k1', attributes: { page: { url: 'https://x.test/' }, prechat: { name: 'Ana' } } },
      { type: 'send', id: '3', conversationId: 'cnv_1', clientMessageId: 'c1', content: { type: 'text', text: 'hi' } },
      { type: 'typing', conversationId: 'cnv_1', on: true },
      { type: 'read', conversationId: 'cnv_1', seq: 3 },
      { type: 'csat', id: '4', conversationId: 'cnv_1', score: 5 },
      { type: 'offline', id: '5', key: 'k2', email: 'ana@example.com', message: 'call me' },
    ];
    for (const frame of frames) expect(customerFrameSchema.safeParse(frame).success, JSON.stringify(frame)).toBe(true);
  });

  it('refuses hostile or malformed customer frames', () => {
    const bad = [
      {},
      { type: 'hello', id: '1', v: 1 },
      { type: 'send', id: '3', conversationId: 'cnv_1', clientMessageId: 'c1', content: { type: 'text', text: '' } },
      { type: 'send', id: '3', conversationId: '../etc', clientMessageId: 'c1', content: { type: 'text', text: 'x' } },
      { type: 'read', conversationId: 'cnv_1', seq: 0 },
      { type: 'csat', id: '4', conversationId: 'cnv_1', score: 6 },
      { type: 'hello', id: '1', v: 1, siteId: 's', identity: { userId: 'u1', hash: 'nothex' } },
      {
        type: 'hello',
        id: '1',
        v: 1,
        siteId: 's',
        resume: Array.from({ length: 21 }, () => ({ conversationId: 'c', afterSeq: 0 })),
      },
      { type: 'accept', id: '1', reservationId: 'res_1' },
    ];
    for (const frame of bad) expect(customerFrameSchema.safeParse(frame).success, JSON.stringify(frame)).toBe(false);
  });

  it('gives agents their own frames, including notes', () => {
    expect(agentFrameSchema.safeParse({ type: 'accept', id: '1', reservationId: 'res_1' }).success).toBe(true);
    expect(
      agentFrameSchema.safeParse({
        type: 'send',
        id: '1',
        conversationId: 'cnv_1',
        clientMessageId: 'n1',
        note: true,
        content: { type: 'text', text: 'internal' },
      }).success,
    ).toBe(true);
    expect(agentFrameSchema.safeParse({ type: 'start', id: '1', key: 'k' }).success).toBe(false);
  });

  it('keeps tenant, metadata and internal author ids off the wire', () => {
    const stored = {
      ...makeMessage('ten_1', 'cnv_1', { clientMessageId: 'c1', metadata: { secret: 1 }, providerMessageId: 'p1' }),
      seq: 7,
    };
    const wire = toWireMessage(stored);
    expect(wire).toEqual({
      id: stored.id,
      conversationId: 'cnv_1',
      seq: 7,
      direction: 'inbound',
      author: { kind: 'contact' },
      content: stored.content,
      clientMessageId: 'c1',
      createdAt: stored.createdAt,
    });
    expect(serverFrameSchema.safeParse({ type: 'message', message: wire }).success).toBe(true);
  });
});
