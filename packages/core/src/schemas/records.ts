import { z } from 'zod';
import { attributesSchema, idSchema, tenantIdSchema, timestampSchema } from './common.js';

/** Who did something, as recorded in the audit log and in histories. */
export const actorSchema = z.object({
  kind: z.enum(['user', 'agent', 'contact', 'integration', 'system', 'rule']),
  id: idSchema,
  name: z.string().max(200).optional(),
});
/** Who did something. */
export type Actor = z.infer<typeof actorSchema>;

/** One field's change, old and new value. */
export const fieldChangeSchema = z.object({ from: z.json().optional(), to: z.json().optional() });
/** One field's change. */
export type FieldChange = z.infer<typeof fieldChangeSchema>;

/**
 * One entry of a tenant's append-only, hash-chained audit log. `hash` covers every other
 * field and `prevHash`, so changing or removing any entry breaks the chain from there on.
 */
export const auditEntrySchema = z.object({
  tenantId: tenantIdSchema,
  /** 1, 2, 3… per tenant, gap-free. */
  seq: z.int().min(1),
  id: idSchema,
  at: timestampSchema,
  actor: actorSchema,
  /** Dotted action, e.g. `contact.merged`, `ticket.updated`. */
  action: z.string().min(1).max(100),
  resource: z.object({ type: z.string().min(1).max(64), id: idSchema }),
  changes: z.record(z.string().max(128), fieldChangeSchema).optional(),
  details: attributesSchema.optional(),
  /** Hash of the previous entry (64 zeros for the first). */
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
/** One audit log entry. */
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** A durable timer: fires `kind` with `payload` at `dueAt`, survives restarts. */
export const timerRecordSchema = z.object({
  tenantId: tenantIdSchema,
  id: idSchema,
  /** Handler name, e.g. `reservation.timeout`, `sla.breach`, `conversation.snooze`. */
  kind: z.string().min(1).max(100),
  /** Milliseconds since the epoch. */
  dueAt: z.number().int().min(0),
  payload: attributesSchema,
  /** Times the timer was claimed (a retry after a failed or crashed handler counts). */
  attempts: z.int().min(0),
  claimedBy: z.string().max(200).optional(),
  claimToken: z.string().max(200).optional(),
  claimExpiresAt: z.number().int().min(0).optional(),
  lastError: z.string().max(2000).optional(),
});
/** A durable timer. */
export type TimerRecord = z.infer<typeof timerRecordSchema>;

/** Delivery state of an outbox entry. */
export const outboxStatusSchema = z.enum(['pending', 'inflight', 'delivered', 'dead']);
/** Delivery state of an outbox entry. */
export type OutboxStatus = z.infer<typeof outboxStatusSchema>;

/**
 * Something to deliver outside the process (a webhook, a provider send), written in the
 * same transaction as the change that caused it and delivered at least once.
 */
export const outboxEntrySchema = z.object({
  tenantId: tenantIdSchema,
  id: idSchema,
  /** Delivery channel, e.g. `webhook`, `email.send`. */
  topic: z.string().min(1).max(100),
  /** Idempotency key: enqueuing the same key twice keeps the first entry. */
  key: z.string().min(1).max(200).optional(),
  payload: z.json(),
  status: outboxStatusSchema,
  attempts: z.int().min(0),
  /** Not delivered before this instant (ms since epoch); backoff moves it. */
  availableAt: z.number().int().min(0),
  claimedBy: z.string().max(200).optional(),
  claimToken: z.string().max(200).optional(),
  claimExpiresAt: z.number().int().min(0).optional(),
  lastError: z.string().max(2000).optional(),
  createdAt: timestampSchema,
  deliveredAt: timestampSchema.optional(),
});
/** An outbox entry. */
export type OutboxEntry = z.infer<typeof outboxEntrySchema>;
