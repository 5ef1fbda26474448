import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../clock/simulated-clock.js';
import { ConflictError, UnavailableError, ValidationError } from '../errors/hotline-error.js';
import type { AuditEntry } from '../schemas/records.js';
import { createMemoryStorage } from '../storage/memory/memory-storage.js';
import type { AuditRepository } from '../storage/ports.js';
import { type AuditAppendInput, type AuditLog, createAuditLog, hashAuditEntry } from './audit-log.js';
import { canonicalJson } from './canonical-json.js';
import { GENESIS_HASH, sha256Hex } from './hash.js';

const TENANT = 'ten_1';
const HMAC_KEY = new Uint8Array(32).fill(7);

function input(n: number, extra: Partial<AuditAppendInput> = {}): AuditAppendInput {
  return {
    actor: { kind: 'agent', id: `agt_${n % 3}` },
    action: 'conversation.updated',
    resource: { type: 'conversation', id: `cnv_${n}` },
    changes: { status: { from: 'queued', to: 'active' } },
    details: { n },
    ...extra,
  };
}

async function appendMany(log: AuditLog, count: number, tenantId = TENANT): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (let i = 1; i <= count; i++) out.push(await log.append(tenantId, input(i)));
  return out;
}

/**
 * A view of a repository whose `list` returns edited copies, standing in for someone who
 * changed rows in the database (the memory adapter freezes what it stores).
 */
function tampered(
  inner: AuditRepository,
  edit: (entry: AuditEntry) => AuditEntry | AuditEntry[] | undefined,
): AuditRepository {
  return {
    append: (entry) => inner.append(entry),
    head: (tenantId) => inner.head(tenantId),
    list: async (tenantId, options) => {
      const page = await inner.list(tenantId, options);
      return page.flatMap((entry) => edit(structuredClone(entry)) ?? []);
    },
  };
}

/** Rewrites the chain from `fromSeq` on with freshly computed hashes, as an attacker would. */
async function rewriteChain(entries: AuditEntry[], fromSeq: number, hmacKey?: Uint8Array): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (const original of entries) {
    if (original.seq < fromSeq) {
      out.push(original);
      prev = original.hash;
      continue;
    }
    const { hash: _old, ...rest } = original;
    const edited = { ...rest, prevHash: prev, action: original.seq === fromSeq ? 'nothing.happened' : rest.action };
    const hash = await hashAuditEntry(edited, hmacKey ? { hmacKey } : {});
    out.push({ ...edited, hash });
    prev = hash;
  }
  return out;
}

describe('AuditLog.append', () => {
  it('chains entries: seq, prevHash and a SHA-256 over the canonical entry', async () => {
    const clock = new SimulatedClock(Date.UTC(2026, 0, 1));
    const storage = createMemoryStorage();
    let counter = 0;
    const log = createAuditLog({ repository: storage.audit, clock, generateId: () => `aud_${++counter}` });
    const first = await log.append(TENANT, input(1));
    await clock.advance(1000);
    const second = await log.append(TENANT, {
      actor: { kind: 'system', id: 'sys' },
      action: 'contact.merged',
      resource: { type: 'contact', id: 'ctc_1' },
    });

    expect(first).toMatchObject({
      tenantId: TENANT,
      seq: 1,
      id: 'aud_1',
      at: '2026-01-01T00:00:00.000Z',
      prevHash: GENESIS_HASH,
    });
    expect(second).toMatchObject({ seq: 2, id: 'aud_2', at: '2026-01-01T00:00:01.000Z', prevHash: first.hash });
    expect(second).not.toHaveProperty('changes');
    expect(second).not.toHaveProperty('details');

    // The hashed text, written out by hand: every field but `hash`, keys sorted.
    const expectedText =
      '{"action":"contact.merged","actor":{"id":"sys","kind":"system"},"at":"2026-01-01T00:00:01.000Z",' +
      `"id":"aud_2","prevHash":"${first.hash}","resource":{"id":"ctc_1","type":"contact"},"seq":2,"tenantId":"ten_1"}`;
    const { hash, ...unsigned } = second;
    expect(canonicalJson(unsigned)).toBe(expectedText);
    expect(hash).toBe(await sha256Hex(expectedText));
    expect(await hashAuditEntry(second)).toBe(hash);
    expect(await storage.audit.head(TENANT)).toEqual(second);
  });

  it('keeps `at` from going backwards when another writer’s clock is ahead', async () => {
    const storage = createMemoryStorage();
    const ahead = createAuditLog({ repository: storage.audit, clock: new SimulatedClock(Date.UTC(2026, 0, 2)) });
    const behind = createAuditLog({ repository: storage.audit, clock: new SimulatedClock(Date.UTC(2026, 0, 1)) });
    const a = await ahead.append(TENANT, input(1));
    const b = await behind.append(TENANT, input(2));
    expect(b.at).toBe(a.at);
  });

  it('validates input and writes nothing when it is invalid', async () => {
    const storage = createMemoryStorage();
    const log = createAuditLog({ repository: storage.audit });
    const bad: unknown[] = [
      {},
      { ...input(1), actor: { kind: 'robot', id: 'x' } },
      { ...input(1), actor: { kind: 'agent' } },
      { ...input(1), action: '' },
      { ...input(1), resource: { type: 'conversation' } },
      { ...input(1), details: { 'bad key!': 1 } },
      { ...input(1), changes: { status: { from: () => 1 } } },
      { ...input(1), extra: true },
      null,
    ];
    for (const value of bad) {
      await expect(log.append(TENANT, value as AuditAppendInput)).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(log.append('', input(1))).rejects.toBeInstanceOf(ValidationError);
    await expect(log.append('bad tenant!', input(1))).rejects.toBeInstanceOf(ValidationError);
    expect(await storage.audit.head(TENANT)).toBeUndefined();
    // The queue is not stuck after failures.
    expect((await log.append(TENANT, input(1))).seq).toBe(1);
  });

  it('keeps one chain per tenant', async () => {
    const storage = createMemoryStorage();
    const log = createAuditLog({ repository: storage.audit });
    const entries = await Promise.all([1, 2, 3, 4].map((n) => log.append(n % 2 ? 'ten_a' : 'ten_b', input(n))));
    expect(entries.map((e) => [e.tenantId, e.seq])).toEqual([
      ['ten_a', 1],
      ['ten_b', 1],
      ['ten_a', 2],
      ['ten_b', 2],
    ]);
    expect(await log.verify('ten_a')).toMatchObject({ ok: true, count: 2 });
    expect(await log.verify('ten_b')).toMatchObject({ ok: true, count: 2 });
  });

  it('serialises 200 concurrent appends into a gap-free chain, in call order', async () => {
    const storage = createMemoryStorage();
    const log = createAuditLog({ repository: storage.audit });
    const entries = await Promise.all(Array.from({ length: 200 }, (_, i) => log.append(TENANT, input(i + 1))));
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(entries.map((e) => e.details?.n)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const result = await log.verify(TENANT);
    expect(result).toEqual({ ok: true, count: 200, headHash: (entries[199] as AuditEntry).hash });
  });

  it('re-chains on ConflictError when two processes share the storage', async () => {
    const storage = createMemoryStorage();
    let conflicts = 0;
    const counting: AuditRepository = {
      ...storage.audit,
      append: async (entry) => {
        try {
          return await storage.audit.append(entry);
        } catch (error) {
          if (error instanceof ConflictError) conflicts++;
          throw error;
        }
      },
    };
    const one = createAuditLog({ repository: counting, hmacKey: HMAC_KEY });
    const two = createAuditLog({ repository: counting, hmacKey: HMAC_KEY });
    const appends: Promise<AuditEntry>[] = [];
    for (let i = 0; i < 100; i++) {
      appends.push(one.append(TENANT, input(i, { details: { process: 1, i } })));
      appends.push(two.append(TENANT, input(i, { details: { process: 2, i } })));
    }
    const entries = await Promise.all(appends);
    expect(conflicts).toBeGreaterThan(0);
    expect(new Set(entries.map((e) => e.seq)).size).toBe(200);
    expect(new Set(entries.map((e) => e.id)).size).toBe(200);
    expect(await one.verify(TENANT)).toMatchObject({ ok: true, count: 200 });
    // Each process still wrote its own entries in its call order.
    for (const process of [1, 2]) {
      const mine = entries.filter((e) => e.details?.process === process).sort((a, b) => a.seq - b.seq);
      expect(mine.map((e) => e.details?.i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    }
  });

  it('gives up with ConflictError after maxAttempts lost races', async () => {
    let calls = 0;
    const storage = createMemoryStorage();
    const hopeless: AuditRepository = {
      ...storage.audit,
      append: async () => {
        calls++;
        throw new ConflictError('head moved');
      },
    };
    const log = createAuditLog({ repository: hopeless, maxAttempts: 3 });
    const error = await log.append(TENANT, input(1)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toEqual({ tenantId: TENANT, attempts: 3 });
    expect(calls).toBe(3);
  });

  it('does not retry other storage errors', async () => {
    let calls = 0;
    const storage = createMemoryStorage();
    const broken: AuditRepository = {
      ...storage.audit,
      append: async () => {
        calls++;
        throw new UnavailableError('database down');
      },
    };
    const log = createAuditLog({ repository: broken });
    await expect(log.append(TENANT, input(1))).rejects.toBeInstanceOf(UnavailableError);
    expect(calls).toBe(1);
  });

  it('validates its options', () => {
    const storage = createMemoryStorage();
    expect(() => createAuditLog({} as never)).toThrow(ValidationError);
    expect(() => createAuditLog({ repository: {} as AuditRepository })).toThrow(ValidationError);
    expect(() => createAuditLog({ repository: storage.audit, hmacKey: new Uint8Array(16) })).toThrow(ValidationError);
    expect(() => createAuditLog({ repository: storage.audit, maxAttempts: 0 })).toThrow(ValidationError);
    expect(() => createAuditLog({ repository: storage.audit, pageSize: 5000 })).toThrow(ValidationError);
  });
});

describe('AuditLog.verify', () => {
  async function seeded(count: number, hmacKey?: Uint8Array) {
    const storage = createMemoryStorage();
    const log = createAuditLog(hmacKey ? { repository: storage.audit, hmacKey } : { repository: storage.audit });
    const entries = await appendMany(log, count);
    const verifier = (repository: AuditRepository, key = hmacKey) =>
      createAuditLog(key ? { repository, hmacKey: key, pageSize: 7 } : { repository, pageSize: 7 });
    return { storage, log, entries, verifier };
  }

  it('reports an empty log as valid', async () => {
    const log = createAuditLog({ repository: createMemoryStorage().audit });
    expect(await log.verify(TENANT)).toEqual({ ok: true, count: 0, headHash: GENESIS_HASH });
  });

  it('walks a long chain page by page', async () => {
    const { entries, verifier, storage } = await seeded(50);
    expect(await verifier(storage.audit).verify(TENANT)).toEqual({
      ok: true,
      count: 50,
      headHash: (entries[49] as AuditEntry).hash,
    });
  });

  it('pinpoints an edited entry (hash_mismatch)', async () => {
    const { entries, verifier, storage } = await seeded(40);
    const repository = tampered(storage.audit, (entry) =>
      entry.seq === 23 ? { ...entry, actor: { ...entry.actor, id: 'someone_else' } } : entry,
    );
    const result = await verifier(repository).verify(TENANT);
    expect(result).toMatchObject({
      ok: false,
      seq: 23,
      reason: 'hash_mismatch',
      actual: (entries[22] as AuditEntry).hash,
    });
    if (!result.ok) expect(result.expected).not.toBe(result.actual);
  });

  it('pinpoints an edited nested value and an added field', async () => {
    const { verifier, storage } = await seeded(10);
    const nested = tampered(storage.audit, (entry) =>
      entry.seq === 4 ? { ...entry, changes: { status: { from: 'queued', to: 'closed' } } } : entry,
    );
    expect(await verifier(nested).verify(TENANT)).toMatchObject({ ok: false, seq: 4, reason: 'hash_mismatch' });
    const added = tampered(storage.audit, (entry) =>
      entry.seq === 6 ? ({ ...entry, note: 'x' } as AuditEntry) : entry,
    );
    expect(await verifier(added).verify(TENANT)).toMatchObject({ ok: false, seq: 6, reason: 'hash_mismatch' });
    const notJson = tampered(storage.audit, (entry) =>
      entry.seq === 2 ? ({ ...entry, at: new Date(0) } as unknown as AuditEntry) : entry,
    );
    expect(await verifier(notJson).verify(TENANT)).toMatchObject({ ok: false, seq: 2, reason: 'hash_mismatch' });
  });

  it('pinpoints a deleted entry (seq_gap)', async () => {
    const { verifier, storage } = await seeded(30);
    const repository = tampered(storage.audit, (entry) => (entry.seq === 12 ? undefined : entry));
    expect(await verifier(repository).verify(TENANT)).toEqual({
      ok: false,
      seq: 12,
      reason: 'seq_gap',
      expected: 12,
      actual: 13,
    });
  });

  it('pinpoints a duplicated entry (seq_gap)', async () => {
    const { verifier, storage } = await seeded(10);
    const repository = tampered(storage.audit, (entry) => (entry.seq === 5 ? [entry, entry] : entry));
    expect(await verifier(repository).verify(TENANT)).toMatchObject({
      ok: false,
      seq: 6,
      reason: 'seq_gap',
      actual: 5,
    });
  });

  it('pinpoints a relinked entry (chain_broken)', async () => {
    const { entries, verifier, storage } = await seeded(20);
    const repository = tampered(storage.audit, (entry) =>
      entry.seq === 9 ? { ...entry, prevHash: (entries[2] as AuditEntry).hash } : entry,
    );
    expect(await verifier(repository).verify(TENANT)).toEqual({
      ok: false,
      seq: 9,
      reason: 'chain_broken',
      expected: (entries[7] as AuditEntry).hash,
      actual: (entries[2] as AuditEntry).hash,
    });
  });

  it('catches an edited entry whose hash was recomputed at the next entry', async () => {
    const { entries, verifier, storage } = await seeded(20);
    const { hash: _old, ...original } = entries[14] as AuditEntry;
    const edited = { ...original, action: 'nothing.happened' };
    const forged: AuditEntry = { ...edited, hash: await hashAuditEntry(edited) };
    const repository = tampered(storage.audit, (entry) => (entry.seq === 15 ? forged : entry));
    expect(await verifier(repository).verify(TENANT)).toMatchObject({ ok: false, seq: 16, reason: 'chain_broken' });
  });

  it('with SHA-256 alone, a fully rewritten tail verifies; with an HMAC key it does not', async () => {
    const plain = await seeded(15);
    const rewrittenPlain = await rewriteChain(plain.entries, 8);
    const plainRepo = tampered(plain.storage.audit, (entry) => rewrittenPlain[entry.seq - 1]);
    // The documented limit of plain hashing: someone who can write the table can rewrite it.
    expect(await plain.verifier(plainRepo).verify(TENANT)).toMatchObject({ ok: true, count: 15 });

    const keyed = await seeded(15, HMAC_KEY);
    expect(await keyed.verifier(keyed.storage.audit).verify(TENANT)).toMatchObject({ ok: true, count: 15 });
    // Without the key, the attacker can only compute plain SHA-256 (or guess a key).
    const rewrittenKeyed = await rewriteChain(keyed.entries, 8, new Uint8Array(32).fill(9));
    const keyedRepo = tampered(keyed.storage.audit, (entry) => rewrittenKeyed[entry.seq - 1]);
    expect(await keyed.verifier(keyedRepo).verify(TENANT)).toMatchObject({
      ok: false,
      seq: 8,
      reason: 'hash_mismatch',
    });
  });

  it('needs the same key to verify', async () => {
    const { verifier, storage } = await seeded(5, HMAC_KEY);
    expect(await verifier(storage.audit, new Uint8Array(32).fill(8)).verify(TENANT)).toMatchObject({
      ok: false,
      seq: 1,
      reason: 'hash_mismatch',
    });
    expect(await createAuditLog({ repository: storage.audit }).verify(TENANT)).toMatchObject({ ok: false, seq: 1 });
  });

  it('keeps paging when an adapter returns short pages', async () => {
    const { verifier, storage } = await seeded(25);
    const stingy: AuditRepository = {
      ...storage.audit,
      list: (tenantId, options) => storage.audit.list(tenantId, { ...options, limit: 3 }),
    };
    expect(await verifier(stingy).verify(TENANT)).toMatchObject({ ok: true, count: 25 });
  });

  it('property: tampering with any one entry is found at that entry', async () => {
    const { entries, verifier, storage } = await seeded(30);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom('action', 'at', 'actor', 'resource', 'details', 'tenantId', 'id'),
        async (seq, field) => {
          const repository = tampered(storage.audit, (entry) => {
            if (entry.seq !== seq) return entry;
            const edited = { ...entry } as Record<string, unknown>;
            edited[field] =
              field === 'at'
                ? '2030-01-01T00:00:00.000Z'
                : field === 'actor'
                  ? { kind: 'system', id: 'x' }
                  : field === 'resource'
                    ? { type: 'ticket', id: 'tkt_1' }
                    : field === 'details'
                      ? { n: -1 }
                      : `${String(edited[field])}x`;
            return edited as AuditEntry;
          });
          const result = await verifier(repository).verify(TENANT);
          expect(result).toMatchObject({ ok: false, seq, reason: 'hash_mismatch' });
          expect(entries[seq - 1]?.seq).toBe(seq);
        },
      ),
      { numRuns: 40 },
    );
  });
});
