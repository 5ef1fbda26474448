import type { TicketStore } from '../ticket-store.js';

/** What each ticket store conformance case receives. */
export interface TicketStoreCaseContext {
  /** A fresh, empty store for this case. */
  store: TicketStore;
  tenantId: string;
  /** A second tenant, for isolation checks. */
  otherTenantId: string;
  /** How many concurrent operations the concurrency cases start. */
  concurrency: number;
}

/** One conformance check, runnable under any test framework. */
export interface TicketStoreCase {
  group: TicketStoreCaseGroup;
  name: string;
  run(ctx: TicketStoreCaseContext): Promise<void>;
}

/** The groups of the ticket store suite. */
export type TicketStoreCaseGroup = 'tickets' | 'history' | 'comments' | 'list' | 'transactions' | 'tenancy';

/** Defines the cases of one group. */
export function defineTicketCases(
  group: TicketStoreCaseGroup,
  cases: Record<string, (ctx: TicketStoreCaseContext) => Promise<void>>,
): TicketStoreCase[] {
  return Object.entries(cases).map(([name, run]) => ({ group, name, run }));
}
