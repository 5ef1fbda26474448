import { idSchema } from '@hotline/core';
import { z } from 'zod';

/**
 * Who made a change. Every history entry and audit record names one, so "which rule
 * changed this ticket?" always has an answer (a pain point in every anchor).
 *
 * - `agent` — a person working tickets (agents, supervisors, admins), by agent/user id;
 * - `requester` — the customer (a contact id), by reply, CSAT or portal;
 * - `trigger` / `automation` — a rule, by rule id;
 * - `sla` — an escalation action of an SLA policy, by policy id;
 * - `integration` — an API client, webhook callback or CRM sync, by integration id;
 * - `system` — the engine itself (auto-close, merge bookkeeping), with a reason.
 */
export const actorSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('agent'), id: idSchema }),
  z.strictObject({ type: z.literal('requester'), id: idSchema }),
  z.strictObject({ type: z.literal('trigger'), id: idSchema }),
  z.strictObject({ type: z.literal('automation'), id: idSchema }),
  z.strictObject({ type: z.literal('sla'), id: idSchema }),
  z.strictObject({ type: z.literal('integration'), id: idSchema }),
  z.strictObject({ type: z.literal('system'), reason: z.string().min(1).max(64) }),
]);
/** Who made a change. */
export type Actor = z.infer<typeof actorSchema>;

/**
 * A short, stable label for an actor (`trigger:trg_1`, `system:auto_close`): what audit
 * entries record as the actor.
 *
 * @example
 * ```ts
 * actorLabel({ type: 'trigger', id: 'trg_1' }); // 'trigger:trg_1'
 * ```
 */
export function actorLabel(actor: Actor): string {
  return actor.type === 'system' ? `system:${actor.reason}` : `${actor.type}:${actor.id}`;
}
