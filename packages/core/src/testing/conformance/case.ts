import type { Storage } from '../../storage/ports.js';

/** What each conformance case receives. */
export interface CaseContext {
  /** A fresh, empty storage made by the adapter's factory for this case. */
  storage: Storage;
  /** A tenant id unique to this case. */
  tenantId: string;
  /** A second tenant id, for isolation checks. */
  otherTenantId: string;
  /** How many concurrent operations the concurrency cases start. */
  concurrency: number;
}

/** One conformance check, runnable under any test framework. */
export interface ConformanceCase {
  /** The group it belongs to (`messages`, `timers`…); groups can be skipped. */
  group: ConformanceGroup;
  name: string;
  run(ctx: CaseContext): Promise<void>;
}

/** The groups of the conformance suite. */
export type ConformanceGroup =
  | 'records'
  | 'contacts'
  | 'messages'
  | 'audit'
  | 'timers'
  | 'outbox'
  | 'transactions'
  | 'tenancy'
  | 'lifecycle';

/** Defines the cases of one group. */
export function defineCases(
  group: ConformanceGroup,
  cases: Record<string, (ctx: CaseContext) => Promise<void>>,
): ConformanceCase[] {
  return Object.entries(cases).map(([name, run]) => ({ group, name, run }));
}
