import { describe, expect, it } from 'vitest';
import { MessageLog } from './message-log.js';

const m = (seq: number, id = `m${seq}`) => ({ id, seq });

describe('MessageLog', () => {
  it('keeps each message once, in seq order, and knows how far it has no hole', () => {
    const log = new MessageLog<{ id: string; seq: number }>();
    expect(log._add(m(1))).toBe(0);
    expect(log._add(m(3))).toBe(1);
    expect(log._gap).toBe(true);
    expect(log._lastSeq).toBe(1);
    expect(log._add(m(2))).toBe(1);
    expect(log._add(m(2))).toBe(-1);
    expect(log._list.map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(log._lastSeq).toBe(3);
    expect(log._gap).toBe(false);
  });

  it('lets a history answer cover seqs this client never sees (agents’ notes)', () => {
    const log = new MessageLog<{ id: string; seq: number }>();
    log._add(m(1));
    log._add(m(4));
    expect(log._gap).toBe(true);
    log._cover(4);
    expect(log._lastSeq).toBe(4);
    expect(log._gap).toBe(false);
  });
});
