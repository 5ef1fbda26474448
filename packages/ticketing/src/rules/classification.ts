import { isBlank } from '../conditions/condition-values.js';
import { ConditionScope, type ConditionTicket } from '../conditions/scope.js';
import { TICKET_PRIORITIES, type TicketPriority } from '../model/ticket.js';
import type { CompiledClassifier } from './definitions.js';
import type { RuleChanges } from './ports.js';

// Auto-classification of new tickets. Rules never override what the creator chose: a
// group, an assignee or a field is only set when empty, a priority only raised, tags only
// added. The first matching rule wins a property; later rules can still add tags.

/** What one rule contributed. */
export interface ClassificationMatch {
  ruleId: string;
  /** Only what this rule set. */
  changes: RuleChanges;
}

/** The result of {@link classifyTicket}. */
export interface ClassificationResult {
  /** Everything to set, merged. Empty when nothing matched. */
  changes: RuleChanges;
  /** The rules that contributed, in order. */
  matched: ClassificationMatch[];
}

const SYSTEM = { type: 'system', reason: 'classification' } as const;

/**
 * Classifies a ticket (or a draft before it is created) with a tenant's classification
 * rules: `words` are matched in the subject and / or `body` (the first comment).
 *
 * @example
 * ```ts
 * const { changes, matched } = classifyTicket(registry.classifiers.active(tenantId), { subject: '我要退款' });
 * // changes: { groupId: 'grp_billing', addTags: ['billing'] }, matched: [{ ruleId: 'cls_billing', … }]
 * ```
 */
export function classifyTicket(
  classifiers: readonly CompiledClassifier[],
  ticket: ConditionTicket,
  body?: string,
): ClassificationResult {
  const matched: ClassificationMatch[] = [];
  if (classifiers.length === 0) return { changes: {}, matched };
  const wordScope = new ConditionScope({
    ticket,
    update: {
      type: 'created',
      actor: SYSTEM,
      changes: [],
      comment: body === undefined ? undefined : { public: true, author: 'requester', body },
    },
  });
  const ticketScope = new ConditionScope({ ticket });
  let groupId = ticket.groupId;
  let assigneeId = ticket.assigneeId;
  let priority: TicketPriority = ticket.priority ?? 'normal';
  const tags = [...(ticket.tags ?? [])];
  const fields = { ...ticket.fields };
  const merged: RuleChanges = {};
  for (const rule of classifiers) {
    if (rule.words !== undefined && !rule.words.evaluate(wordScope)) continue;
    if (rule.conditions !== undefined && !rule.conditions.evaluate(ticketScope)) continue;
    const { set } = rule.definition;
    const changes: RuleChanges = {};
    if (set.groupId !== undefined && groupId === undefined) groupId = merged.groupId = changes.groupId = set.groupId;
    if (set.assigneeId !== undefined && assigneeId === undefined)
      assigneeId = merged.assigneeId = changes.assigneeId = set.assigneeId;
    if (set.priority !== undefined && TICKET_PRIORITIES.indexOf(set.priority) > TICKET_PRIORITIES.indexOf(priority))
      priority = merged.priority = changes.priority = set.priority;
    const added = (set.tags ?? []).filter((tag) => !tags.includes(tag));
    if (added.length > 0) {
      tags.push(...added);
      changes.addTags = added;
      merged.addTags = [...(merged.addTags ?? []), ...added];
    }
    for (const [key, value] of Object.entries(set.fields ?? {})) {
      if (!isBlank(Object.hasOwn(fields, key) ? fields[key] : undefined)) continue;
      fields[key] = value;
      changes.fields = { ...changes.fields, [key]: value };
      merged.fields = { ...merged.fields, [key]: value };
    }
    if (Object.keys(changes).length > 0) matched.push({ ruleId: rule.definition.id, changes });
  }
  return { changes: merged, matched };
}
