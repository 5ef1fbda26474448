import {
  activityNameSchema,
  agentSchema,
  attributesSchema,
  capacitySchema,
  channelSchema,
  conversationStatusSchema,
  identityChannelSchema,
  idSchema,
  languageSchema,
  MAX_MESSAGE_TEXT,
  MAX_PAGE_SIZE,
  queueSchema,
  skillLevelSchema,
  skillNameSchema,
} from '@hotline/core';
import { ticketStatusSchema } from '@hotline/ticketing';
import { z } from 'zod';

// Request schemas of the REST API that core and ticketing do not already define. Records
// reuse the stored schemas' field definitions, so the API cannot drift from storage.

/** Query values arrive as strings; a list filter may be given once or repeated. */
const listOf = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => (value === undefined || Array.isArray(value) ? value : [value]), z.array(item).max(20));

/** `?limit=&cursor=` of every list endpoint. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  cursor: z.string().min(1).max(512).optional(),
});

/** `?expectedVersion=` of deletes. */
export const versionQuerySchema = z.object({ expectedVersion: z.coerce.number().int().min(1) });

export const agentIdParamsSchema = z.object({ agentId: idSchema });
export const queueIdParamsSchema = z.object({ queueId: idSchema });
export const conversationIdParamsSchema = z.object({ conversationId: idSchema });
export const contactIdParamsSchema = z.object({ contactId: idSchema });
export const ticketIdParamsSchema = z.object({ ticketId: idSchema });
export const tenantIdParamsSchema = z.object({ tenantId: idSchema });

/** Body of `POST /agents`. */
export const newAgentInputSchema = z.strictObject({
  id: idSchema.optional(),
  name: agentSchema.shape.name,
  email: agentSchema.shape.email,
  skills: z.record(skillNameSchema, skillLevelSchema).default({}),
  languages: z.array(languageSchema).max(20).default([]),
  capacity: capacitySchema.default({ webchat: 3 }),
  activity: activityNameSchema.default('offline'),
  attributes: attributesSchema.default({}),
});

/** Body of `PATCH /agents/{agentId}`: the fields to change and the version they are based on. */
export const agentPatchInputSchema = z.strictObject({
  expectedVersion: z.int().min(1),
  name: agentSchema.shape.name.optional(),
  email: agentSchema.shape.email,
  skills: z.record(skillNameSchema, skillLevelSchema).optional(),
  languages: z.array(languageSchema).max(20).optional(),
  capacity: capacitySchema.optional(),
  activity: activityNameSchema.optional(),
  attributes: attributesSchema.optional(),
});

/** Body of `PUT /agents/{agentId}/skills`: the agent's whole skill set. */
export const agentSkillsInputSchema = z.strictObject({
  expectedVersion: z.int().min(1).optional(),
  skills: z.record(skillNameSchema, skillLevelSchema),
});

/** Body of `POST /queues`. */
export const newQueueInputSchema = z.strictObject({
  id: idSchema.optional(),
  name: queueSchema.shape.name,
  description: queueSchema.shape.description,
  channels: z.array(channelSchema).max(20).default(['webchat']),
  language: languageSchema.optional(),
  serviceLevelSeconds: queueSchema.shape.serviceLevelSeconds,
  maxWaitSeconds: queueSchema.shape.maxWaitSeconds,
  attributes: attributesSchema.default({}),
  settings: attributesSchema.default({}),
});

/** Body of `PATCH /queues/{queueId}`. Routing picks up names and service levels; channels apply to new engines. */
export const queuePatchInputSchema = z.strictObject({
  expectedVersion: z.int().min(1),
  name: queueSchema.shape.name.optional(),
  description: queueSchema.shape.description,
  language: languageSchema.optional(),
  serviceLevelSeconds: z.int().min(1).max(86_400).optional(),
  maxWaitSeconds: queueSchema.shape.maxWaitSeconds,
  attributes: attributesSchema.optional(),
  settings: attributesSchema.optional(),
});

/** Query of `GET /conversations`. */
export const conversationListQuerySchema = pageQuerySchema.extend({
  status: listOf(conversationStatusSchema).optional(),
  queueId: idSchema.optional(),
  assigneeId: idSchema.optional(),
  contactId: listOf(idSchema).optional(),
});

/** Query of `GET /conversations/{conversationId}/messages`. */
export const messageListQuerySchema = z.object({
  afterSeq: z.coerce.number().int().min(0).optional(),
  beforeSeq: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  order: z.enum(['asc', 'desc']).optional(),
});

/** Body of `POST /conversations/{conversationId}/messages`: an agent's reply (and `/notes`: an internal note). */
export const sendMessageInputSchema = z.strictObject({
  text: z.string().trim().min(1).max(MAX_MESSAGE_TEXT),
  /** Idempotency key: a retry with the same key returns the first message. */
  clientMessageId: z.string().min(1).max(200).optional(),
});

/** Query of `GET /contacts`: find the contact holding an identity. */
export const contactFindQuerySchema = z.object({
  channel: identityChannelSchema,
  address: z.string().min(1).max(320),
});

/** Body of `POST /contacts/merge`. */
export const mergeContactsInputSchema = z.strictObject({ survivorId: idSchema, mergedId: idSchema });

/** Query of `GET /tickets`. */
export const ticketListQuerySchema = pageQuerySchema.extend({
  status: listOf(ticketStatusSchema).optional(),
  assigneeId: idSchema.optional(),
  groupId: idSchema.optional(),
  requesterId: idSchema.optional(),
  tag: z.string().min(1).max(64).optional(),
});

/** A page of records, as every list endpoint answers. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().optional() });
}
