import { flushAgents } from './agent-ops.js';
import type { AgentState } from './agent-state.js';
import type { EngineState } from './engine-state.js';
import type { DecisionRecord } from './explain.js';
import { routeTask, unwait, wait } from './task-flow.js';
import type { TaskState } from './task-state.js';
import type { TimeView } from './time-context.js';

/** Whether a (task, agent) pair may be matched: not refused before, preference, expressions. */
export function eligible(s: EngineState, task: TaskState, agent: AgentState, time: TimeView): boolean {
  const now = s.now();
  if (task.refusedUntil(agent.id) > now) return false;
  // Callbacks wait for the queue to open; other work in a closed queue waits for whoever is there.
  if (task.kind === 'callback' && !task.queue.isOpen(now)) return false;
  if (task.preferredUntil > now && !prefers(task, agent, now)) return false;
  return task.step.target.acceptsPair(task.view, agent, time);
}

function prefers(task: TaskState, agent: AgentState, now: number): boolean {
  for (const p of task.preferred) if (p.agentId === agent.id && p.until > now) return true;
  return false;
}

/**
 * Task-centric decision: the best available agents for a pending task in its current
 * step (up to `maxParallelOffers`), in strategy order. O(log n) per agent taken, plus one
 * step per candidate skipped by a task-dependent filter or an earlier refusal.
 */
export function pickAgents(s: EngineState, task: TaskState): AgentState[] {
  const target = task.step.target;
  const time = s.timeView();
  const chosen: AgentState[] = [];
  const limit = s.settings.maxParallelOffers;
  let skipped = 0;
  const accept = (agent: AgentState) => {
    if (chosen.includes(agent)) return false;
    if (eligible(s, task, agent, time)) return true;
    skipped++;
    return false;
  };
  if (target.strategy === 'weighted_random') {
    // Draws need exact weights: bring every changed agent up to date first.
    flushAgents(s);
    while (chosen.length < limit) {
      const agent = target.pick(task.ci, () => s.random(), accept);
      if (!agent) break;
      chosen.push(agent);
    }
  } else {
    // Agents changed during this operation are not re-indexed yet (that happens once, at
    // the end, and usually not at all: an agent who frees a slot and takes the next task in
    // the same operation never touches its dozens of indexes). They are compared here
    // directly, by the same key, against the best indexed agent.
    const dirty = s.dirtyAgents;
    const fresh = (agent: AgentState) => !dirty.has(agent) && accept(agent);
    while (chosen.length < limit) {
      let best = target.pick(task.ci, () => s.random(), fresh);
      let bestKey = best ? target.key(best) : Number.POSITIVE_INFINITY;
      for (const agent of dirty) {
        if (target.memberIndex(agent) === undefined || !agent.canTake(task.ci) || !accept(agent)) continue;
        const key = target.key(agent);
        if (!best || key < bestKey || (key === bestKey && agent.slot < best.slot)) {
          best = agent;
          bestKey = key;
        }
      }
      if (!best) break;
      chosen.push(best);
    }
  }
  task.lastDecision = decision(s, task, chosen, skipped);
  s.inspector?.onTaskDecision?.(task, chosen);
  return chosen;
}

/**
 * Asks for an agent-centric decision: the agent gained room or became eligible for more.
 * Decisions are collected during an operation and made together by {@link settle}.
 */
export function routeAgent(s: EngineState, agent: AgentState): void {
  s.batch.agents.add(agent);
}

/**
 * Asks for a task-centric decision: the task is new, moved to another step or queue, or
 * lost a restriction. It waits in its step's heap until {@link settle} decides.
 */
export function requestRouting(s: EngineState, task: TaskState): void {
  if (task.status !== 'pending') return;
  if (!task.heap) wait(s, task);
  s.batch.tasks.add(task);
}

/**
 * Makes every decision an operation asked for, as if they all happened at once: while any
 * requested task or any task a requested agent could take is waiting, the one served
 * first (priority with ageing, then age) is routed task-centric — so it gets the best
 * agent by its queue's strategy. Tasks are never served out of priority order because
 * their decisions happened to be requested in another order (timeouts and cooldowns
 * ending at the same instant, a refused task coming back).
 */
export function settle(s: EngineState): void {
  const { agents, tasks } = s.batch;
  if (agents.size === 0 && tasks.size === 0) return;
  const now = s.now();
  const time = s.timeView();
  // Each agent's best candidate, kept until that task is routed or the agent changes.
  const candidates = new Map<AgentState, TaskState | undefined>();
  for (let guard = 0; guard < 1_000_000; guard++) {
    s.inspector?.decisionStarted?.();
    let best: TaskState | undefined;
    for (const task of tasks) {
      if (task.status !== 'pending') tasks.delete(task);
      else if (!best || servedFirst(task, best, now)) best = task;
    }
    let looked = false;
    for (const agent of agents) {
      if (!agent.routable || agent.computeAvailMask() === 0) {
        agents.delete(agent);
        continue;
      }
      looked = true;
      let candidate = candidates.get(agent);
      if (candidate === undefined || candidate.status !== 'pending') {
        candidate = bestTaskFor(s, agent, time, now);
        if (!candidate) {
          agents.delete(agent);
          candidates.delete(agent);
          continue;
        }
        candidates.set(agent, candidate);
      }
      if (!best || servedFirst(candidate, best, now)) best = candidate;
    }
    if (!best) {
      if (looked) {
        s.decisions++;
        s.inspector?.decisionEnded?.('idle');
      }
      break;
    }
    tasks.delete(best);
    unwait(s, best);
    const chosen = routeTask(s, best);
    for (const agent of chosen) candidates.delete(agent);
    // An agent whose candidate was routed without it must look again.
    if (chosen.length === 0) for (const [agent, task] of candidates) if (task === best) agents.delete(agent);
  }
  agents.clear();
  tasks.clear();
}

/**
 * The best pending task an agent may take across every target it belongs to, or
 * `undefined`. O(targets × channels) heap peeks, plus one step per task skipped.
 */
function bestTaskFor(s: EngineState, agent: AgentState, time: TimeView, now: number): TaskState | undefined {
  const fits = (task: TaskState) => eligible(s, task, agent, time);
  let best: TaskState | undefined;
  for (const { target } of agent.memberships) {
    for (const ci of agent.channelIndices) {
      const heap = target.tasks[ci];
      if (!heap || heap.size === 0 || !target.servesIndex[ci] || !agent.canTake(ci)) continue;
      const candidate = heap.find(fits);
      if (candidate && (!best || servedFirst(candidate, best, now))) best = candidate;
    }
  }
  return best;
}

/**
 * Order across queues: effective priority (with each queue's ageing), then age, then
 * arrival. Priorities closer than a billionth are equal: ageing is computed in floating
 * point, and rounding must not decide what age should.
 */
export function servedFirst(a: TaskState, b: TaskState, now: number): boolean {
  const pa = a.effectivePriority(now);
  const pb = b.effectivePriority(now);
  if (Math.abs(pa - pb) > 1e-9 * Math.max(1, Math.abs(pa), Math.abs(pb))) return pa > pb;
  if (a.enqueuedAt !== b.enqueuedAt) return a.enqueuedAt < b.enqueuedAt;
  return a.seq < b.seq;
}

function decision(s: EngineState, task: TaskState, chosen: AgentState[], skipped: number): DecisionRecord {
  const target = task.step.target;
  return {
    at: s.now(),
    step: task.stepIndex,
    queueId: target.queue.id,
    strategy: target.strategy,
    members: target.memberCount,
    skipped,
    chosen: chosen.map((agent) => ({
      agentId: agent.id,
      key: target.strategy === 'weighted_random' ? undefined : target.key(agent),
    })),
  };
}
