import { describe, expect, it } from 'vitest';
import { makeMessage } from '../testing/fixtures.js';
import { statsSnapshotSchema, transferTargetSchema, wrapUpSchema } from './agent-work.js';
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

  it('takes transfers to exactly one target, wrap-ups within bounds, monitor and watch', () => {
    const good = [
      { type: 'transfer', id: '1', conversationId: 'cnv_1', queueId: 'billing' },
      { type: 'transfer', id: '1', conversationId: 'cnv_1', agentId: 'agt_bo' },
      { type: 'end', id: '2', conversationId: 'cnv_1' },
      { type: 'end', id: '2', conversationId: 'cnv_1', disposition: 'sale', notes: 'x'.repeat(2000) },
      { type: 'monitor', id: '3', on: true },
      { type: 'watch', id: '4', conversationId: 'cnv_1', on: false },
    ];
    for (const frame of good) expect(agentFrameSchema.safeParse(frame).success, JSON.stringify(frame)).toBe(true);
    const bad = [
      { type: 'transfer', id: '1', conversationId: 'cnv_1' },
      { type: 'transfer', id: '1', conversationId: 'cnv_1', queueId: 'billing', agentId: 'agt_bo' },
      { type: 'transfer', id: '1', conversationId: 'cnv_1', queueId: '../x' },
      { type: 'end', id: '2', conversationId: 'cnv_1', disposition: '' },
      { type: 'end', id: '2', conversationId: 'cnv_1', disposition: 'x'.repeat(65) },
      { type: 'end', id: '2', conversationId: 'cnv_1', notes: 'x'.repeat(2001) },
      { type: 'monitor', id: '3' },
      { type: 'watch', id: '4', conversationId: 'cnv_1', on: 'yes' },
    ];
    for (const frame of bad) {
      expect(agentFrameSchema.safeParse(frame).success, JSON.stringify(frame).slice(0, 80)).toBe(false);
    }
    expect(customerFrameSchema.safeParse({ type: 'monitor', id: '3', on: true }).success).toBe(false);
    expect(transferTargetSchema.safeParse({ queueId: 'q', agentId: 'a' }).success).toBe(false);
    expect(wrapUpSchema.safeParse({ disposition: 'sale', extra: 1 }).success).toBe(false);
  });

  it('carries live figures in a stats frame', () => {
    const counters = {
      entered: 3,
      answered: 2,
      answeredInServiceLevel: 2,
      abandoned: 1,
      abandonedInServiceLevel: 0,
      overflowed: 0,
      asaSeconds: 4.5,
      serviceLevel: 0.66,
      abandonRate: 0.33,
    };
    const stats = {
      queues: [
        {
          queueId: 'support',
          name: 'Support',
          waiting: 1,
          reserved: 0,
          oldestWaitSeconds: 12,
          agents: { offline: 0, available: 1, busy: 1, wrap_up: 0, away: 0 },
          total: counters,
          window: { ...counters, minutes: 60 },
          open: true,
        },
      ],
      agents: [{ agentId: 'agt_ana', activity: 'available', presence: 'busy', active: 1, capacity: 3 }],
      at: 1767258000000,
    };
    expect(serverFrameSchema.safeParse({ type: 'stats', stats }).success).toBe(true);
    expect(statsSnapshotSchema.safeParse({ ...stats, agents: [{ agentId: 'agt_ana' }] }).success).toBe(false);
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
