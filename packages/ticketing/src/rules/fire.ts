import type { ConditionUpdate } from '../conditions/scope.js';
import type { Actor } from '../model/actor.js';
import type { WriteContext } from '../model/ports.js';
import type { Ticket } from '../model/ticket.js';
import { type ActionPlan, type CompiledActions, type PlanEnv, renderComments } from './actions.js';
import { applyRuleChanges, hasChanges, writeRuleChanges } from './changes.js';
import type { ResolvedTarget, RuleChanges, RuleReader } from './ports.js';
import type { NotifyTarget } from './rule-schema.js';
import { describeError, type RuleRef, type RuleRuntime } from './runtime.js';
import type { TemplateEnv, TemplateName } from './template.js';

// Firing one rule on one ticket: plan its actions, write all ticket changes and the
// comment as ONE write attributed to the rule, then notify and hand off webhooks. Any
// failure becomes an event; nothing here throws.

/** What firing did. */
export interface FireOutcome {
  /** The ticket after the rule's write (the same object when it wrote nothing). */
  ticket: Ticket;
  wrote: boolean;
  /** The write failed (reported as an `action_failed` event); nothing was notified. */
  failed: boolean;
}

const KIND: Readonly<Record<string, 'contact' | 'agent' | 'group'>> = {
  requester: 'contact',
  assignee: 'agent',
  group: 'group',
};

/** Looks up the display names a template needs; a failing directory just leaves names empty. */
export async function resolveNames(
  reader: RuleReader,
  needed: ReadonlySet<TemplateName>,
  ticket: Ticket,
  actor: Actor | undefined,
): Promise<Partial<Record<TemplateName, string>>> {
  const names: Partial<Record<TemplateName, string>> = {};
  if (needed.size === 0 || reader.displayName === undefined) return names;
  const lookups: Promise<void>[] = [];
  for (const name of needed) {
    let kind: 'contact' | 'agent' | 'group' | undefined = KIND[name];
    let id = name === 'requester' ? ticket.requesterId : name === 'assignee' ? ticket.assigneeId : ticket.groupId;
    if (name === 'current_user') {
      kind = actor?.type === 'agent' ? 'agent' : actor?.type === 'requester' ? 'contact' : undefined;
      id = actor !== undefined && 'id' in actor ? actor.id : undefined;
    }
    if (kind === undefined || id === undefined) continue;
    const lookup = reader.displayName(ticket.tenantId, kind, id);
    lookups.push(
      lookup.then(
        (found) => {
          if (found !== undefined) names[name] = found;
        },
        () => undefined,
      ),
    );
  }
  await Promise.all(lookups);
  return names;
}

function resolveTarget(target: NotifyTarget, ticket: Ticket): ResolvedTarget | undefined {
  switch (target.type) {
    case 'requester':
      return { type: 'requester', contactId: ticket.requesterId };
    case 'assignee':
      return ticket.assigneeId === undefined ? undefined : { type: 'assignee', agentId: ticket.assigneeId };
    case 'group': {
      const groupId = target.groupId ?? ticket.groupId;
      return groupId === undefined ? undefined : { type: 'group', groupId };
    }
    case 'email':
      return { type: 'email', address: target.address };
  }
}

const NO_NAMES: Partial<Record<TemplateName, string>> = Object.freeze({});

const metas: Record<RuleRef['kind'], Map<string, Readonly<Record<string, unknown>>>> = {
  trigger: new Map(),
  automation: new Map(),
  classification: new Map(),
};

/** The history `meta` naming a rule (one frozen object per rule, not one per write). */
function metaOf(rule: RuleRef): Readonly<Record<string, unknown>> {
  let meta = metas[rule.kind].get(rule.id);
  if (meta === undefined) {
    meta = Object.freeze({ rule: rule.kind, ruleId: rule.id });
    metas[rule.kind].set(rule.id, meta);
  }
  return meta;
}

/** The actor a rule writes as. */
export function ruleActor(rule: RuleRef): Actor {
  return rule.kind === 'automation' ? { type: 'automation', id: rule.id } : { type: 'trigger', id: rule.id };
}

type FailedAction = 'write' | 'notify' | 'webhook' | 'macro';

function reportFailure(rt: RuleRuntime, ticket: Ticket, rule: RuleRef, action: FailedAction, error: unknown): void {
  rt.emit({
    type: 'action_failed',
    tenantId: ticket.tenantId,
    ticketId: ticket.id,
    rule,
    action,
    error: describeError(error),
  });
}

/** How to look up a tenant's macros while planning (build once per run, not per fire). */
export function planEnvFor(rt: RuleRuntime, tenantId: string, update: ConditionUpdate | undefined): PlanEnv {
  const macro = (id: string) => rt.registry.macros.get(tenantId, id)?.actions;
  return update === undefined ? { macro } : { actor: update.actor, macro };
}

/** The write of a plan: its changes, comment (rendered on the ticket as the write leaves it) and meta. Completes `plan.changes` in place. */
function writeOf(
  plan: ActionPlan,
  names: Partial<Record<TemplateName, string>>,
  ticket: Ticket,
  rule: RuleRef,
): RuleChanges {
  // Templates render the ticket as the write will leave it; most rules have none to render.
  const preview = plan.comments.length > 0 ? applyRuleChanges(ticket, plan.changes) : ticket;
  const comment = renderComments(plan, { ticket: preview, names });
  const meta = plan.macroIds.length > 0 ? { ...metaOf(rule), macroIds: plan.macroIds } : metaOf(rule);
  // `plan.changes` is this plan's own, fresh object: complete it rather than copy it.
  const changes: RuleChanges = plan.changes;
  if (comment !== undefined) changes.comment = comment;
  changes.meta = meta;
  return changes;
}

/**
 * Fires one rule on one ticket.
 *
 * Self-notification loops: when the update is a loop (`update.loop`: a mail bounce, an
 * auto-reply), notifications to the requester or to an email address are suppressed
 * (and reported); agents and groups are still told.
 */
export async function fireRule(
  rt: RuleRuntime,
  rule: RuleRef,
  actions: CompiledActions,
  ticket: Ticket,
  update: ConditionUpdate | undefined,
  depth: number,
  env: PlanEnv = planEnvFor(rt, ticket.tenantId, update),
): Promise<FireOutcome> {
  const plan = actions.plan(ticket, env);
  for (const problem of plan.errors) reportFailure(rt, ticket, rule, 'macro', new Error(problem));
  const names =
    plan.names.size === 0
      ? NO_NAMES
      : await resolveNames(rt.reader, plan.names, applyRuleChanges(ticket, plan.changes), update?.actor);
  const changesProperties = hasChanges(plan.changes);
  const changes = writeOf(plan, names, ticket, rule);
  const ctx: WriteContext = { tenantId: ticket.tenantId, actor: ruleActor(rule), depth };
  let after: Ticket;
  try {
    after = await writeRuleChanges(rt.effects, ctx, ticket, changes, changesProperties);
  } catch (error) {
    // The write did not happen: telling anyone about it would be telling a lie.
    reportFailure(rt, ticket, rule, 'write', error);
    if (rt.observed)
      rt.emit({ type: 'fired', tenantId: ticket.tenantId, ticketId: ticket.id, rule, depth, wrote: false });
    return { ticket, wrote: false, failed: true };
  }
  const wrote = after !== ticket;
  if (plan.notifications.length > 0 || plan.webhooks.length > 0)
    await deliver(rt, rule, ctx, plan, after, names, update);
  if (rt.observed) rt.emit({ type: 'fired', tenantId: ticket.tenantId, ticketId: ticket.id, rule, depth, wrote });
  return { ticket: after, wrote, failed: false };
}

/** Notifications and webhook hand-offs, after the write, rendered on the ticket as written. */
async function deliver(
  rt: RuleRuntime,
  rule: RuleRef,
  ctx: WriteContext,
  plan: ActionPlan,
  after: Ticket,
  names: Partial<Record<TemplateName, string>>,
  update: ConditionUpdate | undefined,
): Promise<void> {
  const tenantId = after.tenantId;
  const ticketId = after.id;
  const env: TemplateEnv = { ticket: after, names };
  for (const notification of plan.notifications) {
    const target = resolveTarget(notification.target, after);
    if (target === undefined) continue;
    if (update?.loop === true && (target.type === 'requester' || target.type === 'email')) {
      rt.emit({ type: 'notification_suppressed', tenantId, ticketId, rule, target: target.type, reason: 'loop' });
      continue;
    }
    try {
      await rt.effects.notify(ctx, {
        tenantId,
        ticketId,
        target,
        subject: notification.subject.render(env),
        body: notification.body.render(env),
        autoSubmitted: true,
      });
    } catch (error) {
      reportFailure(rt, after, rule, 'notify', error);
    }
  }
  for (const webhook of plan.webhooks) {
    try {
      await rt.effects.webhook(ctx, {
        tenantId,
        ticketId,
        subscriptionId: webhook.subscriptionId,
        payload: webhook.payload?.(env),
      });
    } catch (error) {
      reportFailure(rt, after, rule, 'webhook', error);
    }
  }
}
