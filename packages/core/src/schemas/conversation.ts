import { z } from 'zod';
import {
  attributesSchema,
  channelSchema,
  idSchema,
  languageSchema,
  prioritySchema,
  recordBaseSchema,
  tagSchema,
  tenantIdSchema,
  timestampSchema,
} from './common.js';
import { identityInputSchema } from './contact.js';

/** Every lifecycle state of a conversation (see the state machine in `conversation/`). */
export const conversationStatusSchema = z.enum([
  'new',
  'bot',
  'queued',
  'offered',
  'active',
  'pending',
  'wrap_up',
  'resolved',
  'closed',
  'snoozed',
  'abandoned',
]);
/** A conversation lifecycle state. */
export type ConversationStatus = z.infer<typeof conversationStatusSchema>;

/**
 * One channel segment of a conversation: the chat leg, then a voice leg after a
 * chat-to-call escalation, and so on. History stays on the conversation across legs.
 */
export const conversationLegSchema = z.object({
  id: idSchema,
  channel: channelSchema,
  /** The customer's address on this leg (phone number, visitor id, email…). */
  address: z.string().max(320).optional(),
  /** The provider's reference for the leg (SIP Call-ID, email thread id…). */
  externalRef: z.string().max(256).optional(),
  startedAt: timestampSchema,
  endedAt: timestampSchema.optional(),
});
/** One channel segment of a conversation. */
export type ConversationLeg = z.infer<typeof conversationLegSchema>;

/** Someone taking part in a conversation. */
export const participantSchema = z.object({
  kind: z.enum(['contact', 'agent', 'bot', 'supervisor']),
  id: idSchema,
  /** `primary` handles it; `consult` was pulled in; `observer` monitors silently. */
  role: z.enum(['primary', 'consult', 'observer']).default('primary'),
  joinedAt: timestampSchema,
  leftAt: timestampSchema.optional(),
});
/** Someone taking part in a conversation. */
export type Participant = z.infer<typeof participantSchema>;

/** One customer matter across channels. */
export const conversationSchema = recordBaseSchema.extend({
  contactId: idSchema,
  status: conversationStatusSchema,
  /** The channel of the newest leg. */
  channel: channelSchema,
  legs: z.array(conversationLegSchema).min(1).max(200),
  participants: z.array(participantSchema).max(200),
  assigneeId: idSchema.optional(),
  /** The agent holding the current offer, while `offered`. */
  offeredTo: idSchema.optional(),
  queueId: idSchema.optional(),
  priority: prioritySchema,
  language: languageSchema.optional(),
  subject: z.string().max(500).optional(),
  tags: z.array(tagSchema).max(100),
  attributes: attributesSchema,
  /** While snoozed: the state to return to and when. */
  snoozedFrom: conversationStatusSchema.optional(),
  snoozeUntil: timestampSchema.optional(),
  /** How often a resolved conversation was reopened by a customer reply or an agent. */
  reopenCount: z.int().min(0),
  resolvedAt: timestampSchema.optional(),
  closedAt: timestampSchema.optional(),
  /**
   * How far each side has read: the highest `seq` the contact, and any agent, has seen.
   * Only ever moves forward. Absent until someone reads.
   */
  readHorizon: z
    .object({
      contact: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
      agent: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
    })
    .optional(),
});
/** One customer matter across channels. */
export type Conversation = z.infer<typeof conversationSchema>;

/** Who the conversation is with: an existing contact, or an identity to find or create one by. */
export const conversationContactRefSchema = z.union([
  z.object({ contactId: idSchema }),
  z.object({ identity: identityInputSchema, name: z.string().max(200).optional() }),
]);
/** Who the conversation is with. */
export type ConversationContactRef = z.input<typeof conversationContactRefSchema>;

/** Input to start a conversation. */
export const startConversationInputSchema = z.object({
  tenantId: tenantIdSchema,
  /** Optional caller-chosen id; starting twice with the same id returns the first conversation. */
  id: idSchema.optional(),
  channel: channelSchema,
  contact: conversationContactRefSchema,
  /** The customer's address on the first leg; defaults to the identity's address. */
  address: z.string().max(320).optional(),
  externalRef: z.string().max(256).optional(),
  queueId: idSchema.optional(),
  priority: prioritySchema.default(0),
  language: languageSchema.optional(),
  subject: z.string().max(500).optional(),
  tags: z.array(tagSchema).max(100).default([]),
  attributes: attributesSchema.default({}),
});
/** Input to start a conversation. */
export type StartConversationInput = z.input<typeof startConversationInputSchema>;
