import type { EngineState } from '../engine/engine-state.js';
import type { QueueState } from '../engine/queue-state.js';

/**
 * Whether a customer arriving now could reach someone on the queue: its hours say open
 * and at least one member agent is in a routable activity (busy ones count: the customer
 * waits for them).
 */
export function queueReachable(s: EngineState, queue: QueueState): boolean {
  if (!queue.isOpen(s.now())) return false;
  // Members who are available are routable by definition; only without any is a scan needed.
  if (queue.presenceCounts.available > 0) return true;
  for (const agent of s.agents.values()) if (agent.routable && agent.queues.has(queue)) return true;
  return false;
}
