import { describe, expect, it } from 'vitest';
import { main } from './main.js';

describe('quick start', () => {
  it('runs the walkthrough end to end', async () => {
    const lines: string[] = [];
    const summary = await main({ log: (line) => lines.push(line) });

    expect(summary.dedupe).toEqual({ first: { created: true, seq: 1 }, retry: { created: false, seq: 1 } });
    expect(summary.lifecycle).toEqual([
      'new',
      'queued',
      'offered',
      'active',
      'pending',
      'active',
      'wrap_up',
      'resolved',
    ]);
    expect(summary.illegalTransitionCode).toBe('ILLEGAL_TRANSITION');
    expect(summary.linkConflictCode).toBe('CONFLICT');
    expect(summary.phoneContactId).not.toBe(summary.webContactId);
    expect(summary.survivor).toEqual({
      id: summary.webContactId,
      identities: ['webchat:visitor-7f3a', 'email:ana.lima@example.com', 'phone:+493012345678'],
      mergedFrom: [summary.phoneContactId],
    });
    expect(summary.timeline).toEqual({ conversations: 2, messages: 5, channels: ['webchat', 'voice'] });
    expect(summary.events.filter((type) => type === 'message.received')).toHaveLength(2);
    expect(summary.events).toContain('contact.merged');
    expect(lines.some((line) => line.includes('ILLEGAL_TRANSITION'))).toBe(true);

    expect(summary.audit).toEqual({
      seq: 1,
      action: 'contact.merged',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      verify: { ok: true, count: 1, headHash: summary.audit.hash },
    });
    expect(summary.maskedLogLine).toBe(
      `merged ${summary.phoneContactId} into ${summary.webContactId}: phone +49******5678, email a***@example.com`,
    );
    const maskingStep = lines.slice(lines.findIndex((line) => line.includes('11. Masking'))).join('\n');
    expect(maskingStep).toContain(summary.maskedLogLine);
    expect(maskingStep).not.toContain('+493012345678');
    expect(maskingStep).not.toContain('ana.lima@');
  });
});
