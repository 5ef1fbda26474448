import { assign, setup, transition } from 'xstate';
import { z } from 'zod';
import { IllegalTransitionError } from '../errors/hotline-error.js';
import { idSchema, timestampSchema } from '../schemas/common.js';
import { type ConversationStatus, conversationStatusSchema } from '../schemas/conversation.js';
import { parseInput } from '../validation/parse.js';
import { type ConversationLifecycleEvent, conversationLifecycleEventSchema } from './lifecycle-events.js';

/** The states a conversation can be snoozed from (and returns to). */
export type SnoozableStatus = 'bot' | 'queued' | 'active' | 'pending';

/** What the machine remembers besides its state. Stored on the conversation record. */
export interface ConversationMachineContext {
  assigneeId?: string;
  queueId?: string;
  /** The agent holding the current offer. */
  offeredTo?: string;
  snoozedFrom?: SnoozableStatus;
  snoozeUntil?: string;
  reopenCount: number;
}

type Ev = ConversationLifecycleEvent;
type TransferEvent = Extract<Ev, { type: 'transfer' }>;

/** Where a transfer out of agent work (active, pending) leads, by its target. */
const TRANSFER_FROM_AGENT_WORK = [
  { guard: 'toQueue', target: 'queued', actions: 'transferToQueue' },
  { guard: 'toAgent', target: 'offered', actions: 'transferToAgent' },
  { guard: 'toBot', target: 'bot', actions: 'transferToBot' },
] as const;

const snoozeFrom = (from: SnoozableStatus) =>
  ({ target: 'snoozed', actions: { type: 'snooze', params: { from } } }) as const;

/**
 * The conversation lifecycle as an xstate v5 machine. It is pure: no timers, no I/O, no
 * invoked actors, so a stored `(status, context)` pair restores it exactly. Persistence,
 * timers (snooze, offer timeouts) and events live in the conversation service.
 */
export const conversationMachine = setup({
  types: {
    context: {} as ConversationMachineContext,
    events: {} as Ev,
    input: {} as Partial<ConversationMachineContext> | undefined,
  },
  guards: {
    isOfferedAgent: ({ context, event }) => event.type === 'accept' && event.agentId === context.offeredTo,
    hasAssignee: ({ context }) => context.assigneeId !== undefined,
    toQueue: ({ event }) => event.type === 'transfer' && event.queueId !== undefined,
    toAgent: ({ event }) => event.type === 'transfer' && event.agentId !== undefined,
    toBot: ({ event }) => event.type === 'transfer' && event.toBot === true,
    fromBot: ({ context }) => context.snoozedFrom === 'bot',
    fromQueued: ({ context }) => context.snoozedFrom === 'queued',
    fromActive: ({ context }) => context.snoozedFrom === 'active',
    fromPending: ({ context }) => context.snoozedFrom === 'pending',
    fromActiveOrPending: ({ context }) => context.snoozedFrom === 'active' || context.snoozedFrom === 'pending',
  },
  actions: {
    enqueue: assign(({ context, event }) => ({
      queueId: (event.type === 'enqueue' ? event.queueId : undefined) ?? context.queueId,
      assigneeId: undefined,
      offeredTo: undefined,
    })),
    offer: assign({ offeredTo: ({ event }) => (event.type === 'offer' ? event.agentId : undefined) }),
    accept: assign(({ context }) => ({ assigneeId: context.offeredTo, offeredTo: undefined })),
    assignAgent: assign({
      assigneeId: ({ event }) => (event.type === 'assign' ? event.agentId : undefined),
      offeredTo: () => undefined,
    }),
    withdrawOffer: assign({ offeredTo: () => undefined }),
    transferToQueue: assign(({ event }) => ({
      queueId: (event as TransferEvent).queueId,
      assigneeId: undefined,
      offeredTo: undefined,
    })),
    transferToAgent: assign(({ event }) => ({ offeredTo: (event as TransferEvent).agentId, assigneeId: undefined })),
    transferToBot: assign({ assigneeId: () => undefined, offeredTo: () => undefined }),
    reopen: assign({ reopenCount: ({ context }) => context.reopenCount + 1 }),
    reopenToQueue: assign({ reopenCount: ({ context }) => context.reopenCount + 1, offeredTo: () => undefined }),
    snooze: assign(({ event }, params: { from: SnoozableStatus }) => ({
      snoozedFrom: params.from,
      snoozeUntil: event.type === 'snooze' ? event.until : undefined,
    })),
    clearSnooze: assign({ snoozedFrom: () => undefined, snoozeUntil: () => undefined }),
  },
}).createMachine({
  id: 'conversation',
  initial: 'new',
  context: ({ input }) => ({ reopenCount: 0, ...input }),
  states: {
    new: {
      on: {
        start_bot: 'bot',
        enqueue: { target: 'queued', actions: 'enqueue' },
        assign: { target: 'active', actions: 'assignAgent' },
        abandon: 'abandoned',
      },
    },
    bot: {
      on: {
        enqueue: { target: 'queued', actions: 'enqueue' },
        assign: { target: 'active', actions: 'assignAgent' },
        transfer: [
          { guard: 'toQueue', target: 'queued', actions: 'transferToQueue' },
          { guard: 'toAgent', target: 'offered', actions: 'transferToAgent' },
        ],
        resolve: 'resolved',
        abandon: 'abandoned',
        snooze: snoozeFrom('bot'),
      },
    },
    queued: {
      on: {
        offer: { target: 'offered', actions: 'offer' },
        assign: { target: 'active', actions: 'assignAgent' },
        transfer: [
          { guard: 'toQueue', target: 'queued', reenter: true, actions: 'transferToQueue' },
          { guard: 'toAgent', target: 'offered', actions: 'transferToAgent' },
          { guard: 'toBot', target: 'bot', actions: 'transferToBot' },
        ],
        abandon: 'abandoned',
        snooze: snoozeFrom('queued'),
      },
    },
    offered: {
      on: {
        accept: { guard: 'isOfferedAgent', target: 'active', actions: 'accept' },
        reject: { target: 'queued', actions: 'withdrawOffer' },
        offer_timeout: { target: 'queued', actions: 'withdrawOffer' },
        abandon: { target: 'abandoned', actions: 'withdrawOffer' },
      },
    },
    active: {
      on: {
        await_customer: 'pending',
        transfer: TRANSFER_FROM_AGENT_WORK,
        end: 'wrap_up',
        resolve: 'resolved',
        snooze: snoozeFrom('active'),
      },
    },
    pending: {
      on: {
        customer_replied: 'active',
        transfer: TRANSFER_FROM_AGENT_WORK,
        end: 'wrap_up',
        resolve: 'resolved',
        snooze: snoozeFrom('pending'),
      },
    },
    wrap_up: {
      on: { resolve: 'resolved' },
    },
    resolved: {
      on: {
        customer_replied: [
          { guard: 'hasAssignee', target: 'active', actions: 'reopen' },
          { target: 'queued', actions: 'reopenToQueue' },
        ],
        reopen: [
          { guard: 'hasAssignee', target: 'active', actions: 'reopen' },
          { target: 'queued', actions: 'reopenToQueue' },
        ],
        close: 'closed',
      },
    },
    abandoned: {
      on: { close: 'closed' },
    },
    snoozed: {
      on: {
        wake: [
          { guard: 'fromBot', target: 'bot', actions: 'clearSnooze' },
          { guard: 'fromQueued', target: 'queued', actions: 'clearSnooze' },
          { guard: 'fromActive', target: 'active', actions: 'clearSnooze' },
          { guard: 'fromPending', target: 'pending', actions: 'clearSnooze' },
        ],
        customer_replied: [
          { guard: 'fromBot', target: 'bot', actions: 'clearSnooze' },
          { guard: 'fromQueued', target: 'queued', actions: 'clearSnooze' },
          { guard: 'fromActiveOrPending', target: 'active', actions: 'clearSnooze' },
        ],
      },
    },
    closed: { type: 'final' },
  },
});

/** The result of applying one lifecycle event. */
export interface ConversationTransitionResult {
  status: ConversationStatus;
  context: ConversationMachineContext;
}

// Stored state comes back from a database: check it, so a corrupt row fails with
// VALIDATION_FAILED instead of an untyped xstate error or a garbled context.
const storedStateSchema = z.object({
  status: conversationStatusSchema,
  context: z.object({
    assigneeId: idSchema.optional(),
    queueId: idSchema.optional(),
    offeredTo: idSchema.optional(),
    // As wide as the record's field; a non-snoozable value makes `wake` illegal, not invalid.
    snoozedFrom: conversationStatusSchema.optional(),
    snoozeUntil: timestampSchema.optional(),
    reopenCount: z.int().min(0).optional(),
  }),
});

/**
 * Restores the machine's snapshot from a stored status and context. A status or context
 * of the wrong shape throws `ValidationError` (`VALIDATION_FAILED`).
 */
export function restoreConversationSnapshot(status: ConversationStatus, context: ConversationMachineContext) {
  const stored = parseInput(storedStateSchema, { status, context }, 'stored conversation state');
  return conversationMachine.resolveState({
    value: stored.status,
    context: normalizeContext(stored.context as ConversationMachineContext),
  });
}

/**
 * Whether `event` is legal for a conversation in `status` with `context`.
 *
 * @example
 * ```ts
 * canTransitionConversation('queued', { reopenCount: 0 }, { type: 'reject' }); // false
 * ```
 */
export function canTransitionConversation(
  status: ConversationStatus,
  context: ConversationMachineContext,
  event: ConversationLifecycleEvent,
): boolean {
  return restoreConversationSnapshot(status, context).can(event);
}

/**
 * Applies one lifecycle event to a stored `(status, context)` and returns the next pair.
 * The input is validated; an event the state does not accept throws
 * `IllegalTransitionError` (`ILLEGAL_TRANSITION`). Pure: nothing is stored or scheduled.
 *
 * @example
 * ```ts
 * const next = transitionConversation('queued', { reopenCount: 0 }, { type: 'offer', agentId: 'agt_1' });
 * next.status; // 'offered'
 * ```
 */
export function transitionConversation(
  status: ConversationStatus,
  context: ConversationMachineContext,
  event: unknown,
): ConversationTransitionResult {
  const parsed = parseInput(conversationLifecycleEventSchema, event, 'conversation lifecycle event');
  const snapshot = restoreConversationSnapshot(status, context);
  if (!snapshot.can(parsed)) {
    throw new IllegalTransitionError('conversation', status, parsed.type);
  }
  const [next] = transition(conversationMachine, snapshot, parsed);
  return { status: next.value as ConversationStatus, context: normalizeContext(next.context) };
}

/** The optional fields of the machine context, which a conversation record stores under the same names. */
export const OPTIONAL_CONTEXT_KEYS = ['assigneeId', 'queueId', 'offeredTo', 'snoozedFrom', 'snoozeUntil'] as const;

/**
 * The machine context held by any object with the context's field names (a context, a
 * conversation record), without `undefined` keys so it compares and serialises cleanly.
 */
export function pickMachineContext(source: {
  reopenCount?: number;
  assigneeId?: string | undefined;
  queueId?: string | undefined;
  offeredTo?: string | undefined;
  snoozedFrom?: string | undefined;
  snoozeUntil?: string | undefined;
}): ConversationMachineContext {
  const out: Record<string, unknown> = { reopenCount: source.reopenCount ?? 0 };
  for (const key of OPTIONAL_CONTEXT_KEYS) if (source[key] !== undefined) out[key] = source[key];
  return out as unknown as ConversationMachineContext;
}

const normalizeContext = pickMachineContext;
