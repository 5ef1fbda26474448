import { ConflictError, IllegalTransitionError, parseInput, UnavailableError, ValidationError } from '@hotline/core';
import type { z } from 'zod';
import { OPEN_TICKET_STATUSES } from '../lifecycle/transitions.js';
import type { TicketComment } from '../model/comment.js';
import type { HistoryEntry } from '../model/history.js';
import type { WriteContext, WriteResult } from '../model/ports.js';
import type { Ticket } from '../model/ticket.js';
import { applyChanges, type ChangeRequest } from './apply-changes.js';
import { assertAcceptsComment, authorOf, newComment, statusAfterComment } from './comment-op.js';
import { rebaseChanges } from './concurrency.js';
import {
  type AssignInput,
  assignInputSchema,
  type RecordSlaInput,
  recordSlaInputSchema,
  type UpdateTicketInput,
  type updateCommentSchema,
  updateTicketInputSchema,
} from './inputs.js';
import { guardChanges, retryRaces, type ServiceCore } from './service-core.js';
import { diffTickets } from './ticket-diff.js';

// Updates with optimistic concurrency and merge, assignment (by hand or by routing).

const ASSIGN_PROPERTIES = new Set(['assigneeId', 'groupId', 'routingTaskId']);

/** A comment an update writes with its changes, parsed. */
type UpdateComment = z.output<typeof updateCommentSchema>;

/** How an internal update behaves. */
interface UpdateOptions {
  expectedVersion?: number | undefined;
  /** Routing's own assignment keeps its task; anyone else's assignment withdraws it. */
  byRouting?: boolean;
  meta?: Record<string, unknown> | undefined;
  /** Checked on the latest ticket before every attempt; `false` writes nothing. */
  precondition?: (latest: Ticket) => boolean | Promise<boolean>;
  /** The history entry's kind. @default 'commented' with a comment, else 'updated' */
  kind?: HistoryEntry['kind'];
  /** Write the entry even when nothing changes (an SLA event records itself). */
  always?: boolean;
  /** A comment stored by the same write. */
  comment?: UpdateComment | undefined;
}

/**
 * The update every path uses: read the latest ticket, rebase a stale caller's changes
 * (or refuse with the other writer's changes), check, write, retry lost races.
 * Returns the ticket unchanged when nothing changes.
 */
export async function updateChecked(
  core: ServiceCore,
  ctx: WriteContext,
  ticketId: string,
  request: ChangeRequest,
  options: UpdateOptions = {},
): Promise<{ ticket: Ticket; result?: WriteResult }> {
  const { pipeline } = core;
  const config = await core.config(ctx.tenantId);
  const expected = options.expectedVersion;
  const by = options.comment && authorOf(ctx, options.comment);
  return retryRaces(async () => {
    const latest = await pipeline.load(ctx.tenantId, ticketId);
    if (options.precondition && !(await options.precondition(latest))) return { ticket: latest };
    let changes = request;
    if (expected !== undefined && expected !== latest.version) {
      if (expected > latest.version) {
        throw new ConflictError(`ticket ${latest.id} has no version ${expected} yet`, {
          details: {
            reason: 'future_version',
            entity: 'ticket',
            id: latest.id,
            expectedVersion: expected,
            actualVersion: latest.version,
          },
        });
      }
      const entries = await pipeline.store.history(ctx.tenantId, latest.id, { afterVersion: expected });
      changes = rebaseChanges(latest, entries, request, config, expected);
    }
    let comment: TicketComment | undefined;
    if (options.comment && by) {
      assertAcceptsComment(latest, by.author);
      // A reply has its lifecycle effects (a requester reopens…) unless the write sets a status.
      if (changes.status === undefined && !changes.customStatusId) {
        const status = statusAfterComment(latest.status, by.author, options.comment.public);
        if (status !== latest.status) changes = { ...changes, status };
      }
      comment = newComment(core, latest, { ...options.comment, ...by });
    }
    const next = applyChanges(latest, changes, core.env(ctx, config));
    const assigned = next.assigneeId !== latest.assigneeId;
    const canceledTask = assigned && !options.byRouting ? latest.routingTaskId : undefined;
    if (canceledTask !== undefined) delete next.routingTaskId;
    const diff = diffTickets(latest, next);
    if (diff.length === 0 && !comment && !options.always) return { ticket: latest };
    const operation =
      diff.length === 0 && comment
        ? 'comment'
        : diff.every((change) => ASSIGN_PROPERTIES.has(change.property))
          ? 'assign'
          : 'update';
    const asked = guardChanges(latest, next);
    await pipeline.authorize(
      ctx,
      operation,
      latest,
      comment ? [{ property: 'comment', to: { public: comment.public, author: comment.author } }, ...asked] : asked,
    );
    const router = core.options.router;
    const [result] = (await pipeline.commit(ctx, [
      {
        previous: latest,
        next,
        kind: options.kind ?? (comment ? 'commented' : 'updated'),
        ...(comment
          ? { comments: [comment], comment: { id: comment.id, public: comment.public, author: comment.author } }
          : {}),
        ...(options.meta ? { meta: options.meta } : {}),
        ...(canceledTask !== undefined && router
          ? {
              afterCommit: (r: WriteResult) =>
                router
                  .cancel(ctx.tenantId, canceledTask, 'manual_assign')
                  .catch((error: unknown) => pipeline.report({ kind: 'routing', error, ticketId, result: r })),
            }
          : {}),
      },
    ])) as [WriteResult];
    return { ticket: result.ticket, result };
  });
}

/** `TicketService.update`. */
export async function updateTicket(
  core: ServiceCore,
  rawCtx: WriteContext,
  ticketId: string,
  rawInput: UpdateTicketInput,
): Promise<Ticket> {
  const ctx = core.pipeline.context(rawCtx);
  const input = parseInput(updateTicketInputSchema, rawInput, 'ticket update');
  const { ticket } = await updateChecked(core, ctx, ticketId, input.changes, {
    expectedVersion: input.expectedVersion,
    comment: input.comment,
    meta: input.meta,
  });
  return core.pipeline.redact(ctx, ticket);
}

/**
 * `TicketService.recordSla`: an SLA event (warning or breach) with its escalation's
 * changes, as one `sla` entry, on the latest version (never a version conflict), once.
 */
export async function recordSlaEvent(
  core: ServiceCore,
  rawCtx: WriteContext,
  ticketId: string,
  rawInput: RecordSlaInput,
): Promise<Ticket> {
  const ctx = core.pipeline.context(rawCtx);
  const input = parseInput(recordSlaInputSchema, rawInput, 'SLA event');
  const { meta } = input;
  if (ctx.actor.type !== 'sla' || ctx.actor.id !== meta.policyId) {
    throw new ValidationError('An SLA event is written by its policy', [
      { path: 'actor', message: `must be { type: 'sla', id: '${meta.policyId}' }` },
    ]);
  }
  const { pipeline } = core;
  const { ticket } = await updateChecked(core, ctx, ticketId, input.changes, {
    kind: 'sla',
    always: true,
    meta,
    // Stored once per (metric, cycle, event): a retry after a crash, or a second monitor, writes nothing.
    precondition: async (latest) => {
      const entries = await pipeline.store.history(ctx.tenantId, latest.id);
      return !entries.some(
        (entry) =>
          entry.kind === 'sla' &&
          entry.meta?.['metric'] === meta.metric &&
          entry.meta?.['event'] === meta.event &&
          entry.meta?.['cycle'] === meta.cycle,
      );
    },
  });
  return pipeline.redact(ctx, ticket);
}

/** `TicketService.assign`: a manual assignment, which withdraws a routing task. */
export async function assignTicket(
  core: ServiceCore,
  rawCtx: WriteContext,
  ticketId: string,
  rawInput: AssignInput,
): Promise<Ticket> {
  const ctx = core.pipeline.context(rawCtx);
  const input = parseInput(assignInputSchema, rawInput, 'assignment');
  const changes: ChangeRequest = {};
  if (input.assigneeId !== undefined) changes.assigneeId = input.assigneeId;
  if (input.groupId !== undefined) changes.groupId = input.groupId;
  const { ticket } = await updateChecked(core, ctx, ticketId, changes, { expectedVersion: input.expectedVersion });
  return core.pipeline.redact(ctx, ticket);
}

/** `TicketService.routeThroughRouting`: hands the ticket to the router as a task. */
export async function routeTicket(core: ServiceCore, rawCtx: WriteContext, ticketId: string): Promise<Ticket> {
  const ctx = core.pipeline.context(rawCtx);
  const router = core.options.router;
  if (!router) throw new UnavailableError('No ticket router is configured (options.router)');
  const { pipeline } = core;
  const config = await core.config(ctx.tenantId);
  const { ticket, previousTask } = await retryRaces(async () => {
    const latest = await pipeline.load(ctx.tenantId, ticketId);
    if (!OPEN_TICKET_STATUSES.includes(latest.status))
      throw new IllegalTransitionError('ticket', latest.status, 'route');
    const next = applyChanges(latest, {}, core.env(ctx, config));
    next.routingTaskId = pipeline.ids.next('task');
    await pipeline.authorize(ctx, 'assign', latest, guardChanges(latest, next));
    const [result] = (await pipeline.commit(ctx, [{ previous: latest, next, kind: 'updated' }])) as [WriteResult];
    return { ticket: result.ticket, previousTask: latest.routingTaskId };
  });
  if (previousTask !== undefined) {
    await router
      .cancel(ctx.tenantId, previousTask, 'rerouted')
      .catch((error: unknown) => pipeline.report({ kind: 'routing', error, tenantId: ctx.tenantId, ticketId }));
  }
  try {
    await router.route(ticket as Ticket & { routingTaskId: string });
  } catch (error) {
    // Nothing will route it: take the task id back so the ticket does not look routed.
    await clearRoutingTask(core, ctx, ticketId, ticket.routingTaskId as string);
    throw error;
  }
  return pipeline.redact(ctx, ticket);
}

async function clearRoutingTask(core: ServiceCore, ctx: WriteContext, ticketId: string, taskId: string): Promise<void> {
  const { pipeline } = core;
  await retryRaces(async () => {
    const latest = await pipeline.load(ctx.tenantId, ticketId);
    if (latest.routingTaskId !== taskId) return;
    const next = { ...latest };
    delete next.routingTaskId;
    await pipeline.commit({ ...ctx, actor: { type: 'system', reason: 'routing' } }, [
      { previous: latest, next, kind: 'updated' },
    ]);
  }).catch((error: unknown) => pipeline.report({ kind: 'routing', error, tenantId: ctx.tenantId, ticketId }));
}

/** Applies routing's choice of agent, if the ticket still waits on that task. */
export async function applyRoutingAssignment(
  core: ServiceCore,
  assignment: { tenantId: string; ticketId: string; taskId: string; agentId: string },
): Promise<void> {
  const ctx: WriteContext = { tenantId: assignment.tenantId, actor: { type: 'system', reason: 'routing' }, depth: 0 };
  try {
    await updateChecked(
      core,
      ctx,
      assignment.ticketId,
      { assigneeId: assignment.agentId },
      {
        byRouting: true,
        meta: { routingTaskId: assignment.taskId },
        // A manual assignment or a reroute since then wins: that task no longer counts.
        precondition: (latest) =>
          latest.routingTaskId === assignment.taskId && OPEN_TICKET_STATUSES.includes(latest.status),
      },
    );
  } catch (error) {
    core.pipeline.report({ kind: 'routing', error, tenantId: assignment.tenantId, ticketId: assignment.ticketId });
  }
}
