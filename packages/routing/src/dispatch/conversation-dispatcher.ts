import {
  activityNameSchema,
  type ConversationLifecycleEventType,
  type Dispatcher,
  type DispatchNotice,
  type DispatchOffer,
  type DispatchRequest,
  type EventBus,
  IllegalTransitionError,
  NotFoundError,
  parseInput,
  type StatsSnapshot,
  type TransferTarget,
  transferTargetSchema,
  UnavailableError,
  type Unsubscribe,
  ValidationError,
  type WrapUp,
  wrapUpSchema,
} from '@hotline/core';
import type { Reservation } from '../engine/reservation.js';
import { engineInternals, type RoutingEngine } from '../engine/routing-engine.js';
import { chooseActivity, connectAgent, defaultAgentProfile, disconnectAgent, OFFLINE } from './agent-session.js';
import type { DispatchContext } from './context.js';
import { closeByAgent, customerLeft, enqueueConversation } from './conversation-jobs.js';
import { checkIds, dispatchRequestSchema } from './dispatch-inputs.js';
import { onActivityEvent, onTaskEvent } from './engine-events.js';
import { NoticeHub, toDispatchOffer } from './notices.js';
import type { ConversationDispatcherOptions, RestoreReport } from './options.js';
import { queueReachable } from './reachability.js';
import { restoreTenant } from './restore.js';
import { StatsPulse, statsSnapshot } from './stats.js';
import { requestSync } from './sync.js';
import { TenantRuntime, type Tracked } from './tenant-runtime.js';
import { transferConversation } from './transfer.js';

/**
 * Lifecycle causes of the dispatcher's own core writes. A status change with any other
 * cause was made by someone else (a transfer, a snooze, a resolve through another API):
 * the conversation's task is synced so routing follows.
 */
const OWN_CAUSES: ReadonlySet<ConversationLifecycleEventType> = new Set([
  'enqueue',
  'offer',
  'accept',
  'reject',
  'offer_timeout',
  'end',
]);

/** Core statuses in which a conversation is with its assignee. */
const WITH_AGENT = new Set(['active', 'pending', 'wrap_up', 'resolved', 'closed']);

/**
 * The `Dispatcher` of `@hotline/core` on the routing engine and core's conversations:
 * channels hand it conversations and agents' answers, and never touch either directly.
 *
 * - **The engine decides, core follows.** Offers, acceptance and the ends of offers are
 *   decided synchronously by the tenant's `RoutingEngine`; each decision is then written
 *   to core (`offer`, `accept`, `reject`, `offer_timeout`, `end`, `abandon`) through one
 *   lane per tenant, in the order the engine made them. Two accepts of one conversation
 *   cannot both win, and an accept racing an offer timeout is settled by whichever reaches
 *   the engine first.
 * - **Notices** (`offer`, `offer_ended`, `agent`) go out in that same order, an offer only
 *   once core shows the conversation offered.
 * - **Agents** come from core's agent records. The first connection loads the agent with
 *   the activity it last chose; when the last one goes, the agent is `offline` (not
 *   routable: pending offers are withdrawn) and keeps its conversations.
 * - **Restarts.** The engine lives in memory; core storage holds the conversations and a
 *   task record per routed conversation. `restore` (run on a tenant's first use by
 *   default) puts waiting conversations back in line and gives assigned ones back to their
 *   agents, capacity included.
 * - **Timeouts** run on the engines' own timers (each engine arms one clock timer for its
 *   next deadline); `close` stops them.
 *
 * @example
 * ```ts
 * import { createHotline } from '@hotline/core';
 * import { createConversationDispatcher, RoutingEngine } from '@hotline/routing';
 *
 * const hotline = createHotline();
 * const engine = new RoutingEngine({ tenantId: 'acme', clock: hotline.clock });
 * engine.defineQueue({ id: 'support' });
 * const dispatcher = createConversationDispatcher({ hotline, engines: [engine] });
 * await dispatcher.start(); // restores what a previous process left
 * dispatcher.subscribe((notice) => console.log(notice.type));
 * await dispatcher.setConnected('acme', 'agt_ana', true);
 * await dispatcher.setActivity('acme', 'agt_ana', 'available');
 * await dispatcher.enqueue({ tenantId: 'acme', conversationId, channel: 'webchat', queueId: 'support', attributes: {} });
 * // … an `offer` notice for agt_ana; then:
 * await dispatcher.accept('acme', 'agt_ana', reservationId); // the conversation is `active` in core
 * ```
 */
export class ConversationDispatcher implements Dispatcher {
  private readonly ctx: DispatchContext;
  private readonly notices: NoticeHub;
  private readonly engines = new Map<string, RoutingEngine>();
  private readonly engineFor: ((tenantId: string) => RoutingEngine | undefined) | undefined;
  private readonly restoreOnAttach: boolean;
  private readonly tenants = new Map<string, TenantRuntime>();
  private readonly buses = new Map<EventBus, Unsubscribe[]>();
  private readonly offCore: Unsubscribe;
  private readonly pulse: StatsPulse;
  private closed = false;

  constructor(options: ConversationDispatcherOptions) {
    const { hotline } = options;
    if (!hotline?.conversations || !hotline.storage || !hotline.bus) {
      throw invalid('hotline', 'a Hotline from createHotline()');
    }
    for (const engine of options.engines ?? []) {
      if (this.engines.has(engine.tenantId)) throw invalid('engines', `two engines for tenant ${engine.tenantId}`);
      this.engines.set(engine.tenantId, engine);
    }
    if (options.engineFor !== undefined && typeof options.engineFor !== 'function') {
      throw invalid('engineFor', 'a function');
    }
    this.engineFor = options.engineFor;
    this.restoreOnAttach = options.restoreOnAttach ?? true;
    const onError =
      options.onError ??
      ((error: unknown, context) => console.error(`[hotline] dispatcher ${context.operation} failed`, context, error));
    const report: DispatchContext['report'] = (error, context) => {
      try {
        onError(error, context);
      } catch {
        // An error reporter that throws must not break routing.
      }
    };
    this.notices = new NoticeHub((error, notice) =>
      report(error, {
        tenantId: notice.type === 'offer' ? notice.offer.tenantId : notice.tenantId,
        operation: 'notice',
      }),
    );
    const workflowId = options.workflowId;
    this.ctx = {
      hotline,
      clock: options.clock ?? hotline.clock,
      notices: this.notices,
      report,
      workflowOf: (tenantId) => (typeof workflowId === 'function' ? workflowId(tenantId) : workflowId),
      agentProfile: options.agentProfile ?? defaultAgentProfile,
    };
    this.pulse = new StatsPulse(this.ctx.clock, (tenantId) => this.notices.emit({ type: 'stats', tenantId }));
    this.offCore = hotline.bus.subscribe('conversation.status_changed', (event) => {
      if (OWN_CAUSES.has(event.cause as ConversationLifecycleEventType)) return;
      const rt = this.tenants.get(event.tenantId);
      const tracked = rt?.byConversation.get(event.conversationId);
      if (rt && tracked) this.backgroundSync(rt, tracked);
    });
  }

  // ---------------------------------------------------------------------------------------
  // Conversations
  // ---------------------------------------------------------------------------------------

  /**
   * Puts a conversation in line (core `queued`) and submits its task: to `queueId`, else
   * the queue the conversation names, else the `workflowId` option. Idempotent: a
   * conversation already in line or with an agent is left as it is. An `offered`
   * conversation with no task (a previous process's offer) goes back to `queued` first.
   */
  async enqueue(request: DispatchRequest): Promise<void> {
    const parsed = parseInput(dispatchRequestSchema, request, 'dispatch request');
    const rt = this.runtime(parsed.tenantId);
    await rt.lane.run(() => enqueueConversation(this.ctx, rt, parsed));
  }

  /**
   * Takes an offer. The engine decides at once (the conversation's other offers are
   * withdrawn); the promise resolves once core shows the conversation `active` with this
   * agent. Taking an offer already taken by the same agent resolves again (a retry); an
   * offer that ended is `ILLEGAL_TRANSITION`; another agent's or tenant's is `NOT_FOUND`.
   */
  async accept(tenantId: string, agentId: string, reservationId: string): Promise<{ conversationId: string }> {
    checkIds(tenantId, { 'agent id': agentId, 'reservation id': reservationId });
    const rt = this.runtime(tenantId);
    await rt.ready;
    const { reservation, tracked } = this.reservationOf(rt, agentId, reservationId);
    const task = reservation.task;
    if (reservation.status === 'pending') rt.engine.accept(reservationId);
    else if (!(reservation.status === 'accepted' && task.agent?.id === agentId && task.status !== 'canceled')) {
      throw new IllegalTransitionError('reservation', reservation.status, 'accept');
    }
    const conversation = await requestSync(this.ctx, rt, tracked);
    if (!conversation || conversation.assigneeId !== agentId || !WITH_AGENT.has(conversation.status)) {
      // Core moved the conversation elsewhere meanwhile (the customer left…): the sync released the task.
      throw new IllegalTransitionError('conversation', conversation?.status ?? 'deleted', 'accept', {
        details: { conversationId: tracked.conversationId },
      });
    }
    return { conversationId: tracked.conversationId };
  }

  /**
   * Declines an offer: the conversation goes back in line (core `reject`) and is not
   * offered to this agent again for the engine's refusal cooldown. Resolves once core
   * shows it; declining twice resolves again.
   */
  async reject(tenantId: string, agentId: string, reservationId: string): Promise<void> {
    checkIds(tenantId, { 'agent id': agentId, 'reservation id': reservationId });
    const rt = this.runtime(tenantId);
    await rt.ready;
    const { reservation, tracked } = this.reservationOf(rt, agentId, reservationId);
    if (reservation.status === 'pending') rt.engine.reject(reservationId);
    else if (reservation.status !== 'rejected')
      throw new IllegalTransitionError('reservation', reservation.status, 'reject');
    await requestSync(this.ctx, rt, tracked);
  }

  /**
   * The agent ends the interaction: core `end` (wrap-up), and the task completes (wrap-up
   * time if the queue has one). A `wrapUp` is stored on the conversation
   * (`attributes.disposition`, `attributes.wrapUpNotes`) and audited; given for a
   * conversation already in wrap-up (the customer left first), only it is recorded.
   *
   * @example
   * ```ts
   * await dispatcher.end('acme', 'agt_ana', conversationId, { disposition: 'refund_issued', notes: 'order 1182' });
   * ```
   */
  async end(tenantId: string, agentId: string, conversationId: string, wrapUp?: WrapUp): Promise<void> {
    checkIds(tenantId, { 'agent id': agentId, 'conversation id': conversationId });
    const parsed = wrapUp === undefined ? undefined : parseInput(wrapUpSchema, wrapUp, 'wrap-up');
    const rt = this.runtime(tenantId);
    await rt.lane.run(() => closeByAgent(this.ctx, rt, agentId, conversationId, 'end', parsed));
  }

  /**
   * Hands a conversation `byAgentId` holds to a queue or to one agent, with its history:
   * it is the same conversation. The agent's slot is freed at once (no wrap-up) and core
   * records a `transfer`. A queue target puts it in line there, routing attributes kept;
   * an agent target offers it to that agent only, and when that agent declines, misses
   * the offer or goes away, it goes back to the conversation's queue. Either way the
   * transferring agent is not offered it again for the engine's refusal cooldown.
   *
   * Errors, each leaving everything as it was: not held by `byAgentId` `FORBIDDEN`; not
   * `active` or `pending` `ILLEGAL_TRANSITION`; an unknown queue or agent `NOT_FOUND`; a
   * queue not serving the channel, or the agent itself, `VALIDATION_FAILED`; an agent
   * target that cannot be offered it now `CONFLICT` with `details.reason` `agent_offline`,
   * `agent_unavailable` (an unroutable activity), `agent_at_capacity` or
   * `agent_not_eligible` (in no queue serving the channel).
   *
   * @example
   * ```ts
   * await dispatcher.transfer('acme', 'agt_ana', conversationId, { queueId: 'billing' });
   * await dispatcher.transfer('acme', 'agt_bo', conversationId, { agentId: 'agt_chen' });
   * ```
   */
  async transfer(tenantId: string, byAgentId: string, conversationId: string, target: TransferTarget): Promise<void> {
    checkIds(tenantId, { 'agent id': byAgentId, 'conversation id': conversationId });
    const parsed = parseInput(transferTargetSchema, target, 'transfer target');
    const rt = this.runtime(tenantId);
    await rt.lane.run(() => transferConversation(this.ctx, rt, byAgentId, conversationId, parsed));
  }

  /** Wrap-up is done: core `resolve`, and the agent's slot is freed. */
  async resolve(tenantId: string, agentId: string, conversationId: string): Promise<void> {
    checkIds(tenantId, { 'agent id': agentId, 'conversation id': conversationId });
    const rt = this.runtime(tenantId);
    await rt.lane.run(() => closeByAgent(this.ctx, rt, agentId, conversationId, 'resolve'));
  }

  /** The customer left: a waiting conversation is abandoned, one with an agent goes to wrap-up. */
  async customerLeft(tenantId: string, conversationId: string): Promise<void> {
    checkIds(tenantId, { 'conversation id': conversationId });
    const rt = this.runtime(tenantId);
    await rt.lane.run(() => customerLeft(this.ctx, rt, conversationId));
  }

  // ---------------------------------------------------------------------------------------
  // Agents
  // ---------------------------------------------------------------------------------------

  /**
   * `true`: the agent (a core agent record of the tenant, else `NOT_FOUND`) enters routing
   * with the activity it last chose. `false`: its last connection went; it becomes
   * `offline`, its pending offers are withdrawn and offered to others, its conversations stay.
   */
  async setConnected(tenantId: string, agentId: string, connected: boolean): Promise<void> {
    checkIds(tenantId, { 'agent id': agentId });
    if (typeof connected !== 'boolean') throw invalid('connected', 'true or false');
    const rt = this.runtime(tenantId);
    await rt.lane.run(() => (connected ? connectAgent(this.ctx, rt, agentId) : disconnectAgent(this.ctx, rt, agentId)));
  }

  /**
   * Sets the agent's activity, one the engine knows (`VALIDATION_FAILED` otherwise). It is
   * stored on the agent record, applied at once while the agent is connected, and resumed
   * on its next connection.
   */
  async setActivity(tenantId: string, agentId: string, activity: string): Promise<void> {
    checkIds(tenantId, { 'agent id': agentId });
    parseInput(activityNameSchema, activity, 'activity');
    const rt = this.runtime(tenantId);
    if (!rt.hasActivity(activity)) throw invalid('activity', `unknown activity ${activity}`);
    await rt.lane.run(() => chooseActivity(this.ctx, rt, agentId, activity));
  }

  /** The agent's activity in routing (`offline` while disconnected), or `undefined` if it never connected. */
  activityOf(tenantId: string, agentId: string): string | undefined {
    checkIds(tenantId, { 'agent id': agentId });
    const rt = this.runtime(tenantId);
    return rt.hasAgent(agentId) ? rt.engine.getAgent(agentId).activity : undefined;
  }

  /** The agent's pending offers whose `offer` notice went out, oldest first. */
  offersFor(tenantId: string, agentId: string): DispatchOffer[] {
    checkIds(tenantId, { 'agent id': agentId });
    const rt = this.runtime(tenantId);
    const agent = rt.state.agents.get(agentId);
    if (!agent) return [];
    const offers: DispatchOffer[] = [];
    for (const reservation of agent.reservations) {
      const tracked = rt.byTask.get(reservation.task.id);
      if (tracked?.notified.has(reservation.id)) offers.push(toDispatchOffer(tenantId, tracked, reservation));
    }
    return offers.sort((a, b) => a.expiresAt - b.expiresAt || a.reservationId.localeCompare(b.reservationId));
  }

  /**
   * Whether a customer can reach someone now: the queue's hours say open and at least one
   * of its agents is in a routable activity. Without `queueId`, whether any queue can.
   */
  isOpen(tenantId: string, queueId?: string): boolean {
    checkIds(tenantId, queueId === undefined ? {} : { 'queue id': queueId });
    const rt = this.runtime(tenantId);
    if (queueId !== undefined) {
      const queue = rt.state.queues.get(queueId);
      if (!queue) throw new NotFoundError('queue', queueId);
      return queueReachable(rt.state, queue);
    }
    for (const queue of rt.state.queues.values()) if (queueReachable(rt.state, queue)) return true;
    return false;
  }

  /**
   * The tenant's live figures: every queue (waiting, offered, oldest wait, agents by
   * presence, service level, answer speed…, with its name) and every agent routing knows
   * (activity, presence, conversations held, capacity). A `stats` notice follows changes,
   * at most every 500 ms per tenant.
   */
  stats(tenantId: string): StatsSnapshot {
    checkIds(tenantId, {});
    return statsSnapshot(this.runtime(tenantId), this.ctx.clock.now());
  }

  /** Receives every notice, in the order things happened; returns an unsubscribe. */
  subscribe(listener: (notice: DispatchNotice) => void): Unsubscribe {
    if (typeof listener !== 'function') throw invalid('listener', 'a function');
    return this.notices.subscribe(listener);
  }

  // ---------------------------------------------------------------------------------------
  // Lifecycle
  // ---------------------------------------------------------------------------------------

  /** Restores every tenant of the `engines` option (see {@link ConversationDispatcher.restore}). */
  async start(): Promise<RestoreReport[]> {
    const reports: RestoreReport[] = [];
    for (const tenantId of this.engines.keys()) reports.push(await this.restore(tenantId));
    return reports;
  }

  /**
   * Rebuilds the tenant's routing from core storage after a restart: `active`, `pending`
   * and `wrap_up` conversations go back to their agents (capacity taken again), `queued`
   * and `offered` ones back in line, oldest first. Conversations already routed are left
   * alone, so it is safe to run again. Unless `restoreOnAttach` is off, the first call of
   * any method for a tenant has already done this; the report covers this run only.
   */
  async restore(tenantId: string): Promise<RestoreReport> {
    checkIds(tenantId, {});
    const rt = this.runtime(tenantId, false);
    return rt.lane.run(() => restoreTenant(this.ctx, rt));
  }

  /** The routing engine of a tenant (`NOT_FOUND` if it has none). */
  engineOf(tenantId: string): RoutingEngine {
    checkIds(tenantId, {});
    return this.runtime(tenantId).engine;
  }

  /** Resolves once every queued core write and notice has gone out (tests, graceful shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [...this.tenants.values()].filter((rt) => rt.lane.size > 0);
      if (busy.length === 0) return;
      await Promise.all(busy.map((rt) => rt.lane.idle()));
    }
  }

  /**
   * Stops: no more engine events are followed, the engines' timers stop, queued writes and
   * notices finish, listeners are dropped. Later calls fail with `UNAVAILABLE`.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.offCore();
    this.pulse.stop();
    for (const offs of this.buses.values()) for (const off of offs) off();
    this.buses.clear();
    for (const rt of this.tenants.values()) rt.engine.stop();
    await this.idle();
    this.notices.clear();
  }

  // ---------------------------------------------------------------------------------------

  private runtime(tenantId: string, restore = true): TenantRuntime {
    if (this.closed) throw new UnavailableError('the dispatcher is closed');
    const known = this.tenants.get(tenantId);
    if (known) return known;
    const engine = this.engines.get(tenantId) ?? this.engineFor?.(tenantId);
    if (!engine) throw new NotFoundError('tenant', tenantId);
    if (engine.tenantId !== tenantId) {
      throw invalid('engineFor', `returned the engine of tenant ${engine.tenantId} for tenant ${tenantId}`);
    }
    const offline = engineInternals(engine).activities.get(OFFLINE);
    if (!offline || offline.routable) throw invalid('engines', `activity ${OFFLINE} must exist and not be routable`);
    const rt = new TenantRuntime(tenantId, engine);
    this.tenants.set(tenantId, rt);
    this.follow(engine.bus);
    if (restore && this.restoreOnAttach) {
      rt.ready = rt.lane
        .run(() => restoreTenant(this.ctx, rt))
        .catch((error: unknown) => this.ctx.report(error, { tenantId, operation: 'restore' }));
    }
    return rt;
  }

  /** Subscribes once per bus (engines may share one); events go to their tenant's runtime. */
  private follow(bus: EventBus): void {
    if (this.buses.has(bus)) return;
    const tenantOf = (tenantId: string) => {
      const rt = this.tenants.get(tenantId);
      return rt && rt.engine.bus === bus ? rt : undefined;
    };
    this.buses.set(bus, [
      bus.subscribe('task.*', (event) => {
        const rt = tenantOf(event.tenantId);
        if (!rt) return;
        onTaskEvent(this.ctx, rt, event);
        this.pulse.changed(rt.tenantId);
      }),
      bus.subscribe('agent.*', (event) => {
        const rt = tenantOf(event.tenantId);
        if (!rt) return;
        if (event.type === 'agent.activity_changed') onActivityEvent(this.ctx, rt, event);
        this.pulse.changed(rt.tenantId);
      }),
    ]);
  }

  private backgroundSync(rt: TenantRuntime, tracked: Tracked): void {
    requestSync(this.ctx, rt, tracked).catch((error: unknown) =>
      this.ctx.report(error, { tenantId: rt.tenantId, operation: 'sync', conversationId: tracked.conversationId }),
    );
  }

  /** The agent's reservation and its conversation; anything else is `NOT_FOUND`. */
  private reservationOf(
    rt: TenantRuntime,
    agentId: string,
    reservationId: string,
  ): { reservation: Reservation; tracked: Tracked } {
    const reservation = rt.reservation(reservationId);
    const tracked = reservation ? rt.byTask.get(reservation.task.id) : undefined;
    if (!reservation || !tracked || reservation.agent.id !== agentId) {
      throw new NotFoundError('reservation', reservationId);
    }
    return { reservation, tracked };
  }
}

function invalid(path: string, message: string): ValidationError {
  return new ValidationError(`Invalid ${path}: ${message}`, [{ path, message }]);
}

/**
 * Creates a {@link ConversationDispatcher}: give it core (`createHotline()`) and the routing
 * engine of each tenant (`engines`, or `engineFor` to find them on first use).
 *
 * @example
 * ```ts
 * const dispatcher = createConversationDispatcher({
 *   hotline,
 *   engineFor: (tenantId) => engines.get(tenantId),
 *   workflowId: 'main',
 * });
 * ```
 */
export function createConversationDispatcher(options: ConversationDispatcherOptions): ConversationDispatcher {
  return new ConversationDispatcher(options);
}
