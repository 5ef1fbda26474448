import { ValidationError } from '@hotline/core';
import type { z } from 'zod';
import { compileRuleConditions } from './compile-rule-conditions.js';
import { ruleConditionSetSchema } from './rule-condition-schema.js';
import type { ConditionTicket } from './scope.js';

// Conditions on a ticket alone (no write being reacted to, no time): what SLA policies
// choose tickets by and approval rules test the stored ticket with. The same language and
// the same compiler as rules, in the `ticket` context.

function segments(path: string): (string | number)[] {
  return path
    .split('.')
    .filter((segment) => segment !== '')
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

/**
 * A condition set over ticket properties (`status`, `priority`, `groupId`, `tags`,
 * `source.kind`, `fields.<key>`…), checked completely when parsed: an unknown field, an
 * operator the field does not take, or a value of the wrong kind is an issue with its
 * path (`all.0.value`).
 *
 * @example
 * ```ts
 * ticketConditionSetSchema.parse({ all: [{ field: 'priority', operator: 'greater_or_equal', value: 'high' }] });
 * ```
 */
export const ticketConditionSetSchema = ruleConditionSetSchema.superRefine((set, ctx) => {
  try {
    compileRuleConditions(set, { context: 'ticket', path: '' });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const issue of error.issues)
      ctx.addIssue({ code: 'custom', message: issue.message, path: segments(issue.path) });
  }
});
/** A condition set over ticket properties. */
export type TicketConditionSet = z.input<typeof ticketConditionSetSchema>;

/**
 * Compiles a ticket condition set into a predicate (`all` hold, and one of `any` when it is
 * not empty; an empty set matches every ticket).
 *
 * @throws ValidationError listing every invalid condition.
 * @example
 * ```ts
 * const urgentVip = compileTicketConditions({
 *   all: [{ field: 'priority', operator: 'is', value: 'urgent' }, { field: 'tags', operator: 'includes', value: 'vip' }],
 * });
 * urgentVip(ticket); // true or false
 * ```
 */
export function compileTicketConditions(set: TicketConditionSet): (ticket: ConditionTicket) => boolean {
  const compiled = compileRuleConditions(set, { context: 'ticket' });
  return (ticket) => compiled.test({ ticket });
}
