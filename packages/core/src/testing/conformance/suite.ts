import type { Storage } from '../../storage/ports.js';
import { auditCases } from './audit.cases.js';
import type { CaseContext, ConformanceCase, ConformanceGroup } from './case.js';
import { contactCases } from './contacts.cases.js';
import { lifecycleCases } from './lifecycle.cases.js';
import { messageCases } from './messages.cases.js';
import { outboxCases } from './outbox.cases.js';
import { recordCases } from './records.cases.js';
import { tenancyCases } from './tenancy.cases.js';
import { timerCases } from './timers.cases.js';
import { transactionCases } from './transactions.cases.js';

/** Every case of the storage conformance suite, in run order. */
export function storageConformanceCases(): ConformanceCase[] {
  return [
    ...recordCases,
    ...contactCases,
    ...messageCases,
    ...auditCases,
    ...timerCases,
    ...outboxCases,
    ...transactionCases,
    ...tenancyCases,
    ...lifecycleCases,
  ];
}

/** The functions of the test framework the suite registers with (vitest, jest, node:test…). */
export interface ConformanceTestApi {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void>, timeoutMs?: number): void;
}

/** How to make and dispose of the storage under test. */
export interface StorageConformanceOptions {
  /** Shown in test names, e.g. `memory`, `pglite`, `postgres`. */
  name: string;
  /** Makes a fresh, empty storage; called once per case. */
  create(): Storage | Promise<Storage>;
  /** Disposes of one storage after its case. @default `storage.close()` */
  destroy?(storage: Storage): Promise<void>;
  /** Groups to leave out (say why in your test file). @default [] */
  skip?: readonly ConformanceGroup[];
  /** Concurrent operations in the concurrency cases. @default 200 */
  concurrency?: number;
  /** Per-case timeout for the framework. @default 30000 */
  timeoutMs?: number;
}

let tenantCounter = 0;

/** Runs one case against a fresh storage; usable without any framework. */
export async function runConformanceCase(testCase: ConformanceCase, options: StorageConformanceOptions): Promise<void> {
  const storage = await options.create();
  tenantCounter += 1;
  const ctx: CaseContext = {
    storage,
    tenantId: `ten_conf_a${tenantCounter}`,
    otherTenantId: `ten_conf_b${tenantCounter}`,
    concurrency: options.concurrency ?? 200,
  };
  try {
    await testCase.run(ctx);
  } finally {
    await (options.destroy ? options.destroy(storage) : storage.close());
  }
}

/**
 * Registers the storage conformance suite with a test framework. Every adapter — ours and
 * third parties' — runs this same suite: CRUD and optimistic concurrency, identity
 * uniqueness, gap-free idempotent message appends under concurrency, the audit chain
 * contract, durable timers and the outbox with leases, transactions, tenant isolation
 * through every method, and close.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { describeStorageConformance } from '@hotline/core/testing';
 * import { createMyStorage } from './my-storage.js';
 *
 * describeStorageConformance({ describe, it }, { name: 'my-storage', create: () => createMyStorage() });
 * ```
 */
export function describeStorageConformance(api: ConformanceTestApi, options: StorageConformanceOptions): void {
  const skip = new Set(options.skip ?? []);
  const byGroup = new Map<ConformanceGroup, ConformanceCase[]>();
  for (const testCase of storageConformanceCases()) {
    if (skip.has(testCase.group)) continue;
    const list = byGroup.get(testCase.group) ?? [];
    list.push(testCase);
    byGroup.set(testCase.group, list);
  }
  api.describe(`storage conformance: ${options.name}`, () => {
    for (const [group, cases] of byGroup) {
      api.describe(group, () => {
        for (const testCase of cases) {
          api.it(testCase.name, () => runConformanceCase(testCase, options), options.timeoutMs ?? 30_000);
        }
      });
    }
  });
}
