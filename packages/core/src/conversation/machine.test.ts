import { describe, expect, it } from 'vitest';
import { HotlineError, IllegalTransitionError, isHotlineError } from '../errors/hotline-error.js';
import { type ConversationStatus, conversationStatusSchema } from '../schemas/conversation.js';
import type { ConversationLifecycleEvent, ConversationLifecycleEventType } from './lifecycle-events.js';
import {
  type ConversationMachineContext,
  type ConversationTransitionResult,
  canTransitionConversation,
  conversationMachine,
  restoreConversationSnapshot,
  type SnoozableStatus,
  transitionConversation,
} from './machine.js';
import { CONVERSATION_TRANSITIONS, type DocumentedTransition, FINAL_CONVERSATION_STATES } from './transitions.js';

type Ctx = ConversationMachineContext;
type Ev = ConversationLifecycleEvent;

const UNTIL = '2026-03-01T09:00:00.000Z';
const STATUSES = conversationStatusSchema.options;
const EVENT_TYPES: ConversationLifecycleEventType[] = [
  'start_bot',
  'enqueue',
  'offer',
  'accept',
  'reject',
  'offer_timeout',
  'assign',
  'transfer',
  'await_customer',
  'customer_replied',
  'end',
  'resolve',
  'reopen',
  'close',
  'abandon',
  'snooze',
  'wake',
];

/** A typical stored context for a conversation sitting in `status`. */
function contextIn(status: ConversationStatus, snoozedFrom: SnoozableStatus = 'active'): Ctx {
  switch (status) {
    case 'queued':
      return { reopenCount: 0, queueId: 'que_1' };
    case 'offered':
      return { reopenCount: 0, queueId: 'que_1', offeredTo: 'agt_1' };
    case 'active':
    case 'pending':
    case 'wrap_up':
    case 'resolved':
      return { reopenCount: 0, queueId: 'que_1', assigneeId: 'agt_1' };
    case 'snoozed': {
      const agent = snoozedFrom === 'active' || snoozedFrom === 'pending' ? { assigneeId: 'agt_1' } : {};
      return { reopenCount: 0, queueId: 'que_1', ...agent, snoozedFrom, snoozeUntil: UNTIL };
    }
    default:
      return { reopenCount: 0 };
  }
}

/** A well-formed event of each type (the accept names the offered agent). */
function eventOf(type: ConversationLifecycleEventType, transferTo: 'queueId' | 'agentId' | 'toBot' = 'queueId'): Ev {
  switch (type) {
    case 'enqueue':
      return { type, queueId: 'que_2' };
    case 'offer':
    case 'accept':
      return { type, agentId: 'agt_1' };
    case 'assign':
      return { type, agentId: 'agt_2' };
    case 'transfer':
      if (transferTo === 'queueId') return { type, queueId: 'que_9' };
      if (transferTo === 'agentId') return { type, agentId: 'agt_9' };
      return { type, toBot: true };
    case 'snooze':
      return { type, until: UNTIL };
    default:
      return { type } as Ev;
  }
}

/** The stored state and event that exercise one documented row. */
function fixtureFor(row: DocumentedTransition): { context: Ctx; event: Ev }[] {
  const when = row.when ?? '';
  if (row.event === 'transfer') {
    return [{ context: contextIn(row.from), event: eventOf('transfer', when as 'queueId' | 'agentId' | 'toBot') }];
  }
  if (row.from === 'resolved') {
    const context = contextIn('resolved');
    if (when === 'no assignee') delete context.assigneeId;
    return [{ context, event: eventOf(row.event) }];
  }
  if (row.from === 'snoozed') {
    const froms = when.replace('snoozed from ', '').split(' or ') as SnoozableStatus[];
    return froms.map((from) => ({ context: contextIn('snoozed', from), event: eventOf(row.event) }));
  }
  return [{ context: contextIn(row.from), event: eventOf(row.event) }];
}

function expectHotlineError(fn: () => unknown, code: string): HotlineError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(HotlineError);
  expect(isHotlineError(caught, code as never), String(caught)).toBe(true);
  return caught as HotlineError;
}

function apply(state: ConversationTransitionResult, event: unknown): ConversationTransitionResult {
  return transitionConversation(state.status, state.context, event);
}

describe('every row of CONVERSATION_TRANSITIONS', () => {
  const cases = CONVERSATION_TRANSITIONS.flatMap((row) =>
    fixtureFor(row).map((fixture) => ({
      name: `${row.from} --${row.event}${row.when ? ` [${row.when}]` : ''}--> ${row.to}`,
      row,
      ...fixture,
    })),
  );

  it.each(cases)('$name', ({ row, context, event }) => {
    expect(canTransitionConversation(row.from, context, event)).toBe(true);
    const next = transitionConversation(row.from, context, event);
    expect(next.status).toBe(row.to);
  });

  it('has no duplicate rows', () => {
    const keys = CONVERSATION_TRANSITIONS.map((r) => `${r.from}|${r.event}|${r.when ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('context changes on the happy paths', () => {
  it('walks from new → bot → queued → offered → active ⇄ pending → wrap_up → resolved → closed', () => {
    let s: ConversationTransitionResult = { status: 'new', context: { reopenCount: 0 } };
    s = apply(s, { type: 'start_bot' });
    expect(s).toEqual({ status: 'bot', context: { reopenCount: 0 } });
    s = apply(s, { type: 'enqueue', queueId: 'que_1' });
    expect(s).toEqual({ status: 'queued', context: { reopenCount: 0, queueId: 'que_1' } });
    s = apply(s, { type: 'offer', agentId: 'agt_1' });
    expect(s).toEqual({ status: 'offered', context: { reopenCount: 0, queueId: 'que_1', offeredTo: 'agt_1' } });
    s = apply(s, { type: 'accept', agentId: 'agt_1' });
    expect(s).toEqual({ status: 'active', context: { reopenCount: 0, queueId: 'que_1', assigneeId: 'agt_1' } });
    s = apply(s, { type: 'await_customer' });
    expect(s.status).toBe('pending');
    s = apply(s, { type: 'customer_replied' });
    expect(s.status).toBe('active');
    s = apply(s, { type: 'end' });
    expect(s).toEqual({ status: 'wrap_up', context: { reopenCount: 0, queueId: 'que_1', assigneeId: 'agt_1' } });
    s = apply(s, { type: 'resolve' });
    expect(s.status).toBe('resolved');
    s = apply(s, { type: 'close' });
    expect(s.status).toBe('closed');
  });

  it('enqueue keeps the known queue when none is given', () => {
    const s = transitionConversation('bot', { reopenCount: 0, queueId: 'que_1' }, { type: 'enqueue' });
    expect(s).toEqual({ status: 'queued', context: { reopenCount: 0, queueId: 'que_1' } });
  });

  it('accept by the offered agent assigns; by anyone else it is illegal', () => {
    const offered = contextIn('offered');
    const error = expectHotlineError(
      () => transitionConversation('offered', offered, { type: 'accept', agentId: 'agt_2' }),
      'ILLEGAL_TRANSITION',
    );
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error.details).toMatchObject({ from: 'offered', event: 'accept' });
    expect(canTransitionConversation('offered', offered, { type: 'accept', agentId: 'agt_2' })).toBe(false);
    const s = transitionConversation('offered', offered, { type: 'accept', agentId: 'agt_1' });
    expect(s.context).toEqual({ reopenCount: 0, queueId: 'que_1', assigneeId: 'agt_1' });
  });

  it.each(['reject', 'offer_timeout'] as const)('%s withdraws the offer and requeues', (type) => {
    const s = transitionConversation('offered', contextIn('offered'), { type });
    expect(s).toEqual({ status: 'queued', context: { reopenCount: 0, queueId: 'que_1' } });
  });

  it('abandon from offered withdraws the offer', () => {
    const s = transitionConversation('offered', contextIn('offered'), { type: 'abandon' });
    expect(s).toEqual({ status: 'abandoned', context: { reopenCount: 0, queueId: 'que_1' } });
  });

  it.each(['new', 'bot', 'queued'] as const)('assign from %s makes the agent the assignee', (from) => {
    const s = transitionConversation(from, contextIn(from), { type: 'assign', agentId: 'agt_7' });
    expect(s.status).toBe('active');
    expect(s.context.assigneeId).toBe('agt_7');
    expect(s.context.offeredTo).toBeUndefined();
  });

  describe('transfer', () => {
    it.each(['active', 'pending'] as const)('from %s to a queue drops the assignee', (from) => {
      const s = transitionConversation(from, contextIn(from), { type: 'transfer', queueId: 'que_9' });
      expect(s).toEqual({ status: 'queued', context: { reopenCount: 0, queueId: 'que_9' } });
    });

    it.each(['active', 'pending', 'queued', 'bot'] as const)('from %s to an agent offers it to them', (from) => {
      const s = transitionConversation(from, contextIn(from), { type: 'transfer', agentId: 'agt_9' });
      expect(s.status).toBe('offered');
      expect(s.context.offeredTo).toBe('agt_9');
      expect(s.context.assigneeId).toBeUndefined();
      // Only the new agent can accept.
      expect(canTransitionConversation(s.status, s.context, { type: 'accept', agentId: 'agt_1' })).toBe(false);
      expect(apply(s, { type: 'accept', agentId: 'agt_9' }).context.assigneeId).toBe('agt_9');
    });

    it.each(['active', 'pending', 'queued'] as const)('from %s to the bot drops the assignee', (from) => {
      const s = transitionConversation(from, contextIn(from), { type: 'transfer', toBot: true });
      expect(s.status).toBe('bot');
      expect(s.context.assigneeId).toBeUndefined();
    });

    it('from the bot back to the bot is not documented', () => {
      expectHotlineError(
        () => transitionConversation('bot', contextIn('bot'), { type: 'transfer', toBot: true }),
        'ILLEGAL_TRANSITION',
      );
    });

    it('queued to another queue stays queued with the new queue', () => {
      const s = transitionConversation('queued', contextIn('queued'), { type: 'transfer', queueId: 'que_2' });
      expect(s).toEqual({ status: 'queued', context: { reopenCount: 0, queueId: 'que_2' } });
    });
  });

  describe('reopen', () => {
    it.each(['reopen', 'customer_replied'] as const)('%s with an assignee goes back to them', (type) => {
      const s = transitionConversation('resolved', { reopenCount: 2, queueId: 'que_1', assigneeId: 'agt_1' }, { type });
      expect(s).toEqual({ status: 'active', context: { reopenCount: 3, queueId: 'que_1', assigneeId: 'agt_1' } });
    });

    it.each(['reopen', 'customer_replied'] as const)('%s without an assignee requeues', (type) => {
      const s = transitionConversation('resolved', { reopenCount: 0, queueId: 'que_1' }, { type });
      expect(s).toEqual({ status: 'queued', context: { reopenCount: 1, queueId: 'que_1' } });
    });
  });

  describe('snooze and wake', () => {
    it.each(['bot', 'queued', 'active', 'pending'] as const)('wake returns to %s with the context intact', (from) => {
      const before = contextIn(from);
      const snoozed = transitionConversation(from, before, { type: 'snooze', until: UNTIL });
      expect(snoozed).toEqual({ status: 'snoozed', context: { ...before, snoozedFrom: from, snoozeUntil: UNTIL } });
      expect(apply(snoozed, { type: 'wake' })).toEqual({ status: from, context: before });
    });

    it.each([
      ['bot', 'bot'],
      ['queued', 'queued'],
      ['active', 'active'],
      ['pending', 'active'],
    ] as const)('a customer reply while snoozed from %s goes to %s', (from, to) => {
      const s = transitionConversation('snoozed', contextIn('snoozed', from), { type: 'customer_replied' });
      expect(s.status).toBe(to);
      expect(s.context.snoozedFrom).toBeUndefined();
      expect(s.context.snoozeUntil).toBeUndefined();
    });

    it.each(['new', 'offered', 'wrap_up', 'resolved', 'abandoned', 'snoozed', 'closed'] as const)(
      'cannot snooze from %s',
      (from) => {
        expectHotlineError(
          () => transitionConversation(from, contextIn(from), { type: 'snooze', until: UNTIL }),
          'ILLEGAL_TRANSITION',
        );
      },
    );

    it('wake without a recorded origin is illegal', () => {
      expectHotlineError(
        () => transitionConversation('snoozed', { reopenCount: 0 }, { type: 'wake' }),
        'ILLEGAL_TRANSITION',
      );
    });
  });
});

describe('restore from storage', () => {
  it('continues from a stored (status, context) read back as JSON', () => {
    const row = JSON.parse(
      JSON.stringify({
        status: 'snoozed',
        context: { reopenCount: 1, assigneeId: 'agt_1', snoozedFrom: 'pending', snoozeUntil: UNTIL },
      }),
    ) as ConversationTransitionResult;
    let s = apply(row, { type: 'wake' });
    expect(s).toEqual({ status: 'pending', context: { reopenCount: 1, assigneeId: 'agt_1' } });
    s = apply(s, { type: 'resolve' });
    s = apply(s, { type: 'customer_replied' });
    expect(s).toEqual({ status: 'active', context: { reopenCount: 2, assigneeId: 'agt_1' } });
  });

  it('restoreConversationSnapshot gives an xstate snapshot in the stored state', () => {
    const snapshot = restoreConversationSnapshot('offered', contextIn('offered'));
    expect(snapshot.value).toBe('offered');
    expect(snapshot.context).toEqual(contextIn('offered'));
    expect(snapshot.can({ type: 'reject' })).toBe(true);
    expect(snapshot.can({ type: 'end' })).toBe(false);
    expect(snapshot.machine).toBe(conversationMachine);
  });

  it('drops undefined keys and unknown fields, and defaults reopenCount', () => {
    const messy = { reopenCount: undefined, assigneeId: 'agt_1', offeredTo: undefined, extra: 1 } as unknown as Ctx;
    const s = transitionConversation('active', messy, { type: 'await_customer' });
    expect(s.context).toStrictEqual({ reopenCount: 0, assigneeId: 'agt_1' });
  });

  it('rejects a corrupt stored status or context with VALIDATION_FAILED', () => {
    expectHotlineError(
      () => transitionConversation('bogus' as ConversationStatus, { reopenCount: 0 }, { type: 'close' }),
      'VALIDATION_FAILED',
    );
    expectHotlineError(
      () => transitionConversation('resolved', { reopenCount: 'x' } as unknown as Ctx, { type: 'reopen' }),
      'VALIDATION_FAILED',
    );
    expectHotlineError(
      () => transitionConversation('resolved', undefined as unknown as Ctx, { type: 'reopen' }),
      'VALIDATION_FAILED',
    );
    expectHotlineError(
      () => canTransitionConversation('bogus' as ConversationStatus, { reopenCount: 0 }, { type: 'close' }),
      'VALIDATION_FAILED',
    );
  });

  it('does not mutate its inputs', () => {
    const context = Object.freeze({ ...contextIn('offered') });
    const event = Object.freeze({ type: 'accept', agentId: 'agt_1' } as const);
    transitionConversation('offered', context, event);
    expect(context).toEqual(contextIn('offered'));
  });
});

describe('illegal transitions', () => {
  const documented = new Set(CONVERSATION_TRANSITIONS.map((r) => `${r.from}|${r.event}`));
  const undocumented = STATUSES.flatMap((from) =>
    EVENT_TYPES.filter((type) => !documented.has(`${from}|${type}`)).map((type) => ({ from, type })),
  );

  it.each(undocumented)('$from rejects $type with ILLEGAL_TRANSITION', ({ from, type }) => {
    const context = contextIn(from);
    const event = eventOf(type);
    expect(canTransitionConversation(from, context, event)).toBe(false);
    const error = expectHotlineError(() => transitionConversation(from, context, event), 'ILLEGAL_TRANSITION');
    expect(error.details).toEqual({ entity: 'conversation', from, event: type });
    expect(error.status).toBe(409);
  });

  it('closed is final: every event is illegal, whatever the context', () => {
    expect(FINAL_CONVERSATION_STATES).toEqual(['closed']);
    expect(CONVERSATION_TRANSITIONS.filter((r) => r.from === 'closed')).toEqual([]);
    const contexts = STATUSES.map((s) => contextIn(s));
    for (const context of contexts) {
      for (const type of EVENT_TYPES) {
        for (const target of ['queueId', 'agentId', 'toBot'] as const) {
          expectHotlineError(
            () => transitionConversation('closed', context, eventOf(type, target)),
            'ILLEGAL_TRANSITION',
          );
        }
      }
    }
  });
});

describe('malformed events', () => {
  const malformed: [string, unknown][] = [
    ['null', null],
    ['a string', 'close'],
    ['no type', {}],
    ['an unknown type', { type: 'explode' }],
    ['offer without agent', { type: 'offer' }],
    ['accept with an empty agent', { type: 'accept', agentId: '' }],
    ['assign with a bad agent id', { type: 'assign', agentId: 'has spaces' }],
    ['snooze without until', { type: 'snooze' }],
    ['snooze with a non-ISO until', { type: 'snooze', until: 'tomorrow' }],
    ['transfer without a target', { type: 'transfer' }],
    ['transfer with two targets', { type: 'transfer', queueId: 'que_1', agentId: 'agt_1' }],
    ['transfer with toBot false', { type: 'transfer', toBot: false }],
  ];

  it.each(malformed)('%s → VALIDATION_FAILED, whatever the state', (_name, event) => {
    for (const status of ['queued', 'offered', 'active', 'closed'] as const) {
      const error = expectHotlineError(
        () => transitionConversation(status, contextIn(status), event),
        'VALIDATION_FAILED',
      );
      expect(error.details.issues).toBeInstanceOf(Array);
    }
  });
});
