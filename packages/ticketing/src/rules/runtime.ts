import type { Clock } from '@hotline/core';
import type { FireLedger } from './fire-ledger.js';
import type { ResolvedTarget, RuleEffects, RuleReader } from './ports.js';
import type { RuleRegistry } from './registry.js';
import type { RuleRateLimit } from './rule-schema.js';

/** Which rule did something. */
export interface RuleRef {
  kind: 'trigger' | 'automation' | 'classification';
  id: string;
}

/**
 * What the engine reports besides its return values: every fire, every limit reached,
 * every failed or suppressed action. Rules never throw into the writer that caused them,
 * so this is where their problems surface.
 */
export type RuleEvent =
  | { type: 'fired'; tenantId: string; ticketId: string; rule: RuleRef; depth: number; wrote: boolean }
  | {
      type: 'limit_reached';
      tenantId: string;
      ticketId: string;
      /** `max_depth`: the recursion limit; `rule_rate`: the per-rule execution limit. */
      limit: 'max_depth' | 'rule_rate';
      rule: RuleRef;
      depth: number;
    }
  | {
      type: 'action_failed';
      tenantId: string;
      ticketId: string;
      rule: RuleRef;
      action: 'write' | 'notify' | 'webhook' | 'macro';
      error: { code?: string; message: string };
    }
  | {
      type: 'notification_suppressed';
      tenantId: string;
      ticketId: string;
      rule: RuleRef;
      target: ResolvedTarget['type'];
      reason: 'loop';
    }
  | { type: 'error'; tenantId: string; ticketId?: string; error: { code?: string; message: string } };

/** Loop guards. */
export interface RuleLimits {
  /**
   * The deepest rule-caused write: each pass of a trigger cycle is one level deeper than
   * the write that started it; a trigger that would write deeper stops the cycle. Zammad's
   * default. @default 10
   */
  maxDepth?: number;
  /** Per-rule execution limit per ticket (a trigger's own `limit` overrides it). @default { max: 10, windowMs: 3_600_000 } */
  perRule?: RuleRateLimit;
  /** Most tickets one automation acts on per run (the rest wait for the next run). @default 1000 */
  maxTicketsPerAutomation?: number;
}

/** What the engine's parts share. @internal */
export interface RuleRuntime {
  readonly clock: Clock;
  readonly effects: RuleEffects;
  readonly reader: RuleReader;
  readonly registry: RuleRegistry;
  readonly ledger: FireLedger;
  readonly maxDepth: number;
  readonly perRule: RuleRateLimit;
  readonly maxTicketsPerAutomation: number;
  /** Whether anyone listens: frequent events are not even built otherwise. */
  readonly observed: boolean;
  emit(event: RuleEvent): void;
}

/** The code and message of anything thrown, without its stack or cause. */
export function describeError(error: unknown): { code?: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? { code, message: error.message } : { message: error.message };
  }
  return { message: String(error) };
}
