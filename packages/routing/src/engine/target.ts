import type { Channel } from '@hotline/core';
import type { CompiledExpression, ExpressionContext } from '../expression/compile.js';
import type { AgentState } from './agent-state.js';
import { CHANNEL_COUNT, channelAt, channelIndex } from './channel-index.js';
import type { RoutingStrategy, SkillRequirements } from './definitions.js';
import { FenwickSampler } from './fenwick.js';
import { IndexedHeap } from './indexed-heap.js';
import type { QueueState } from './queue-state.js';
import { TaskHeap } from './task-heap.js';

/** Keys are packed into one float: a strategy's primary criterion times this, plus a time. */
const SCALE = 2 ** 43;
/** Busy agents (holding work) rank after every idle one under longest idle. */
const BUSY_OFFSET = 2 ** 44;
const MAX_SKILL_SCORE = 1000;

/** What an agent must satisfy to be a member of a target. */
export interface TargetRequirements {
  skills: SkillRequirements;
  languages: readonly string[] | undefined;
  /** The agent-only part of the expression: decides membership once per agent change. */
  agentFilter: CompiledExpression | undefined;
  /** The part reading `task.*` / `time.*`: checked per (task, agent) at decision time. */
  taskFilter: CompiledExpression | undefined;
}

/**
 * One place tasks wait and agents are matched: a queue plus the requirements of a
 * workflow step (or of the queue alone). Membership is computed when an agent or the
 * target changes, never during a decision; during a decision the target's per-channel
 * index gives the best available member in O(log n).
 */
export class Target {
  readonly members: (AgentState | undefined)[] = [];
  private readonly memberOf = new Map<AgentState, number>();
  private readonly freeSlots: number[] = [];
  private readonly heaps: (IndexedHeap | undefined)[] = new Array(CHANNEL_COUNT);
  private readonly samplers: (FenwickSampler | undefined)[] = new Array(CHANNEL_COUNT);
  /** Waiting tasks per channel index. */
  readonly tasks: (TaskHeap | undefined)[] = new Array(CHANNEL_COUNT);
  /** Whether the target serves each channel index. */
  readonly servesIndex: boolean[];
  /** Members able to take work now, per channel index (kept exact by `countAvailability`). */
  private readonly available = new Int32Array(CHANNEL_COUNT);
  readonly requiredSkills: [string, number][];

  constructor(
    readonly index: number,
    readonly signature: string,
    readonly queue: QueueState,
    readonly requirements: TargetRequirements,
    readonly strategy: RoutingStrategy,
  ) {
    this.requiredSkills = Object.entries(requirements.skills);
    const channels = queue.definition.channels;
    this.servesIndex = Array.from(
      { length: CHANNEL_COUNT },
      (_, ci) => channels.length === 0 || channels.includes(channelAt(ci)),
    );
  }

  get memberCount(): number {
    return this.memberOf.size;
  }

  /** Whether the target takes tasks on a channel (its queue's channels; none listed = all). */
  serves(channel: Channel): boolean {
    return this.servesIndex[channelIndex(channel)] as boolean;
  }

  /** Static eligibility: skills, languages and the agent-only expression. */
  admits(agent: AgentState, time: ExpressionContext['time']): boolean {
    for (const [skill, level] of this.requiredSkills) if ((agent.skills[skill] ?? 0) < level) return false;
    const languages = this.requirements.languages;
    if (languages && !languages.some((wanted) => agent.languages.some((spoken) => sameLanguage(wanted, spoken)))) {
      return false;
    }
    const filter = this.requirements.agentFilter;
    return !filter || filter.test({ agent: agent.view, time });
  }

  /** The per-(task, agent) check: the expression parts that read the task or the time. */
  acceptsPair(taskView: unknown, agent: AgentState, time: ExpressionContext['time']): boolean {
    const filter = this.requirements.taskFilter;
    return !filter || filter.test({ task: taskView, agent: agent.view, time });
  }

  memberIndex(agent: AgentState): number | undefined {
    return this.memberOf.get(agent);
  }

  add(agent: AgentState): number {
    const existing = this.memberOf.get(agent);
    if (existing !== undefined) return existing;
    const member = this.freeSlots.pop() ?? this.members.length;
    this.members[member] = agent;
    this.memberOf.set(agent, member);
    this.countAvailability(agent.availMask, 1);
    return member;
  }

  remove(agent: AgentState): void {
    const member = this.memberOf.get(agent);
    if (member === undefined) return;
    this.countAvailability(agent.availMask, -1);
    for (const heap of this.heaps) heap?.delete(member);
    for (const sampler of this.samplers) sampler?.set(member, 0);
    this.members[member] = undefined;
    this.memberOf.delete(agent);
    this.freeSlots.push(member);
  }

  /** Puts the member in (or takes it out of) each channel's index, with its current key. */
  refresh(agent: AgentState, member: number, idleKey: number): void {
    if (this.strategy === 'weighted_random') {
      // Samplers are exact, not lazy: a weight is only ever drawn, never checked on the way.
      // Every channel is visited, so one whose capacity was removed drops to zero too.
      for (let ci = 0; ci < CHANNEL_COUNT; ci++) {
        if (!this.servesIndex[ci]) continue;
        const available = agent.canTake(ci);
        this.samplerFor(ci, available)?.set(member, available ? this.weight(agent) : 0);
      }
      return;
    }
    // Longest idle (the common case) has the same key in every target: computed once by the caller.
    const key = this.strategy === 'longest_idle' ? idleKey : this.key(agent);
    for (const ci of agent.channelIndices) {
      if (!this.servesIndex[ci]) continue;
      const available = agent.canTake(ci);
      // An agent who can no longer take work keeps its entry until a pick meets it
      // (`trueKey` says Infinity and the entry goes then): most come back before anyone
      // looks, and an update is cheaper than a delete plus a re-insert.
      if (!available) continue;
      const heap = this.heapFor(ci, true) as IndexedHeap;
      if (!heap.has(member) || key !== heap.key(member)) heap.set(member, key, agent.slot);
    }
  }

  /** Adds `delta` to the available count of every channel whose bit is set in `mask`. */
  countAvailability(mask: number, delta: number): void {
    for (let bits = mask, ci = 0; bits !== 0; bits >>>= 1, ci++) {
      if (bits & 1) this.available[ci] = (this.available[ci] as number) + delta;
    }
  }

  /** The key a member's index entry should have on a channel; `Infinity` if it cannot take work there. */
  private trueKey(member: number, ci: number): number {
    const agent = this.members[member];
    return agent?.canTake(ci) ? this.key(agent) : Number.POSITIVE_INFINITY;
  }

  /** Members able to take work on a channel now (exact, O(1)). */
  availableCount(channel: Channel): number {
    return this.servesIndex[channelIndex(channel)] ? (this.available[channelIndex(channel)] as number) : 0;
  }

  /** Members that could ever serve a channel (have capacity on it). */
  memberCountOn(channel: Channel): number {
    let n = 0;
    for (const agent of this.memberOf.keys()) if (agent.capacityOn(channel) > 0) n++;
    return n;
  }

  /**
   * The best available member on `channel` that `accept` agrees to, in strategy order; for
   * weighted random, a weighted draw among them (retrying without those refused).
   */
  pick(ci: number, random: () => number, accept: (agent: AgentState) => boolean): AgentState | undefined {
    // Nobody indexed as available: answer without touching (or cleaning) the index.
    if (this.available[ci] === 0) return undefined;
    if (this.strategy === 'weighted_random') return this.draw(ci, random, accept);
    const heap = this.heaps[ci];
    if (!heap || heap.size === 0) return undefined;
    const member = heap.find(
      (m) => this.trueKey(m, ci),
      (m) => accept(this.members[m] as AgentState),
    );
    return member < 0 ? undefined : (this.members[member] as AgentState);
  }

  /** Available members on `channel` in strategy order (explain and tests; O(n log n)). */
  ranked(channel: Channel): { agent: AgentState; key: number }[] {
    const ci = channelIndex(channel);
    if (this.strategy === 'weighted_random') {
      const sampler = this.samplers[ci];
      const out: { agent: AgentState; key: number }[] = [];
      if (!sampler) return out;
      this.members.forEach((agent, m) => {
        if (agent && sampler.weight(m) > 0) out.push({ agent, key: -sampler.weight(m) });
      });
      return out.sort((a, b) => a.key - b.key);
    }
    const heap = this.heaps[ci];
    if (!heap) return [];
    return heap
      .ids()
      .filter((m) => this.members[m]?.canTake(ci))
      .map((m) => ({ agent: this.members[m] as AgentState, key: this.key(this.members[m] as AgentState) }))
      .sort((a, b) => a.key - b.key || a.agent.slot - b.agent.slot)
      .map(({ agent, key }) => ({ agent, key }));
  }

  taskHeap(ci: number): TaskHeap {
    let heap = this.tasks[ci];
    if (!heap) {
      heap = new TaskHeap();
      this.tasks[ci] = heap;
    }
    return heap;
  }

  /** Sum of the agent's levels in this target's required skills. */
  skillScore(agent: AgentState): number {
    let score = 0;
    for (const [skill] of this.requiredSkills) score += agent.skills[skill] ?? 0;
    return Math.min(MAX_SKILL_SCORE, score);
  }

  /** The strategy key (smaller is better) of an available agent. */
  key(agent: AgentState): number {
    const idle = longestIdleKey(agent);
    switch (this.strategy) {
      case 'longest_idle':
        return idle;
      case 'least_occupied':
        return (
          Math.round(agent.occupancy() * 1000) * SCALE + (agent.held === 0 ? agent.idleSince : agent.lastAssignedAt)
        );
      case 'round_robin':
        return agent.lastOfferedAt.get(this.queue) ?? 0;
      case 'best_skill':
        return (
          (MAX_SKILL_SCORE - this.skillScore(agent)) * SCALE +
          (agent.held === 0 ? agent.idleSince : agent.lastAssignedAt)
        );
      default:
        return idle;
    }
  }

  private weight(agent: AgentState): number {
    const custom = agent.attributes['routingWeight'];
    if (typeof custom === 'number' && Number.isFinite(custom) && custom > 0) return custom;
    return Math.max(1, this.skillScore(agent));
  }

  private draw(ci: number, random: () => number, accept: (agent: AgentState) => boolean): AgentState | undefined {
    const sampler = this.samplers[ci];
    if (!sampler) return undefined;
    const refused: [number, number][] = [];
    let chosen: AgentState | undefined;
    while (sampler.total > 0) {
      const member = sampler.sample(random() * sampler.total);
      if (member < 0) break;
      const agent = this.members[member] as AgentState;
      if (agent.canTake(ci) && accept(agent)) {
        chosen = agent;
        break;
      }
      refused.push([member, sampler.weight(member)]);
      sampler.set(member, 0);
    }
    for (const [member, weight] of refused) sampler.set(member, weight);
    return chosen;
  }

  private heapFor(ci: number, create: boolean): IndexedHeap | undefined {
    let heap = this.heaps[ci];
    if (!heap && create) {
      heap = new IndexedHeap();
      this.heaps[ci] = heap;
    }
    return heap;
  }

  private samplerFor(ci: number, create: boolean): FenwickSampler | undefined {
    let sampler = this.samplers[ci];
    if (!sampler && create) {
      sampler = new FenwickSampler();
      this.samplers[ci] = sampler;
    }
    return sampler;
  }
}

/** The longest-idle key: idle agents by when they went idle, then busy ones by their last assignment. */
export function longestIdleKey(agent: AgentState): number {
  return agent.held === 0 ? agent.idleSince : BUSY_OFFSET + agent.lastAssignedAt;
}

/** `zh` matches `zh-CN` and `zh-CN` matches `zh`: tags agree on every subtag both have. */
export function sameLanguage(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || x.startsWith(`${y}-`) || y.startsWith(`${x}-`);
}
