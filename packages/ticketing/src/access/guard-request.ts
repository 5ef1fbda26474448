import { idSchema, parseInput, type Resource, ValidationError } from '@hotline/core';
import { z } from 'zod';
import type { GuardRequest, TicketOperation } from '../model/ports.js';
import type { Ticket } from '../model/ticket.js';
import { CONTEXT_CHANGES, propertyNameSchema } from './properties.js';

/** Every operation the guard decides on; the RBAC action is `ticket:<operation>`. */
export const TICKET_OPERATIONS = [
  'read',
  'create',
  'update',
  'comment',
  'assign',
  'merge',
  'link',
  'split',
  'delete',
  'bulk_update',
] as const satisfies readonly TicketOperation[];

/** A {@link TicketOperation}. */
export const ticketOperationSchema = z.enum(TICKET_OPERATIONS);

/** Most property changes one request may carry (a ticket has at most ~15 + its custom fields). */
export const MAX_CHANGES = 1200;

const changeListSchema = (property: z.ZodType<string>) =>
  z
    .array(z.object({ property, to: z.unknown() }))
    .max(MAX_CHANGES)
    .refine(
      (changes) => new Set(changes.map((change) => change.property as string)).size === changes.length,
      'each property at most once',
    );

/** A list of property changes: known properties, each at most once. */
export const changesSchema = changeListSchema(propertyNameSchema);

/** The changes of a guard request: properties, plus the service's context entries (`comment`). */
const requestChangesSchema = changeListSchema(
  z.union([propertyNameSchema, z.string().refine((name) => CONTEXT_CHANGES.has(name))]),
);

// The ticket comes from the service's store, so it is checked for what the guard relies
// on (identity, tenant, custom fields), not re-validated whole on every call.
const storedTicketSchema = z.looseObject({
  id: idSchema,
  tenantId: idSchema,
  fields: z.record(z.string(), z.unknown()),
});

// Not strict: fields the model may gain later are ignored rather than refused.
const guardRequestSchema = z.object({
  principal: z.unknown(),
  operation: ticketOperationSchema,
  tenantId: idSchema.optional(),
  ticket: storedTicketSchema.optional(),
  changes: requestChangesSchema.optional(),
  count: z.int().min(0).max(1_000_000_000).optional(),
  approvalId: idSchema.optional(),
});

/**
 * Checks the shape of a guard request (the principal is checked by the policy).
 *
 * @throws ValidationError for an unknown operation, a malformed ticket, a change to an
 *   unknown property or a property named twice.
 */
export function parseGuardRequest(request: GuardRequest): void {
  parseInput(guardRequestSchema, request, 'guard request');
  if (request.ticket && request.tenantId !== undefined && request.ticket.tenantId !== request.tenantId) {
    throw new ValidationError('Invalid guard request: tenantId is not the ticket tenant', [
      { path: 'tenantId', message: "must be the ticket's tenant" },
    ]);
  }
}

/** The request without the service's context entries, which only RBAC (by operation) decides. */
export function withoutContext(request: GuardRequest): GuardRequest {
  if (!request.changes?.some((change) => CONTEXT_CHANGES.has(change.property))) return request;
  return { ...request, changes: request.changes.filter((change) => !CONTEXT_CHANGES.has(change.property)) };
}

/** Checks a stored ticket handed to `redact`. @throws ValidationError */
export function parseStoredTicket(ticket: Ticket): void {
  parseInput(storedTicketSchema, ticket, 'ticket');
}

/**
 * The RBAC resource of a ticket: the whole record, so `assigned` (assigneeId), `group`
 * (groupId) and custom conditions (priority, tags, fields) can read it.
 */
export function ticketResource(ticket: Ticket): Resource {
  return { ...ticket, type: 'ticket' };
}
