import { idSchema, parseInput, ValidationError } from '@hotline/core';
import { z } from 'zod';
import { type TicketStatus, ticketStatusSchema } from '../model/ticket.js';

/**
 * A tenant's own status ("Waiting for vendor", "In QA") shown to agents, mapped onto one
 * category. Every rule (transitions, reopen on reply, SLA pause) works on the category.
 * `merged` has no custom statuses: only merge sets it.
 */
export const customStatusSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1).max(100),
  category: ticketStatusSchema.exclude(['merged']),
  /** Inactive statuses stay on the tickets that have them but cannot be chosen anew. @default true */
  active: z.boolean().default(true),
});
/** A custom status. */
export type CustomStatus = z.infer<typeof customStatusSchema>;
/** A custom status as callers define it (`active` defaults to true). */
export type CustomStatusInput = z.input<typeof customStatusSchema>;

/** A tenant's custom statuses, checked and indexed. */
export interface CustomStatusCatalog {
  readonly statuses: readonly CustomStatus[];
  /** The custom status, or `undefined`. */
  get(id: string): CustomStatus | undefined;
  /**
   * The category a write moves to when it names `customStatusId` (and maybe `status`).
   * Throws `ValidationError` for an unknown or inactive id, or one whose category is not
   * `status`.
   */
  resolve(customStatusId: string, status?: TicketStatus): TicketStatus;
}

/**
 * Checks a list of custom statuses (unique ids) and indexes it.
 *
 * @example
 * ```ts
 * const catalog = createCustomStatusCatalog([{ id: 'cs_vendor', name: 'Waiting for vendor', category: 'on_hold' }]);
 * catalog.resolve('cs_vendor'); // 'on_hold'
 * ```
 */
export function createCustomStatusCatalog(input: readonly CustomStatusInput[]): CustomStatusCatalog {
  const statuses = parseInput(z.array(customStatusSchema).max(500), input, 'custom statuses');
  const byId = new Map<string, CustomStatus>();
  for (const [index, status] of statuses.entries()) {
    if (byId.has(status.id)) {
      throw new ValidationError(`Duplicate custom status id ${status.id}`, [
        { path: `${index}.id`, message: 'duplicate id' },
      ]);
    }
    byId.set(status.id, status);
  }
  return {
    statuses,
    get: (id) => byId.get(id),
    resolve(customStatusId, status) {
      const found = byId.get(customStatusId);
      if (!found) {
        throw new ValidationError(`Unknown custom status ${customStatusId}`, [
          { path: 'customStatusId', message: 'unknown custom status' },
        ]);
      }
      if (!found.active) {
        throw new ValidationError(`Custom status ${customStatusId} is inactive`, [
          { path: 'customStatusId', message: 'inactive custom status' },
        ]);
      }
      if (status !== undefined && status !== found.category) {
        throw new ValidationError(`Custom status ${customStatusId} belongs to ${found.category}, not ${status}`, [
          { path: 'customStatusId', message: `category is ${found.category}` },
        ]);
      }
      return found.category;
    },
  };
}
