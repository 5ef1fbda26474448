import type { ConditionUsage } from '../conditions/compile-rule-conditions.js';
import { ConditionScope, type ConditionUpdate, type ConditionUpdateType } from '../conditions/scope.js';
import { buildTicketTimeline, type TicketTimeline } from '../conditions/timeline.js';
import type { HistoryEntry, PropertyChange } from '../model/history.js';
import type { WriteResult } from '../model/ports.js';
import type { Ticket } from '../model/ticket.js';
import { diffTickets } from '../service/ticket-diff.js';
import { mergeChanges } from './changes.js';
import { classifyTicket } from './classification.js';
import type { CompiledTrigger } from './definitions.js';
import { fireRule, planEnvFor, ruleActor } from './fire.js';
import { describeError, type RuleRef, type RuleRuntime } from './runtime.js';

// Zendesk's trigger semantics after each write: evaluate the active triggers in order
// against the ticket and the update; a matching trigger's actions apply at once (later
// triggers see the result); each trigger fires at most once per cycle; when any fired,
// the not-yet-fired triggers are evaluated again, until a pass fires none. The recursion
// limit (depth) and the per-rule execution limit stop a runaway chain.

/** What one trigger cycle did. */
export interface TriggerCycleReport {
  tenantId: string;
  ticketId: string;
  /** Why no rule was evaluated: the write was made by a trigger (inside a running cycle), or the tenant has no rules. */
  skipped?: 'rule_write' | 'no_rules';
  /** Classification rules that changed the new ticket, in order. */
  classifiedBy: string[];
  /** Triggers that fired, in order. */
  fired: string[];
  /** Passes over the triggers, the last one (which fired nothing) included. */
  passes: number;
  /** Set when a limit stopped the cycle early. */
  stopped?: { limit: 'max_depth' | 'rule_rate'; ruleId: string };
  /** The ticket after the cycle. */
  ticket: Ticket;
}

const usageCache = new WeakMap<readonly CompiledTrigger[], ConditionUsage>();
const guardCache = new WeakMap<readonly CompiledTrigger[], Guards>();

/**
 * The triggers' guards (see `CompiledRuleConditions.guard`), by distinct field: per ticket
 * state each guard field is read once, and a trigger whose guard value differs is skipped
 * with one comparison instead of a call into its conditions.
 */
interface Guards {
  /** Per trigger, the index of its guard field in `reads`, or -1. */
  readonly field: Int32Array;
  /** Per trigger, the value its guard wants. */
  readonly value: readonly unknown[];
  readonly reads: readonly ((scope: ConditionScope) => unknown)[];
  /** Per trigger, its reference (built once, not per fire). */
  readonly refs: readonly RuleRef[];
}

function guardsOf(triggers: readonly CompiledTrigger[]): Guards {
  let guards = guardCache.get(triggers);
  if (guards === undefined) {
    const fields = new Map<string, number>();
    const reads: ((scope: ConditionScope) => unknown)[] = [];
    const field = new Int32Array(triggers.length).fill(-1);
    const value: unknown[] = [];
    const refs = triggers.map((trigger): RuleRef => ({ kind: 'trigger', id: trigger.definition.id }));
    triggers.forEach((trigger, i) => {
      const guard = trigger.conditions.guard;
      value.push(guard?.value);
      if (guard === undefined) return;
      let index = fields.get(guard.field);
      if (index === undefined) {
        index = reads.length;
        fields.set(guard.field, index);
        reads.push(guard.read);
      }
      field[i] = index;
    });
    guards = { field, value, reads, refs };
    guardCache.set(triggers, guards);
  }
  return guards;
}

/** Per-trigger bookkeeping of one cycle, pooled: cycles run concurrently, each takes its own. */
interface CycleBuffers {
  fired: Uint8Array;
  evaluatedAt: Int32Array;
}
const pool: CycleBuffers[] = [];

function takeBuffers(size: number): CycleBuffers {
  const buffers = pool.pop();
  if (buffers === undefined || buffers.fired.length < size) {
    return { fired: new Uint8Array(size), evaluatedAt: new Int32Array(size).fill(-1) };
  }
  buffers.fired.fill(0, 0, size);
  buffers.evaluatedAt.fill(-1, 0, size);
  return buffers;
}

function giveBack(buffers: CycleBuffers): void {
  if (pool.length < 8) pool.push(buffers);
}

/** Marks a guard value not read yet for the current ticket state. */
const UNREAD = Symbol('unread');

function usageOf(triggers: readonly CompiledTrigger[]): ConditionUsage {
  let usage = usageCache.get(triggers);
  if (usage === undefined) {
    const all = triggers.map((trigger) => trigger.conditions.usage);
    usage = {
      update: all.some((u) => u.update),
      commentBody: all.some((u) => u.commentBody),
      history: all.some((u) => u.history),
      time: all.some((u) => u.time),
    };
    usageCache.set(triggers, usage);
  }
  return usage;
}

const NO_TAGS: readonly string[] = [];

/** Marks the tags a tags change added or removed as changed at `version`. */
function markToggledTags(change: PropertyChange, changedAt: Map<string, number>, version: number): void {
  const from = Array.isArray(change.from) ? (change.from as string[]) : NO_TAGS;
  const to = Array.isArray(change.to) ? (change.to as string[]) : NO_TAGS;
  for (const tag of from) if (!to.includes(tag)) changedAt.set(`tag:${tag}`, version);
  for (const tag of to) if (!from.includes(tag)) changedAt.set(`tag:${tag}`, version);
}

function updateType(entry: HistoryEntry): ConditionUpdateType {
  if (entry.kind === 'created') return 'created';
  return entry.kind === 'commented' || entry.comment !== undefined ? 'commented' : 'updated';
}

/**
 * Whether a write is a mail loop: the inbound mail integration marks bounces with the
 * actor `integration:email-bounce`, and auto-replies (`Auto-Submitted`,
 * `X-Autoreply`, `Precedence: bulk`…) with `meta.loop: true` (or `meta.autoSubmitted`).
 */
export function isLoopWrite(entry: HistoryEntry): boolean {
  if (entry.actor.type === 'integration' && entry.actor.id === 'email-bounce') return true;
  return entry.meta?.['loop'] === true || entry.meta?.['autoSubmitted'] === true;
}

/** The history-derived timeline, when a reader can give the history. */
export async function loadTimeline(rt: RuleRuntime, ticket: Ticket): Promise<TicketTimeline | undefined> {
  if (rt.reader.history === undefined) return undefined;
  try {
    return buildTicketTimeline(await rt.reader.history(ticket.tenantId, ticket.id));
  } catch (error) {
    rt.emit({ type: 'error', tenantId: ticket.tenantId, ticketId: ticket.id, error: describeError(error) });
    return undefined;
  }
}

async function classify(
  rt: RuleRuntime,
  ticket: Ticket,
  update: ConditionUpdate,
  depth: number,
  report: TriggerCycleReport,
): Promise<Ticket> {
  const result = classifyTicket(rt.registry.classifiers.active(ticket.tenantId), ticket, update.comment?.body);
  let current = ticket;
  for (const match of result.matched) {
    const rule: RuleRef = { kind: 'classification', id: match.ruleId };
    try {
      const after = await rt.effects.update({ tenantId: ticket.tenantId, actor: ruleActor(rule), depth }, ticket.id, {
        ...match.changes,
        meta: { rule: 'classification', ruleId: match.ruleId },
      });
      update.changes = mergeChanges(update.changes, diffTickets(current, after));
      current = after;
      report.classifiedBy.push(match.ruleId);
      rt.emit({ type: 'fired', tenantId: ticket.tenantId, ticketId: ticket.id, rule, depth, wrote: true });
    } catch (error) {
      rt.emit({
        type: 'action_failed',
        tenantId: ticket.tenantId,
        ticketId: ticket.id,
        rule,
        action: 'write',
        error: describeError(error),
      });
    }
  }
  return current;
}

/**
 * Runs classification (on creation) and the trigger cycle for one committed write. Never
 * throws: failures and limits are reported through `rt.emit` and the report.
 */
export async function runTriggerCycle(rt: RuleRuntime, result: WriteResult): Promise<TriggerCycleReport> {
  const { entry, context } = result;
  let ticket = result.ticket;
  const tenantId = ticket.tenantId;
  const report: TriggerCycleReport = { tenantId, ticketId: ticket.id, classifiedBy: [], fired: [], passes: 0, ticket };
  // A trigger's own write is part of the cycle that made it, which is still running.
  if (context.actor.type === 'trigger') return { ...report, skipped: 'rule_write' };
  const triggers = rt.registry.triggers.active(tenantId);
  const classifiers =
    entry.kind === 'created' && entry.meta?.['classified'] !== true ? rt.registry.classifiers.active(tenantId) : [];
  if (triggers.length === 0 && classifiers.length === 0) return { ...report, skipped: 'no_rules' };
  try {
    const usage = usageOf(triggers);
    const update: ConditionUpdate = {
      type: updateType(entry),
      actor: entry.actor,
      // A "change" to the same value is no change (and would vanish at the first merge).
      changes: mergeChanges([], entry.changes),
      comment: entry.comment && { public: entry.comment.public, author: entry.comment.author },
      loop: isLoopWrite(entry),
    };
    const needsBody = usage.commentBody || classifiers.some((c) => c.words?.usage.commentBody === true);
    if (needsBody && entry.comment !== undefined && update.comment !== undefined && rt.reader.commentBody) {
      update.comment.body = await rt.reader.commentBody(tenantId, ticket.id, entry.comment.id);
    }
    const base = context.depth;
    if (classifiers.length > 0) ticket = await classify(rt, ticket, update, base + 1, report);
    const now = rt.clock.now();
    let timeline = usage.history ? await loadTimeline(rt, ticket) : undefined;
    let scope = new ConditionScope({ ticket, update, now, timeline });
    const guards = guardsOf(triggers);
    const planEnv = planEnvFor(rt, tenantId, update);
    const guardValues: unknown[] = new Array(guards.reads.length).fill(UNREAD);
    const buffers = takeBuffers(triggers.length);
    const { fired, evaluatedAt } = buffers;
    // Change tracking: a trigger that did not match is evaluated again in a later pass only
    // if something it reads (a property, a tag) changed since: its result cannot have changed otherwise.
    let version = 0;
    const changedAt = new Map<string, number>();
    const stale = (reads: readonly string[] | undefined, at: number) => {
      if (at < 0 || reads === undefined) return true;
      for (let r = 0; r < reads.length; r++) if ((changedAt.get(reads[r] as string) ?? -1) > at) return true;
      return false;
    };
    passes: for (let pass = 1; ; pass++) {
      report.passes = pass;
      const depth = base + pass;
      let firedThisPass = false;
      for (let i = 0; i < triggers.length; i++) {
        const trigger = triggers[i] as CompiledTrigger;
        if (fired[i] === 1 || !stale(trigger.conditions.reads, evaluatedAt[i] as number)) continue;
        evaluatedAt[i] = version;
        const g = guards.field[i] as number;
        if (g >= 0) {
          let seen = guardValues[g];
          if (seen === UNREAD) {
            seen = (guards.reads[g] as (scope: ConditionScope) => unknown)(scope);
            guardValues[g] = seen;
          }
          if (seen !== guards.value[i]) continue;
        }
        if (!trigger.conditions.evaluate(scope)) continue;
        const rule = guards.refs[i] as RuleRef;
        const limit =
          depth > rt.maxDepth
            ? 'max_depth'
            : rt.ledger.tryFire(tenantId, ticket.id, rule.id, now, trigger.definition.limit ?? rt.perRule)
              ? undefined
              : 'rule_rate';
        if (limit !== undefined) {
          report.stopped = { limit, ruleId: rule.id };
          rt.emit({ type: 'limit_reached', tenantId, ticketId: ticket.id, limit, rule, depth });
          break passes;
        }
        fired[i] = 1;
        firedThisPass = true;
        report.fired.push(rule.id);
        const outcome = await fireRule(rt, rule, trigger.actions, ticket, update, depth, planEnv);
        if (outcome.ticket !== ticket) {
          const changes = diffTickets(ticket, outcome.ticket);
          version++;
          for (const change of changes) {
            changedAt.set(change.property, version);
            if (change.property === 'tags') markToggledTags(change, changedAt, version);
          }
          update.changes = mergeChanges(update.changes, changes);
          ticket = outcome.ticket;
          if (usage.history) timeline = await loadTimeline(rt, ticket);
          scope = new ConditionScope({ ticket, update, now, timeline }, scope);
          guardValues.fill(UNREAD);
        }
      }
      if (!firedThisPass) break;
    }
    giveBack(buffers);
  } catch (error) {
    rt.emit({ type: 'error', tenantId, ticketId: ticket.id, error: describeError(error) });
  }
  report.ticket = ticket;
  return report;
}
