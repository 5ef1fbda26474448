import { z } from 'zod';
import { attributesSchema, idSchema, tenantIdSchema } from '../schemas/common.js';
import { timerRecordSchema } from '../schemas/records.js';

/** A timer kind (the handler name), e.g. `conversation.snooze`. */
export const timerKindSchema = timerRecordSchema.shape.kind;

/** Input of `TimerScheduler.schedule`. */
export const scheduleTimerInputSchema = z.object({
  tenantId: tenantIdSchema,
  /** Reusing an id replaces that timer. @default a new `tmr_…` id */
  id: idSchema.optional(),
  kind: timerKindSchema,
  /** When to fire, ms since the epoch. A time in the past fires on the next tick. */
  dueAt: z.int().min(0),
  /** @default {} */
  payload: attributesSchema.default({}),
});
/** Input of `TimerScheduler.schedule` (before defaults). */
export type ScheduleTimerInput = z.input<typeof scheduleTimerInputSchema>;

/** Arguments of `TimerScheduler.cancel`. */
export const timerKeySchema = z.object({ tenantId: tenantIdSchema, id: idSchema });

/** The numeric options of the scheduler, checked once in the constructor. */
export const timerSchedulerSettingsSchema = z
  .object({
    owner: z.string().min(1).max(200),
    leaseMs: z.int().min(1),
    batchSize: z.int().min(1).max(1000),
    pollIntervalMs: z.int().min(1),
    retry: z.object({
      baseMs: z.int().min(1),
      maxMs: z.int().min(1),
      maxAttempts: z.int().min(1),
    }),
  })
  .refine((s) => s.retry.maxMs >= s.retry.baseMs, { message: 'retry.maxMs must be >= retry.baseMs', path: ['retry'] });
