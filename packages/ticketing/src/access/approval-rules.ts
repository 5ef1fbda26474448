import { canonicalJson, parseInput, ValidationError } from '@hotline/core';
import { z } from 'zod';
import { conditionValueSchema } from '../conditions/rule-condition-schema.js';
import type { ConditionTicket } from '../conditions/scope.js';
import {
  compileTicketConditions,
  type TicketConditionSet,
  ticketConditionSetSchema,
} from '../conditions/ticket-conditions.js';
import type { GuardRequest, TicketOperation } from '../model/ports.js';
import { readProperty } from '../service/ticket-diff.js';
import { ticketOperationSchema } from './guard-request.js';
import { propertyNameSchema } from './properties.js';

/**
 * When an operation needs an approval. Every condition given must hold; a rule with only
 * an `id` matches every operation.
 *
 * @example
 * ```ts
 * // Reassigning a VIP ticket needs two approvers.
 * const vipReassign: ApprovalRule = {
 *   id: 'vip_reassign',
 *   operations: ['assign', 'update'],
 *   property: 'assigneeId',
 *   ticket: { all: [{ field: 'tags', operator: 'includes', value: 'vip' }] },
 *   approvers: 2,
 * };
 * ```
 */
export interface ApprovalRule {
  /** Stable id, reported in `details.ruleId` (`[a-z][a-z0-9_-]*`). */
  id: string;
  description?: string;
  /** The operations it covers. @default every operation */
  operations?: readonly TicketOperation[];
  /** Only when the operation changes this property (to a value other than the stored one). */
  property?: string;
  /** Only when `property` is set to one of these values. */
  to?: readonly (string | number | boolean | null | readonly string[])[];
  /**
   * Only when the ticket, as stored before the operation, matches these conditions (the
   * condition language of rules and SLA policies, on ticket fields). Operations without a
   * ticket (create, bulk) never match a rule with ticket conditions.
   */
  ticket?: TicketConditionSet;
  /** Only when the operation covers more than this many tickets (`GuardRequest.count`). */
  moreThan?: number;
  /** How many distinct approvers must approve. @default 1 */
  approvers?: number;
  /**
   * A last, custom test on the whole request. It must be pure and fast; only `true`
   * matches.
   */
  when?: (request: GuardRequest) => boolean;
}

/**
 * The default approval rules:
 * - `delete` — deleting a ticket;
 * - `urgent_priority_change` — changing the priority of a ticket that is `urgent` (lowering
 *   an urgent ticket hides a fire; raising one to urgent is an escalation and must stay
 *   fast, so it needs no approval);
 * - `bulk_close` — a bulk update that sets the status to `solved` or `closed` on more than
 *   10 tickets.
 */
export const DEFAULT_APPROVAL_RULES: readonly ApprovalRule[] = Object.freeze([
  { id: 'delete', description: 'Deleting a ticket', operations: ['delete'] },
  {
    id: 'urgent_priority_change',
    description: 'Changing the priority of an urgent ticket',
    property: 'priority',
    ticket: { all: [{ field: 'priority', operator: 'is', value: 'urgent' }] },
  },
  {
    id: 'bulk_close',
    description: 'Solving or closing more than 10 tickets at once',
    operations: ['bulk_update'],
    property: 'status',
    to: ['solved', 'closed'],
    moreThan: 10,
  },
] satisfies ApprovalRule[]);

const ruleSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'rule ids look like bulk_close'),
  description: z.string().max(500).optional(),
  operations: z.array(ticketOperationSchema).min(1).max(10).optional(),
  property: propertyNameSchema.optional(),
  to: z.array(conditionValueSchema).min(1).max(100).optional(),
  ticket: ticketConditionSetSchema.optional(),
  moreThan: z.int().min(0).optional(),
  approvers: z.int().min(1).max(10).optional(),
  when: z.custom<(request: GuardRequest) => boolean>((value) => typeof value === 'function', 'a function').optional(),
});

/** A rule checked and compiled. */
export interface CompiledApprovalRule {
  id: string;
  approvers: number;
  operations?: ReadonlySet<string>;
  property?: string;
  to?: readonly string[];
  ticket?: (ticket: ConditionTicket) => boolean;
  moreThan?: number;
  when?: (request: GuardRequest) => boolean;
}

/** Values compare as canonical JSON, so `['a','b']` equals another `['a','b']`. */
function key(value: unknown): string {
  return value === undefined ? '' : canonicalJson(value);
}

/** Checks and compiles approval rules. @throws ValidationError */
export function compileApprovalRules(rules: readonly ApprovalRule[]): CompiledApprovalRule[] {
  const parsed = parseInput(z.array(ruleSchema).max(200), rules, 'approval rules');
  const seen = new Set<string>();
  return parsed.map((rule, index) => {
    if (seen.has(rule.id)) {
      throw new ValidationError(`Invalid approval rules: duplicate id ${rule.id}`, [
        { path: `${index}.id`, message: 'duplicate rule id' },
      ]);
    }
    if (rule.to !== undefined && rule.property === undefined) {
      throw new ValidationError(`Invalid approval rules: ${rule.id} has 'to' without 'property'`, [
        { path: `${index}.to`, message: "needs 'property'" },
      ]);
    }
    seen.add(rule.id);
    const compiled: CompiledApprovalRule = { id: rule.id, approvers: rule.approvers ?? 1 };
    if (rule.operations) compiled.operations = new Set(rule.operations);
    if (rule.property !== undefined) compiled.property = rule.property;
    if (rule.to) compiled.to = rule.to.map(key);
    if (rule.ticket) compiled.ticket = compileTicketConditions(rule.ticket);
    if (rule.moreThan !== undefined) compiled.moreThan = rule.moreThan;
    if (rule.when) compiled.when = rule.when;
    return compiled;
  });
}

/** Whether a rule covers a request. */
export function ruleMatches(rule: CompiledApprovalRule, request: GuardRequest): boolean {
  if (rule.operations && !rule.operations.has(request.operation)) return false;
  if (rule.moreThan !== undefined && !((request.count ?? 0) > rule.moreThan)) return false;
  if (rule.ticket && !(request.ticket && rule.ticket(request.ticket))) return false;
  if (rule.property !== undefined) {
    const change = request.changes?.find((candidate) => candidate.property === rule.property);
    if (!change) return false;
    const target = key(change.to);
    if (request.ticket && key(readProperty(request.ticket, rule.property)) === target) return false;
    if (rule.to && !rule.to.includes(target)) return false;
  }
  return rule.when === undefined || rule.when(request) === true;
}

/**
 * How many approvers a request for `operation` changing `properties` will need: the most
 * any rule that could cover it asks for (ticket conditions and counts are not known yet).
 */
export function approversFor(
  rules: readonly CompiledApprovalRule[],
  operation: TicketOperation,
  properties: readonly string[],
): number {
  let needed = 1;
  for (const rule of rules) {
    if (rule.operations && !rule.operations.has(operation)) continue;
    if (rule.property !== undefined && !properties.includes(rule.property)) continue;
    needed = Math.max(needed, rule.approvers);
  }
  return needed;
}

/** A canonical text of a change list, so two lists compare equal whatever their order. */
export function changesFingerprint(changes: readonly { property: string; to?: unknown }[] | undefined): string {
  const sorted = [...(changes ?? [])].sort((a, b) => (a.property < b.property ? -1 : a.property > b.property ? 1 : 0));
  return canonicalJson(sorted.map((change) => ({ property: change.property, to: change.to })));
}
