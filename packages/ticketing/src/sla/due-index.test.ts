import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlaDueIndex } from './due-index.js';

type Op =
  | { kind: 'set'; id: number; at: number; hint?: number }
  | { kind: 'delete'; id: number }
  | { kind: 'take'; now: number };

const op = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), id: fc.nat(30), at: fc.nat(1000) }),
  // A slot hint that may be stale or belong to another ticket: it must never mislead.
  fc.record({ kind: fc.constant('set' as const), id: fc.nat(30), at: fc.nat(1000), hint: fc.nat(40) }),
  fc.record({ kind: fc.constant('delete' as const), id: fc.nat(30) }),
  fc.record({ kind: fc.constant('take' as const), now: fc.nat(1000) }),
);

describe('SlaDueIndex', () => {
  it('behaves like a map of next instants: takeDue returns exactly the due tickets, earliest first', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops: Op[]) => {
        const index = new SlaDueIndex();
        // Reference: id -> [at, inHeap]
        const model = new Map<number, { at: number; queued: boolean }>();
        for (const step of ops) {
          if (step.kind === 'set') {
            index.set('ten', `t${step.id}`, step.at, step.hint);
            model.set(step.id, { at: step.at, queued: true });
          } else if (step.kind === 'delete') {
            expect(index.delete('ten', `t${step.id}`)).toBe(model.delete(step.id));
          } else {
            const taken = index.takeDue(step.now);
            const expected = [...model.entries()]
              .filter(([, v]) => v.queued && v.at <= step.now)
              .map(([id, v]) => ({ id, at: v.at }));
            expect(taken.map((entry) => entry.ticketId).sort()).toEqual(expected.map((e) => `t${e.id}`).sort());
            expect(taken.map((entry) => entry.at)).toEqual([...taken.map((entry) => entry.at)].sort((a, b) => a - b));
            for (const entry of taken) expect(index.dueAt('ten', entry.ticketId)).toBe(entry.at);
            for (const { id } of expected) (model.get(id) as { queued: boolean }).queued = false;
          }
          expect(index.size).toBe(model.size);
          const queued = [...model.values()].filter((v) => v.queued).map((v) => v.at);
          expect(index.peekAt()).toBe(queued.length ? Math.min(...queued) : undefined);
          expect(index.peek()?.at).toBe(index.peekAt());
          expect([...index.entries()].length).toBe(model.size);
        }
      }),
      { numRuns: 300 },
    );
  });
});
