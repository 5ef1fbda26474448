/**
 * The ticket service: the only writer of tickets. Every other module plugs in through the
 * seams of `model/ports.ts` (guard, after-write hooks) or reads what it writes.
 *
 * ## Public API (stable)
 *
 * `createTicketService(options): TicketService` — see {@link TicketServiceOptions}.
 *
 * Writes (each takes a {@link WriteContext} `{ tenantId, actor, principal?, depth, approvalId? }`):
 * - `create(ctx, CreateTicketInput): Promise<Ticket>`
 * - `update(ctx, ticketId, { expectedVersion?, changes, comment?, meta? }): Promise<Ticket>`
 * - `bulkUpdate(ctx, ticketIds, changes): Promise<BulkUpdateResult>`
 * - `recordSla(ctx, ticketId, { changes?, meta }): Promise<Ticket>`
 * - `comment(ctx, ticketId, { body, public, attachments?, clientCommentId?, messageId?, author?, authorId?, status? }): Promise<CommentResult>`
 * - `assign(ctx, ticketId, { assigneeId?, groupId?, expectedVersion? }): Promise<Ticket>`
 * - `routeThroughRouting(ctx, ticketId): Promise<Ticket>`
 * - `merge(ctx, { survivorId, mergedIds }): Promise<MergeResult>`
 * - `link(ctx, ticketId, otherId, 'related' | 'parent' | 'child'): Promise<LinkResult>`
 * - `split(ctx, ticketId, { commentIds, subject }): Promise<DerivedTicketResult>`
 * - `createFollowUp(ctx, closedTicketId, FollowUpInput?): Promise<DerivedTicketResult>`
 * - `recordCsat(ctx, ticketId, { rating, comment? }): Promise<Ticket>`
 *
 * Reads (each takes a {@link ReadContext} `{ tenantId, principal? }`):
 * - `get(ctx, ticketId)`, `getByNumber(ctx, number)`: `Promise<Ticket>` (`NOT_FOUND` otherwise)
 * - `list(ctx, TicketListFilter?, ListOptions?): Promise<Page<Ticket>>`
 * - `history(ctx, ticketId): Promise<HistoryEntry[]>`
 * - `comments(ctx, ticketId, { publicOnly?, limit?, cursor? }): Promise<Page<TicketComment>>`
 *
 * Lifecycle: `close()` unregisters the auto-close timer handler and the routing listener.
 *
 * ## What every write does, in order
 *
 * 1. Checks the context; refuses `depth > maxDepth` (`WriteDepthExceededError`).
 * 2. Parses the input (strict zod schemas: unknown keys are refused) and builds the next
 *    ticket: lifecycle rules, custom fields and forms, required fields, the record schema.
 *    Any failure throws a typed error and nothing is written.
 * 3. Asks `guard.authorize` when the context carries a `principal`.
 * 4. One store write (one transaction when several tickets change) with exactly one
 *    history entry per ticket, carrying the actor, the property changes (old and new
 *    values), the comment and the depth.
 * 5. After the commit: lifecycle timers (auto-close) and routing, the audit log append,
 *    bus events (`ticket.created`, `ticket.updated`, `ticket.status_changed`,
 *    `ticket.assigned`, `ticket.commented`, `ticket.merged`, `ticket.csat_requested`,
 *    `ticket.csat_received`), then the hooks in order, each awaited, with the
 *    `WriteResult`. Failures after the commit go to `onError`; they never undo the write.
 *
 * The returned promise resolves after the hooks ran, so a caller sees the effects of its
 * triggers. Tickets returned to a caller with a `principal` pass through `guard.redact`.
 *
 * @packageDocumentation
 */
import {
  isHotlineError,
  type ListOptions,
  NotFoundError,
  type Page,
  type Principal,
  parseInput,
  tenantIdSchema,
} from '@hotline/core';
import { z } from 'zod';
import type { TicketComment } from '../model/comment.js';
import type { HistoryEntry } from '../model/history.js';
import type { WriteContext } from '../model/ports.js';
import type { Ticket } from '../model/ticket.js';
import type { TicketListFilter } from '../store/ticket-store.js';
import { AUTO_CLOSE_ACTOR, AUTO_CLOSE_TIMER, shouldAutoClose } from './auto-close.js';
import { type BulkUpdateResult, bulkUpdate } from './bulk-op.js';
import { addComment, type CommentResult, recordCsat } from './comment-op.js';
import { createTicket } from './create-op.js';
import type {
  AssignInput,
  CommentInput,
  CreateTicketInput,
  CsatInput,
  FollowUpInput,
  LinkInputKind,
  MergeInput,
  RecordSlaInput,
  SplitInput,
  TicketChanges,
  UpdateTicketInput,
} from './inputs.js';
import type { TicketServiceOptions } from './options.js';
import { redactHistory } from './redact-history.js';
import {
  createFollowUp,
  type DerivedTicketResult,
  type LinkResult,
  linkTickets,
  type MergeResult,
  mergeTickets,
  splitTicket,
} from './relations-op.js';
import type { ServiceCore } from './service-core.js';
import { createConfigResolver } from './tenant-config.js';
import {
  applyRoutingAssignment,
  assignTicket,
  recordSlaEvent,
  routeTicket,
  updateChecked,
  updateTicket,
} from './update-op.js';
import { createWritePipeline } from './write-pipeline.js';

/** Who is reading: the tenant, and the principal whose permissions apply (none for internal reads). */
export interface ReadContext {
  tenantId: string;
  principal?: Principal;
}

/** Options of `TicketService.comments`. */
export interface CommentListOptions extends ListOptions {
  /** Only public comments (what a requester may see). @default false */
  publicOnly?: boolean;
}

/** The ticket service. See the module documentation for the order of effects of a write. */
export interface TicketService {
  /**
   * Creates a ticket from the API, a conversation (`source: { kind: 'conversation',
   * conversationId }`: the ticket lists the conversation and the conversation gets
   * `attributes.ticketId`), an email, or a form. The `description` becomes the first
   * comment. Classification (tags, priority from keywords) is a hook's job.
   */
  create(ctx: WriteContext, input: CreateTicketInput): Promise<Ticket>;
  /**
   * Changes properties with optimistic concurrency and merge. With a stale
   * `expectedVersion`, the entries written since are read: a property both changed (to a
   * different value) throws `ConflictError` with `details.reason === 'concurrent_change'`
   * and `details.conflicts` (property, from, to, yours, actor, actorLabel, version, at);
   * otherwise the caller's own changes apply on the latest version. Tags and followers
   * merge as set operations. Never a lost update.
   *
   * `comment` is stored by the same write (one history entry for a trigger that sets
   * properties and replies), with the lifecycle effects of `comment` when the changes set
   * no status. `meta` is stored on the history entry (rules name themselves there).
   */
  update(ctx: WriteContext, ticketId: string, input: UpdateTicketInput): Promise<Ticket>;
  /**
   * Applies the same changes to many tickets. The batch is authorised once as
   * `bulk_update` with its `count` (approval rules such as "closing more than 10 tickets
   * at once" apply there; `ctx.approvalId` is the batch's approval), then each ticket is
   * updated on its own as by `update` (checked, authorised and recorded per ticket; all or
   * nothing per ticket, not for the batch). Failures are listed, not thrown.
   */
  bulkUpdate(ctx: WriteContext, ticketIds: readonly string[], changes: TicketChanges): Promise<BulkUpdateResult>;
  /**
   * Records an SLA event (what `SlaMonitor` calls through its port): ONE write of kind
   * `sla` that applies the escalation's `changes` (priority, group, assignee; possibly
   * none) to the latest version and stores `meta` (`{ metric, event, cycle, policyId,
   * dueAt }`) on the entry. The actor must be `{ type: 'sla', id: meta.policyId }`. It
   * never fails on a version conflict (it re-reads and applies again), writes nothing when
   * the history already holds this metric's event for this cycle, and runs hooks like any
   * write.
   */
  recordSla(ctx: WriteContext, ticketId: string, input: RecordSlaInput): Promise<Ticket>;
  /**
   * Adds a public reply or an internal note, idempotent by `clientCommentId`. A requester's
   * reply reopens pending, on_hold and solved tickets; a closed ticket refuses it
   * (`ILLEGAL_TRANSITION`, `details.followUp`): use `createFollowUp`. An agent's public reply
   * moves a `new` ticket to `open`.
   */
  comment(ctx: WriteContext, ticketId: string, input: CommentInput): Promise<CommentResult>;
  /** Assigns a group and/or an agent by hand; withdraws a routing task (manual override). */
  assign(ctx: WriteContext, ticketId: string, input: AssignInput): Promise<Ticket>;
  /**
   * Hands the ticket to the configured `TicketRouter` as a task; when routing picks an agent
   * the assignee is set with actor `{ type: 'system', reason: 'routing' }`.
   */
  routeThroughRouting(ctx: WriteContext, ticketId: string): Promise<Ticket>;
  /**
   * Merges tickets into a survivor: their comments are copied, conversations, tags and
   * followers (and other requesters, as followers) carried over, `merged_from` links added;
   * the merged tickets become `merged` with a `merged_into` link. Nothing is deleted.
   */
  merge(ctx: WriteContext, input: MergeInput): Promise<MergeResult>;
  /**
   * Links two tickets: `otherId` is `ticketId`'s `kind` from `ticketId`'s point of view
   * (`parent`: `ticketId` is the parent of `otherId`); the inverse link is stored on the
   * other ticket. Linking twice changes nothing.
   */
  link(ctx: WriteContext, ticketId: string, otherId: string, kind: LinkInputKind): Promise<LinkResult>;
  /** Splits some comments off into a new ticket (copies), linked `split_from` / `split_into`. */
  split(ctx: WriteContext, ticketId: string, input: SplitInput): Promise<DerivedTicketResult>;
  /** Creates the follow-up of a closed ticket (the only way to continue one), linked both ways. */
  createFollowUp(ctx: WriteContext, closedTicketId: string, input?: FollowUpInput): Promise<DerivedTicketResult>;
  /** Stores the requester's satisfaction rating on a solved or closed ticket (a later answer replaces it). */
  recordCsat(ctx: WriteContext, ticketId: string, input: CsatInput): Promise<Ticket>;
  /** The ticket, or `NOT_FOUND` (another tenant's ticket included). */
  get(ctx: ReadContext, ticketId: string): Promise<Ticket>;
  /** The ticket with this number, or `NOT_FOUND`. */
  getByNumber(ctx: ReadContext, number: number): Promise<Ticket>;
  /** Tickets, oldest first; with a principal, only those it may read. */
  list(ctx: ReadContext, filter?: TicketListFilter, options?: ListOptions): Promise<Page<Ticket>>;
  /** Every history entry of the ticket, oldest first (values redacted for a principal). */
  history(ctx: ReadContext, ticketId: string): Promise<HistoryEntry[]>;
  /** The ticket's comments, by time. */
  comments(ctx: ReadContext, ticketId: string, options?: CommentListOptions): Promise<Page<TicketComment>>;
  /** Unregisters the auto-close handler and the routing listener. */
  close(): void;
}

const readContextSchema = z.object({ tenantId: tenantIdSchema }).loose();

/**
 * Creates the ticket service.
 *
 * @example
 * ```ts
 * import { createHotline } from '@hotline/core';
 * import { createMemoryTicketStore, createTicketService } from '@hotline/ticketing';
 *
 * const hotline = createHotline();
 * const tickets = createTicketService({
 *   hotline,
 *   store: createMemoryTicketStore(),
 *   fields: [{ key: 'plan', type: 'dropdown', options: ['free', 'pro'], requiredIn: ['solved'] }],
 * });
 * const ctx = { tenantId: 'ten_1', actor: { type: 'agent', id: 'agt_1' }, depth: 0 } as const;
 * const ticket = await tickets.create(ctx, { subject: 'Refund', requesterId: 'ctc_1', description: 'Please refund #42' });
 * await tickets.update(ctx, ticket.id, { expectedVersion: ticket.version, changes: { status: 'open', priority: 'high' } });
 * ```
 */
export function createTicketService(options: TicketServiceOptions): TicketService {
  const pipeline = createWritePipeline(options);
  const config = createConfigResolver(options);
  const core: ServiceCore = {
    options,
    pipeline,
    config,
    env: (ctx, tenantConfig) => ({ config: tenantConfig, actor: ctx.actor, now: pipeline.now() }),
  };
  const cleanups: (() => void)[] = [];

  const timers = options.hotline.timers;
  if (timers) {
    cleanups.push(
      timers.handle(AUTO_CLOSE_TIMER, async (timer) => {
        const ticketId = String(timer.payload['ticketId']);
        const solveVersion = Number(timer.payload['solveVersion']);
        const ticket = await pipeline.store.get(timer.tenantId, ticketId);
        const entries = ticket
          ? await pipeline.store.history(timer.tenantId, ticketId, { afterVersion: Math.max(0, solveVersion - 1) })
          : [];
        if (!shouldAutoClose(timer, ticket, entries) || !ticket) return;
        const ctx: WriteContext = { tenantId: timer.tenantId, actor: { ...AUTO_CLOSE_ACTOR }, depth: 0 };
        try {
          // Against the version checked above: if someone reopened meanwhile, the status
          // conflict stops the close and the retry finds nothing to do.
          await updateChecked(
            core,
            ctx,
            ticketId,
            { status: 'closed' },
            {
              expectedVersion: ticket.version,
              meta: { solveVersion },
            },
          );
        } catch (error) {
          pipeline.report({ kind: 'auto_close', error, tenantId: timer.tenantId, ticketId });
          throw error;
        }
      }),
    );
  }
  if (options.router) {
    cleanups.push(options.router.onAssigned((assignment) => void applyRoutingAssignment(core, assignment)));
  }

  async function readable(ctx: ReadContext, ticketId: string): Promise<{ ctx: WriteContext; ticket: Ticket }> {
    const parsed = parseInput(readContextSchema, ctx, 'read context');
    const write: WriteContext = {
      tenantId: parsed.tenantId,
      actor: { type: 'system', reason: 'read' },
      depth: 0,
      ...(ctx.principal ? { principal: ctx.principal } : {}),
    };
    const ticket = await pipeline.load(write.tenantId, ticketId);
    await pipeline.authorize(write, 'read', ticket);
    return { ctx: write, ticket };
  }

  async function get(ctx: ReadContext, ticketId: string): Promise<Ticket> {
    const { ctx: read, ticket } = await readable(ctx, ticketId);
    return pipeline.redact(read, ticket);
  }

  return {
    create: (ctx, input) => createTicket(core, ctx, input),
    update: (ctx, ticketId, input) => updateTicket(core, ctx, ticketId, input),
    bulkUpdate: (ctx, ticketIds, changes) => bulkUpdate(core, ctx, ticketIds, changes),
    recordSla: (ctx, ticketId, input) => recordSlaEvent(core, ctx, ticketId, input),
    comment: (ctx, ticketId, input) => addComment(core, ctx, ticketId, input),
    assign: (ctx, ticketId, input) => assignTicket(core, ctx, ticketId, input),
    routeThroughRouting: (ctx, ticketId) => routeTicket(core, ctx, ticketId),
    merge: (ctx, input) => mergeTickets(core, ctx, input),
    link: (ctx, ticketId, otherId, kind) => linkTickets(core, ctx, ticketId, otherId, kind),
    split: (ctx, ticketId, input) => splitTicket(core, ctx, ticketId, input),
    createFollowUp: (ctx, closedTicketId, input) => createFollowUp(core, ctx, closedTicketId, input),
    recordCsat: (ctx, ticketId, input) => recordCsat(core, ctx, ticketId, input),

    get,
    async getByNumber(ctx, number) {
      const parsed = parseInput(readContextSchema, ctx, 'read context');
      const wanted = parseInput(z.int().min(1), number, 'ticket number');
      const found = await pipeline.store.getByNumber(parsed.tenantId, wanted);
      if (!found) throw new NotFoundError('ticket', `#${wanted}`);
      return get(ctx, found.id);
    },
    async list(ctx, filter, listOptions) {
      const parsed = parseInput(readContextSchema, ctx, 'read context');
      const page = await pipeline.store.list(parsed.tenantId, filter, listOptions);
      if (!ctx.principal) return page;
      const write: WriteContext = {
        tenantId: parsed.tenantId,
        actor: { type: 'system', reason: 'read' },
        depth: 0,
        principal: ctx.principal,
      };
      const items: Ticket[] = [];
      for (const ticket of page.items) {
        try {
          await pipeline.authorize(write, 'read', ticket);
          items.push(pipeline.redact(write, ticket));
        } catch (error) {
          if (!isHotlineError(error, 'FORBIDDEN')) throw error;
        }
      }
      return page.nextCursor === undefined ? { items } : { items, nextCursor: page.nextCursor };
    },
    async history(ctx, ticketId) {
      const { ctx: read, ticket } = await readable(ctx, ticketId);
      const entries = await pipeline.store.history(read.tenantId, ticket.id);
      return redactHistory(read, ticket, entries, pipeline);
    },
    async comments(ctx, ticketId, listOptions = {}) {
      const { ctx: read, ticket } = await readable(ctx, ticketId);
      const { publicOnly, ...paging } = listOptions;
      const page = await pipeline.store.comments(read.tenantId, ticket.id, paging);
      return publicOnly ? { ...page, items: page.items.filter((comment) => comment.public) } : page;
    },
    close() {
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
  };
}
