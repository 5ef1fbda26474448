import {
  createIdGenerator,
  ForbiddenError,
  type IdGenerator,
  idSchema,
  isoNow,
  NotFoundError,
  type Principal,
  parseInput,
} from '@hotline/core';
import { actorLabel } from '../model/actor.js';
import type { TicketComment } from '../model/comment.js';
import type { HistoryComment, HistoryEntry } from '../model/history.js';
import type { TicketGuard, TicketOperation, WriteContext, WriteResult } from '../model/ports.js';
import type { Ticket } from '../model/ticket.js';
import type { TicketStore } from '../store/ticket-store.js';
import { auditInputFor } from './audit-entry.js';
import { AUTO_CLOSE_TIMER, autoCloseTimerId } from './auto-close.js';
import { WriteDepthExceededError } from './errors.js';
import { writeContextSchema } from './inputs.js';
import {
  DEFAULT_AUTO_CLOSE_MS,
  DEFAULT_MAX_DEPTH,
  type TicketServiceErrorReport,
  type TicketServiceOptions,
} from './options.js';
import { diffTickets } from './ticket-diff.js';

// The one way a ticket is written: check the context, build and check everything, store
// it in one write (one transaction when several tickets change), then the after-effects in
// a fixed order: lifecycle timers and routing, audit, events, hooks.

/** A write the service has built and checked, ready to store. */
export interface PlannedWrite {
  /** The ticket as read (absent for a new ticket). */
  previous?: Ticket;
  /** The ticket to store (for a new ticket, `number` is assigned when stored). */
  next: Ticket;
  kind: HistoryEntry['kind'];
  /** Comments the write adds. */
  comments?: TicketComment[];
  /** The new reply or note this write is about (what SLA replays). */
  comment?: HistoryComment;
  meta?: Record<string, unknown>;
  /** Work that must follow the commit and precede audit, events and hooks (links, routing). */
  afterCommit?: (result: WriteResult) => Promise<void>;
}

/** The pipeline shared by every service operation. */
export interface WritePipeline {
  readonly ids: IdGenerator;
  readonly store: TicketStore;
  now(): string;
  /** Validates the context; refuses writes above `maxDepth`. */
  context(ctx: WriteContext): WriteContext;
  /** The ticket, or `NotFoundError` (also for another tenant's ticket). */
  load(tenantId: string, id: string): Promise<Ticket>;
  /**
   * Asks the guard when the call carries a principal. An approval it uses is given back
   * if the write of this context does not commit.
   */
  authorize(
    ctx: WriteContext,
    operation: TicketOperation,
    ticket?: Ticket,
    changes?: ReadonlyArray<{ property: string; to: unknown }>,
    extra?: { count?: number },
  ): Promise<void>;
  /** The ticket as the caller may see it. */
  redact(ctx: Pick<WriteContext, 'principal'>, ticket: Ticket): Ticket;
  /**
   * Ends the approval bookkeeping of a context whose writes are done: `committed` keeps
   * the approval used, otherwise it is given back.
   */
  settleApproval(ctx: WriteContext, committed: boolean): Promise<void>;
  /** A history entry as the caller may see it (`undefined` when the guard has no entry redaction). */
  redactEntry?: (ctx: Pick<WriteContext, 'principal'>, entry: HistoryEntry, ticket: Ticket) => HistoryEntry;
  /** Stores the writes (together) and runs their after-effects; returns one result per write. */
  commit(ctx: WriteContext, writes: PlannedWrite[]): Promise<WriteResult[]>;
  /** Reports an after-effect failure. */
  report(report: TicketServiceErrorReport): void;
}

/** Builds the pipeline from the service options. */
export function createWritePipeline(options: TicketServiceOptions): WritePipeline {
  const { hotline, store, guard } = options;
  const clock = hotline.clock;
  const ids = hotline.ids ?? createIdGenerator({ now: () => clock.now() });
  const audit = options.audit ?? hotline.audit;
  const hooks = [...(options.hooks ?? [])];
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const autoCloseAfterMs = options.autoCloseAfterMs === undefined ? DEFAULT_AUTO_CLOSE_MS : options.autoCloseAfterMs;
  const report =
    options.onError ??
    ((r: TicketServiceErrorReport) => console.error(`[hotline] ticket ${r.kind} failed`, r.ticketId ?? '', r.error));

  function safeReport(r: TicketServiceErrorReport): void {
    try {
      report(r);
    } catch {
      // onError must not throw; a throwing one must not break the write that succeeded.
    }
  }

  function buildEntry(ctx: WriteContext, write: PlannedWrite, version: number, at: string): HistoryEntry {
    const entry: HistoryEntry = {
      tenantId: write.next.tenantId,
      ticketId: write.next.id,
      version,
      at,
      actor: ctx.actor,
      kind: write.kind,
      changes: diffTickets(write.previous, write.next),
      depth: ctx.depth,
    };
    if (write.comment) entry.comment = write.comment;
    if (write.meta) entry.meta = write.meta;
    return entry;
  }

  const entersSolved = (w: PlannedWrite) => w.next.status === 'solved' && w.previous?.status !== 'solved';
  const leavesSolved = (w: PlannedWrite) => w.previous?.status === 'solved' && w.next.status !== 'solved';

  async function armAutoClose(writes: PlannedWrite[]): Promise<string[]> {
    const timers = hotline.timers;
    if (!timers || autoCloseAfterMs === null) return [];
    const armed: string[] = [];
    for (const write of writes) {
      if (!entersSolved(write)) continue;
      // Armed before the ticket is stored, so no crash can leave a solved ticket without
      // its timer; a timer whose solve never committed finds nothing to close.
      const id = autoCloseTimerId(write.next.id);
      await timers.schedule({
        tenantId: write.next.tenantId,
        id,
        kind: AUTO_CLOSE_TIMER,
        dueAt: clock.now() + autoCloseAfterMs,
        payload: { ticketId: write.next.id, solveVersion: (write.previous?.version ?? 0) + 1 },
      });
      armed.push(id);
    }
    return armed;
  }

  async function store1(
    tx: TicketStore,
    ctx: WriteContext,
    write: PlannedWrite,
    at: string,
  ): Promise<{ ticket: Ticket; entry: HistoryEntry }> {
    const comments = write.comments ?? [];
    if (!write.previous) {
      const number = await tx.nextNumber(write.next.tenantId);
      const ticket = { ...write.next, number, version: 1 };
      const entry = buildEntry(ctx, { ...write, next: ticket }, 1, at);
      return { ticket: await tx.create({ ticket, entry, comments }), entry };
    }
    const version = write.previous.version + 1;
    const entry = buildEntry(ctx, write, version, at);
    return {
      ticket: await tx.update({ ticket: { ...write.next, version }, entry, comments }, write.previous.version),
      entry,
    };
  }

  async function afterCommit(ctx: WriteContext, write: PlannedWrite, result: WriteResult): Promise<void> {
    const { ticket, entry } = result;
    const tenantId = ticket.tenantId;
    if (leavesSolved(write) && hotline.timers) {
      await hotline.timers
        .cancel(tenantId, autoCloseTimerId(ticket.id))
        .catch((error: unknown) => safeReport({ kind: 'timer', error, tenantId, ticketId: ticket.id }));
    }
    if (write.afterCommit) {
      await write
        .afterCommit(result)
        .catch((error: unknown) => safeReport({ kind: 'routing', error, tenantId, ticketId: ticket.id, result }));
    }
    const leftWork = ['solved', 'closed', 'merged'].includes(ticket.status) && write.previous?.status !== ticket.status;
    if (leftWork && ticket.routingTaskId && options.router) {
      await options.router
        .release(tenantId, ticket.routingTaskId)
        .catch((error: unknown) => safeReport({ kind: 'routing', error, tenantId, ticketId: ticket.id }));
    }
    if (audit) {
      await audit
        .append(tenantId, auditInputFor(entry, ctx.principal?.id))
        .catch((error: unknown) => safeReport({ kind: 'audit', error, tenantId, ticketId: ticket.id, result }));
    }
    await publishEvents(write, result).catch((error: unknown) =>
      safeReport({ kind: 'event', error, tenantId, ticketId: ticket.id, result }),
    );
  }

  async function publishEvents(write: PlannedWrite, result: WriteResult): Promise<void> {
    const { ticket, entry } = result;
    const { bus } = hotline;
    const base = { tenantId: ticket.tenantId, ticketId: ticket.id };
    const actor = actorLabel(entry.actor);
    const changed = new Set(entry.changes.map((c) => c.property));
    if (!write.previous) {
      await bus.publish({
        type: 'ticket.created',
        ...base,
        number: ticket.number,
        requesterId: ticket.requesterId,
        priority: ticket.priority,
      });
    } else {
      await bus.publish({ type: 'ticket.updated', ...base, version: ticket.version, properties: [...changed], actor });
      if (changed.has('status')) {
        await bus.publish({
          type: 'ticket.status_changed',
          ...base,
          from: write.previous.status,
          to: ticket.status,
          actor,
        });
      }
      if (changed.has('assigneeId') || changed.has('groupId')) {
        await bus.publish({
          type: 'ticket.assigned',
          ...base,
          actor,
          ...(ticket.assigneeId === undefined ? {} : { assigneeId: ticket.assigneeId }),
          ...(ticket.groupId === undefined ? {} : { groupId: ticket.groupId }),
        });
      }
      if (ticket.status === 'merged' && write.previous.status !== 'merged') {
        const survivor = ticket.links.find((link) => link.kind === 'merged_into');
        await bus.publish({ type: 'ticket.merged', ...base, survivorId: survivor?.ticketId ?? '' });
      }
      if (entry.kind === 'csat' && ticket.csat) {
        await bus.publish({ type: 'ticket.csat_received', ...base, rating: ticket.csat.rating });
      }
    }
    if (entry.comment) {
      await bus.publish({
        type: 'ticket.commented',
        ...base,
        commentId: entry.comment.id,
        public: entry.comment.public,
        author: entry.comment.author,
      });
    }
    if (entersSolved(write) && ticket.solvedAt) {
      await bus.publish({
        type: 'ticket.csat_requested',
        ...base,
        requesterId: ticket.requesterId,
        solvedAt: ticket.solvedAt,
      });
    }
  }

  /**
   * Approvals the guard used for a write that has not committed yet, by the write's
   * context (one context object per service call, shared by its retries).
   */
  const usedApprovals = new WeakMap<WriteContext, string>();

  /** Gives back the approval a write used, when the write did not commit (so its retry can use it). */
  async function releaseApproval(ctx: WriteContext): Promise<void> {
    const approvalId = usedApprovals.get(ctx);
    if (approvalId === undefined) return;
    usedApprovals.delete(ctx);
    if (!ctx.principal || !guard?.releaseApproval) return;
    await guard
      .releaseApproval(ctx.principal, approvalId)
      .catch((error: unknown) => safeReport({ kind: 'approval', error, tenantId: ctx.tenantId }));
  }

  async function runHooks(result: WriteResult): Promise<void> {
    for (const hook of hooks) {
      try {
        await hook.afterWrite(result);
      } catch (error) {
        safeReport({
          kind: 'hook',
          error,
          hook: hook.name,
          tenantId: result.ticket.tenantId,
          ticketId: result.ticket.id,
          result,
        });
      }
    }
  }

  return {
    ids,
    store,
    now: () => isoNow(clock),
    report: safeReport,

    context(ctx) {
      const parsed = parseInput(writeContextSchema, ctx, 'write context') as WriteContext;
      if (parsed.depth > maxDepth) throw new WriteDepthExceededError(parsed.depth, maxDepth);
      const principal = ctx.principal as Principal | undefined;
      if (principal && principal.tenantId !== parsed.tenantId) {
        throw new ForbiddenError('The principal belongs to another tenant', { details: { reason: 'tenant_mismatch' } });
      }
      return { ...parsed, ...(principal ? { principal } : {}) };
    },

    async load(tenantId, id) {
      const ticketId = parseInput(idSchema, id, 'ticket id');
      const ticket = await store.get(tenantId, ticketId);
      if (!ticket) throw new NotFoundError('ticket', ticketId);
      return ticket;
    },

    async authorize(ctx, operation, ticket, changes, extra = {}) {
      if (!ctx.principal || !guard) return;
      let decision: Awaited<ReturnType<TicketGuard['authorize']>>;
      try {
        decision = await guard.authorize({
          principal: ctx.principal,
          operation,
          tenantId: ctx.tenantId,
          ...(ticket ? { ticket } : {}),
          ...(changes ? { changes } : {}),
          ...(extra.count === undefined ? {} : { count: extra.count }),
          ...(ctx.approvalId === undefined ? {} : { approvalId: ctx.approvalId }),
        });
      } catch (error) {
        // A write that asks several times (merge, link) and is refused on a later ticket
        // does not commit: what an earlier ask used goes back.
        await releaseApproval(ctx);
        throw error;
      }
      const used = decision ? decision.usedApprovalId : undefined;
      if (used !== undefined) usedApprovals.set(ctx, used);
    },

    redact(ctx, ticket) {
      return ctx.principal && guard ? guard.redact(ctx.principal, ticket) : ticket;
    },

    async settleApproval(ctx, committed) {
      if (committed) usedApprovals.delete(ctx);
      else await releaseApproval(ctx);
    },

    ...(guard?.redactEntry
      ? {
          redactEntry: (ctx: Pick<WriteContext, 'principal'>, entry: HistoryEntry, ticket: Ticket) =>
            ctx.principal && guard.redactEntry ? guard.redactEntry(ctx.principal, entry, ticket) : entry,
        }
      : {}),

    async commit(ctx, writes) {
      const at = isoNow(clock);
      const armed = await armAutoClose(writes);
      let stored: { ticket: Ticket; entry: HistoryEntry }[];
      try {
        stored =
          writes.length === 1 && writes[0]?.previous
            ? [await store1(store, ctx, writes[0], at)]
            : await store.transaction(async (tx) => {
                const out: { ticket: Ticket; entry: HistoryEntry }[] = [];
                for (const write of writes) out.push(await store1(tx, ctx, write, at));
                return out;
              });
      } catch (error) {
        for (const id of armed) {
          await hotline.timers?.cancel(ctx.tenantId, id).catch(() => undefined);
        }
        await releaseApproval(ctx);
        throw error;
      }
      usedApprovals.delete(ctx);
      const results: WriteResult[] = [];
      for (const [index, write] of writes.entries()) {
        const { ticket, entry } = stored[index] as { ticket: Ticket; entry: HistoryEntry };
        const result: WriteResult = {
          ticket,
          entry,
          context: ctx,
          ...(write.previous ? { previous: write.previous } : {}),
        };
        results.push(result);
        await afterCommit(ctx, write, result);
      }
      for (const result of results) await runHooks(result);
      return results;
    },
  };
}
