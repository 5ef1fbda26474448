import { refreshAgent } from './agent-ops.js';
import type { AgentState } from './agent-state.js';
import type { EngineState } from './engine-state.js';
import type { TaskState } from './task-state.js';

/**
 * Puts a new task straight into the assigned state: work an agent already holds, such as
 * a conversation assigned before the process restarted. The task enters its first step's
 * queue without waiting there and takes one slot of the agent's capacity on its channel,
 * even beyond the limit (the work exists; new work just stops until the load falls). It
 * counts in no queue figure (it was neither entered nor answered in this engine's
 * lifetime); completing it counts as handled for the agent, as for any assigned task.
 */
export function adoptTask(s: EngineState, task: TaskState, agent: AgentState, assignedAt: number): void {
  const now = s.now();
  const queue = task.step.target.queue;
  task.stepIndex = 0;
  task.stepEnteredAt = now;
  task.queue = queue;
  task.queueGen++;
  task.enqueuedAt = now;
  task.rekey();
  task.status = 'assigned';
  task.agent = agent;
  task.assignedAt = assignedAt;
  s.tasks.set(task.id, task);
  agent.tasks.add(task);
  agent.adjustLoad(task.ci, 1, now);
  refreshAgent(s, agent);
  s.dirtyQueues.add(queue);
  s.emit('task.created', {
    taskId: task.id,
    channel: task.channel,
    priority: task.priority,
    queueId: queue.id,
    ...(task.workflow ? { workflowId: task.workflow.definition.id } : {}),
  });
  s.emit('task.adopted', {
    taskId: task.id,
    agentId: agent.id,
    queueId: queue.id,
    ...(task.conversationId === undefined ? {} : { conversationId: task.conversationId }),
  });
}
