import { z } from 'zod';
import { attributesSchema, channelSchema, idSchema, languageSchema, recordBaseSchema } from './common.js';

/** Where tasks wait for an agent. Routing-specific settings live in `settings`. */
export const queueSchema = recordBaseSchema.extend({
  name: z.string().min(1).max(200),
  description: z.string().max(1000).optional(),
  /** Channels this queue serves; empty means all. */
  channels: z.array(channelSchema),
  language: languageSchema.optional(),
  /** Service level threshold: answered within this many seconds counts as in service. */
  serviceLevelSeconds: z.int().min(1).max(86_400).default(20),
  /** Overflow when the oldest wait passes this. */
  maxWaitSeconds: z
    .int()
    .min(1)
    .max(7 * 86_400)
    .optional(),
  /** Overflow when this many tasks wait. */
  maxLength: z.int().min(1).max(10_000_000).optional(),
  /** Business calendar deciding when the queue is open. */
  calendarId: idSchema.optional(),
  attributes: attributesSchema,
  /** Routing engine settings (strategy, reservation timeout, overflow target…). */
  settings: attributesSchema,
});
/** Where tasks wait for an agent. */
export type Queue = z.infer<typeof queueSchema>;
