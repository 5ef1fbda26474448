/**
 * A deterministic contact-center workload for the routing benchmarks: skills, queues,
 * agents and a stream of arrivals and completions, the same for the engine and for the
 * naive baseline.
 */
import type { Channel } from '@hotline/core';
import { Prng } from '../src/staffing/prng.js';

export interface WorkloadShape {
  agents: number;
  skills: number;
  queues: number;
  /** Skills per agent. */
  agentSkills: number;
  seed: string;
}

export interface QueueSpec {
  id: string;
  skill: string;
  minLevel: number;
}

export interface AgentSpec {
  id: string;
  skills: Record<string, number>;
  capacity: Partial<Record<Channel, number>>;
}

export interface Workload {
  queues: QueueSpec[];
  agents: AgentSpec[];
  /** Draws the next arriving task: queue and channel. */
  nextTask(): { queueId: string; channel: Channel; priority: number };
  rng: Prng;
}

export function makeWorkload(shape: WorkloadShape): Workload {
  const rng = new Prng(shape.seed);
  const skills = Array.from({ length: shape.skills }, (_, i) => `s${i}`);
  const queues: QueueSpec[] = Array.from({ length: shape.queues }, (_, i) => ({
    id: `q${i}`,
    skill: skills[i % shape.skills] as string,
    minLevel: rng.integer(1, 5),
  }));
  const agents: AgentSpec[] = Array.from({ length: shape.agents }, (_, i) => {
    const own: Record<string, number> = {};
    while (Object.keys(own).length < shape.agentSkills)
      own[skills[rng.integer(0, shape.skills - 1)] as string] = rng.integer(1, 10);
    return { id: `a${i}`, skills: own, capacity: { voice: 1, webchat: 2 } };
  });
  return {
    queues,
    agents,
    rng,
    nextTask() {
      const queue = queues[rng.integer(0, queues.length - 1)] as QueueSpec;
      return { queueId: queue.id, channel: rng.uniform() < 0.5 ? 'voice' : 'webchat', priority: rng.integer(0, 3) };
    },
  };
}
