import { ConditionScope } from '../conditions/scope.js';
import { buildTicketTimeline, type TicketTimeline } from '../conditions/timeline.js';
import type { Ticket } from '../model/ticket.js';
import type { CompiledAutomation } from './definitions.js';
import { fireRule } from './fire.js';
import type { AutomationCandidate } from './ports.js';
import { describeError, type RuleRuntime } from './runtime.js';
import { loadTimeline } from './trigger-cycle.js';

// Time-based rules. Each run looks at every open ticket of every tenant with active
// automations; an automation fires on a ticket when its conditions match and did not
// already match at the previous run — so it fires once, then again only after its
// conditions have stopped matching (which its own actions are required to cause).

/** What one automation run did. */
export interface AutomationRunReport {
  /** The run's time (epoch ms). */
  at: number;
  /** Tickets examined. */
  tickets: number;
  /** Fires, in order. */
  fired: { tenantId: string; automationId: string; ticketId: string }[];
  /** Automations that hit `maxTicketsPerAutomation` (the rest of their tickets wait for the next run). */
  capped: { tenantId: string; automationId: string }[];
}

/**
 * Per tenant, the `automationId \0 ticketId` pairs that matched at the previous run. A
 * pair absent from it fires; the set is rebuilt on every run, so tickets that closed or
 * stopped matching drop out by themselves.
 */
export type AutomationMemory = Map<string, Set<string>>;

async function candidatesOf(
  rt: RuleRuntime,
  tenantId: string,
): Promise<AsyncIterable<AutomationCandidate> | Iterable<AutomationCandidate>> {
  const source = rt.reader.listCandidates?.(tenantId);
  if (source === undefined) return [];
  return await source;
}

function isOpen(ticket: Ticket): boolean {
  return ticket.status !== 'closed' && ticket.status !== 'merged';
}

async function runTenant(
  rt: RuleRuntime,
  tenantId: string,
  automations: readonly CompiledAutomation[],
  memory: AutomationMemory,
  now: number,
  report: AutomationRunReport,
): Promise<void> {
  const previous = memory.get(tenantId) ?? new Set<string>();
  const next = new Set<string>();
  const fires = new Map<string, number>();
  const needsHistory = automations.some((automation) => automation.conditions.usage.history);
  for await (const candidate of await candidatesOf(rt, tenantId)) {
    let ticket = candidate.ticket;
    if (ticket.tenantId !== tenantId || !isOpen(ticket)) continue;
    report.tickets++;
    let timeline: TicketTimeline | undefined;
    if (needsHistory)
      timeline = candidate.history ? buildTicketTimeline(candidate.history) : await loadTimeline(rt, ticket);
    let scope = new ConditionScope({ ticket, now, timeline });
    for (const automation of automations) {
      if (!automation.conditions.evaluate(scope)) continue;
      const id = automation.definition.id;
      const key = `${id}\u0000${ticket.id}`;
      if (previous.has(key)) {
        next.add(key);
        continue;
      }
      const count = fires.get(id) ?? 0;
      if (count >= rt.maxTicketsPerAutomation) {
        if (count === rt.maxTicketsPerAutomation) report.capped.push({ tenantId, automationId: id });
        fires.set(id, count + 1);
        continue;
      }
      fires.set(id, count + 1);
      const outcome = await fireRule(rt, { kind: 'automation', id }, automation.actions, ticket, undefined, 0);
      // A failed write is retried at the next run; anything else counts as done.
      if (!outcome.failed) next.add(key);
      report.fired.push({ tenantId, automationId: id, ticketId: ticket.id });
      if (outcome.ticket !== ticket) {
        ticket = outcome.ticket;
        scope = new ConditionScope({ ticket, now, timeline }, scope);
      }
    }
  }
  memory.set(tenantId, next);
}

/**
 * One automation run over every tenant with active automations. Never throws: a tenant
 * whose candidates cannot be listed is reported as an `error` event and skipped.
 */
export async function runAutomationPass(
  rt: RuleRuntime,
  memory: AutomationMemory,
  now: number,
): Promise<AutomationRunReport> {
  const report: AutomationRunReport = { at: now, tickets: 0, fired: [], capped: [] };
  for (const tenantId of rt.registry.automations.tenants()) {
    const automations = rt.registry.automations.active(tenantId);
    if (automations.length === 0) {
      memory.delete(tenantId);
      continue;
    }
    try {
      await runTenant(rt, tenantId, automations, memory, now, report);
    } catch (error) {
      rt.emit({ type: 'error', tenantId, error: describeError(error) });
    }
  }
  return report;
}
