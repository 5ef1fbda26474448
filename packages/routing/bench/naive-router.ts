/**
 * The baseline a database-centred ACD amounts to: every decision scans every agent (for an
 * arriving task) or every waiting task (for an agent who frees up). Same semantics as the
 * engine for this workload: skill thresholds, per-channel capacity, longest idle, priority
 * then age.
 */
import type { Channel } from '@hotline/core';
import type { AgentSpec, QueueSpec } from './workload.js';

interface NaiveAgent {
  spec: AgentSpec;
  load: Map<Channel, number>;
  idleSince: number;
  lastAssignedAt: number;
}

interface NaiveTask {
  id: number;
  queue: QueueSpec;
  channel: Channel;
  priority: number;
  enqueuedAt: number;
  agent?: NaiveAgent;
}

export class NaiveRouter {
  readonly agents: NaiveAgent[];
  private readonly queues = new Map<string, QueueSpec>();
  private waiting: NaiveTask[] = [];
  readonly assigned: NaiveTask[] = [];
  private seq = 0;
  decisions = 0;
  /** Free slots per channel over all agents; only the untimed warm-up uses it, to skip hopeless scans. */
  private readonly freeSlots = new Map<Channel, number>();

  constructor(queues: QueueSpec[], agents: AgentSpec[]) {
    for (const queue of queues) this.queues.set(queue.id, queue);
    this.agents = agents.map((spec) => ({ spec, load: new Map(), idleSince: 0, lastAssignedAt: 0 }));
    for (const agent of agents) {
      for (const [channel, n] of Object.entries(agent.capacity) as [Channel, number][]) {
        this.freeSlots.set(channel, (this.freeSlots.get(channel) ?? 0) + n);
      }
    }
  }

  /**
   * Warm-up submit (untimed): fills capacity first-fit from a per-queue list of eligible
   * agents instead of scanning every agent, then queues the rest. Only the state it builds
   * matters: assigned agents and a backlog, like the engine's.
   */
  warm(queueId: string, channel: Channel, priority: number, now: number): void {
    const queue = this.queues.get(queueId) as QueueSpec;
    const task: NaiveTask = { id: this.seq++, queue, channel, priority, enqueuedAt: now };
    if ((this.freeSlots.get(channel) ?? 0) > 0) {
      let list = this.eligibleByQueue.get(queueId);
      if (!list) {
        list = this.agents.filter((agent) => this.eligible(agent, task));
        this.eligibleByQueue.set(queueId, list);
      }
      const agent = list.find((candidate) => this.free(candidate, channel));
      if (agent) {
        this.assign(task, agent, now);
        return;
      }
    }
    this.waiting.push(task);
  }

  private readonly eligibleByQueue = new Map<string, NaiveAgent[]>();

  private eligible(agent: NaiveAgent, task: NaiveTask): boolean {
    return (agent.spec.skills[task.queue.skill] ?? 0) >= task.queue.minLevel;
  }

  private free(agent: NaiveAgent, channel: Channel): boolean {
    return (agent.load.get(channel) ?? 0) < (agent.spec.capacity[channel] ?? 0);
  }

  private key(agent: NaiveAgent): number {
    return agent.load.size === 0 ? agent.idleSince : 2 ** 44 + agent.lastAssignedAt;
  }

  private assign(task: NaiveTask, agent: NaiveAgent, now: number): void {
    this.freeSlots.set(task.channel, (this.freeSlots.get(task.channel) ?? 0) - 1);
    agent.load.set(task.channel, (agent.load.get(task.channel) ?? 0) + 1);
    agent.lastAssignedAt = now;
    task.agent = agent;
    this.assigned.push(task);
  }

  submit(queueId: string, channel: Channel, priority: number, now: number): void {
    const task: NaiveTask = {
      id: this.seq++,
      queue: this.queues.get(queueId) as QueueSpec,
      channel,
      priority,
      enqueuedAt: now,
    };
    this.decisions++;
    let best: NaiveAgent | undefined;
    for (const agent of this.agents) {
      if (!this.free(agent, channel) || !this.eligible(agent, task)) continue;
      if (!best || this.key(agent) < this.key(best)) best = agent;
    }
    if (best) this.assign(task, best, now);
    else this.waiting.push(task);
  }

  complete(index: number, now: number): void {
    const [task] = this.assigned.splice(index, 1);
    if (!task?.agent) return;
    const agent = task.agent;
    this.freeSlots.set(task.channel, (this.freeSlots.get(task.channel) ?? 0) + 1);
    const n = (agent.load.get(task.channel) ?? 1) - 1;
    if (n === 0) agent.load.delete(task.channel);
    else agent.load.set(task.channel, n);
    if (agent.load.size === 0) agent.idleSince = now;
    for (;;) {
      this.decisions++;
      let best = -1;
      for (let i = 0; i < this.waiting.length; i++) {
        const candidate = this.waiting[i] as NaiveTask;
        if (!this.free(agent, candidate.channel) || !this.eligible(agent, candidate)) continue;
        const current = best < 0 ? undefined : (this.waiting[best] as NaiveTask);
        if (
          !current ||
          candidate.priority > current.priority ||
          (candidate.priority === current.priority && candidate.id < current.id)
        ) {
          best = i;
        }
      }
      if (best < 0) return;
      const [next] = this.waiting.splice(best, 1);
      this.assign(next as NaiveTask, agent, now);
    }
  }
}
