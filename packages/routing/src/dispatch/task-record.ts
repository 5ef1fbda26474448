import {
  type Clock,
  isHotlineError,
  isoNow,
  NotFoundError,
  retryOnConflict,
  type Storage,
  type Task,
  type TaskKind,
} from '@hotline/core';
import type { TaskView } from '../engine/views.js';
import type { Tracked } from './tenant-runtime.js';

type TaskFields = Omit<Task, 'id' | 'tenantId' | 'version' | 'createdAt' | 'updatedAt' | 'ticketId'>;

/** Every field the dispatcher writes, in a fixed order (for change detection). */
const FIELDS = [
  'kind',
  'channel',
  'status',
  'attributes',
  'priority',
  'queueId',
  'workflowId',
  'workflowStep',
  'conversationId',
  'agentId',
  'reservationId',
  'enqueuedAt',
  'assignedAt',
  'completedAt',
  'reason',
] as const satisfies readonly (keyof TaskFields)[];

const iso = (ms: number) => new Date(ms).toISOString();

/** The task record's fields for the engine's view of a task. */
export function taskRecordFields(view: TaskView): TaskFields {
  const offer = view.reservations[0];
  const fields: TaskFields = {
    kind: view.kind as TaskKind,
    channel: view.channel,
    status: view.status,
    attributes: view.attributes as Task['attributes'],
    priority: view.priority,
    queueId: view.queueId,
    workflowStep: view.step,
    enqueuedAt: iso(view.enqueuedAt),
  };
  if (view.workflowId !== undefined) fields.workflowId = view.workflowId;
  if (view.conversationId !== undefined) fields.conversationId = view.conversationId;
  const agentId = view.agentId ?? offer?.agentId;
  if (agentId !== undefined) fields.agentId = agentId;
  if (offer !== undefined) fields.reservationId = offer.id;
  if (view.assignedAt !== undefined) fields.assignedAt = iso(view.assignedAt);
  if (view.completedAt !== undefined) fields.completedAt = iso(view.completedAt);
  if (view.reason !== undefined) fields.reason = view.reason;
  return fields;
}

const fingerprint = (fields: Partial<TaskFields>) => JSON.stringify(FIELDS.map((key) => fields[key] ?? null));

/**
 * Writes the task record of a tracked conversation so that a restart can restore it:
 * created on first save, updated (version-checked, retried on a race) when the engine's
 * view changed, untouched otherwise.
 */
export async function saveTaskRecord(
  storage: Storage,
  clock: Clock,
  tenantId: string,
  tracked: Tracked,
  view: TaskView,
): Promise<void> {
  const fields = taskRecordFields(view);
  if (tracked.record && fingerprint(tracked.record) === fingerprint(fields)) return;
  const now = isoNow(clock);
  if (!tracked.record) {
    try {
      tracked.record = await storage.tasks.create({
        id: view.id,
        tenantId,
        version: 1,
        createdAt: now,
        updatedAt: now,
        ...fields,
      });
      return;
    } catch (error) {
      // A record of this id exists (a restored task keeps its id): update it below.
      if (!isHotlineError(error, 'ALREADY_EXISTS')) throw error;
    }
  }
  await retryOnConflict(async (attempt) => {
    const base = attempt === 1 && tracked.record ? tracked.record : await storage.tasks.get(tenantId, view.id);
    if (!base) throw new NotFoundError('task', view.id);
    const next: Task = {
      id: base.id,
      tenantId,
      version: base.version,
      createdAt: base.createdAt,
      updatedAt: now,
      ...fields,
    };
    if (base.ticketId !== undefined) next.ticketId = base.ticketId;
    tracked.record = await storage.tasks.update(next, base.version);
  });
}
