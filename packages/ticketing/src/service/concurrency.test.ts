import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../model/history.js';
import type { Ticket } from '../model/ticket.js';
import type { TicketChanges } from './inputs.js';
import { agent, makeKit, TENANT } from './test-kit.js';
import { readProperty, sameValue } from './ticket-diff.js';

const fields = [
  { key: 'plan', type: 'dropdown' as const, options: ['free', 'pro', 'max'] },
  { key: 'seats', type: 'integer' as const },
];

async function setup() {
  const kit = makeKit({ fields, autoCloseAfterMs: null });
  const ticket = await kit.tickets.create(agent(), { subject: 'Shared', requesterId: 'ctc_1', tags: ['a'] });
  return { kit, ticket };
}

describe('two agents editing one ticket', () => {
  it('a conflicting change is refused with the other agent’s change, and nothing is written', async () => {
    const { kit, ticket } = await setup();
    await kit.tickets.update(agent('agt_ana'), ticket.id, { expectedVersion: 1, changes: { priority: 'high' } });
    const attempt = kit.tickets.update(agent('agt_bob'), ticket.id, {
      expectedVersion: 1,
      changes: { priority: 'low', subject: 'Mine' },
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'CONFLICT',
      details: {
        reason: 'concurrent_change',
        expectedVersion: 1,
        actualVersion: 2,
        conflicts: [
          {
            property: 'priority',
            from: 'normal',
            to: 'high',
            yours: 'low',
            actor: { type: 'agent', id: 'agt_ana' },
            actorLabel: 'agent:agt_ana',
            version: 2,
            at: expect.any(String),
          },
        ],
      },
    });
    const after = await kit.tickets.get({ tenantId: TENANT }, ticket.id);
    expect(after).toMatchObject({ version: 2, priority: 'high', subject: 'Shared' });
    expect(await kit.tickets.history({ tenantId: TENANT }, ticket.id)).toHaveLength(2);
  });

  it('non-conflicting changes merge on the latest version', async () => {
    const { kit, ticket } = await setup();
    await kit.tickets.update(agent('agt_ana'), ticket.id, {
      expectedVersion: 1,
      changes: { priority: 'high', fields: { plan: 'pro' }, addTags: ['vip'] },
    });
    const merged = await kit.tickets.update(agent('agt_bob'), ticket.id, {
      expectedVersion: 1,
      changes: { subject: 'Renamed', fields: { seats: 3 }, tags: ['a', 'billing'] },
    });
    expect(merged).toMatchObject({
      version: 3,
      priority: 'high',
      subject: 'Renamed',
      fields: { plan: 'pro', seats: 3 },
    });
    expect([...merged.tags].sort()).toEqual(['a', 'billing', 'vip']);
  });

  it('setting the value the other agent already set is not a conflict; re-sending an unchanged value does not undo theirs', async () => {
    const { kit, ticket } = await setup();
    await kit.tickets.update(agent('agt_ana'), ticket.id, { expectedVersion: 1, changes: { priority: 'high' } });
    const same = await kit.tickets.update(agent('agt_bob'), ticket.id, {
      expectedVersion: 1,
      changes: { priority: 'high' },
    });
    expect(same.version).toBe(2);
    // Bob's form re-sends the priority he saw (normal) with his subject change.
    const formPost = await kit.tickets.update(agent('agt_bob'), ticket.id, {
      expectedVersion: 1,
      changes: { priority: 'normal', subject: 'Form post' },
    });
    expect(formPost).toMatchObject({ priority: 'high', subject: 'Form post' });
  });

  it('tags removed by one and added by another merge as set operations', async () => {
    const { kit, ticket } = await setup();
    await kit.tickets.update(agent('agt_ana'), ticket.id, {
      expectedVersion: 1,
      changes: { removeTags: ['a'], addTags: ['x'] },
    });
    const after = await kit.tickets.update(agent('agt_bob'), ticket.id, {
      expectedVersion: 1,
      changes: { addTags: ['y'] },
    });
    expect([...after.tags].sort()).toEqual(['x', 'y']);
  });

  it('a status change meets a requester’s reopen: conflict; a priority change merges', async () => {
    const { kit, ticket } = await setup();
    const open = await kit.tickets.update(agent(), ticket.id, { changes: { status: 'pending', assigneeId: 'agt_1' } });
    await kit.tickets.comment({ tenantId: TENANT, actor: { type: 'requester', id: 'ctc_1' }, depth: 0 }, ticket.id, {
      body: 'Any news?',
      public: true,
    });
    await expect(
      kit.tickets.update(agent(), ticket.id, { expectedVersion: open.version, changes: { status: 'solved' } }),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: expect.objectContaining({ reason: 'concurrent_change' }) });
    const merged = await kit.tickets.update(agent(), ticket.id, {
      expectedVersion: open.version,
      changes: { priority: 'urgent' },
    });
    expect(merged).toMatchObject({ status: 'open', priority: 'urgent' });
  });

  it('a version from the future is a conflict', async () => {
    const { kit, ticket } = await setup();
    await expect(
      kit.tickets.update(agent(), ticket.id, { expectedVersion: 9, changes: { priority: 'high' } }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      details: expect.objectContaining({ reason: 'future_version' }),
    });
  });

  it('many concurrent writers from one version: every write lands or reports a conflict', async () => {
    const { kit, ticket } = await setup();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        kit.tickets.update(agent(`agt_${i}`), ticket.id, {
          expectedVersion: 1,
          changes: i % 2 === 0 ? { addTags: [`t${i}`] } : { priority: 'high', subject: `by ${i}` },
        }),
      ),
    );
    const after = await kit.tickets.get({ tenantId: TENANT }, ticket.id);
    for (let i = 0; i < 20; i += 2) expect(after.tags).toContain(`t${i}`);
    const landedSubjects = outcomes.filter((o, i) => i % 2 === 1 && o.status === 'fulfilled').length;
    expect(landedSubjects).toBe(1);
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'rejected') {
        expect(i % 2).toBe(1);
        expect(outcome.reason).toMatchObject({ code: 'CONFLICT' });
      }
    }
  });
});

// ---------------------------------------------------------------------------------------
// Property: N agents holding stale versions never lose a change.

type Op = { agent: number; refresh: boolean; changes: TicketChanges };

const changesArb: fc.Arbitrary<TicketChanges> = fc
  .record(
    {
      priority: fc.constantFrom('low', 'normal', 'high', 'urgent' as const),
      subject: fc.constantFrom('s1', 's2', 's3'),
      fields: fc.record(
        { plan: fc.constantFrom('free', 'pro', 'max', null), seats: fc.integer({ min: 0, max: 3 }) },
        { requiredKeys: [] },
      ),
      addTags: fc.subarray(['a', 'b', 'c', 'd'], { minLength: 1 }),
      removeTags: fc.subarray(['a', 'b', 'c', 'd'], { minLength: 1 }),
      groupId: fc.constantFrom('grp_1', 'grp_2', null),
    },
    { requiredKeys: [] },
  )
  .filter((changes) => Object.keys(changes).length > 0);

const opArb: fc.Arbitrary<Op> = fc.record({
  agent: fc.integer({ min: 0, max: 3 }),
  refresh: fc.boolean(),
  changes: changesArb,
});

/** Every property a successful write changed, as its entry records it. */
function changedBy(entry: HistoryEntry): Set<string> {
  return new Set(entry.changes.map((c) => c.property));
}

describe('property: interleaved updates never lose a change', () => {
  it('holds for random interleavings of stale writers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
        const { kit, ticket } = await setup();
        const held: number[] = [1, 1, 1, 1];
        const landed: { expected: number; version: number }[] = [];
        for (const op of ops) {
          if (op.refresh) held[op.agent] = (await kit.tickets.get({ tenantId: TENANT }, ticket.id)).version;
          const expected = held[op.agent] as number;
          const before = (await kit.tickets.get({ tenantId: TENANT }, ticket.id)).version;
          try {
            const after = await kit.tickets.update(agent(`agt_${op.agent}`), ticket.id, {
              expectedVersion: expected,
              changes: op.changes,
            });
            // A change that changes nothing writes nothing (and returns the latest version).
            if (after.version > before) landed.push({ expected, version: after.version });
            held[op.agent] = after.version;
          } catch (error) {
            expect(error).toMatchObject({
              code: 'CONFLICT',
              details: expect.objectContaining({ reason: 'concurrent_change' }),
            });
          }
        }
        const entries = await kit.tickets.history({ tenantId: TENANT }, ticket.id);
        const final = await kit.tickets.get({ tenantId: TENANT }, ticket.id);
        // 1. The history is complete: replaying it gives the stored ticket.
        const replayed = new Map<string, unknown>();
        for (const entry of entries) for (const change of entry.changes) replayed.set(change.property, change.to);
        for (const [property, value] of replayed)
          expect(sameValue(readProperty(final as Ticket, property), value)).toBe(true);
        // 2. No write overwrote a change its writer had not seen (sets excepted: they merge).
        for (const { expected, version } of landed) {
          const mine = changedBy(entries[version - 1] as HistoryEntry);
          for (const other of entries.filter((e) => e.version > expected && e.version < version)) {
            for (const property of changedBy(other)) {
              if (property === 'tags') continue;
              expect(mine.has(property), `v${version} overwrote ${property} of v${other.version}`).toBe(false);
            }
          }
        }
        // 3. Versions are gap-free, one entry per write.
        expect(entries.map((e) => e.version)).toEqual(entries.map((_, i) => i + 1));
        expect(final.version).toBe(entries.length);
      }),
      { numRuns: 60 },
    );
  });
});
