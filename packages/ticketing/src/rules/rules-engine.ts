import type { Clock } from '@hotline/core';
import type { ConditionTicket } from '../conditions/scope.js';
import type { AfterWriteHook, WriteContext, WriteResult } from '../model/ports.js';
import type { Ticket } from '../model/ticket.js';
import { type AutomationMemory, type AutomationRunReport, runAutomationPass } from './automations.js';
import { type ClassificationResult, classifyTicket } from './classification.js';
import { createMemoryFireLedger, type FireLedger } from './fire-ledger.js';
import { type ApplyMacroOptions, applyMacroById, applyMacroTo, type MacroApplication } from './macros.js';
import type { RuleEffects, RuleReader } from './ports.js';
import { createRuleRegistry, type RuleRegistry } from './registry.js';
import type { RuleEvent, RuleLimits, RuleRuntime } from './runtime.js';
import { type AutomationScheduler, createAutomationScheduler } from './scheduler.js';
import { runTriggerCycle, type TriggerCycleReport } from './trigger-cycle.js';

/** Options of {@link createRulesEngine}. */
export interface RulesEngineOptions {
  clock: Clock;
  /** How rules write, notify and call webhooks (the ticket service). */
  effects: RuleEffects;
  /** What rules read besides the write. @default {} (no names, no comment bodies, no candidates) */
  reader?: RuleReader;
  /** The rules. @default a new `createRuleRegistry()` */
  registry?: RuleRegistry;
  /** Loop guards. @default { maxDepth: 10, perRule: { max: 10, windowMs: 3_600_000 }, maxTicketsPerAutomation: 1000 } */
  limits?: RuleLimits;
  /** Counts fires for the per-rule limit. @default `createMemoryFireLedger()` (per process) */
  ledger?: FireLedger;
  /** Fires, limits and failures (rules never throw into the writer). @default ignore */
  onEvent?: (event: RuleEvent) => void;
}

/** Triggers, automations, macros and classification, wired to the ticket service. */
export interface RulesEngine {
  readonly registry: RuleRegistry;
  /** Register with the ticket service: runs classification (on create) and the trigger cycle after every write. */
  readonly hook: AfterWriteHook;
  /** The trigger cycle for one committed write (what `hook` runs). Never throws. */
  runTriggers(result: WriteResult): Promise<TriggerCycleReport>;
  /** One automation run over every tenant's open tickets. Never throws. */
  runAutomations(now?: number): Promise<AutomationRunReport>;
  /** Runs automations every `intervalMs` on the engine's clock. */
  scheduleAutomations(options?: { intervalMs?: number; onError?: (error: unknown) => void }): AutomationScheduler;
  /**
   * Applies a macro for the agent in `ctx.actor`: returns the changes and the rendered
   * comment; writes them too with `{ write: true }`. Loads the ticket through `reader.get`
   * when given an id.
   */
  applyMacro(
    ctx: WriteContext,
    ticket: string | Ticket,
    macroId: string,
    options?: ApplyMacroOptions,
  ): Promise<MacroApplication>;
  /** Classifies a ticket or a draft (before create) with the tenant's classification rules. */
  classify(tenantId: string, ticket: ConditionTicket, body?: string): ClassificationResult;
}

/**
 * Creates the rules engine.
 *
 * @example
 * ```ts
 * const rules = createRulesEngine({ clock, effects: ruleEffectsOf(service), reader });
 * rules.registry.triggers.define(tenantId, {
 *   id: 'trg_reopen_note', title: 'Tell the assignee about replies',
 *   conditions: { all: [
 *     { field: 'comment.author', operator: 'is', value: 'requester' },
 *     { field: 'assigneeId', operator: 'present' },
 *   ] },
 *   actions: [{ type: 'notify', target: { type: 'assignee' }, subject: 'Reply on #{{ticket.number}}', body: '{{ticket.subject}}' }],
 * });
 * service.addHook(rules.hook);
 * rules.scheduleAutomations({ intervalMs: 5 * 60_000 }).start();
 * ```
 */
export function createRulesEngine(options: RulesEngineOptions): RulesEngine {
  const registry = options.registry ?? createRuleRegistry();
  const onEvent = options.onEvent;
  const rt: RuleRuntime = {
    clock: options.clock,
    effects: options.effects,
    reader: options.reader ?? {},
    registry,
    ledger: options.ledger ?? createMemoryFireLedger(),
    maxDepth: options.limits?.maxDepth ?? 10,
    perRule: options.limits?.perRule ?? { max: 10, windowMs: 3_600_000 },
    maxTicketsPerAutomation: options.limits?.maxTicketsPerAutomation ?? 1000,
    observed: onEvent !== undefined,
    emit: (event) => {
      try {
        onEvent?.(event);
      } catch {
        // A failing listener must not break a rule run.
      }
    },
  };
  const memory: AutomationMemory = new Map();
  const runAutomations = (now = options.clock.now()) => runAutomationPass(rt, memory, now);
  return {
    registry,
    hook: {
      name: 'rules',
      afterWrite: async (result) => {
        await runTriggerCycle(rt, result);
      },
    },
    runTriggers: (result) => runTriggerCycle(rt, result),
    runAutomations,
    scheduleAutomations: (schedule = {}) =>
      createAutomationScheduler({ clock: options.clock, run: runAutomations, ...schedule }),
    applyMacro: (ctx, ticket, macroId, applyOptions) =>
      typeof ticket === 'string'
        ? applyMacroById(rt, ctx, ticket, macroId, applyOptions)
        : applyMacroTo(rt, ctx, ticket, macroId, applyOptions),
    classify: (tenantId, ticket, body) => classifyTicket(registry.classifiers.active(tenantId), ticket, body),
  };
}
