import type { JsonValue } from '@hotline/core';
import { sameJson, toExternal, toHotline, UNMAPPED } from './field-values.js';
import type { CrmConflictRule, CrmFieldMapping } from './mapping.js';

/** Both sides of one mapped field. */
export interface FieldSides {
  /** The Hotline value (as Hotline stores it). */
  hotline: JsonValue;
  /** When the Hotline value last changed, ms since the epoch. */
  hotlineAt: number;
  /** The CRM value and when it last changed; absent when the record or the field is. */
  crm?: { value: JsonValue; at: number };
  /** The value both sides last agreed on (CRM representation), if any. */
  synced: JsonValue | undefined;
}

/** What to do with one field. */
export type FieldDecision =
  /** Both hold the same value (the CRM representation). */
  | { action: 'in_sync'; external: JsonValue }
  /** Write `external` to the CRM. */
  | { action: 'push'; external: JsonValue; conflict: boolean }
  /** Write `hotline` to Hotline; the CRM holds `external`. */
  | { action: 'pull'; hotline: JsonValue; external: JsonValue; conflict: boolean }
  | { action: 'skip'; reason: 'unmapped_value' | 'absent_in_crm' };

/** Which side a conflict on `property` goes to. Ties in last-writer-wins go to Hotline. */
function conflictWinner(rule: CrmConflictRule, property: string, sides: FieldSides): 'hotline' | 'crm' {
  if (rule.mode === 'source_of_truth') return rule.perField[property] ?? rule.default;
  return (sides.crm?.at ?? Number.NEGATIVE_INFINITY) > sides.hotlineAt ? 'crm' : 'hotline';
}

/**
 * Decides one field. A side "changed" when its value differs from the last agreed value;
 * when only one side changed it wins, when both did (or nothing was ever agreed) the
 * mapping's conflict rule decides. One-way fields always flow their way. Pure, so push and
 * pull decide alike and each applies only its own direction.
 */
export function decideField(field: CrmFieldMapping, rule: CrmConflictRule, sides: FieldSides): FieldDecision {
  const external = toExternal(field, sides.hotline);
  const push = (conflict: boolean): FieldDecision =>
    external === UNMAPPED ? { action: 'skip', reason: 'unmapped_value' } : { action: 'push', external, conflict };
  if (!sides.crm) {
    if (field.direction === 'from_crm') return { action: 'skip', reason: 'absent_in_crm' };
    return external === null ? { action: 'in_sync', external: null } : push(false);
  }
  const crmValue = sides.crm.value;
  if (external !== UNMAPPED && sameJson(external, crmValue)) return { action: 'in_sync', external: crmValue };
  const pull = (conflict: boolean): FieldDecision => {
    const hotline = toHotline(field, crmValue);
    return hotline === UNMAPPED
      ? { action: 'skip', reason: 'unmapped_value' }
      : { action: 'pull', hotline, external: crmValue, conflict };
  };
  if (field.direction === 'to_crm') return push(false);
  if (field.direction === 'from_crm') return pull(false);
  const hotlineChanged = sides.synced === undefined || external === UNMAPPED || !sameJson(external, sides.synced);
  const crmChanged = sides.synced === undefined || !sameJson(crmValue, sides.synced);
  if (hotlineChanged && !crmChanged) return push(false);
  if (crmChanged && !hotlineChanged) return pull(false);
  return conflictWinner(rule, field.hotline, sides) === 'hotline' ? push(true) : pull(true);
}
