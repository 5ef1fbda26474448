import { z } from 'zod';
import { attributesSchema, channelSchema, languageSchema, prioritySchema, tagSchema } from '../schemas/common.js';

/** A patch to a conversation's descriptive fields. Lifecycle fields change only through events. */
export const conversationPatchSchema = z.object({
  tags: z.array(tagSchema).max(100).optional(),
  attributes: attributesSchema.optional(),
  priority: prioritySchema.optional(),
  subject: z.string().max(500).optional(),
  language: languageSchema.optional(),
});
/** A patch to a conversation's descriptive fields. */
export type ConversationPatch = z.input<typeof conversationPatchSchema>;

/** A new channel leg (a chat escalating to a call). */
export const legInputSchema = z.object({
  channel: channelSchema,
  address: z.string().max(320).optional(),
  externalRef: z.string().max(256).optional(),
});
/** A new channel leg. */
export type LegInput = z.input<typeof legInputSchema>;
