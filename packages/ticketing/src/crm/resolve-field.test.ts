import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CrmConflictRule, CrmFieldMapping } from './mapping.js';
import { decideField } from './resolve-field.js';

const field: CrmFieldMapping = { hotline: 'fields.region', external: 'Region__c', direction: 'both' };
const value = fc.constantFrom('emea', 'apac', 'amer', null);
const rule = fc.constantFrom<CrmConflictRule>(
  { mode: 'last_writer_wins' },
  { mode: 'source_of_truth', perField: {}, default: 'crm' },
  { mode: 'source_of_truth', perField: { 'fields.region': 'hotline' }, default: 'crm' },
);

describe('decideField', () => {
  it('never writes back the value both sides last agreed on (no echo), and agrees when equal', () => {
    fc.assert(
      fc.property(
        value,
        value,
        fc.option(value, { nil: undefined }),
        fc.nat(),
        fc.nat(),
        rule,
        (h, c, synced, ht, ct, r) => {
          const decision = decideField(field, r, { hotline: h, hotlineAt: ht, crm: { value: c, at: ct }, synced });
          if (h === c) expect(decision).toEqual({ action: 'in_sync', external: c });
          if (synced !== undefined && c === synced) expect(decision.action).not.toBe('pull');
          if (synced !== undefined && h === synced) expect(decision.action).not.toBe('push');
          if (decision.action === 'push') expect(decision.external).toBe(h);
          if (decision.action === 'pull') expect(decision.hotline).toBe(c);
        },
      ),
    );
  });

  it('decides a conflict by time in last-writer-wins, ties to Hotline', () => {
    const sides = (hotlineAt: number, crmAt: number) => ({
      hotline: 'emea',
      hotlineAt,
      crm: { value: 'apac', at: crmAt },
      synced: 'amer',
    });
    const lww: CrmConflictRule = { mode: 'last_writer_wins' };
    expect(decideField(field, lww, sides(2, 1))).toMatchObject({ action: 'push', conflict: true });
    expect(decideField(field, lww, sides(1, 2))).toMatchObject({ action: 'pull', conflict: true });
    expect(decideField(field, lww, sides(1, 1))).toMatchObject({ action: 'push', conflict: true });
  });

  it('lets one-way fields flow their way only, and skips values absent from the CRM for from_crm', () => {
    const lww: CrmConflictRule = { mode: 'last_writer_wins' };
    const sides = { hotline: 'emea', hotlineAt: 0, crm: { value: 'apac', at: 9 }, synced: undefined };
    expect(decideField({ ...field, direction: 'to_crm' }, lww, sides)).toMatchObject({ action: 'push' });
    expect(decideField({ ...field, direction: 'from_crm' }, lww, { ...sides, hotlineAt: 99 })).toMatchObject({
      action: 'pull',
    });
    expect(
      decideField({ ...field, direction: 'from_crm' }, lww, { hotline: 'x', hotlineAt: 0, synced: undefined }),
    ).toEqual({
      action: 'skip',
      reason: 'absent_in_crm',
    });
  });
});
