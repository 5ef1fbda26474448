import { AlreadyExistsError, NotFoundError, ValidationError } from '@hotline/core';
import type { z } from 'zod';
import type { taskInputSchema } from './definitions.js';
import type { EngineState } from './engine-state.js';
import { TaskState } from './task-state.js';

/** The fields `submit` and `adopt` share, validated. */
type TaskFields = Omit<z.output<typeof taskInputSchema>, 'preferredAgents' | 'refusedBy'>;

/**
 * Makes a task from validated input and gives it its route: the queue's single step, or
 * the steps of the first workflow filter that matches (whose priority is a floor). Nothing
 * is registered yet, so a task that cannot be routed (an id in use, an unknown queue or
 * workflow, no matching filter, a channel its first queue does not serve) leaves no trace.
 */
export function newTask(s: EngineState, parsed: TaskFields): TaskState {
  const id = parsed.id ?? s.nextId('task');
  if (s.tasks.has(id) || s.finished.has(id)) throw new AlreadyExistsError('task', id);
  const task = new TaskState(
    id,
    s.taskSeq++,
    parsed.channel,
    parsed.kind,
    parsed.attributes,
    parsed.priority,
    s.now(),
    parsed.conversationId,
  );
  if (parsed.queueId !== undefined) {
    const queue = s.queues.get(parsed.queueId);
    if (!queue) throw new NotFoundError('queue', parsed.queueId);
    task.steps = queue.baseRoute;
  } else {
    const workflow = s.workflows.get(parsed.workflowId as string);
    if (!workflow) throw new NotFoundError('workflow', parsed.workflowId as string);
    const context = { task: task.view, time: s.timeView() };
    const filter = workflow.filters.find((f) => !f.match || f.match.test(context));
    const steps = filter?.steps ?? workflow.defaultSteps;
    if (!steps) {
      throw new NotFoundError('route', id, {
        details: { reason: 'no_filter_matched', workflowId: workflow.definition.id },
      });
    }
    task.workflow = workflow;
    task.steps = steps;
    // A filter's priority is a floor: VIP rules raise priority, never lower what was asked.
    if (filter?.priority !== undefined && filter.priority > task.priority) {
      task.priority = filter.priority;
      task.refreshView();
    }
  }
  const entry = task.steps[0];
  if (entry && !entry.target.serves(task.channel)) {
    throw new ValidationError(`Invalid channel: queue ${entry.target.queue.id} does not serve ${task.channel}`, [
      { path: 'channel', message: `queue ${entry.target.queue.id} does not serve ${task.channel}` },
    ]);
  }
  return task;
}
