import { ValidationError, type ValidationIssue } from '@hotline/core';
import type { Actor } from '../model/actor.js';
import type { FieldValue, Ticket } from '../model/ticket.js';
import type { RuleChanges } from './ports.js';
import type { NotifyTarget, RuleAction } from './rule-schema.js';
import { type CompiledTemplate, clampUtf8, compileTemplate, type TemplateEnv, type TemplateName } from './template.js';

// Actions compile once (templates parsed, kinds checked) into steps; `plan` then runs the
// steps over a working copy of the ticket and returns only what differs, so a rule whose
// actions are already satisfied writes nothing.

/** Which kind of rule the actions belong to (macros may not notify, call webhooks or nest). */
export type ActionOwner = 'trigger' | 'automation' | 'macro';

/** A compiled comment of a plan. */
export interface PlannedComment {
  template: CompiledTemplate;
  public: boolean;
}

/** A compiled notification of a plan. */
export interface PlannedNotification {
  target: NotifyTarget;
  subject: CompiledTemplate;
  body: CompiledTemplate;
}

/** A compiled webhook hand-off of a plan. */
export interface PlannedWebhook {
  subscriptionId: string;
  payload: ((env: TemplateEnv) => unknown) | undefined;
}

/** What a rule's actions would do to one ticket. */
export interface ActionPlan {
  /** Property changes that differ from the ticket. */
  changes: Omit<RuleChanges, 'comment' | 'meta'>;
  comments: PlannedComment[];
  notifications: PlannedNotification[];
  webhooks: PlannedWebhook[];
  /** Macros applied (in order). */
  macroIds: string[];
  /** Problems met while planning (an unknown or inactive macro). */
  errors: string[];
  /** Display names the templates need. */
  names: ReadonlySet<TemplateName>;
}

/** What planning needs besides the ticket. */
export interface PlanEnv {
  /** Who is acting: the agent applying a macro (for `currentAgent`). */
  actor?: Actor;
  /** Looks up a macro by id (for `apply_macro`). */
  macro?: (id: string) => CompiledActions | undefined;
}

interface Working {
  status: Ticket['status'];
  priority: Ticket['priority'];
  assigneeId: string | undefined;
  groupId: string | undefined;
  /** The tags: the ticket's own array until a removal or a replacement copies them. */
  tags: string[];
  tagsChanged: boolean;
  /** Tags added to the ticket's tags while they are not copied (the common add-only case). */
  added: string[] | undefined;
  /** Fields set by the actions (created on the first `set_field`). */
  fields: Map<string, FieldValue> | undefined;
}

type Step =
  | { kind: 'state'; run: (w: Working, env: PlanEnv) => void }
  | { kind: 'comment'; comment: PlannedComment }
  | { kind: 'notify'; notification: PlannedNotification }
  | { kind: 'webhook'; webhook: PlannedWebhook }
  | { kind: 'macro'; macroId: string };

/** Compiled actions. */
export interface CompiledActions {
  readonly actions: readonly RuleAction[];
  /** Display names the templates need (macros applied at run time add theirs). */
  readonly names: ReadonlySet<TemplateName>;
  /** What the actions would do to `ticket`. */
  plan(ticket: Ticket, env?: PlanEnv): ActionPlan;
  /** Appends this list's effects to an existing plan (used to expand macros). */
  planInto(plan: ActionPlan, working: unknown, env: PlanEnv): void;
}

function compilePayload(value: unknown, path: string, names: Set<TemplateName>): (env: TemplateEnv) => unknown {
  if (typeof value === 'string') {
    const template = compileTemplate(value, { path });
    for (const name of template.names) names.add(name);
    return (env) => template.render(env);
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compilePayload(item, `${path}.${i}`, names));
    return (env) => items.map((item) => item(env));
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(
      ([key, item]) => [key, compilePayload(item, `${path}.${key}`, names)] as const,
    );
    return (env) => {
      const out: Record<string, unknown> = {};
      for (const [key, item] of entries)
        Object.defineProperty(out, key, { value: item(env), enumerable: true, writable: true, configurable: true });
      return out;
    };
  }
  return () => value;
}

function stateStep(action: RuleAction): ((w: Working, env: PlanEnv) => void) | undefined {
  switch (action.type) {
    case 'set_status':
      return (w) => {
        w.status = action.status;
      };
    case 'set_priority':
      return (w) => {
        w.priority = action.priority;
      };
    case 'assign':
      return (w, env) => {
        if (action.currentAgent === true && env.actor?.type === 'agent') w.assigneeId = env.actor.id;
        if (action.agentId !== undefined) w.assigneeId = action.agentId ?? undefined;
        if (action.groupId !== undefined) w.groupId = action.groupId ?? undefined;
      };
    case 'set_field':
      return (w) => {
        w.fields ??= new Map();
        w.fields.set(action.key, action.value);
      };
    case 'add_tags':
      return (w) => {
        if (w.tagsChanged) {
          for (const tag of action.tags) if (!w.tags.includes(tag)) w.tags.push(tag);
          return;
        }
        // Add-only plans never copy the ticket's tags: they only collect what is new.
        for (const tag of action.tags) {
          if (w.tags.includes(tag) || w.added?.includes(tag)) continue;
          w.added ??= [];
          w.added.push(tag);
        }
      };
    case 'remove_tags':
      return (w) => {
        w.tags = ownTags(w).filter((tag) => !action.tags.includes(tag));
      };
    case 'set_tags':
      return (w) => {
        w.tags = [...new Set(action.tags)];
        w.tagsChanged = true;
        w.added = undefined;
      };
    default:
      return undefined;
  }
}

const MACRO_FORBIDDEN: ReadonlySet<RuleAction['type']> = new Set(['notify', 'webhook', 'apply_macro']);

function compileStep(action: RuleAction, path: string, owner: ActionOwner, names: Set<TemplateName>): Step {
  if (owner === 'macro' && MACRO_FORBIDDEN.has(action.type))
    throw new ValidationError(`Invalid macro action at ${path}`, [
      { path: `${path}.type`, message: `macros cannot ${action.type.replace('_', ' ')}`, code: 'invalid_rule_action' },
    ]);
  if (action.type === 'assign' && action.currentAgent === true && owner !== 'macro')
    throw new ValidationError(`Invalid action at ${path}`, [
      { path: `${path}.currentAgent`, message: 'only macros assign the current agent', code: 'invalid_rule_action' },
    ]);
  const run = stateStep(action);
  if (run !== undefined) return { kind: 'state', run };
  const template = (source: string, where: string): CompiledTemplate => {
    const compiled = compileTemplate(source, { path: `${path}.${where}` });
    for (const name of compiled.names) names.add(name);
    return compiled;
  };
  switch (action.type) {
    case 'comment':
      return { kind: 'comment', comment: { template: template(action.body, 'body'), public: action.public } };
    case 'notify':
      return {
        kind: 'notify',
        notification: {
          target: action.target,
          subject: template(action.subject, 'subject'),
          body: template(action.body, 'body'),
        },
      };
    case 'webhook':
      return {
        kind: 'webhook',
        webhook: {
          subscriptionId: action.subscriptionId,
          payload: action.payload === undefined ? undefined : compilePayload(action.payload, `${path}.payload`, names),
        },
      };
    default:
      return { kind: 'macro', macroId: (action as { macroId: string }).macroId };
  }
}

const NO_NAMES: ReadonlySet<TemplateName> = new Set();

/** The working tags, copied from the ticket before the first change. */
function ownTags(w: Working): string[] {
  if (!w.tagsChanged) {
    w.tags = w.added === undefined ? [...w.tags] : [...w.tags, ...w.added];
    w.added = undefined;
    w.tagsChanged = true;
  }
  return w.tags;
}

function working(ticket: Ticket): Working {
  return {
    status: ticket.status,
    priority: ticket.priority,
    assigneeId: ticket.assigneeId,
    groupId: ticket.groupId,
    tags: ticket.tags,
    tagsChanged: false,
    added: undefined,
    fields: undefined,
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function sameField(a: FieldValue | undefined, b: FieldValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return sameList(a, b);
  return (a ?? null) === b;
}

function diff(ticket: Ticket, w: Working): ActionPlan['changes'] {
  const changes: ActionPlan['changes'] = {};
  if (w.status !== ticket.status && w.status !== 'new' && w.status !== 'merged') changes.status = w.status;
  if (w.priority !== ticket.priority) changes.priority = w.priority;
  if (w.assigneeId !== ticket.assigneeId) changes.assigneeId = w.assigneeId ?? null;
  if (w.groupId !== ticket.groupId) changes.groupId = w.groupId ?? null;
  if (w.added !== undefined) changes.addTags = w.added;
  else if (w.tagsChanged) {
    const added = w.tags.filter((tag) => !ticket.tags.includes(tag));
    const removed = ticket.tags.filter((tag) => !w.tags.includes(tag));
    if (added.length > 0) changes.addTags = added;
    if (removed.length > 0) changes.removeTags = removed;
  }
  for (const [key, value] of w.fields ?? []) {
    const current = Object.hasOwn(ticket.fields, key) ? ticket.fields[key] : undefined;
    if (!sameField(current, value)) {
      changes.fields ??= {};
      changes.fields[key] = value;
    }
  }
  return changes;
}

/** A comment a macro adds after its actions (its canned response). */
export interface ExtraComment {
  body: string;
  public: boolean;
  /** Its path in validation errors. */
  path: string;
}

/**
 * Validates and compiles a rule's actions: templates parsed (unknown placeholders are
 * errors), macro restrictions checked. Every problem is reported with its path.
 *
 * @throws ValidationError
 */
export function compileActions(
  actions: readonly RuleAction[],
  path: string,
  owner: ActionOwner,
  extra?: ExtraComment,
): CompiledActions {
  const names = new Set<TemplateName>();
  const issues: ValidationIssue[] = [];
  const steps: Step[] = [];
  const collect = (compile: () => Step): void => {
    try {
      steps.push(compile());
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues);
    }
  };
  for (const [i, action] of actions.entries()) collect(() => compileStep(action, `${path}.${i}`, owner, names));
  if (extra !== undefined) {
    collect(() => {
      const template = compileTemplate(extra.body, { path: extra.path });
      for (const name of template.names) names.add(name);
      return { kind: 'comment', comment: { template, public: extra.public } };
    });
  }
  if (issues.length > 0) {
    const first = issues[0] as ValidationIssue;
    throw new ValidationError(`Invalid actions: ${first.path}: ${first.message}`, issues);
  }
  const planInto = (plan: ActionPlan, state: unknown, env: PlanEnv): void => {
    const w = state as Working;
    if (names.size > 0) {
      // Most plans need no names, or only their own: share the compiled set, copy only to merge.
      if (plan.names.size === 0) plan.names = names;
      else if (plan.names !== names) plan.names = new Set([...plan.names, ...names]);
    }
    for (const step of steps) {
      if (step.kind === 'state') step.run(w, env);
      else if (step.kind === 'comment') plan.comments.push(step.comment);
      else if (step.kind === 'notify') plan.notifications.push(step.notification);
      else if (step.kind === 'webhook') plan.webhooks.push(step.webhook);
      else {
        // Macros cannot apply macros (checked when they are defined), so this never recurses.
        const macro = env.macro?.(step.macroId);
        if (macro === undefined) plan.errors.push(`macro ${step.macroId} not found or inactive`);
        else {
          plan.macroIds.push(step.macroId);
          macro.planInto(plan, w, env);
        }
      }
    }
  };
  return {
    actions,
    names,
    planInto,
    plan(ticket, env = {}) {
      const plan: ActionPlan = {
        changes: {},
        comments: [],
        notifications: [],
        webhooks: [],
        macroIds: [],
        errors: [],
        names: NO_NAMES,
      };
      const w = working(ticket);
      planInto(plan, w, env);
      plan.changes = diff(ticket, w);
      return plan;
    },
  };
}

/**
 * Renders a plan's comments into one: bodies joined by a blank line, public only when
 * every part is public (an internal note never leaks through a public comment).
 */
export function renderComments(plan: ActionPlan, env: TemplateEnv): { body: string; public: boolean } | undefined {
  if (plan.comments.length === 0) return undefined;
  const body = clampUtf8(plan.comments.map((comment) => comment.template.render(env)).join('\n\n'));
  return { body, public: plan.comments.every((comment) => comment.public) };
}
