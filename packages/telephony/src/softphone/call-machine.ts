import { IllegalTransitionError } from '@hotline/core';
import { assign, setup, transition } from 'xstate';

/** Where a call is. `ended` is final; its reason is in {@link CallMachineContext.endReason}. */
export type CallState =
  | 'idle'
  | 'ringing_in'
  | 'ringing_out'
  | 'connected'
  | 'held'
  | 'transferring'
  | 'reconnecting'
  | 'ended';

/** Every call state, in lifecycle order. */
export const CALL_STATES: readonly CallState[] = [
  'idle',
  'ringing_in',
  'ringing_out',
  'connected',
  'held',
  'transferring',
  'reconnecting',
  'ended',
];

/** Why a call ended. */
export type CallEndReason =
  | 'local_hangup'
  | 'remote_hangup'
  | 'rejected'
  | 'busy'
  | 'no_answer'
  | 'canceled'
  | 'transferred'
  | 'network_lost'
  | 'media_failed'
  | 'failed';

/** The states a call returns to after a transfer fails or the network comes back. */
export type ResumableCallState = 'connected' | 'held';

/** What the call machine remembers besides its state. */
export interface CallMachineContext {
  /** Set once the call is `ended`. */
  endReason?: CallEndReason;
  /** Where `transferring` and `reconnecting` return to. */
  resumeTo?: ResumableCallState;
}

/**
 * What happens to a call. The softphone derives these from JsSIP's session and UA events;
 * they are the only way a call changes state.
 */
export type CallMachineEvent =
  | { type: 'incoming' }
  | { type: 'dial' }
  | { type: 'answered' }
  | { type: 'held' }
  | { type: 'unheld' }
  | { type: 'transfer_started' }
  | { type: 'transfer_failed' }
  | { type: 'transfer_completed' }
  | { type: 'connection_lost' }
  | { type: 'connection_restored' }
  | { type: 'end'; reason: CallEndReason };

/** Every event type the call machine knows. */
export const CALL_EVENT_TYPES: readonly CallMachineEvent['type'][] = [
  'incoming',
  'dial',
  'answered',
  'held',
  'unheld',
  'transfer_started',
  'transfer_failed',
  'transfer_completed',
  'connection_lost',
  'connection_restored',
  'end',
];

const endCall = { target: 'ended', actions: 'recordEnd' } as const;

/**
 * The call lifecycle as a pure xstate v5 machine (no timers, no I/O), so every state and
 * transition can be checked without a SIP stack and a stored `(state, context)` restores it.
 */
export const callMachine = setup({
  types: {
    context: {} as CallMachineContext,
    events: {} as CallMachineEvent,
  },
  guards: {
    resumesHeld: ({ context }) => context.resumeTo === 'held',
  },
  actions: {
    rememberConnected: assign({ resumeTo: () => 'connected' as const }),
    rememberHeld: assign({ resumeTo: () => 'held' as const }),
    forgetResume: assign({ resumeTo: () => undefined }),
    recordEnd: assign(({ event }) => ({
      endReason: event.type === 'end' ? event.reason : 'transferred',
      resumeTo: undefined,
    })),
  },
}).createMachine({
  id: 'call',
  initial: 'idle',
  context: {},
  states: {
    idle: {
      on: { incoming: 'ringing_in', dial: 'ringing_out', end: endCall },
    },
    ringing_in: {
      on: { answered: 'connected', end: endCall },
    },
    ringing_out: {
      on: { answered: 'connected', end: endCall },
    },
    connected: {
      on: {
        held: 'held',
        transfer_started: { target: 'transferring', actions: 'rememberConnected' },
        connection_lost: { target: 'reconnecting', actions: 'rememberConnected' },
        end: endCall,
      },
    },
    held: {
      on: {
        unheld: 'connected',
        transfer_started: { target: 'transferring', actions: 'rememberHeld' },
        connection_lost: { target: 'reconnecting', actions: 'rememberHeld' },
        end: endCall,
      },
    },
    transferring: {
      on: {
        transfer_failed: [
          { guard: 'resumesHeld', target: 'held', actions: 'forgetResume' },
          { target: 'connected', actions: 'forgetResume' },
        ],
        transfer_completed: endCall,
        end: endCall,
      },
    },
    reconnecting: {
      on: {
        connection_restored: [
          { guard: 'resumesHeld', target: 'held', actions: 'forgetResume' },
          { target: 'connected', actions: 'forgetResume' },
        ],
        end: endCall,
      },
    },
    ended: { type: 'final' },
  },
});

/** A call's state and context, as stored or reported. */
export interface CallStatus {
  state: CallState;
  context: CallMachineContext;
}

function restore(status: CallStatus) {
  return callMachine.resolveState({ value: status.state, context: { ...status.context } });
}

/**
 * Whether `event` is legal for a call in `status`.
 *
 * @example
 * ```ts
 * canTransitionCall({ state: 'idle', context: {} }, { type: 'held' }); // false
 * ```
 */
export function canTransitionCall(status: CallStatus, event: CallMachineEvent): boolean {
  return restore(status).can(event);
}

/**
 * Applies one event to a call's status and returns the next one. Pure. An event the state
 * does not accept throws `IllegalTransitionError` (`ILLEGAL_TRANSITION`).
 *
 * @example
 * ```ts
 * const next = transitionCall({ state: 'ringing_in', context: {} }, { type: 'answered' });
 * next.state; // 'connected'
 * ```
 */
export function transitionCall(status: CallStatus, event: CallMachineEvent): CallStatus {
  const snapshot = restore(status);
  if (!snapshot.can(event)) throw new IllegalTransitionError('call', status.state, event.type);
  const [next] = transition(callMachine, snapshot, event);
  const context: CallMachineContext = {};
  if (next.context.endReason !== undefined) context.endReason = next.context.endReason;
  if (next.context.resumeTo !== undefined) context.resumeTo = next.context.resumeTo;
  return { state: next.value as CallState, context };
}
