import { attributesSchema, channelSchema, idSchema, parseInput, prioritySchema, tenantIdSchema } from '@hotline/core';
import { z } from 'zod';

/** A `DispatchRequest`, validated. */
export const dispatchRequestSchema = z.object({
  tenantId: tenantIdSchema,
  conversationId: idSchema,
  channel: channelSchema,
  queueId: idSchema.optional(),
  attributes: attributesSchema.default({}),
  priority: prioritySchema.optional(),
});

/** Checks the tenant id and the other ids of a call (`VALIDATION_FAILED` before anything happens). */
export function checkIds(tenantId: unknown, ids: Record<string, unknown>): void {
  parseInput(tenantIdSchema, tenantId, 'tenant id');
  for (const [name, value] of Object.entries(ids)) parseInput(idSchema, value, name);
}
