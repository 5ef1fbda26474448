import type { TicketStore } from '../ticket-store.js';
import type { TicketStoreCase, TicketStoreCaseContext, TicketStoreCaseGroup } from './case.js';
import { commentCases } from './comments.cases.js';
import { historyCases } from './history.cases.js';
import { listCases } from './list.cases.js';
import { tenancyCases } from './tenancy.cases.js';
import { ticketCases } from './ticket.cases.js';
import { transactionCases } from './transactions.cases.js';

/** Every case of the ticket store conformance suite, in run order. */
export function ticketStoreConformanceCases(): TicketStoreCase[] {
  return [...ticketCases, ...historyCases, ...commentCases, ...listCases, ...transactionCases, ...tenancyCases];
}

/** The functions of the test framework the suite registers with (vitest, jest, node:test…). */
export interface TicketStoreTestApi {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void>, timeoutMs?: number): void;
}

/** How to make and dispose of the store under test. */
export interface TicketStoreConformanceOptions {
  /** Shown in test names, e.g. `memory`, `postgres`. */
  name: string;
  /** Makes a fresh, empty store; called once per case. */
  create(): TicketStore | Promise<TicketStore>;
  /** Disposes of one store after its case. @default nothing */
  destroy?(store: TicketStore): Promise<void>;
  /** Groups to leave out (say why in your test file). @default [] */
  skip?: readonly TicketStoreCaseGroup[];
  /** Concurrent operations in the concurrency cases. @default 100 */
  concurrency?: number;
  /** Per-case timeout for the framework. @default 30000 */
  timeoutMs?: number;
}

let tenantCounter = 0;

/** Runs one case against a fresh store; usable without any framework. */
export async function runTicketStoreCase(
  testCase: TicketStoreCase,
  options: TicketStoreConformanceOptions,
): Promise<void> {
  const store = await options.create();
  tenantCounter += 1;
  const ctx: TicketStoreCaseContext = {
    store,
    tenantId: `ten_tconf_a${tenantCounter}`,
    otherTenantId: `ten_tconf_b${tenantCounter}`,
    concurrency: options.concurrency ?? 100,
  };
  try {
    await testCase.run(ctx);
  } finally {
    await options.destroy?.(store);
  }
}

/**
 * Registers the ticket store conformance suite with a test framework: versions and
 * conflicts, atomic ticket + history + comment writes, numbering, comment idempotency,
 * list filters and paging, transactions, and tenant isolation.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { describeTicketStoreConformance } from '@hotline/ticketing/testing';
 * import { createMyTicketStore } from './my-ticket-store.js';
 *
 * describeTicketStoreConformance({ describe, it }, { name: 'mine', create: () => createMyTicketStore() });
 * ```
 */
export function describeTicketStoreConformance(api: TicketStoreTestApi, options: TicketStoreConformanceOptions): void {
  const skip = new Set(options.skip ?? []);
  const byGroup = new Map<TicketStoreCaseGroup, TicketStoreCase[]>();
  for (const testCase of ticketStoreConformanceCases()) {
    if (skip.has(testCase.group)) continue;
    const list = byGroup.get(testCase.group) ?? [];
    list.push(testCase);
    byGroup.set(testCase.group, list);
  }
  api.describe(`ticket store conformance: ${options.name}`, () => {
    for (const [group, cases] of byGroup) {
      api.describe(group, () => {
        for (const testCase of cases) {
          api.it(testCase.name, () => runTicketStoreCase(testCase, options), options.timeoutMs ?? 30_000);
        }
      });
    }
  });
}
