import type { AgentStateView, Clock, QueueStatsView, StatsSnapshot, TimerHandle } from '@hotline/core';
import type { AgentState } from '../engine/agent-state.js';
import type { TenantRuntime } from './tenant-runtime.js';

/** Shortest time between two `stats` notices of one tenant. */
export const STATS_INTERVAL_MS = 500;

function agentStateView(agent: AgentState): AgentStateView {
  let capacity = 0;
  for (const channel of agent.channels) capacity += agent.capacityOn(channel);
  const view: AgentStateView = {
    agentId: agent.id,
    activity: agent.activity,
    presence: agent.presence,
    active: agent.tasks.size,
    capacity,
  };
  if (agent.name !== undefined) view.name = agent.name;
  return view;
}

/** Every queue's live figures and every agent routing knows (connected, or holding restored work), now. */
export function statsSnapshot(rt: TenantRuntime, now: number): StatsSnapshot {
  const queues: QueueStatsView[] = rt.engine.allQueueStats().map((stats) => {
    const name = rt.state.queues.get(stats.queueId)?.definition.name;
    return name === undefined ? stats : { ...stats, name };
  });
  const agents = [...rt.state.agents.values()].map(agentStateView).sort((a, b) => a.agentId.localeCompare(b.agentId));
  return { queues, agents, at: now };
}

/**
 * Coalesces a tenant's routing changes into one `stats` notice at most every
 * {@link STATS_INTERVAL_MS}: a wallboard wants the latest figures, not one frame per
 * task event (a busy tenant makes thousands a second).
 */
export class StatsPulse {
  private readonly timers = new Map<string, TimerHandle>();
  private readonly lastAt = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly emit: (tenantId: string) => void,
  ) {}

  /** Something a snapshot shows changed for the tenant. */
  changed(tenantId: string): void {
    if (this.stopped || this.timers.has(tenantId)) return;
    const since = this.clock.now() - (this.lastAt.get(tenantId) ?? Number.NEGATIVE_INFINITY);
    const wait = Math.max(0, STATS_INTERVAL_MS - since);
    this.timers.set(
      tenantId,
      this.clock.setTimer(() => {
        this.timers.delete(tenantId);
        this.lastAt.set(tenantId, this.clock.now());
        this.emit(tenantId);
      }, wait),
    );
  }

  /** Cancels every pending notice. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) this.clock.clearTimer(timer);
    this.timers.clear();
  }
}
