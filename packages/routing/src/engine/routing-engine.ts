import {
  AlreadyExistsError,
  type Clock,
  ConflictError,
  createBusinessCalendar,
  createIdGenerator,
  type EventBus,
  type EventInput,
  type IdGenerator,
  IllegalTransitionError,
  InMemoryEventBus,
  NotFoundError,
  parseInput,
  systemClock,
  ValidationError,
} from '@hotline/core';
import { z } from 'zod';
import { compileExpression } from '../expression/compile.js';
import { adoptTask } from './adopt.js';
import { changeActivity, flushAgents, recomputeMemberships, refreshAgent } from './agent-ops.js';
import { AgentState } from './agent-state.js';
import {
  type ActivityDefinition,
  type AdoptTaskInput,
  adoptTaskInputSchema,
  DEFAULT_ACTIVITIES,
  engineSettingsSchema,
  type QueueDefinitionInput,
  type QueueHours,
  queueDefinitionSchema,
  type RoutingAgentInput,
  routingAgentInputSchema,
  type TaskInput,
  taskInputSchema,
  type WorkflowDefinitionInput,
  workflowDefinitionSchema,
} from './definitions.js';
import { EngineState } from './engine-state.js';
import { explainTask, type TaskExplanation } from './explain.js';
import { newTask } from './intake.js';
import { requestRouting, routeAgent, settle } from './matching.js';
import type { QueueStats } from './queue-state.js';
import { compileWorkflow, createQueue } from './routes.js';
import { accept, cancel, complete, endOffer, enterStep, finish, unwait } from './task-flow.js';
import type { TaskState } from './task-state.js';
import { type AgentStats, type AgentView, agentStats, agentView, type TaskView, taskView } from './views.js';

/** Options of a {@link RoutingEngine}. */
export interface RoutingEngineOptions {
  /** The tenant this engine routes for (one engine per tenant). */
  tenantId: string;
  /** @default systemClock */
  clock?: Clock;
  /** Where domain events go. @default a new in-process bus */
  bus?: EventBus;
  /** Extra or overriding activities (name + routable); `offline`, `available`, `break`… exist. */
  activities?: ActivityDefinition[];
  /** @default 120 */
  reservationTimeoutSeconds?: number;
  /** @default 1 */
  maxParallelOffers?: number;
  /** Seconds before a task is offered again to an agent who refused or missed it. @default 300 */
  refusalCooldownSeconds?: number;
  /** Activity for an agent who lets an offer time out (e.g. `break`). @default unchanged */
  missedOfferActivity?: string;
  /** Time zone of `time.*` in expressions. @default 'UTC' */
  timeZone?: string;
  /** Seed of the weighted-random strategy. @default 1 */
  seed?: number;
  /** Minutes in the rolling statistics window. @default 60 */
  statsWindowMinutes?: number;
  /** Known skill names; when given, agents, queues and steps naming others are refused. */
  skills?: readonly string[];
  /**
   * Makes task and reservation ids. Pass a generator with seeded randomness (see
   * `createIdGenerator`) to make whole runs, ids included, reproducible.
   * @default time-sortable ids on the engine's clock with random bits
   */
  ids?: IdGenerator;
}

const reasonSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z][a-z0-9_]*$/, 'a reason such as abandoned');

/** The engine's internal state, for tests and tooling in this package (not exported publicly). */
const internals = new WeakMap<RoutingEngine, EngineState>();

/** Internal state of an engine; tests use it for brute-force checks. @internal */
export function engineInternals(engine: RoutingEngine): EngineState {
  return internals.get(engine) as EngineState;
}

/**
 * The skills-based router: queues, workflows with bullseye steps, agents with per-channel
 * capacity, reservations, strategies, overflow, business hours, live statistics and
 * `explain`. It is synchronous and deterministic under a `SimulatedClock`: the same
 * inputs in the same order give the same decisions.
 *
 * Every routing decision is O(log n): agents are indexed per (target, channel) by the
 * strategy's key, tasks per (target, channel) by priority and age; a decision looks at the
 * top of an index, never at every agent.
 *
 * @example
 * ```ts
 * const engine = new RoutingEngine({ tenantId: 'acme' });
 * engine.defineQueue({ id: 'support', skills: { support: 3 } });
 * engine.addAgent({ id: 'ana', skills: { support: 7 }, capacity: { webchat: 3 }, activity: 'available' });
 * const task = engine.submit({ queueId: 'support', channel: 'webchat' });
 * engine.getTask(task.id).reservations; // [{ agentId: 'ana', … }]
 * engine.accept(engine.getTask(task.id).reservations[0].id);
 * ```
 */
export class RoutingEngine {
  private readonly s: EngineState;
  private readonly skillCatalog: Set<string> | undefined;
  readonly bus: EventBus;

  constructor(options: RoutingEngineOptions) {
    const settings = parseInput(
      engineSettingsSchema,
      {
        tenantId: options.tenantId,
        activities: options.activities ?? [],
        reservationTimeoutSeconds: options.reservationTimeoutSeconds,
        maxParallelOffers: options.maxParallelOffers,
        missedOfferActivity: options.missedOfferActivity,
        refusalCooldownSeconds: options.refusalCooldownSeconds,
        timeZone: options.timeZone,
        seed: options.seed,
        statsWindowMinutes: options.statsWindowMinutes,
      },
      'routing engine options',
    );
    const clock = options.clock ?? systemClock;
    this.bus = options.bus ?? new InMemoryEventBus({ clock });
    this.s = new EngineState(
      {
        tenantId: settings.tenantId,
        reservationTimeoutMs: settings.reservationTimeoutSeconds * 1000,
        maxParallelOffers: settings.maxParallelOffers,
        missedOfferActivity: settings.missedOfferActivity,
        statsWindowMinutes: settings.statsWindowMinutes,
        refusalCooldownMs: settings.refusalCooldownSeconds * 1000,
      },
      clock,
      this.bus,
      settings.timeZone,
      settings.seed,
      () => this.tick(),
      options.ids ?? createIdGenerator({ now: () => clock.now() }),
    );
    for (const activity of [...DEFAULT_ACTIVITIES, ...settings.activities])
      this.s.activities.set(activity.name, activity);
    if (settings.missedOfferActivity !== undefined && !this.s.activities.has(settings.missedOfferActivity)) {
      throw invalid('missedOfferActivity', `unknown activity ${settings.missedOfferActivity}`);
    }
    this.skillCatalog = options.skills ? new Set(options.skills) : undefined;
    internals.set(this, this.s);
  }

  get tenantId(): string {
    return this.s.settings.tenantId;
  }

  /** Routing decisions made so far (each offer chosen, or each search that found nobody). */
  get decisions(): number {
    return this.s.decisions;
  }

  // ---------------------------------------------------------------------------------------
  // Configuration
  // ---------------------------------------------------------------------------------------

  /** Defines a queue. `hours` (an object with `isOpen(epochMs)`) is optional. */
  defineQueue(input: QueueDefinitionInput & { hours?: QueueHours }): QueueStats {
    return this.run(() => {
      const definition = parseInput(queueDefinitionSchema, input, 'queue');
      if (this.s.queues.has(definition.id)) throw new AlreadyExistsError('queue', definition.id);
      this.checkSkills(definition.skills, 'skills');
      if (definition.expression !== undefined) compileExpression(definition.expression);
      for (const target of [definition.overflowTo?.queueId, closedTarget(definition.whenClosed)]) {
        if (target !== undefined && target !== definition.id && !this.s.queues.has(target))
          throw new NotFoundError('queue', target);
      }
      if (input.hours !== undefined && typeof input.hours?.isOpen !== 'function') {
        throw invalid('hours', 'an object with isOpen(epochMs)');
      }
      if (input.hours !== undefined && definition.calendar !== undefined)
        throw invalid('hours', 'give calendar or hours, not both');
      const hours = input.hours ?? (definition.calendar ? createBusinessCalendar(definition.calendar) : undefined);
      const queue = createQueue(this.s, { ...definition, ...(hours ? { hours } : {}) });
      for (const agent of this.s.agents.values()) routeAgent(this.s, agent);
      return () => queue.stats(this.s.now());
    });
  }

  /** Defines a workflow; every queue it names must exist. */
  defineWorkflow(input: WorkflowDefinitionInput): void {
    this.run(() => {
      const definition = parseInput(workflowDefinitionSchema, input, 'workflow');
      if (this.s.workflows.has(definition.id)) throw new AlreadyExistsError('workflow', definition.id);
      const steps = [...definition.filters.flatMap((f) => f.steps), ...(definition.defaultSteps ?? [])];
      for (const step of steps) {
        if (!this.s.queues.has(step.queueId)) throw new NotFoundError('queue', step.queueId);
        this.checkSkills(step.skills ?? {}, 'steps.skills');
        if (step.whenClosed?.action === 'overflow' && !this.s.queues.has(step.whenClosed.queueId)) {
          throw new NotFoundError('queue', step.whenClosed.queueId);
        }
        if (step.expression !== undefined) compileExpression(step.expression);
      }
      for (const filter of definition.filters) if (filter.match !== undefined) compileExpression(filter.match);
      this.s.workflows.set(definition.id, compileWorkflow(this.s, definition));
      for (const agent of this.s.agents.values()) routeAgent(this.s, agent);
    });
  }

  // ---------------------------------------------------------------------------------------
  // Agents
  // ---------------------------------------------------------------------------------------

  /** Adds an agent (`ALREADY_EXISTS` if the id is taken). An available agent pulls waiting work at once. */
  addAgent(input: RoutingAgentInput): AgentView {
    return this.run(() => {
      const parsed = parseInput(routingAgentInputSchema, input, 'agent');
      if (this.s.agents.has(parsed.id)) throw new AlreadyExistsError('agent', parsed.id);
      this.checkAgent(parsed);
      const agent = new AgentState(parsed.id, this.s.agentSlots++, this.s.now());
      this.s.agents.set(agent.id, agent);
      this.apply(agent, parsed);
      return () => agentView(agent);
    });
  }

  /** Replaces an agent's profile (skills, languages, capacity, attributes, activity). */
  updateAgent(input: RoutingAgentInput): AgentView {
    return this.run(() => {
      const parsed = parseInput(routingAgentInputSchema, input, 'agent');
      const agent = this.agent(parsed.id);
      this.checkAgent(parsed);
      this.apply(agent, parsed);
      return () => agentView(agent);
    });
  }

  /** Removes an agent with no assigned work; pending offers are withdrawn and re-routed. */
  removeAgent(agentId: string): void {
    this.run(() => {
      const agent = this.agent(agentId);
      if (agent.tasks.size > 0) {
        throw new ConflictError(`agent ${agentId} still holds ${agent.tasks.size} task(s)`, {
          details: { reason: 'agent_busy', taskIds: [...agent.tasks].map((t) => t.id) },
        });
      }
      changeActivity(this.s, agent, 'offline');
      for (const { target } of agent.memberships) target.remove(agent);
      agent.memberships.length = 0;
      for (const queue of agent.queues) {
        queue.presenceCounts[agent.presence]--;
        this.s.dirtyQueues.add(queue);
      }
      agent.queues.clear();
      this.s.agents.delete(agentId);
    });
  }

  /** Changes an agent's activity (`available`, `break`…). Going unroutable withdraws pending offers. */
  setActivity(agentId: string, activity: string): AgentView {
    return this.run(() => {
      const agent = this.agent(agentId);
      if (!this.s.activities.has(activity)) throw new NotFoundError('activity', String(activity));
      changeActivity(this.s, agent, activity);
      return () => agentView(agent);
    });
  }

  // ---------------------------------------------------------------------------------------
  // Tasks
  // ---------------------------------------------------------------------------------------

  /** Submits a task: the workflow picks its steps; it is offered at once or waits. */
  submit(input: TaskInput): TaskView {
    return this.run(() => {
      const parsed = parseInput(taskInputSchema, input, 'task');
      const task = newTask(this.s, parsed);
      const now = this.s.now();
      task.preferred = parsed.preferredAgents
        .map((p) => ({ agentId: p.agentId, until: Date.parse(p.until) }))
        .filter((p) => p.until > now);
      task.preferredUntil = Math.max(0, ...task.preferred.map((p) => p.until));
      if (parsed.refusedBy.length > 0) this.refuseAtStart(task, parsed.refusedBy);
      this.s.tasks.set(task.id, task);
      if (task.preferredUntil > now)
        task.preferTimer = this.s.deadlines.add(task.preferredUntil, () => this.openUp(task));
      const workflowTimeout = task.workflow?.taskTimeoutMs;
      if (workflowTimeout !== undefined) {
        task.taskTimer = this.s.deadlines.add(now + workflowTimeout, () => {
          task.taskTimer = undefined;
          if (task.status === 'pending' || task.status === 'reserved') cancel(this.s, task, 'timeout');
        });
      }
      const first = task.steps[0];
      this.s.emit('task.created', {
        taskId: task.id,
        channel: task.channel,
        priority: task.priority,
        queueId: first ? first.target.queue.id : '',
        ...(task.workflow ? { workflowId: task.workflow.definition.id } : {}),
      });
      enterStep(this.s, task, 0, true);
      return () => taskView(task);
    });
  }

  /**
   * Takes in a task that an agent already holds (work assigned before a restart), straight
   * in the `assigned` state: no offer, one slot of the agent's capacity taken (even past
   * its limit), no queue figure counted. Emits `task.created` and `task.adopted`.
   */
  adopt(input: AdoptTaskInput): TaskView {
    return this.run(() => {
      const parsed = parseInput(adoptTaskInputSchema, input, 'task');
      const agent = this.agent(parsed.agentId);
      const task = newTask(this.s, parsed);
      adoptTask(this.s, task, agent, parsed.assignedAt === undefined ? this.s.now() : Date.parse(parsed.assignedAt));
      return () => taskView(task);
    });
  }

  /** Accepts an offer. A withdrawn, rejected or expired offer is `ILLEGAL_TRANSITION`; nothing changes. */
  accept(reservationId: string): TaskView {
    return this.run(() => {
      const reservation = this.pendingReservation(reservationId, 'accept');
      accept(this.s, reservation);
      return () => taskView(reservation.task);
    });
  }

  /**
   * Declines an offer; the task is routed again, and not offered to this agent again for
   * `refusalCooldownSeconds`.
   */
  reject(reservationId: string): TaskView {
    return this.run(() => {
      const reservation = this.pendingReservation(reservationId, 'reject');
      endOffer(this.s, reservation, 'rejected');
      return () => taskView(reservation.task);
    });
  }

  /** The agent finished talking or chatting: wrap-up (if the queue has one) or completion. */
  complete(taskId: string): TaskView {
    return this.run(() => {
      const task = this.liveTask(taskId);
      if (task.status !== 'assigned') throw new IllegalTransitionError('task', task.status, 'complete');
      complete(this.s, task);
      return () => taskView(task);
    });
  }

  /** Ends wrap-up early; the agent's slot is free at once. */
  completeWrapUp(taskId: string): TaskView {
    return this.run(() => {
      const task = this.liveTask(taskId);
      if (task.status !== 'wrapping') throw new IllegalTransitionError('task', task.status, 'complete_wrap_up');
      finish(this.s, task);
      return () => taskView(task);
    });
  }

  /** Cancels an open task; `reason: 'abandoned'` (the customer left) counts in abandonment. */
  cancel(taskId: string, reason = 'canceled'): TaskView {
    return this.run(() => {
      const why = parseInput(reasonSchema, reason, 'cancel reason');
      const task = this.liveTask(taskId);
      cancel(this.s, task, why);
      return () => taskView(task);
    });
  }

  /** Moves an unassigned task to another queue (its waiting time there starts again). */
  transfer(taskId: string, queueId: string): TaskView {
    return this.run(() => {
      const task = this.liveTask(taskId);
      const queue = this.s.queues.get(queueId);
      if (!queue) throw new NotFoundError('queue', queueId);
      if (task.status !== 'pending') throw new IllegalTransitionError('task', task.status, 'transfer');
      if (!queue.base.serves(task.channel)) throw invalid('queueId', `queue ${queueId} does not serve ${task.channel}`);
      unwait(this.s, task);
      task.steps = queue.baseRoute;
      enterStep(this.s, task, 0, true);
      return () => taskView(task);
    });
  }

  // ---------------------------------------------------------------------------------------
  // Reading
  // ---------------------------------------------------------------------------------------

  getTask(taskId: string): TaskView {
    const task = this.s.tasks.get(taskId) ?? this.s.finished.get(taskId);
    if (!task) throw new NotFoundError('task', taskId);
    return taskView(task);
  }

  getAgent(agentId: string): AgentView {
    return agentView(this.agent(agentId));
  }

  agentStats(agentId: string): AgentStats {
    return agentStats(this.agent(agentId), this.s.now());
  }

  queueStats(queueId: string): QueueStats {
    const queue = this.s.queues.get(queueId);
    if (!queue) throw new NotFoundError('queue', queueId);
    return queue.stats(this.s.now());
  }

  allQueueStats(): QueueStats[] {
    const now = this.s.now();
    return [...this.s.queues.values()].map((queue) => queue.stats(now));
  }

  /** Open tasks (pending, reserved, assigned, wrapping). */
  openTasks(): TaskView[] {
    return [...this.s.tasks.values()].map(taskView);
  }

  /** Why a task is where it is: step, requirements, candidates in strategy order, last decision. */
  explain(taskId: string): TaskExplanation {
    const task = this.s.tasks.get(taskId) ?? this.s.finished.get(taskId);
    if (!task) throw new NotFoundError('task', taskId);
    flushAgents(this.s);
    return explainTask(this.s, task);
  }

  /** Fires due timeouts (offers, steps, overflow, wrap-up). The clock calls it; tests may too. */
  tick(): void {
    this.run(() => {
      this.s.deadlines.runDue(this.s.now());
    });
  }

  /** When the next timeout is due (ms since epoch), if any. */
  nextDeadline(): number | undefined {
    return this.s.deadlines.next();
  }

  /** Stops the engine's clock timer (timeouts stop firing until the next call that arms it). */
  stop(): void {
    this.s.deadlines.stop();
  }

  // ---------------------------------------------------------------------------------------

  /**
   * Runs a public operation: validation failures leave no trace because every check runs
   * before the first change, and events are delivered only after the outermost call.
   */
  private run<T>(operation: () => () => T): T;
  private run(operation: () => void): void;
  private run(operation: () => unknown): unknown {
    this.s.depth++;
    try {
      const view = operation();
      // Decisions the operation asked for are made once it is done, in priority order;
      // the caller then sees their outcome (indexes and presence included).
      settle(this.s);
      flushAgents(this.s);
      return typeof view === 'function' ? view() : undefined;
    } finally {
      this.s.depth--;
      if (this.s.depth === 0) this.flush();
    }
  }

  private flush(): void {
    flushAgents(this.s);
    this.s.depth++;
    try {
      for (;;) {
        if (this.s.dirtyQueues.size > 0 && this.s.wantsEvent('queue.stats_changed')) {
          const now = this.s.now();
          for (const queue of this.s.dirtyQueues)
            this.s.emit('queue.stats_changed', { queueId: queue.id, stats: queue.stats(now) });
        }
        this.s.dirtyQueues.clear();
        // A subscriber may have called the engine; its decisions are made before more events go out.
        settle(this.s);
        flushAgents(this.s);
        const event = this.s.outbox.shift();
        if (!event) break;
        this.bus.publish(event as unknown as EventInput).catch(() => undefined);
      }
    } finally {
      this.s.depth--;
    }
  }

  private apply(agent: AgentState, parsed: z.output<typeof routingAgentInputSchema>): void {
    agent.name = parsed.name;
    agent.skills = parsed.skills;
    agent.languages = parsed.languages;
    agent.attributes = parsed.attributes;
    agent.setCapacity(parsed.capacity, parsed.totalCapacity, parsed.channelCost ?? {});
    agent.refreshView();
    recomputeMemberships(this.s, agent);
    // Capacity may have shrunk below what is held: nothing is taken away, new work just stops.
    refreshAgent(this.s, agent);
    if (agent.activity !== parsed.activity) changeActivity(this.s, agent, parsed.activity);
    routeAgent(this.s, agent);
  }

  private checkAgent(parsed: z.output<typeof routingAgentInputSchema>): void {
    if (!this.s.activities.has(parsed.activity)) throw new NotFoundError('activity', parsed.activity);
    this.checkSkills(parsed.skills, 'skills');
  }

  private checkSkills(skills: Record<string, number>, path: string): void {
    if (!this.skillCatalog) return;
    for (const skill of Object.keys(skills))
      if (!this.skillCatalog.has(skill)) throw invalid(path, `unknown skill ${skill}`);
  }

  private agent(agentId: string): AgentState {
    const agent = this.s.agents.get(agentId);
    if (!agent) throw new NotFoundError('agent', String(agentId));
    return agent;
  }

  private liveTask(taskId: string): TaskState {
    const task = this.s.tasks.get(taskId);
    if (task) return task;
    const done = this.s.finished.get(taskId);
    if (done) throw new IllegalTransitionError('task', done.status, 'change');
    throw new NotFoundError('task', String(taskId));
  }

  private pendingReservation(reservationId: string, action: string) {
    const reservation = this.s.reservations.get(reservationId);
    if (reservation) return reservation;
    const ended = this.s.endedReservations.get(reservationId);
    if (ended) throw new IllegalTransitionError('reservation', ended.status, action);
    throw new NotFoundError('reservation', String(reservationId));
  }

  /**
   * Agents who turned a new task down: not offered it for the refusal cooldown, then
   * offered it again like after a rejection (see `endOffer`).
   */
  private refuseAtStart(task: TaskState, agentIds: readonly string[]): void {
    const cooldownMs = this.s.settings.refusalCooldownMs;
    if (cooldownMs === 0) return;
    const until = this.s.now() + cooldownMs;
    for (const agentId of agentIds) task.refuse(agentId, until);
    this.s.deadlines.add(until, () => {
      if (task.status !== 'pending') return;
      for (const agentId of agentIds) {
        if (task.refusedUntil(agentId) !== until) continue;
        task.forgive(agentId);
        const agent = this.s.agents.get(agentId);
        if (agent) routeAgent(this.s, agent);
      }
      requestRouting(this.s, task);
    });
  }

  /** A task's preference expired: anyone eligible may take it now. */
  private openUp(task: TaskState): void {
    task.preferTimer = undefined;
    requestRouting(this.s, task);
  }
}

function invalid(path: string, message: string): ValidationError {
  return new ValidationError(`Invalid ${path}: ${message}`, [{ path, message }]);
}

function closedTarget(action: { action: string; queueId?: string | undefined }): string | undefined {
  return action.action === 'overflow' || action.action === 'callback' ? action.queueId : undefined;
}
