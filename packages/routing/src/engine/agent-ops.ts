import type { AgentPresence, AgentState } from './agent-state.js';
import type { EngineState } from './engine-state.js';
import { routeAgent } from './matching.js';
import { longestIdleKey, type Target } from './target.js';
import { withdrawReservation } from './task-flow.js';

/**
 * Recomputes which targets (and queues) an agent belongs to. Only targets requiring one of
 * the agent's skills, or requiring none, are checked, so an agent with ten skills looks at
 * a few dozen targets rather than every one.
 */
export function recomputeMemberships(s: EngineState, agent: AgentState): void {
  const candidates = new Set<Target>(s.targetsWithoutSkills);
  for (const skill of Object.keys(agent.skills))
    for (const target of s.targetsBySkill.get(skill) ?? []) candidates.add(target);
  const time = s.timeView();
  const keep = new Set<Target>();
  for (const target of candidates) if (target.admits(agent, time)) keep.add(target);
  // Leave targets no longer admitted.
  for (let i = agent.memberships.length - 1; i >= 0; i--) {
    const membership = agent.memberships[i];
    if (!membership || keep.has(membership.target)) continue;
    membership.target.remove(agent);
    agent.memberships.splice(i, 1);
  }
  const current = new Set(agent.memberships.map((m) => m.target));
  for (const target of keep) {
    if (current.has(target)) continue;
    agent.memberships.push({ target, member: target.add(agent) });
  }
  // Queue membership (wallboard counts) follows the queues' base targets.
  const queues = new Set(agent.memberships.filter((m) => m.target === m.target.queue.base).map((m) => m.target.queue));
  for (const queue of agent.queues) {
    if (queues.has(queue)) continue;
    queue.presenceCounts[agent.presence]--;
    agent.queues.delete(queue);
    s.dirtyQueues.add(queue);
  }
  for (const queue of queues) {
    if (agent.queues.has(queue)) continue;
    queue.presenceCounts[agent.presence]++;
    agent.queues.add(queue);
    s.dirtyQueues.add(queue);
  }
}

/** Adds a newly defined target to every agent it admits. */
export function admitAgentsTo(s: EngineState, target: Target): void {
  const time = s.timeView();
  for (const agent of s.agents.values()) {
    if (!target.admits(agent, time)) continue;
    const member = target.add(agent);
    agent.memberships.push({ target, member });
    target.refresh(agent, member, longestIdleKey(agent));
    if (target === target.queue.base && !agent.queues.has(target.queue)) {
      agent.queues.add(target.queue);
      target.queue.presenceCounts[agent.presence]++;
      s.dirtyQueues.add(target.queue);
    }
  }
}

/**
 * After any change to an agent's capacity, load, activity or keys: marks it for re-filing
 * in every target's index. The work is done once per agent by {@link flushAgents}, before
 * the next decision reads an index, however many changes an operation made.
 */
export function refreshAgent(s: EngineState, agent: AgentState): void {
  s.dirtyAgents.add(agent);
}

/** Re-files every changed agent in its targets' indexes and updates presence. */
export function flushAgents(s: EngineState): void {
  if (s.dirtyAgents.size === 0) return;
  for (const agent of s.dirtyAgents) {
    const mask = agent.computeAvailMask();
    const changed = mask ^ agent.availMask;
    if (changed !== 0) {
      for (const { target } of agent.memberships) {
        target.countAvailability(changed & mask, 1);
        target.countAvailability(changed & agent.availMask, -1);
      }
      agent.availMask = mask;
    }
    // With no channel free, heap entries may stay (lazy), but weighted samplers must drop to 0.
    if (mask !== 0 || changed !== 0) {
      const idleKey = longestIdleKey(agent);
      for (const { target, member } of agent.memberships) target.refresh(agent, member, idleKey);
    }
    const next = agent.computePresence();
    if (next !== agent.presence) setPresence(s, agent, next);
  }
  s.dirtyAgents.clear();
}

function setPresence(s: EngineState, agent: AgentState, next: AgentPresence): void {
  const now = s.now();
  const previous = agent.presence;
  const elapsed = now - agent.presenceSince;
  if (previous !== 'offline') agent.loggedInMs += elapsed;
  if (previous === 'busy' || previous === 'wrap_up') agent.busyMs += elapsed;
  agent.presence = next;
  agent.presenceSince = now;
  for (const queue of agent.queues) {
    queue.presenceCounts[previous]--;
    queue.presenceCounts[next]++;
    s.dirtyQueues.add(queue);
  }
  s.emit('agent.presence_changed', { agentId: agent.id, from: previous, to: next });
}

/**
 * Changes an agent's activity. Leaving a routable activity withdraws pending offers (their
 * tasks are routed again at once), so an agent who goes offline is never left "reserved";
 * entering one makes the agent pull waiting work immediately.
 */
export function changeActivity(s: EngineState, agent: AgentState, activity: string): void {
  const definition = s.activities.get(activity);
  if (!definition || agent.activity === activity) return;
  const from = agent.activity;
  const wasRoutable = agent.routable;
  agent.activity = activity;
  agent.routable = definition.routable;
  agent.refreshView();
  // Agent filters may read `agent.activity`: membership is decided again.
  recomputeMemberships(s, agent);
  if (!wasRoutable && agent.routable && agent.held === 0) agent.idleSince = s.now();
  s.emit('agent.activity_changed', { agentId: agent.id, from, to: activity, routable: agent.routable });
  if (!agent.routable) {
    for (const reservation of [...agent.reservations]) withdrawReservation(s, reservation, 'withdrawn');
  }
  refreshAgent(s, agent);
  if (agent.routable) routeAgent(s, agent);
}
