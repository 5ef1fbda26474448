/**
 * A brute-force oracle for the routing engine's property tests (`routing.property.test.ts`).
 * It reads the live `EngineState` and recomputes, without the engine's indexes, what must
 * hold after every operation and at every routing decision. Tests only: not exported from
 * the package index.
 *
 * Capacity is recomputed from what an agent actually holds (its reservations and tasks) and
 * its current profile, not from the engine's running counters, so drift in those counters
 * shows up as a violation instead of being trusted.
 */
import { CHANNELS, type Channel, type EventBus, type HotlineEvent } from '@hotline/core';
import type { AgentPresence, AgentState } from './agent-state.js';
import type { EngineState } from './engine-state.js';
import { eligible } from './matching.js';
import type { Target } from './target.js';
import type { TaskState } from './task-state.js';
import type { TimeView } from './time-context.js';

const CHANNEL_LIST: readonly Channel[] = CHANNELS;

// ---- capacity ------------------------------------------------------------------------------

/** Tasks an agent holds per channel index (pending offers, assigned and wrapping tasks), counted from scratch. */
export function holdings(agent: AgentState): number[] {
  const out = CHANNEL_LIST.map(() => 0);
  for (const reservation of agent.reservations) out[reservation.task.ci] = (out[reservation.task.ci] ?? 0) + 1;
  for (const task of agent.tasks) out[task.ci] = (out[task.ci] ?? 0) + 1;
  return out;
}

/** The most tasks the agent may hold on a channel: its own number, else the total over the channel's unit cost. */
export function capacityOf(agent: AgentState, channel: Channel): number {
  const own = agent.capacity[channel];
  if (own !== undefined) return own;
  const cost = agent.channelCost[channel];
  if (agent.totalCapacity !== undefined && cost !== undefined && cost > 0)
    return Math.floor(agent.totalCapacity / cost);
  return 0;
}

function costOf(agent: AgentState, ci: number): number {
  return agent.channelCost[CHANNEL_LIST[ci] as Channel] ?? 0;
}

/** Units of the total-capacity model in use, at the agent's current channel costs. */
export function unitsInUse(agent: AgentState, held = holdings(agent)): number {
  let units = 0;
  held.forEach((n, ci) => {
    units += n * costOf(agent, ci);
  });
  return units;
}

/** Whether the agent may take one more task on channel index `ci`, by the definition (not the engine's counters). */
export function mayTake(agent: AgentState, ci: number, held = holdings(agent)): boolean {
  if (!agent.routable) return false;
  if ((held[ci] ?? 0) >= capacityOf(agent, CHANNEL_LIST[ci] as Channel)) return false;
  return agent.totalCapacity === undefined || unitsInUse(agent, held) + costOf(agent, ci) <= agent.totalCapacity;
}

function occupancy(agent: AgentState, held: number[]): number {
  if (agent.totalCapacity !== undefined) return Math.min(1, unitsInUse(agent, held) / agent.totalCapacity);
  let worst = 0;
  CHANNEL_LIST.forEach((channel, ci) => {
    const cap = capacityOf(agent, channel);
    if (cap > 0) worst = Math.max(worst, (held[ci] ?? 0) / cap);
  });
  return worst;
}

// ---- ordering ------------------------------------------------------------------------------

/**
 * A strategy's ordering as a tuple (smaller first, then `agent.slot`), restated from the
 * strategy documentation rather than read from the engine's packed float keys. Empty for
 * weighted random (no order to check).
 */
export function strategyKey(target: Target, agent: AgentState): number[] {
  const held = holdings(agent);
  const busy = held.some((n) => n > 0);
  const since = busy ? agent.lastAssignedAt : agent.idleSince;
  switch (target.strategy) {
    case 'longest_idle':
      return [busy ? 1 : 0, since];
    case 'least_occupied':
      return [Math.round(occupancy(agent, held) * 1000), since];
    case 'round_robin':
      return [agent.lastOfferedAt.get(target.queue) ?? 0];
    case 'best_skill': {
      let score = 0;
      for (const skill of Object.keys(target.requirements.skills)) score += agent.skills[skill] ?? 0;
      return [-Math.min(1000, score), since];
    }
    case 'weighted_random':
      return [];
  }
}

function compareTuples(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Whether task `a` is served before `b`: effective priority (with each queue's ageing),
 * then earlier entry into the queue, then earlier submission. Computed exactly in
 * priority·minutes (the tests use whole-number ageing rates), not in floating point.
 */
export function servedBefore(a: TaskState, b: TaskState, now: number): boolean {
  const pa = a.priority * 60_000 + a.queue.definition.ageingPerMinute * (now - a.enqueuedAt);
  const pb = b.priority * 60_000 + b.queue.definition.ageingPerMinute * (now - b.enqueuedAt);
  if (pa !== pb) return pa > pb;
  if (a.enqueuedAt !== b.enqueuedAt) return a.enqueuedAt < b.enqueuedAt;
  return a.seq < b.seq;
}

/** Whether `agent` may be matched with pending `task` now: in its step's target, eligible, with room on its channel. */
export function canServe(s: EngineState, task: TaskState, agent: AgentState, time: TimeView): boolean {
  const target = task.step.target;
  return (
    target.servesIndex[task.ci] === true &&
    target.admits(agent, time) &&
    eligible(s, task, agent, time) &&
    mayTake(agent, task.ci)
  );
}

function presenceOf(agent: AgentState, held: number[]): AgentPresence {
  if (held.some((n) => n > 0)) {
    for (const task of agent.tasks) if (task.status === 'assigned') return 'busy';
    return agent.reservations.size > 0 ? 'busy' : 'wrap_up';
  }
  if (agent.routable) return 'available';
  return agent.activity === 'offline' ? 'offline' : 'away';
}

// ---- the oracle ----------------------------------------------------------------------------

const TERMINAL_EVENTS = new Set(['task.completed', 'task.canceled']);

/** What the oracle checks. */
export interface OracleOptions {
  /** Run the decision-time checks (the inspector hooks). @default true */
  inspect?: boolean;
  /**
   * In the queue-order check of task decisions, ignore (task, agent) pairs that became
   * eligible at this very instant (a refusal cooldown or a preference ended now): the
   * engine routes them from their deadline, in deadline order with everything else due at
   * the same instant (a known engine bug). @default false
   */
  tolerateSameInstantEligibility?: boolean;
}

/**
 * Watches one engine: decision-time checks through the engine's inspector hooks, event
 * checks through a `*` subscription, and a full brute-force check of the live state after
 * each operation (`afterOperation`). Violations are collected, never thrown from inside the
 * engine, so an operation always completes and the report names every broken rule.
 */
export class RoutingOracle {
  readonly violations: string[] = [];
  /** Task decisions and agent decisions checked so far. */
  taskDecisions = 0;
  agentDecisions = 0;
  private readonly assigned = new Map<string, number>();
  private readonly terminal = new Set<string>();
  /** `task|agent` → when the agent last refused or missed the task. */
  private readonly refusals = new Map<string, number>();
  private readonly answered = new Map<string, number>();
  private previousLoads = new Map<AgentState, number[]>();

  constructor(
    private readonly s: EngineState,
    bus: EventBus,
    private readonly options: OracleOptions = {},
  ) {
    const inspect = options.inspect ?? true;
    bus.subscribe('*', (event) => this.onEvent(event));
    if (inspect) {
      s.inspector = {
        onTaskDecision: (task, chosen) => this.checkTaskDecision(task, chosen),
      };
    }
    this.rememberLoads();
  }

  private fail(message: string): void {
    if (this.violations.length < 20) this.violations.push(`[t=${this.clockSeconds()}s] ${message}`);
  }

  private clockSeconds(at = this.s.now()): number {
    return (at - Date.UTC(2026, 0, 1)) / 1000;
  }

  private describe(task: TaskState): string {
    return `priority ${task.priority}, in queue ${task.queue.id} since t=${this.clockSeconds(task.enqueuedAt)}s, ageing ${task.queue.definition.ageingPerMinute}/min`;
  }

  // -- events -------------------------------------------------------------------------------

  private onEvent(event: HotlineEvent): void {
    const e = event as unknown as Record<string, unknown>;
    const taskId = typeof e['taskId'] === 'string' ? e['taskId'] : undefined;
    const agentId = typeof e['agentId'] === 'string' ? e['agentId'] : undefined;
    const at = Date.parse(String(e['at']));
    if (taskId !== undefined && this.terminal.has(taskId) && event.type.startsWith('task.')) {
      this.fail(`${event.type} for ${taskId} after it completed or was canceled`);
    }
    switch (event.type) {
      case 'task.reserved': {
        const refusedAt = this.refusals.get(`${taskId}|${agentId}`);
        const cooldown = this.s.settings.refusalCooldownMs;
        if (refusedAt !== undefined && at < refusedAt + cooldown) {
          this.fail(
            `${taskId} offered again to ${agentId} ${(at - refusedAt) / 1000}s after a refusal (cooldown ${cooldown / 1000}s)`,
          );
        }
        break;
      }
      case 'task.reservation_ended':
        if (e['outcome'] === 'rejected' || e['outcome'] === 'timed_out') this.refusals.set(`${taskId}|${agentId}`, at);
        break;
      case 'task.assigned': {
        const n = (this.assigned.get(taskId as string) ?? 0) + 1;
        this.assigned.set(taskId as string, n);
        if (n > 1) this.fail(`${taskId} assigned ${n} times`);
        const queueId = String(e['queueId']);
        this.answered.set(queueId, (this.answered.get(queueId) ?? 0) + 1);
        break;
      }
      default:
        if (TERMINAL_EVENTS.has(event.type) && taskId !== undefined) this.terminal.add(taskId);
    }
  }

  // -- decision time ------------------------------------------------------------------------

  private checkTaskDecision(task: TaskState, chosen: readonly AgentState[]): void {
    this.taskDecisions++;
    const s = this.s;
    const time = s.timeView();
    const target = task.step.target;
    const candidates = [...s.agents.values()].filter((agent) => canServe(s, task, agent, time));
    const limit = s.settings.maxParallelOffers;
    const names = (agents: readonly AgentState[]) => `[${agents.map((a) => a.id).join(', ')}]`;
    const where = `task decision for ${task.id} (${task.channel}, step ${task.stepIndex} of queue ${target.queue.id}, ${target.strategy})`;
    if (new Set(chosen).size !== chosen.length) this.fail(`${where}: an agent chosen twice ${names(chosen)}`);
    for (const agent of chosen) {
      if (!candidates.includes(agent)) {
        const held = holdings(agent);
        this.fail(
          `${where}: chose ${agent.id}, who may not take it (routable ${agent.routable}, holds ${held[task.ci]} of ${capacityOf(agent, task.channel)} on ${task.channel}, units ${unitsInUse(agent, held)}/${agent.totalCapacity ?? '-'}, member ${target.admits(agent, time)}, eligible ${eligible(s, task, agent, time)})`,
        );
      }
    }
    const expected = Math.min(limit, candidates.length);
    if (chosen.length !== expected) {
      this.fail(`${where}: chose ${names(chosen)} but ${candidates.length} agents could take it ${names(candidates)}`);
    }
    // Queue order from the task side: a chosen agent must not be able to take a pending task served before this one.
    for (const agent of chosen) {
      const justEnded = (t: TaskState) =>
        this.options.tolerateSameInstantEligibility &&
        (t.refusedUntil(agent.id) === s.now() || t.preferredUntil === s.now());
      if (justEnded(task)) continue;
      for (const other of s.tasks.values()) {
        if (other === task || other.status !== 'pending' || !servedBefore(other, task, s.now()) || justEnded(other))
          continue;
        if (canServe(s, other, agent, time)) {
          this.fail(
            `${where}: chose ${agent.id}, who could take ${other.id}, served first (${this.describe(other)} vs ${this.describe(task)})`,
          );
        }
      }
    }
    if (target.strategy === 'weighted_random') return;
    const ranked = candidates
      .map((agent) => ({ agent, key: strategyKey(target, agent) }))
      .sort((a, b) => compareTuples(a.key, b.key) || a.agent.slot - b.agent.slot);
    const best = ranked.slice(0, expected).map((r) => r.agent);
    if (best.some((agent, i) => chosen[i] !== agent)) {
      const keys = ranked.map((r) => `${r.agent.id}:${r.key.join('/')}`).join(' ');
      this.fail(`${where}: chose ${names(chosen)}, strategy order says ${names(best)} (keys ${keys})`);
    }
  }

  // -- after each operation -----------------------------------------------------------------

  /** Checks the whole live state; returns (and keeps) the violations found so far. */
  afterOperation(): string[] {
    const s = this.s;
    const now = s.now();
    const time = s.timeView();
    const limit = s.settings.maxParallelOffers;

    // 1. Capacity, and the engine's counters against what agents actually hold.
    for (const agent of s.agents.values()) {
      const held = holdings(agent);
      const before = this.previousLoads.get(agent);
      const grew = held.some((n, ci) => n > (before?.[ci] ?? 0));
      CHANNEL_LIST.forEach((channel, ci) => {
        const n = held[ci] ?? 0;
        if (agent.loads[ci] !== n)
          this.fail(`${agent.id} load counter on ${channel} is ${agent.loads[ci]}, holds ${n}`);
        const cap = capacityOf(agent, channel);
        if (n > cap && n > (before?.[ci] ?? 0))
          this.fail(`${agent.id} holds ${n} on ${channel}, capacity ${cap} (and grew)`);
      });
      const total = held.reduce((a, b) => a + b, 0);
      if (agent.held !== total) this.fail(`${agent.id} held counter ${agent.held}, holds ${total}`);
      if (agent.totalCapacity !== undefined) {
        const units = unitsInUse(agent, held);
        if (units > agent.totalCapacity && grew)
          this.fail(`${agent.id} uses ${units} units of ${agent.totalCapacity} (and grew)`);
        if (agent.usedUnits !== units) this.fail(`${agent.id} usedUnits counter ${agent.usedUnits}, actually ${units}`);
      }
      const presence = presenceOf(agent, held);
      if (agent.presence !== presence) this.fail(`${agent.id} presence ${agent.presence}, expected ${presence}`);
      for (const reservation of agent.reservations) {
        if (reservation.agent !== agent || s.reservations.get(reservation.id) !== reservation) {
          this.fail(`${agent.id} holds a stale reservation ${reservation.id} (${reservation.status})`);
        }
      }
      for (const task of agent.tasks) {
        if (task.agent !== agent || (task.status !== 'assigned' && task.status !== 'wrapping')) {
          this.fail(`${agent.id} holds ${task.id}, which is ${task.status} with ${task.agent?.id}`);
        }
      }
    }
    this.rememberLoads();

    // 2. Reservations: at most the offer limit per task, distinct agents, consistent on every side.
    for (const reservation of s.reservations.values()) {
      if (reservation.status !== 'pending' || !reservation.task.reservations.includes(reservation)) {
        this.fail(
          `reservation of ${reservation.task.id} to ${reservation.agent.id} is ${reservation.status} or unknown to its task`,
        );
      }
      if (
        !reservation.agent.reservations.has(reservation) ||
        s.agents.get(reservation.agent.id) !== reservation.agent
      ) {
        this.fail(`reservation of ${reservation.task.id} to ${reservation.agent.id} is unknown to its agent`);
      }
    }
    for (const task of s.tasks.values()) {
      const agents = task.reservations.map((r) => r.agent);
      if (agents.length > limit) this.fail(`${task.id} has ${agents.length} offers (limit ${limit})`);
      if (new Set(agents).size !== agents.length) this.fail(`${task.id} is offered twice to one agent`);
      if ((task.status === 'reserved') !== agents.length > 0) {
        this.fail(`${task.id} is ${task.status} with ${agents.length} offers`);
      }
      if (task.reservations.some((r) => s.reservations.get(r.id) !== r)) this.fail(`${task.id} lists an ended offer`);
      if ((task.status === 'assigned' || task.status === 'wrapping') && !task.agent?.tasks.has(task)) {
        this.fail(`${task.id} is ${task.status} but its agent does not hold it`);
      }
      if (task.status === 'completed' || task.status === 'canceled')
        this.fail(`${task.id} is ${task.status} but still open`);
      if (this.terminal.has(task.id)) this.fail(`${task.id} reopened after completion or cancellation`);
    }

    // Timeouts fire on time: no offer past its expiry, no task past its step timeout or wait limit.
    for (const reservation of s.reservations.values()) {
      if (reservation.expiresAt <= now)
        this.fail(`offer of ${reservation.task.id} to ${reservation.agent.id} outlived its expiry`);
    }
    for (const task of s.tasks.values()) {
      const taskTimeout = task.workflow?.taskTimeoutMs;
      if (
        taskTimeout !== undefined &&
        (task.status === 'pending' || task.status === 'reserved') &&
        task.createdAt + taskTimeout <= now
      ) {
        this.fail(`${task.id} is still ${task.status} after its workflow's ${taskTimeout / 1000}s task timeout`);
      }
      if (task.queue !== task.step.target.queue)
        this.fail(`${task.id} is in queue ${task.queue.id} but at a step of ${task.step.target.queue.id}`);
      if (task.status !== 'pending') continue;
      const timeout = task.step.timeoutMs;
      if (timeout !== undefined && task.stepIndex < task.steps.length - 1 && task.stepEnteredAt + timeout <= now) {
        this.fail(`${task.id} still waits at step ${task.stepIndex} after its ${timeout / 1000}s timeout`);
      }
      const { maxWaitSeconds, overflowTo } = task.queue.definition;
      if (maxWaitSeconds !== undefined && overflowTo !== undefined && task.enqueuedAt + maxWaitSeconds * 1000 <= now) {
        this.fail(`${task.id} still waits in ${task.queue.id} after its ${maxWaitSeconds}s wait limit`);
      }
    }

    // 3. No task waits while an agent who could take it has room.
    for (const task of s.tasks.values()) {
      if (task.status !== 'pending') {
        if (task.heap !== undefined) this.fail(`${task.id} is ${task.status} but still in a waiting heap`);
        continue;
      }
      if (task.heap === undefined || task.heap !== task.step.target.tasks[task.ci]) {
        this.fail(`pending ${task.id} is not in the waiting heap of its step and channel`);
      }
      if (!task.waiting) this.fail(`pending ${task.id} is not counted as waiting`);
      for (const agent of s.agents.values()) {
        if (canServe(s, task, agent, time)) {
          this.fail(
            `${task.id} (${task.channel}, step ${task.stepIndex} of queue ${task.queue.id}) waits while ${agent.id} could take it`,
          );
          break;
        }
      }
    }

    // Membership and the targets' availability counts (the decision fast paths trust them).
    for (const target of s.targets.values()) {
      for (const agent of s.agents.values()) {
        if (target.admits(agent, time) !== (target.memberIndex(agent) !== undefined)) {
          this.fail(`${agent.id} membership of a target of ${target.queue.id} disagrees with its requirements`);
        }
      }
      CHANNEL_LIST.forEach((channel, ci) => {
        if (!target.servesIndex[ci]) return;
        let n = 0;
        for (const agent of s.agents.values()) if (target.memberIndex(agent) !== undefined && agent.canTake(ci)) n++;
        if (target.availableCount(channel) !== n) {
          this.fail(
            `a target of ${target.queue.id} counts ${target.availableCount(channel)} available on ${channel}, actually ${n}`,
          );
        }
      });
    }

    // 6. Queue statistics against a recount.
    for (const queue of s.queues.values()) {
      const stats = queue.stats(now);
      let waiting = 0;
      let reserved = 0;
      let oldest = 0;
      for (const task of s.tasks.values()) {
        if (task.queue !== queue) continue;
        if (task.status === 'pending') {
          waiting++;
          oldest = Math.max(oldest, (now - task.enqueuedAt) / 1000);
        }
        if (task.status === 'reserved') reserved++;
      }
      if (stats.waiting !== waiting)
        this.fail(`queue ${queue.id} reports ${stats.waiting} waiting, ${waiting} pending`);
      if (stats.reserved !== reserved)
        this.fail(`queue ${queue.id} reports ${stats.reserved} reserved, ${reserved} reserved`);
      if (stats.oldestWaitSeconds !== oldest) {
        this.fail(`queue ${queue.id} reports oldest wait ${stats.oldestWaitSeconds}s, actually ${oldest}s`);
      }
      const presence: Record<AgentPresence, number> = { offline: 0, available: 0, busy: 0, wrap_up: 0, away: 0 };
      let members = 0;
      for (const agent of s.agents.values()) {
        if (!queue.base.admits(agent, time)) continue;
        members++;
        presence[agent.presence]++;
      }
      const counted = Object.values(stats.agents).reduce((a, b) => a + b, 0);
      if (counted !== members || JSON.stringify(stats.agents) !== JSON.stringify(presence)) {
        this.fail(`queue ${queue.id} agents ${JSON.stringify(stats.agents)}, members ${JSON.stringify(presence)}`);
      }
      if (stats.total.answered !== (this.answered.get(queue.id) ?? 0)) {
        this.fail(
          `queue ${queue.id} answered ${stats.total.answered}, assignments seen ${this.answered.get(queue.id) ?? 0}`,
        );
      }
    }
    return this.violations;
  }

  private rememberLoads(): void {
    this.previousLoads = new Map([...this.s.agents.values()].map((agent) => [agent, holdings(agent)]));
  }
}
