import { z } from 'zod';
import { attributesSchema, channelSchema, languageSchema, recordBaseSchema } from './common.js';

/** A skill name such as `billing` or `vip`. */
export const skillNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_.-]*$/, 'skills are lowercase letters, digits, _ . -');

/** A proficiency level: 1 (novice) to 10 (expert). */
export const skillLevelSchema = z.int().min(1).max(10);

/** Agent activity names; hosts define more (lunch, training…) with a routable flag in routing. */
export const activityNameSchema = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[a-z][a-z0-9_]*$/, 'activities are lowercase letters, digits and _');

/** Largest per-channel capacity (TaskRouter's maximum). */
export const MAX_CHANNEL_CAPACITY = 50;

/** Concurrent items per channel, e.g. `{ voice: 1, webchat: 3, email: 5 }`. */
export const capacitySchema = z.partialRecord(channelSchema, z.int().min(0).max(MAX_CHANNEL_CAPACITY));
/** Concurrent items per channel. */
export type Capacity = z.infer<typeof capacitySchema>;

/** A person who handles work. */
export const agentSchema = recordBaseSchema.extend({
  name: z.string().min(1).max(200),
  email: z.email().max(320).optional(),
  /** Skill name → level 1..10. */
  skills: z.record(skillNameSchema, skillLevelSchema),
  languages: z.array(languageSchema).max(20),
  capacity: capacitySchema,
  /** Current activity (offline, available, break, wrap_up or a custom one). */
  activity: activityNameSchema,
  activityChangedAt: z.iso.datetime({ offset: false }),
  /** Extra attributes, read by expressions as `agent.*`. */
  attributes: attributesSchema,
});
/** A person who handles work. */
export type Agent = z.infer<typeof agentSchema>;
