import type { Clock, EventBus, EventInput, HotlineEventType, IdGenerator } from '@hotline/core';
import { Prng } from '../staffing/prng.js';
import type { AgentState } from './agent-state.js';
import { Deadlines } from './deadlines.js';
import type { ActivityDefinition } from './definitions.js';
import type { QueueState } from './queue-state.js';
import type { Reservation } from './reservation.js';
import type { Target } from './target.js';
import type { TaskState } from './task-state.js';
import { TimeContext, type TimeView } from './time-context.js';
import type { WorkflowState } from './workflow-state.js';

/** How many finished tasks (and ended reservations) stay queryable for `getTask` / `explain`. */
export const FINISHED_MEMORY = 10_000;

/** Settings the engine runs with, after validation and defaults. */
export interface EngineSettings {
  tenantId: string;
  reservationTimeoutMs: number;
  maxParallelOffers: number;
  missedOfferActivity: string | undefined;
  statsWindowMinutes: number;
  /** How long an agent who refused or missed a task is not offered it again. */
  refusalCooldownMs: number;
}

/** Hooks for tests and tooling: called at decision time, before the decision takes effect. */
export interface EngineInspector {
  onTaskDecision?(task: TaskState, chosen: readonly AgentState[]): void;
  /** A routing decision begins (a task looks for agents, or an agent with room looks for work). */
  decisionStarted?(): void;
  /** It ends: offers made and indexed, the task waits, or the agent stays idle. */
  decisionEnded?(outcome: 'reserved' | 'waiting' | 'idle'): void;
}

/** Bus subscribers check: avoid building event objects nobody listens to. */
interface ListenerAware {
  hasListeners?(type: string): boolean;
}

/**
 * Everything the engine knows, shared by the modules that implement its behaviour
 * (agents, tasks, matching). The public `RoutingEngine` validates input and calls in.
 */
export class EngineState {
  readonly agents = new Map<string, AgentState>();
  readonly queues = new Map<string, QueueState>();
  readonly workflows = new Map<string, WorkflowState>();
  readonly targets = new Map<string, Target>();
  /** Targets by a required skill (the key into membership checks), plus those with none. */
  readonly targetsBySkill = new Map<string, Target[]>();
  readonly targetsWithoutSkills: Target[] = [];
  readonly activities = new Map<string, ActivityDefinition>();
  readonly tasks = new Map<string, TaskState>();
  readonly finished = new Map<string, TaskState>();
  readonly reservations = new Map<string, Reservation>();
  readonly endedReservations = new Map<string, Reservation>();
  readonly deadlines: Deadlines;
  readonly dirtyQueues = new Set<QueueState>();
  /** Agents changed since their indexes were last brought up to date. */
  readonly dirtyAgents = new Set<AgentState>();
  private readonly time: TimeContext;
  private readonly busListeners: ListenerAware;
  private readonly rng: Prng;
  agentSlots = 0;
  taskSeq = 0;
  /** Decisions asked for during the current operation, made together by `settle`. */
  readonly batch = { agents: new Set<AgentState>(), tasks: new Set<TaskState>() };
  /** Decisions made (task-centric and agent-centric), for benchmarks and stats. */
  decisions = 0;
  inspector: EngineInspector | undefined;

  constructor(
    readonly settings: EngineSettings,
    readonly clock: Clock,
    readonly bus: EventBus,
    timeZone: string,
    seed: number,
    onDeadline: () => void,
    readonly ids: IdGenerator,
  ) {
    this.time = new TimeContext(timeZone);
    this.deadlines = new Deadlines(clock, onDeadline);
    this.busListeners = bus as ListenerAware;
    this.rng = new Prng(seed);
  }

  now(): number {
    return this.clock.now();
  }

  timeView(): TimeView {
    return this.time.at(this.clock.now());
  }

  random(): number {
    return this.rng.uniform();
  }

  nextId(kind: 'task' | 'reservation'): string {
    return this.ids.next(kind);
  }

  /**
   * Queues a domain event; it is published when the outermost engine call returns, so
   * subscribers (which may call the engine) never see or change a half-made decision.
   * Skipped entirely when the bus says nobody listens.
   */
  emit<K extends HotlineEventType>(
    type: K,
    payload: Omit<Extract<EventInput, { type: K }>, 'type' | 'tenantId' | 'id' | 'at'>,
  ): void {
    if (this.busListeners.hasListeners && !this.busListeners.hasListeners(type)) return;
    this.outbox.push({
      ...payload,
      type,
      tenantId: this.settings.tenantId,
      at: new Date(this.clock.now()).toISOString(),
    });
  }

  /** Events waiting for the outermost call to return. */
  readonly outbox: Record<string, unknown>[] = [];
  /** Nesting depth of engine calls (subscribers may call back in while events are delivered). */
  depth = 0;

  wantsEvent(type: HotlineEventType): boolean {
    return !this.busListeners.hasListeners || this.busListeners.hasListeners(type);
  }

  /** Moves a task out of the live set into the bounded memory of finished ones. */
  retire(task: TaskState): void {
    this.tasks.delete(task.id);
    remember(this.finished, this.finishedRing, task.id, task);
  }

  endReservation(reservation: Reservation): void {
    this.reservations.delete(reservation.id);
    remember(this.endedReservations, this.endedRing, reservation.id, reservation);
  }

  // Eviction order lives in rings: evicting a Map's oldest key by iteration slows down as
  // deleted entries pile up at its front.
  private readonly finishedRing = { ids: new Array<string | undefined>(FINISHED_MEMORY), next: 0 };
  private readonly endedRing = { ids: new Array<string | undefined>(FINISHED_MEMORY), next: 0 };
}

/** Adds to a bounded map, evicting the entry added `FINISHED_MEMORY` calls ago. */
function remember<T>(
  map: Map<string, T>,
  ring: { ids: (string | undefined)[]; next: number },
  id: string,
  value: T,
): void {
  const evicted = ring.ids[ring.next];
  if (evicted !== undefined) map.delete(evicted);
  ring.ids[ring.next] = id;
  ring.next = (ring.next + 1) % ring.ids.length;
  map.set(id, value);
}
