import type { Attributes, Channel } from '@hotline/core';
import type { AgentState } from './agent-state.js';
import { channelIndex } from './channel-index.js';
import type { DecisionRecord } from './explain.js';
import type { QueueState } from './queue-state.js';
import type { Reservation } from './reservation.js';
import type { Step } from './step.js';
import type { TaskHeap } from './task-heap.js';
import type { WorkflowState } from './workflow-state.js';

/** Shared, never written: replaced by a real array on the first offer. */
const NO_RESERVATIONS: Reservation[] = [];
const NO_PREFERENCES: readonly { agentId: string; until: number }[] = Object.freeze([]);

/** Where a task is in routing. */
export type RoutingTaskStatus = 'pending' | 'reserved' | 'assigned' | 'wrapping' | 'completed' | 'canceled';

/** The task as exposed to expressions (`task.*`): its attributes plus a few built-in fields. */
export type TaskExpressionView = Attributes & { id: string; channel: Channel; priority: number; kind: string };

/** The router's live view of one task. */
export class TaskState {
  status: RoutingTaskStatus = 'pending';
  workflow: WorkflowState | undefined;
  steps: readonly Step[] = [];
  stepIndex = 0;
  stepEnteredAt: number;
  queue!: QueueState;
  /** When the task entered its current queue (ageing and waits count from here). */
  enqueuedAt: number;
  /** Order key within a target heap: priority minus ageing credit, fixed while in the queue. */
  ageKey = 0;
  heap: TaskHeap | undefined;
  heapPos = -1;
  /** Pending offers; a shared empty array until the first offer (most waiting tasks have none). */
  reservations: Reservation[] = NO_RESERVATIONS;
  /**
   * Ids of agents who refused or missed the task (ids survive an agent being re-added), and
   * until when. Allocated on first refusal: most tasks are never refused, and a million
   * waiting tasks should not carry a million empty maps.
   */
  private refusals: Map<string, number> | undefined;
  agent: AgentState | undefined;
  preferred: readonly { agentId: string; until: number }[] = NO_PREFERENCES;
  preferredUntil = 0;
  assignedAt: number | undefined;
  completedAt: number | undefined;
  reason: string | undefined;
  private viewCache: TaskExpressionView | undefined;
  lastDecision: DecisionRecord | undefined;
  /** Whether the task counts as waiting in its queue's statistics. */
  waiting = false;
  /** The current step's timeout passed while an offer was out: advance when it ends. */
  stepExpired = false;
  /** The queue's wait limit passed while an offer was out: overflow when it ends. */
  overflowDue = false;
  overflowHops = 0;
  /** Cancel functions of the task's pending deadlines, by purpose. */
  stepTimer: (() => void) | undefined;
  queueTimer: (() => void) | undefined;
  preferTimer: (() => void) | undefined;
  taskTimer: (() => void) | undefined;
  wrapTimer: (() => void) | undefined;
  /** Incremented on every queue change, so stale per-queue bookkeeping is recognisable. */
  queueGen = 0;

  /** The channel's array index (see `channel-index.ts`). */
  ci: number;

  constructor(
    readonly id: string,
    readonly seq: number,
    public channel: Channel,
    public kind: string,
    readonly attributes: Attributes,
    public priority: number,
    readonly createdAt: number,
    readonly conversationId: string | undefined,
  ) {
    this.ci = channelIndex(channel);
    this.stepEnteredAt = createdAt;
    this.enqueuedAt = createdAt;
  }

  /** The task as expressions see it, built when first needed. */
  get view(): TaskExpressionView {
    this.viewCache ??= this.makeView();
    return this.viewCache;
  }

  /** Until when an agent may not be offered the task again (0 if never refused). */
  refusedUntil(agentId: string): number {
    return this.refusals?.get(agentId) ?? 0;
  }

  refuse(agentId: string, until: number): void {
    this.refusals ??= new Map();
    this.refusals.set(agentId, until);
  }

  forgive(agentId: string): void {
    this.refusals?.delete(agentId);
  }

  /** Moves the task to another channel (overflow to a callback, an email…). */
  setChannel(channel: Channel): void {
    this.channel = channel;
    this.ci = channelIndex(channel);
    this.refreshView();
  }

  get step(): Step {
    return this.steps[this.stepIndex] as Step;
  }

  /** Priority including ageing at `now`. */
  effectivePriority(now: number): number {
    return this.priority + (this.queue.definition.ageingPerMinute * (now - this.enqueuedAt)) / 60_000;
  }

  refreshView(): void {
    this.viewCache = undefined;
  }

  /** Cancels every pending deadline of the task (it was assigned, canceled or finished). */
  clearTimers(): void {
    this.stepTimer?.();
    this.queueTimer?.();
    this.preferTimer?.();
    this.taskTimer?.();
    this.wrapTimer?.();
    this.stepTimer = this.queueTimer = this.preferTimer = this.taskTimer = this.wrapTimer = undefined;
  }

  /** Recomputes the in-queue order key after a priority or queue change. */
  rekey(): void {
    this.ageKey = this.priority - (this.queue.definition.ageingPerMinute * this.enqueuedAt) / 60_000;
  }

  private makeView(): TaskExpressionView {
    return { ...this.attributes, id: this.id, channel: this.channel, priority: this.priority, kind: this.kind };
  }
}
