import type { Attributes, Channel } from '@hotline/core';
import { CHANNEL_COUNT, channelAt, channelIndex } from './channel-index.js';
import type { QueueState } from './queue-state.js';
import type { Reservation } from './reservation.js';
import type { Target } from './target.js';
import type { TaskState } from './task-state.js';

/** How an agent counts on a wallboard. */
export type AgentPresence = 'offline' | 'available' | 'busy' | 'wrap_up' | 'away';

/** An agent's place in one target: the target and the agent's member index there. */
export interface Membership {
  target: Target;
  member: number;
}

/** The agent as exposed to expressions (`agent.*`). */
export interface AgentExpressionView {
  id: string;
  name?: string;
  skills: Record<string, number>;
  languages: string[];
  activity: string;
  capacity: Partial<Record<Channel, number>>;
  attributes: Attributes;
}

/**
 * The router's live view of one agent: capacity in use, activity, the keys strategies
 * order by, and the targets and queues it belongs to.
 */
export class AgentState {
  name: string | undefined;
  skills: Record<string, number> = {};
  languages: string[] = [];
  attributes: Attributes = {};
  capacity: Partial<Record<Channel, number>> = {};
  totalCapacity: number | undefined;
  channelCost: Partial<Record<Channel, number>> = {};
  /** Channels the agent can ever work on (capacity or a unit cost), kept in step by `setCapacity`. */
  channels: Channel[] = [];
  activity = 'offline';
  routable = false;
  /** Tasks held per channel index: reserved, assigned and wrapping. */
  readonly loads = new Int32Array(CHANNEL_COUNT);
  /** Tasks held on every channel together. */
  held = 0;
  /** Per channel index: the most tasks the agent may hold, and each task's unit cost. */
  private caps = new Int32Array(CHANNEL_COUNT);
  private costs = new Float64Array(CHANNEL_COUNT);
  /** Indices of the channels the agent can ever work on. */
  channelIndices: number[] = [];
  /**
   * Bit `ci` set when the agent could take work on channel `ci` as of the last index
   * refresh; targets count their available members from it.
   */
  availMask = 0;
  usedUnits = 0;
  /** When the agent last went idle (no task held) or became routable. */
  idleSince: number;
  /** When the agent last received a reservation. */
  lastAssignedAt = 0;
  /** Per queue: when the agent was last offered work from it (round robin). */
  readonly lastOfferedAt = new Map<QueueState, number>();
  readonly memberships: Membership[] = [];
  readonly queues = new Set<QueueState>();
  readonly reservations = new Set<Reservation>();
  /** Assigned and wrapping tasks. */
  readonly tasks = new Set<TaskState>();
  presence: AgentPresence = 'offline';
  presenceSince: number;
  /** Counters for agent statistics. */
  handled = 0;
  missed = 0;
  rejected = 0;
  busyMs = 0;
  loggedInMs = 0;
  view: AgentExpressionView;

  constructor(
    readonly id: string,
    readonly slot: number,
    now: number,
  ) {
    this.idleSince = now;
    this.presenceSince = now;
    this.view = this.makeView();
  }

  /** Sets capacity and the derived channel list. */
  setCapacity(
    capacity: Partial<Record<Channel, number>>,
    totalCapacity: number | undefined,
    channelCost: Partial<Record<Channel, number>>,
  ): void {
    this.capacity = capacity;
    this.totalCapacity = totalCapacity;
    this.channelCost = channelCost;
    const channels = Object.keys(capacity) as Channel[];
    for (const channel of Object.keys(channelCost) as Channel[])
      if (!channels.includes(channel)) channels.push(channel);
    this.channels = channels;
    this.caps = new Int32Array(CHANNEL_COUNT);
    this.costs = new Float64Array(CHANNEL_COUNT);
    for (const channel of channels) {
      const ci = channelIndex(channel);
      this.caps[ci] = this.computeCapacity(channel);
      this.costs[ci] = channelCost[channel] ?? 0;
    }
    this.channelIndices = channels.map(channelIndex).filter((ci) => (this.caps[ci] as number) > 0);
    // Units in use follow the new costs: held work is re-priced, so the total stays exact.
    let used = 0;
    for (let ci = 0; ci < CHANNEL_COUNT; ci++) used += (this.loads[ci] as number) * (this.costs[ci] as number);
    this.usedUnits = used;
  }

  /** Tasks held on a channel. */
  loadOn(channel: Channel): number {
    return this.loads[channelIndex(channel)] as number;
  }

  /** The most tasks this agent may hold on a channel. */
  capacityOn(channel: Channel): number {
    return this.caps[channelIndex(channel)] as number;
  }

  private computeCapacity(channel: Channel): number {
    const own = this.capacity[channel];
    if (own !== undefined) return own;
    const cost = this.channelCost[channel];
    if (this.totalCapacity !== undefined && cost !== undefined && cost > 0)
      return Math.floor(this.totalCapacity / cost);
    return 0;
  }

  /** Whether the agent could take one more task on the channel with index `ci` right now. */
  canTake(ci: number): boolean {
    if (!this.routable) return false;
    if ((this.loads[ci] as number) >= (this.caps[ci] as number)) return false;
    return this.totalCapacity === undefined || this.usedUnits + (this.costs[ci] as number) <= this.totalCapacity;
  }

  /** Share of capacity in use, 0..1 (units when a total is set, else the busiest channel). */
  occupancy(): number {
    if (this.totalCapacity !== undefined) return Math.min(1, this.usedUnits / this.totalCapacity);
    let worst = 0;
    for (const ci of this.channelIndices) {
      const cap = this.caps[ci] as number;
      if (cap > 0) worst = Math.max(worst, (this.loads[ci] as number) / cap);
    }
    return worst;
  }

  /** Takes (delta 1) or releases (delta -1) one slot on the channel with index `ci`. */
  adjustLoad(ci: number, delta: number, now: number): void {
    this.loads[ci] = Math.max(0, (this.loads[ci] as number) + delta);
    this.held = Math.max(0, this.held + delta);
    this.usedUnits += delta * (this.costs[ci] as number);
    if (delta > 0) this.lastAssignedAt = now;
    else if (this.held === 0) this.idleSince = now;
  }

  /** Bitmask of the channels the agent could take work on right now. */
  computeAvailMask(): number {
    let mask = 0;
    for (const ci of this.channelIndices) if (this.canTake(ci)) mask |= 1 << ci;
    return mask;
  }

  /** Tasks held per channel, for views. */
  loadByChannel(): Partial<Record<Channel, number>> {
    const out: Partial<Record<Channel, number>> = {};
    for (let ci = 0; ci < CHANNEL_COUNT; ci++)
      if ((this.loads[ci] as number) > 0) out[channelAt(ci)] = this.loads[ci] as number;
    return out;
  }

  /** The presence the agent should have given activity and held work. */
  computePresence(): AgentPresence {
    if (this.held > 0) {
      for (const task of this.tasks) if (task.status !== 'wrapping') return 'busy';
      return this.reservations.size > 0 ? 'busy' : 'wrap_up';
    }
    if (this.routable) return 'available';
    return this.activity === 'offline' ? 'offline' : 'away';
  }

  /** Rebuilds the read-only view that expressions see (after the agent's data changed). */
  refreshView(): void {
    this.view = this.makeView();
  }

  private makeView(): AgentExpressionView {
    const view: AgentExpressionView = {
      id: this.id,
      skills: this.skills,
      languages: this.languages,
      activity: this.activity,
      capacity: this.capacity,
      attributes: this.attributes,
    };
    if (this.name !== undefined) view.name = this.name;
    return view;
  }
}
