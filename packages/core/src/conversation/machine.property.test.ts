import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHotlineError } from '../errors/hotline-error.js';
import { type ConversationStatus, conversationStatusSchema } from '../schemas/conversation.js';
import type { ConversationLifecycleEvent } from './lifecycle-events.js';
import {
  type ConversationMachineContext,
  type ConversationTransitionResult,
  canTransitionConversation,
  transitionConversation,
} from './machine.js';
import { CONVERSATION_TRANSITIONS, type DocumentedTransition } from './transitions.js';

type Ev = ConversationLifecycleEvent;
type Ctx = ConversationMachineContext;

const STATUSES = new Set<string>(conversationStatusSchema.options);
const START: ConversationTransitionResult = { status: 'new', context: { reopenCount: 0 } };

/**
 * The table's `when` column as predicates: the documented model the machine must match.
 * A row with a condition missing here fails the suite, so the table cannot drift silently.
 */
const WHEN: Record<string, (context: Ctx, event: Ev) => boolean> = {
  queueId: (_, e) => e.type === 'transfer' && e.queueId !== undefined,
  agentId: (_, e) => e.type === 'transfer' && e.agentId !== undefined,
  toBot: (_, e) => e.type === 'transfer' && e.toBot === true,
  'agentId is the offered agent': (c, e) => e.type === 'accept' && e.agentId === c.offeredTo,
  'has an assignee': (c) => c.assigneeId !== undefined,
  'no assignee': (c) => c.assigneeId === undefined,
  'snoozed from bot': (c) => c.snoozedFrom === 'bot',
  'snoozed from queued': (c) => c.snoozedFrom === 'queued',
  'snoozed from active': (c) => c.snoozedFrom === 'active',
  'snoozed from pending': (c) => c.snoozedFrom === 'pending',
  'snoozed from active or pending': (c) => c.snoozedFrom === 'active' || c.snoozedFrom === 'pending',
};

/** The rows of the table that apply to `(status, context, event)`. */
function documentedRows(status: ConversationStatus, context: Ctx, event: Ev): DocumentedTransition[] {
  return CONVERSATION_TRANSITIONS.filter(
    (row) =>
      row.from === status &&
      row.event === event.type &&
      (row.when === undefined || (WHEN[row.when] ?? (() => false))(context, event)),
  );
}

const rowKey = (row: DocumentedTransition) => `${row.from} --${row.event}[${row.when ?? ''}]--> ${row.to}`;

const agentIdArb = fc.constantFrom('agt_1', 'agt_2', 'agt_3');
const queueIdArb = fc.constantFrom('que_1', 'que_2');
const untilArb = fc
  .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) })
  .map((ms) => new Date(ms).toISOString());

/** Any well-formed lifecycle event, ids from small pools so guards are hit both ways. */
const eventArb: fc.Arbitrary<Ev> = fc.oneof(
  fc.constant<Ev>({ type: 'start_bot' }),
  fc
    .option(queueIdArb, { nil: undefined })
    .map<Ev>((queueId) => (queueId === undefined ? { type: 'enqueue' } : { type: 'enqueue', queueId })),
  agentIdArb.map<Ev>((agentId) => ({ type: 'offer', agentId })),
  agentIdArb.map<Ev>((agentId) => ({ type: 'accept', agentId })),
  fc.constant<Ev>({ type: 'reject' }),
  fc.constant<Ev>({ type: 'offer_timeout' }),
  agentIdArb.map<Ev>((agentId) => ({ type: 'assign', agentId })),
  queueIdArb.map<Ev>((queueId) => ({ type: 'transfer', queueId })),
  agentIdArb.map<Ev>((agentId) => ({ type: 'transfer', agentId })),
  fc.constant<Ev>({ type: 'transfer', toBot: true }),
  fc.constant<Ev>({ type: 'await_customer' }),
  fc.constant<Ev>({ type: 'customer_replied' }),
  fc.constant<Ev>({ type: 'end' }),
  fc.constant<Ev>({ type: 'resolve' }),
  fc.constant<Ev>({ type: 'reopen' }),
  fc.constant<Ev>({ type: 'close' }),
  fc.constant<Ev>({ type: 'abandon' }),
  untilArb.map<Ev>((until) => ({ type: 'snooze', until })),
  fc.constant<Ev>({ type: 'wake' }),
);

/** Walks of up to 50 events; `size: 'max'` so lengths spread over 0..50, not fast-check's small default. */
const WALK = { maxLength: 50, size: 'max' } as const;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

type StepOutcome = { ok: true; state: ConversationTransitionResult } | { ok: false; code: string; details: unknown };

/** Applies one event to frozen inputs; returns the outcome without throwing. */
function step(state: ConversationTransitionResult, event: Ev): StepOutcome {
  try {
    return { ok: true, state: transitionConversation(state.status, deepFreeze(structuredClone(state.context)), event) };
  } catch (error) {
    if (!isHotlineError(error)) throw error;
    return { ok: false, code: error.code, details: error.details };
  }
}

/** Checks one step against the table and the context invariants. */
function checkStep(state: ConversationTransitionResult, event: Ev, hits?: Set<string>): ConversationTransitionResult {
  const before = structuredClone(state);
  const eventBefore = structuredClone(event);
  const rows = documentedRows(state.status, state.context, event);
  // The table is deterministic: at most one row applies.
  expect(rows.length, `ambiguous rows for ${state.status} + ${event.type}`).toBeLessThanOrEqual(1);
  const outcome = step(state, event);
  // Pure: neither the state nor the event were touched.
  expect(state).toStrictEqual(before);
  expect(event).toStrictEqual(eventBefore);
  expect(outcome.ok).toBe(canTransitionConversation(state.status, state.context, event));

  const row = rows[0];
  if (!outcome.ok) {
    expect(row, `machine rejected documented ${row ? rowKey(row) : ''}`).toBeUndefined();
    expect(outcome.code).toBe('ILLEGAL_TRANSITION');
    expect(outcome.details).toMatchObject({ from: state.status, event: event.type });
    return state;
  }
  const next = outcome.state;
  expect(row, `undocumented transition ${state.status} --${event.type}--> ${next.status}`).toBeDefined();
  expect(next.status).toBe(row?.to);
  if (row) hits?.add(rowKey(row));
  checkInvariants(state, event, next);
  return next;
}

function checkInvariants(prev: ConversationTransitionResult, event: Ev, next: ConversationTransitionResult): void {
  const { status, context } = next;
  expect(STATUSES.has(status)).toBe(true);
  // Stored contexts are normalised: a JSON round trip changes nothing.
  expect(JSON.parse(JSON.stringify(context))).toStrictEqual(context);
  expect(context.offeredTo !== undefined).toBe(status === 'offered');
  expect(context.snoozedFrom !== undefined).toBe(status === 'snoozed');
  expect(context.snoozeUntil !== undefined).toBe(status === 'snoozed');
  if (status === 'active' || status === 'pending' || status === 'wrap_up') {
    expect(context.assigneeId).toBeDefined();
  }
  if (status === 'snoozed') {
    expect(context.snoozeUntil).toBe(event.type === 'snooze' ? event.until : undefined);
    const fromAgentState = context.snoozedFrom === 'active' || context.snoozedFrom === 'pending';
    expect(context.assigneeId !== undefined).toBe(fromAgentState);
  }
  // Nobody owns a conversation that waits for routing or self-service.
  if (status === 'new' || status === 'bot' || status === 'queued' || status === 'offered') {
    expect(context.assigneeId).toBeUndefined();
  }
  if (event.type === 'accept') expect(context.assigneeId).toBe(event.agentId);
  if (event.type === 'assign') expect(context.assigneeId).toBe(event.agentId);
  if (event.type === 'offer') expect(context.offeredTo).toBe(event.agentId);
  if (event.type === 'transfer' && event.agentId !== undefined) expect(context.offeredTo).toBe(event.agentId);
  if (event.type === 'transfer' && event.queueId !== undefined) expect(context.queueId).toBe(event.queueId);
  if (event.type === 'enqueue' && event.queueId !== undefined) expect(context.queueId).toBe(event.queueId);
  const reopened = prev.status === 'resolved' && (status === 'active' || status === 'queued');
  expect(context.reopenCount).toBe(prev.context.reopenCount + (reopened ? 1 : 0));
}

function run(events: Ev[], hits?: Set<string>): ConversationTransitionResult {
  let state = START;
  for (const event of events) state = checkStep(state, event, hits);
  return state;
}

describe('conversation machine properties', () => {
  it('every table condition is understood by the model', () => {
    for (const row of CONVERSATION_TRANSITIONS) {
      if (row.when !== undefined) expect(WHEN[row.when], row.when).toBeDefined();
    }
  });

  it('(a) random event sequences follow the table and keep the context invariants', () => {
    const hits = new Set<string>();
    fc.assert(
      fc.property(fc.array(eventArb, WALK), (events) => {
        run(events, hits);
      }),
      { numRuns: 200 },
    );
    // Random walks reach most of the table; (b) proves every row is reachable.
    expect(hits.size).toBeGreaterThan(CONVERSATION_TRANSITIONS.length / 2);
  });

  it('(a) coverage-guided walks: mostly events the state accepts, least-visited rows first', () => {
    // Uniform events are mostly rejected and walks soon end in `closed`, so some rows are
    // rarely reached. Here three picks in four are legal events whose row has been taken
    // least often so far; the fourth stays random.
    const hits = new Set<string>();
    const visits = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(fc.tuple(eventArb, fc.noBias(fc.nat(9999))), WALK), (picks) => {
        let state = START;
        for (const [random, n] of picks) {
          const legal = PROBE_EVENTS.flatMap((event) => {
            const row = documentedRows(state.status, state.context, event)[0];
            return row ? [{ event, count: visits.get(rowKey(row)) ?? 0 }] : [];
          });
          const fewest = Math.min(...legal.map((l) => l.count));
          const candidates = legal.filter((l) => l.count === fewest);
          const guided = candidates[(n >> 2) % Math.max(1, candidates.length)];
          const event = n % 4 !== 0 && guided ? guided.event : random;
          const row = documentedRows(state.status, state.context, event)[0];
          if (row) visits.set(rowKey(row), (visits.get(rowKey(row)) ?? 0) + 1);
          state = checkStep(state, event, hits);
        }
      }),
      { numRuns: 150 },
    );
    expect(CONVERSATION_TRANSITIONS.map(rowKey).filter((k) => !hits.has(k))).toEqual([]);
  });

  it('(b) every row of the table is reachable from new', () => {
    const paths = shortestPathsToRows();
    const missing = CONVERSATION_TRANSITIONS.map(rowKey).filter((key) => !paths.has(key));
    expect(missing).toEqual([]);
    // Replay each constructed path through the public function and check its last step is the row.
    for (const [key, path] of paths) {
      const hits = new Set<string>();
      let state = START;
      path.forEach((event, i) => {
        const stepHits = new Set<string>();
        state = checkStep(state, event, stepHits);
        if (i === path.length - 1) for (const h of stepHits) hits.add(h);
      });
      expect([...hits], key).toEqual([key]);
    }
  });

  it('(c) a JSON round trip of (status, context) at any point changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(eventArb, fc.boolean()), WALK), (steps) => {
        let plain = START;
        let stored = START;
        for (const [event, roundTrip] of steps) {
          if (roundTrip) {
            stored = JSON.parse(JSON.stringify(stored)) as ConversationTransitionResult;
            for (const probe of PROBE_EVENTS) {
              expect(canTransitionConversation(stored.status, stored.context, probe)).toBe(
                canTransitionConversation(plain.status, plain.context, probe),
              );
            }
          }
          const a = step(plain, event);
          const b = step(stored, event);
          expect(b).toStrictEqual(a);
          if (a.ok && b.ok) {
            plain = a.state;
            stored = b.state;
          }
          expect(stored).toStrictEqual(plain);
        }
      }),
      { numRuns: 100 },
    );
  });
});

/** A finite set of events covering every type and every guard outcome. */
const PROBE_EVENTS: Ev[] = [
  { type: 'start_bot' },
  { type: 'enqueue' },
  { type: 'enqueue', queueId: 'que_1' },
  { type: 'offer', agentId: 'agt_1' },
  { type: 'accept', agentId: 'agt_1' },
  { type: 'accept', agentId: 'agt_2' },
  { type: 'reject' },
  { type: 'offer_timeout' },
  { type: 'assign', agentId: 'agt_1' },
  { type: 'transfer', queueId: 'que_2' },
  { type: 'transfer', agentId: 'agt_2' },
  { type: 'transfer', toBot: true },
  { type: 'await_customer' },
  { type: 'customer_replied' },
  { type: 'end' },
  { type: 'resolve' },
  { type: 'reopen' },
  { type: 'close' },
  { type: 'abandon' },
  { type: 'snooze', until: '2026-06-01T09:00:00.000Z' },
  { type: 'wake' },
];

/** Breadth-first search over (status, context) from `new`: the shortest event path to each row. */
function shortestPathsToRows(maxDepth = 8): Map<string, Ev[]> {
  const found = new Map<string, Ev[]>();
  const seen = new Set<string>();
  let frontier: { state: ConversationTransitionResult; path: Ev[] }[] = [{ state: START, path: [] }];
  for (let depth = 0; depth < maxDepth && frontier.length > 0; depth++) {
    const next: typeof frontier = [];
    for (const { state, path } of frontier) {
      for (const event of PROBE_EVENTS) {
        const outcome = step(state, event);
        if (!outcome.ok) continue;
        const row = documentedRows(state.status, state.context, event)[0];
        const newPath = [...path, event];
        if (row && !found.has(rowKey(row))) found.set(rowKey(row), newPath);
        const key = JSON.stringify(outcome.state);
        if (seen.has(key)) continue;
        seen.add(key);
        next.push({ state: outcome.state, path: newPath });
      }
    }
    frontier = next;
  }
  return found;
}
