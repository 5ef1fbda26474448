import { z } from 'zod';
import { type Clock, systemClock } from '../clock/clock.js';
import { ConflictError, isHotlineError, ValidationError } from '../errors/hotline-error.js';
import { newId } from '../ids/ids.js';
import { tenantIdSchema } from '../schemas/common.js';
import { type AuditEntry, auditEntrySchema } from '../schemas/records.js';
import type { AuditRepository } from '../storage/ports.js';
import { parseInput } from '../validation/parse.js';
import { canonicalJson } from './canonical-json.js';
import { createHmacHasher, GENESIS_HASH, sha256Hex, type TextHasher } from './hash.js';

/*
 * The audit log: one append-only hash chain per tenant.
 *
 * Entry n stores `prevHash` = hash of entry n-1 (64 zeros for n = 1) and
 * `hash` = H(canonicalJson(entry without `hash`)). Changing any field of any entry, or
 * removing one, therefore breaks the chain at that point, and `verify` finds the first
 * break.
 *
 * What the hash protects against depends on H:
 * - Plain SHA-256 detects accidental corruption and naive edits of an entry. Anyone who
 *   can write to the database can still recompute every hash from the edited entry to
 *   the head, and the rewritten chain verifies.
 * - HMAC-SHA256 with a secret key (kept out of the database, e.g. in a secret manager)
 *   also stops that attacker: without the key they cannot produce valid hashes.
 * Neither detects truncation of the newest entries on its own; record `verify`'s
 * `headHash` and `count` somewhere else (a log shipper, a daily anchor) to catch it.
 */

/** What callers pass to `AuditLog.append`: actor, action, resource and optional changes and details. */
export const auditAppendInputSchema = auditEntrySchema
  .pick({ actor: true, action: true, resource: true, changes: true, details: true })
  .strict();

/** What a caller records; the log adds tenant, `seq`, `id`, `at` and the hashes. */
export type AuditAppendInput = z.input<typeof auditAppendInputSchema>;

/** Result of {@link AuditLog.verify}. On failure, `seq` is the first bad entry. */
export type AuditVerifyResult =
  | { ok: true; count: number; headHash: string }
  | {
      ok: false;
      seq: number;
      /** An entry is missing (or out of order): `expected` seq, `actual` seq found. */
      reason: 'seq_gap';
      expected: number;
      actual: number;
    }
  | {
      ok: false;
      seq: number;
      /**
       * `chain_broken`: the entry's `prevHash` (`actual`) is not the previous entry's
       * hash (`expected`). `hash_mismatch`: the entry's stored hash (`actual`) is not the
       * hash of its content (`expected`): the entry was changed.
       */
      reason: 'chain_broken' | 'hash_mismatch';
      expected: string;
      actual: string;
    };

/** Options for {@link createAuditLog}. */
export interface AuditLogOptions {
  /** Where entries live (`storage.audit`). */
  repository: AuditRepository;
  /** Timestamps entries. @default systemClock */
  clock?: Clock;
  /**
   * A secret key for HMAC-SHA256 instead of plain SHA-256 (raw bytes or base64url, at
   * least 32 bytes; `generateFieldKey()` makes a suitable one). Every process writing
   * or verifying a tenant's log needs the same key. @default undefined (plain SHA-256)
   */
  hmacKey?: string | Uint8Array;
  /**
   * Attempts per append when another writer (another process) takes the same `seq`
   * first; each attempt re-reads the head. @default 20
   */
  maxAttempts?: number;
  /**
   * Upper bound of the random wait between attempts. Two writers that collide once tend
   * to keep colliding in lockstep; a random, growing wait (up to 1, 2, 4… ms, capped
   * here) breaks that. `0` retries at once. @default 50
   */
  maxBackoffMs?: number;
  /** Entries read per page by {@link AuditLog.verify}. @default 500 */
  pageSize?: number;
  /** Makes entry ids. @default () => newId('audit') */
  generateId?: () => string;
}

/** Writes and verifies tenants' audit chains. */
export interface AuditLog {
  /**
   * Appends one entry to a tenant's chain and returns it as stored.
   *
   * Appends to one tenant through one `AuditLog` run one at a time, in call order, so
   * concurrent callers never race each other. Writers in other processes are handled
   * by the repository's `seq` check: on `ConflictError` the head is re-read and the
   * entry re-chained, after a short random wait, up to `maxAttempts` times. This is
   * optimistic: a writer that appends non-stop can starve another for a while, so
   * heavy multi-process writers are better served by an adapter that serialises
   * appends in the database.
   *
   * @throws ValidationError when `tenantId` or `input` is invalid (nothing is written).
   * @throws ConflictError when every attempt lost a race (`details.attempts`).
   */
  append(tenantId: string, input: AuditAppendInput): Promise<AuditEntry>;
  /**
   * Walks the tenant's whole chain, page by page, recomputing every hash, and reports
   * the first entry that is missing, out of place or changed.
   */
  verify(tenantId: string): Promise<AuditVerifyResult>;
}

const repositorySchema = z.custom<AuditRepository>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    ['append', 'head', 'list'].every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
  'an AuditRepository (append, head, list)',
);

const optionsSchema = z
  .object({
    repository: repositorySchema,
    clock: z
      .custom<Clock>((value) => typeof value === 'object' && value !== null && 'now' in value, 'a Clock')
      .optional(),
    hmacKey: z.union([z.string(), z.instanceof(Uint8Array)]).optional(),
    maxAttempts: z.int().min(1).max(1000).optional(),
    maxBackoffMs: z.number().min(0).max(60_000).optional(),
    pageSize: z.int().min(1).max(1000).optional(),
    generateId: z.custom<() => string>((value) => typeof value === 'function', 'a function').optional(),
  })
  .strict();

/**
 * Creates the audit log service over an {@link AuditRepository}.
 *
 * @throws ValidationError when the options are invalid (a short or malformed HMAC key…).
 * @example
 * ```ts
 * const audit = createAuditLog({ repository: storage.audit, hmacKey: secrets.auditKey });
 * await audit.append('ten_1', {
 *   actor: { kind: 'agent', id: 'agt_1' },
 *   action: 'contact.merged',
 *   resource: { type: 'contact', id: 'ctc_1' },
 *   changes: { email: { from: 'a@x.com', to: 'b@x.com' } },
 * });
 * const result = await audit.verify('ten_1');
 * if (!result.ok) alert(`audit chain broken at #${result.seq}: ${result.reason}`);
 * ```
 */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  const opts = parseInput(optionsSchema, options, 'audit log options');
  const repository = opts.repository;
  const clock = opts.clock ?? systemClock;
  const hasher: TextHasher = opts.hmacKey === undefined ? sha256Hex : createHmacHasher(opts.hmacKey);
  const maxAttempts = opts.maxAttempts ?? 20;
  const maxBackoffMs = opts.maxBackoffMs ?? 50;
  const pageSize = opts.pageSize ?? 500;
  const generateId = opts.generateId ?? (() => newId('audit'));
  // The tail of each tenant's queue of appends; see `serialised`.
  const tails = new Map<string, Promise<unknown>>();

  function serialised<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    const previous = tails.get(tenantId) ?? Promise.resolve();
    const run = previous.then(work);
    // The queue must move on after a failed append, and must not keep idle tenants.
    const tail = run.catch(() => undefined);
    tails.set(tenantId, tail);
    void tail.then(() => {
      if (tails.get(tenantId) === tail) tails.delete(tenantId);
    });
    return run;
  }

  async function appendNow(tenantId: string, input: z.output<typeof auditAppendInputSchema>): Promise<AuditEntry> {
    const id = generateId();
    let lastConflict: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1 && maxBackoffMs > 0) {
        // Jitter only needs to differ between writers, not be secret. This waits in real
        // time on purpose, not on the injected clock: it waits for another process, which
        // a SimulatedClock does not move, and unlike systemClock's unref'd timers it keeps
        // a short-lived script alive until its append is stored.
        const delay = Math.random() * Math.min(maxBackoffMs, 2 ** (attempt - 2));
        await new Promise<void>((resolve) => globalThis.setTimeout(resolve, delay));
      }
      const head = await repository.head(tenantId);
      // Never before the previous entry, even if this process's clock lags another's.
      const at = new Date(Math.max(clock.now(), head ? Date.parse(head.at) : 0)).toISOString();
      const unsigned: Omit<AuditEntry, 'hash'> = {
        tenantId,
        seq: (head?.seq ?? 0) + 1,
        id,
        at,
        actor: input.actor,
        action: input.action,
        resource: input.resource,
        prevHash: head?.hash ?? GENESIS_HASH,
      };
      if (input.changes !== undefined) unsigned.changes = input.changes;
      if (input.details !== undefined) unsigned.details = input.details;
      const entry: AuditEntry = { ...unsigned, hash: await hasher(canonicalJson(unsigned)) };
      try {
        return await repository.append(entry);
      } catch (error) {
        if (!isHotlineError(error, 'CONFLICT')) throw error;
        lastConflict = error;
      }
    }
    throw new ConflictError(`Audit append lost ${maxAttempts} races for the chain head in a row`, {
      details: { tenantId, attempts: maxAttempts },
      cause: lastConflict,
    });
  }

  async function hashOf(entry: AuditEntry): Promise<string | undefined> {
    const { hash: _stored, ...unsigned } = entry;
    try {
      return await hasher(canonicalJson(unsigned));
    } catch (error) {
      // Storage handed back something that is not plain JSON: it is not what was hashed.
      if (error instanceof ValidationError) return undefined;
      throw error;
    }
  }

  return {
    async append(tenantId, input) {
      // Validate before queueing, so bad input fails fast and never holds the queue.
      const tenant = parseInput(tenantIdSchema, tenantId, 'tenant id');
      const parsed = parseInput(auditAppendInputSchema, input, 'audit entry');
      return serialised(tenant, () => appendNow(tenant, parsed));
    },

    async verify(tenantId) {
      const tenant = parseInput(tenantIdSchema, tenantId, 'tenant id');
      let expectedSeq = 1;
      let prevHash = GENESIS_HASH;
      // Page until an empty page: an adapter may return fewer items than asked for
      // before the end, so a short page does not mean the chain is over.
      for (;;) {
        const page = await repository.list(tenant, { fromSeq: expectedSeq, limit: pageSize });
        if (page.length === 0) break;
        for (const entry of page) {
          if (entry.seq !== expectedSeq) {
            return { ok: false, seq: expectedSeq, reason: 'seq_gap', expected: expectedSeq, actual: entry.seq };
          }
          if (entry.prevHash !== prevHash) {
            return { ok: false, seq: entry.seq, reason: 'chain_broken', expected: prevHash, actual: entry.prevHash };
          }
          const recomputed = await hashOf(entry);
          if (recomputed !== entry.hash) {
            return {
              ok: false,
              seq: entry.seq,
              reason: 'hash_mismatch',
              expected: recomputed ?? '(entry is not plain JSON)',
              actual: entry.hash,
            };
          }
          prevHash = entry.hash;
          expectedSeq++;
        }
      }
      return { ok: true, count: expectedSeq - 1, headHash: prevHash };
    },
  };
}

/**
 * Recomputes the hash of an audit entry (its `hash` field is ignored), for tools that
 * check exported logs without an {@link AuditLog}. Pass the same `hmacKey` the log used.
 *
 * @example
 * ```ts
 * const ok = (await hashAuditEntry(entry, { hmacKey })) === entry.hash;
 * ```
 */
export async function hashAuditEntry(
  entry: AuditEntry | Omit<AuditEntry, 'hash'>,
  options: { hmacKey?: string | Uint8Array } = {},
): Promise<string> {
  const { hash: _ignored, ...unsigned } = entry as AuditEntry;
  const hasher = options.hmacKey === undefined ? sha256Hex : createHmacHasher(options.hmacKey);
  return hasher(canonicalJson(unsigned));
}
