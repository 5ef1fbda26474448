import { IllegalTransitionError } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import {
  CALL_EVENT_TYPES,
  CALL_STATES,
  type CallMachineEvent,
  type CallState,
  type CallStatus,
  canTransitionCall,
  transitionCall,
} from './call-machine.js';

type EventType = CallMachineEvent['type'];

function eventOf(type: EventType): CallMachineEvent {
  return type === 'end' ? { type, reason: 'remote_hangup' } : { type };
}

/** The whole transition table: anything not listed must be refused. */
const LEGAL: Record<CallState, Partial<Record<EventType, CallState>>> = {
  idle: { incoming: 'ringing_in', dial: 'ringing_out', end: 'ended' },
  ringing_in: { answered: 'connected', end: 'ended' },
  ringing_out: { answered: 'connected', end: 'ended' },
  connected: { held: 'held', transfer_started: 'transferring', connection_lost: 'reconnecting', end: 'ended' },
  held: { unheld: 'connected', transfer_started: 'transferring', connection_lost: 'reconnecting', end: 'ended' },
  transferring: { transfer_failed: 'connected', transfer_completed: 'ended', end: 'ended' },
  reconnecting: { connection_restored: 'connected', end: 'ended' },
  ended: {},
};

function at(state: CallState): CallStatus {
  // transferring and reconnecting are entered from connected unless a test says otherwise.
  const context = state === 'transferring' || state === 'reconnecting' ? { resumeTo: 'connected' as const } : {};
  return { state, context };
}

describe('call machine', () => {
  for (const state of CALL_STATES) {
    for (const type of CALL_EVENT_TYPES) {
      const target = LEGAL[state][type];
      if (target) {
        it(`${state} --${type}--> ${target}`, () => {
          expect(canTransitionCall(at(state), eventOf(type))).toBe(true);
          expect(transitionCall(at(state), eventOf(type)).state).toBe(target);
        });
      } else {
        it(`${state} refuses ${type}`, () => {
          expect(canTransitionCall(at(state), eventOf(type))).toBe(false);
          expect(() => transitionCall(at(state), eventOf(type))).toThrow(IllegalTransitionError);
        });
      }
    }
  }

  it('walks a full call: dial, answer, hold, unhold, hang up', () => {
    const steps: CallMachineEvent[] = [
      { type: 'dial' },
      { type: 'answered' },
      { type: 'held' },
      { type: 'unheld' },
      { type: 'end', reason: 'local_hangup' },
    ];
    let status: CallStatus = { state: 'idle', context: {} };
    const seen: CallState[] = [];
    for (const step of steps) {
      status = transitionCall(status, step);
      seen.push(status.state);
    }
    expect(seen).toEqual(['ringing_out', 'connected', 'held', 'connected', 'ended']);
    expect(status.context).toEqual({ endReason: 'local_hangup' });
  });

  it('returns to held when a transfer from held fails', () => {
    const transferring = transitionCall({ state: 'held', context: {} }, { type: 'transfer_started' });
    expect(transferring.context.resumeTo).toBe('held');
    expect(transitionCall(transferring, { type: 'transfer_failed' })).toEqual({ state: 'held', context: {} });
  });

  it('returns to held when the network comes back for a held call', () => {
    const lost = transitionCall({ state: 'held', context: {} }, { type: 'connection_lost' });
    expect(lost).toEqual({ state: 'reconnecting', context: { resumeTo: 'held' } });
    expect(transitionCall(lost, { type: 'connection_restored' }).state).toBe('held');
  });

  it('records transferred as the end reason of a completed transfer', () => {
    const next = transitionCall(at('transferring'), { type: 'transfer_completed' });
    expect(next).toEqual({ state: 'ended', context: { endReason: 'transferred' } });
  });

  it('keeps the reason given to end, and forgets where it would have resumed', () => {
    const next = transitionCall(at('reconnecting'), { type: 'end', reason: 'network_lost' });
    expect(next).toEqual({ state: 'ended', context: { endReason: 'network_lost' } });
  });

  it('names the state and event when it refuses', () => {
    try {
      transitionCall({ state: 'ended', context: { endReason: 'busy' } }, { type: 'answered' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(IllegalTransitionError);
      expect((err as IllegalTransitionError).details).toMatchObject({
        entity: 'call',
        from: 'ended',
        event: 'answered',
      });
    }
  });
});
