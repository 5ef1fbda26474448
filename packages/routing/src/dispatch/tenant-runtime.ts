import type { Conversation, Task } from '@hotline/core';
import type { EngineState } from '../engine/engine-state.js';
import type { Reservation, ReservationStatus } from '../engine/reservation.js';
import { engineInternals, type RoutingEngine } from '../engine/routing-engine.js';
import type { TaskView } from '../engine/views.js';
import { Lane } from './lane.js';

/** How an offer ended without being accepted. */
export type OfferOutcome = Exclude<ReservationStatus, 'pending' | 'accepted'>;

/** A conversation the dispatcher routes, and the engine task standing for it. */
export interface Tracked {
  readonly conversationId: string;
  readonly taskId: string;
  /** Offers whose `offer` notice went out and whose `offer_ended` has not. */
  readonly notified: Set<string>;
  /** How each agent's latest offer of this task ended (core tells `reject` from `offer_timeout`). */
  readonly outcomes: Map<string, OfferOutcome>;
  /** The stored task record, for its version. */
  record: Task | undefined;
  /**
   * Core has shown the conversation with the task's agent: a `queued` conversation after
   * that was transferred by someone else, not a write still on its way.
   */
  coreAssigned: boolean;
  /** A sync queued and not started yet: later requests share it (it reads state when it runs). */
  queuedSync: Promise<Conversation | undefined> | undefined;
  /** A transfer to one agent in flight: where the conversation goes if that agent does not take it. */
  transfer?: TransferFallback;
}

/** What a transfer to one agent falls back to. */
export interface TransferFallback {
  /** The agent the conversation was transferred to. */
  agentId: string;
  /** The queue it goes back to when that agent refuses or lets the offer lapse. */
  queueId: string;
  /** Agents who turned it down so far (the transferring agent first). */
  refusedBy: string[];
}

/** Everything the dispatcher keeps about one tenant. */
export class TenantRuntime {
  readonly lane = new Lane();
  readonly byConversation = new Map<string, Tracked>();
  readonly byTask = new Map<string, Tracked>();
  /** Agents with at least one live connection. */
  readonly connected = new Set<string>();
  /** The activity each agent chose, applied while connected (disconnected agents are `offline`). */
  readonly chosen = new Map<string, string>();
  /** Agents the dispatcher added to the engine from core records (it refreshes them on connect). */
  readonly loaded = new Set<string>();
  /** The restore run on first use (settles even when it failed). */
  ready: Promise<unknown> = Promise.resolve();
  readonly state: EngineState;

  constructor(
    readonly tenantId: string,
    readonly engine: RoutingEngine,
  ) {
    this.state = engineInternals(engine);
  }

  track(conversationId: string, taskId: string): Tracked {
    const tracked: Tracked = {
      conversationId,
      taskId,
      notified: new Set(),
      outcomes: new Map(),
      record: undefined,
      coreAssigned: false,
      queuedSync: undefined,
    };
    const previous = this.byConversation.get(conversationId);
    if (previous) this.byTask.delete(previous.taskId);
    this.byConversation.set(conversationId, tracked);
    this.byTask.set(taskId, tracked);
    return tracked;
  }

  /** Makes a tracked conversation current again (a replacement task that could not be routed was dropped). */
  retrack(tracked: Tracked): void {
    this.byConversation.set(tracked.conversationId, tracked);
    this.byTask.set(tracked.taskId, tracked);
  }

  untrack(tracked: Tracked): void {
    if (this.byTask.get(tracked.taskId) === tracked) this.byTask.delete(tracked.taskId);
    if (this.byConversation.get(tracked.conversationId) === tracked) this.byConversation.delete(tracked.conversationId);
  }

  /** Whether this is still the conversation's current task (not replaced by a newer one). */
  isCurrent(tracked: Tracked): boolean {
    return this.byConversation.get(tracked.conversationId) === tracked;
  }

  /** The engine's view of a task, or `undefined` once the engine forgot it. */
  task(taskId: string): TaskView | undefined {
    if (!this.state.tasks.has(taskId) && !this.state.finished.has(taskId)) return undefined;
    return this.engine.getTask(taskId);
  }

  /** The conversation's open task (pending, reserved, assigned or wrapping up), if any. */
  openTask(conversationId: string): { tracked: Tracked; task: TaskView } | undefined {
    const tracked = this.byConversation.get(conversationId);
    if (!tracked || !this.state.tasks.has(tracked.taskId)) return undefined;
    return { tracked, task: this.engine.getTask(tracked.taskId) };
  }

  /** A reservation, pending or recently ended. */
  reservation(reservationId: string): Reservation | undefined {
    return this.state.reservations.get(reservationId) ?? this.state.endedReservations.get(reservationId);
  }

  hasAgent(agentId: string): boolean {
    return this.state.agents.has(agentId);
  }

  hasActivity(name: string): boolean {
    return this.state.activities.has(name);
  }
}
