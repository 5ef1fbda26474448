import type { Conversation, ConversationStatus } from '@hotline/core';
import { makeConversation } from '@hotline/core/testing';
import { describe, expect, it } from 'vitest';
import type { TaskView } from '../engine/views.js';
import { planSync } from './reconcile.js';
import type { OfferOutcome } from './tenant-runtime.js';

const conversation = (status: ConversationStatus, extra: Partial<Conversation> = {}) =>
  makeConversation('acme', { status, ...extra });

function task(status: TaskView['status'], extra: Partial<TaskView> = {}): TaskView {
  return {
    id: 'tsk_1',
    status,
    channel: 'webchat',
    kind: 'conversation',
    priority: 0,
    queueId: 'support',
    step: 0,
    attributes: {},
    reservations: [],
    createdAt: 0,
    enqueuedAt: 0,
    ...extra,
  };
}

const offer = (agentId: string) => ({ id: `rsv_${agentId}`, agentId, expiresAt: 1 });
const none = new Map<string, OfferOutcome>();

describe('planSync: the next step towards agreement', () => {
  it('mirrors offers, their ends and acceptance into core', () => {
    const reserved = task('reserved', { reservations: [offer('ana'), offer('bo')] });
    expect(planSync(conversation('queued'), reserved, none, false)).toEqual({
      core: { type: 'offer', agentId: 'ana' },
    });
    expect(planSync(conversation('offered', { offeredTo: 'bo' }), reserved, none, false)).toEqual({});
    expect(planSync(conversation('offered', { offeredTo: 'cy' }), reserved, none, false)).toEqual({
      core: { type: 'offer_timeout' },
    });
    const declined = new Map<string, OfferOutcome>([['cy', 'rejected']]);
    expect(planSync(conversation('offered', { offeredTo: 'cy' }), task('pending'), declined, false)).toEqual({
      core: { type: 'reject' },
    });
    expect(planSync(conversation('queued'), task('pending'), none, false)).toEqual({});
    const assigned = task('assigned', { agentId: 'bo' });
    expect(planSync(conversation('offered', { offeredTo: 'bo' }), assigned, none, false)).toEqual({
      core: { type: 'accept', agentId: 'bo' },
    });
    expect(planSync(conversation('queued'), assigned, none, false)).toEqual({ core: { type: 'offer', agentId: 'bo' } });
    expect(planSync(conversation('active', { assigneeId: 'bo' }), assigned, none, true)).toEqual({});
  });

  it('ends in core what the engine completed, and abandons what the customer left', () => {
    for (const status of ['wrapping', 'completed'] as const) {
      const done = task(status, { agentId: 'bo' });
      expect(planSync(conversation('active', { assigneeId: 'bo' }), done, none, true)).toEqual({
        core: { type: 'end' },
      });
      expect(planSync(conversation('wrap_up', { assigneeId: 'bo' }), done, none, true)).toEqual({});
    }
    const left = task('canceled', { reason: 'abandoned' });
    expect(planSync(conversation('queued'), left, none, false)).toEqual({ core: { type: 'abandon' } });
    expect(planSync(conversation('offered', { offeredTo: 'bo' }), left, none, false)).toEqual({
      core: { type: 'abandon' },
    });
    expect(planSync(conversation('queued'), task('canceled', { reason: 'timeout' }), none, false)).toEqual({});
  });

  it('releases the task when core moved the conversation by itself', () => {
    expect(planSync(conversation('abandoned'), task('pending'), none, false)).toEqual({
      engine: { action: 'cancel', reason: 'abandoned' },
    });
    expect(planSync(conversation('bot'), task('reserved', { reservations: [offer('bo')] }), none, false)).toEqual({
      engine: { action: 'cancel', reason: 'moved' },
    });
    const assigned = task('assigned', { agentId: 'bo' });
    expect(planSync(conversation('queued'), assigned, none, true)).toEqual({
      engine: { action: 'cancel', reason: 'moved' },
    });
    expect(planSync(conversation('active', { assigneeId: 'cy' }), assigned, none, true)).toEqual({
      engine: { action: 'cancel', reason: 'moved' },
    });
    expect(planSync(conversation('wrap_up', { assigneeId: 'bo' }), assigned, none, true)).toEqual({
      engine: { action: 'complete' },
    });
    expect(planSync(conversation('resolved', { assigneeId: 'bo' }), assigned, none, true)).toEqual({
      engine: { action: 'finish' },
    });
    expect(planSync(conversation('snoozed', { assigneeId: 'bo' }), assigned, none, true)).toEqual({
      engine: { action: 'cancel', reason: 'moved' },
    });
    expect(
      planSync(conversation('resolved', { assigneeId: 'bo' }), task('completed', { agentId: 'bo' }), none, true),
    ).toEqual({});
  });
});
