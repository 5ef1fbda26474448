import { ForbiddenError, IllegalTransitionError, isHotlineError, parseInput, ValidationError } from '@hotline/core';
import { acceptsComments, onRequesterReply } from '../lifecycle/transitions.js';
import type { TicketComment } from '../model/comment.js';
import type { WriteContext, WriteResult } from '../model/ports.js';
import type { Ticket, TicketStatus } from '../model/ticket.js';
import { applyChanges, finishTicket } from './apply-changes.js';
import { type CommentInput, type CsatInput, commentInputSchema, csatInputSchema } from './inputs.js';
import { guardChanges, retryRaces, type ServiceCore } from './service-core.js';

// Comments (replies and notes) and CSAT answers.

/** What `TicketService.comment` returns. */
export interface CommentResult {
  ticket: Ticket;
  comment: TicketComment;
  /** `false` when a comment with the same `clientCommentId` existed and was returned instead. */
  created: boolean;
}

type Author = TicketComment['author'];

/**
 * Who a comment is by: agents and requesters always write as themselves; rules, SLA,
 * integrations and the system as `input.author` (default `system`).
 */
export function authorOf(
  ctx: WriteContext,
  input: { author?: Author | undefined; authorId?: string | undefined },
): { author: Author; authorId?: string } {
  const { actor } = ctx;
  if (actor.type === 'requester' || actor.type === 'agent') {
    const own: Author = actor.type;
    if (input.author !== undefined && input.author !== own) {
      throw new ValidationError(`A ${own} writes comments as ${own}`, [{ path: 'author', message: `must be ${own}` }]);
    }
    return { author: own, authorId: actor.id };
  }
  const author = input.author ?? 'system';
  return input.authorId === undefined ? { author } : { author, authorId: input.authorId };
}

function parseComment(input: CommentInput) {
  return parseInput(commentInputSchema, input, 'comment');
}

/**
 * The status after a comment: a requester's reply reopens (pending, on_hold, solved →
 * open); an agent's first public reply moves a `new` ticket to `open` (the ticket is being
 * worked; Zendesk does the same when an agent updates a new ticket); an explicit
 * `status` wins for agents and the system.
 */
export function statusAfterComment(
  current: TicketStatus,
  author: Author,
  isPublic: boolean,
  requested?: TicketStatus,
): TicketStatus {
  if (author === 'requester') return onRequesterReply(current);
  if (requested !== undefined) return requested;
  return author === 'agent' && isPublic && current === 'new' ? 'open' : current;
}

/** Refuses a comment on a ticket that takes none (closed: use a follow-up; merged). */
export function assertAcceptsComment(ticket: Ticket, author: Author): void {
  if (acceptsComments(ticket.status)) return;
  if (author === 'requester') onRequesterReply(ticket.status);
  throw new IllegalTransitionError('ticket', ticket.status, 'comment', {
    details: ticket.status === 'closed' ? { reason: 'use_follow_up', followUp: true } : { reason: 'final' },
  });
}

/** What a new comment carries besides its ticket, id and time. */
export interface CommentSpec {
  public: boolean;
  author: Author;
  authorId?: string | undefined;
  body: string;
  attachments: TicketComment['attachments'];
  clientCommentId?: string | undefined;
  messageId?: string | undefined;
}

/** A new comment on `ticket`, now. */
export function newComment(core: ServiceCore, ticket: Ticket, spec: CommentSpec): TicketComment {
  const { pipeline } = core;
  return {
    id: pipeline.ids.next('tcm'),
    tenantId: ticket.tenantId,
    ticketId: ticket.id,
    public: spec.public,
    author: spec.author,
    body: spec.body,
    attachments: spec.attachments,
    createdAt: pipeline.now(),
    ...(spec.authorId === undefined ? {} : { authorId: spec.authorId }),
    ...(spec.clientCommentId === undefined ? {} : { clientCommentId: spec.clientCommentId }),
    ...(spec.messageId === undefined ? {} : { messageId: spec.messageId }),
  };
}

/** `TicketService.comment`. */
export async function addComment(
  core: ServiceCore,
  rawCtx: WriteContext,
  ticketId: string,
  rawInput: CommentInput,
): Promise<CommentResult> {
  const { pipeline } = core;
  const ctx = pipeline.context(rawCtx);
  const input = parseComment(rawInput);
  const { author, authorId } = authorOf(ctx, input);
  if (author === 'requester' && !input.public) {
    throw new ValidationError('Requester comments are public', [{ path: 'public', message: 'must be true' }]);
  }
  if (author === 'requester' && input.status !== undefined) {
    throw new ValidationError('Requesters do not set the status', [{ path: 'status', message: 'not allowed' }]);
  }
  const config = await core.config(ctx.tenantId);
  const existing = async (latest?: Ticket): Promise<CommentResult | undefined> => {
    if (input.clientCommentId === undefined) return undefined;
    const found = await pipeline.store.findCommentByClientId(ctx.tenantId, ticketId, input.clientCommentId);
    if (!found) return undefined;
    const ticket = latest ?? (await pipeline.load(ctx.tenantId, ticketId));
    return { ticket: pipeline.redact(ctx, ticket), comment: found, created: false };
  };
  return retryRaces(async () => {
    const latest = await pipeline.load(ctx.tenantId, ticketId);
    const repeated = await existing(latest);
    if (repeated) return repeated;
    assertAcceptsComment(latest, author);
    const status = statusAfterComment(latest.status, author, input.public, input.status);
    const next = applyChanges(latest, status === latest.status ? {} : { status }, core.env(ctx, config));
    const comment = newComment(core, latest, { ...input, author, authorId });
    await pipeline.authorize(ctx, 'comment', latest, [
      { property: 'comment', to: { public: comment.public, author } },
      ...guardChanges(latest, next),
    ]);
    try {
      const [result] = (await pipeline.commit(ctx, [
        {
          previous: latest,
          next,
          kind: 'commented',
          comments: [comment],
          comment: { id: comment.id, public: comment.public, author },
        },
      ])) as [WriteResult];
      return { ticket: pipeline.redact(ctx, result.ticket), comment, created: true };
    } catch (error) {
      // A concurrent retry with the same key won the race: answer with its comment.
      if (isHotlineError(error, 'ALREADY_EXISTS') && error.details['reason'] === 'client_comment_id') {
        const raced = await existing();
        if (raced) return raced;
      }
      throw error;
    }
  });
}

/** `TicketService.recordCsat`: the requester's rating of a solved (or closed) ticket. */
export async function recordCsat(
  core: ServiceCore,
  rawCtx: WriteContext,
  ticketId: string,
  rawInput: CsatInput,
): Promise<Ticket> {
  const { pipeline } = core;
  const ctx = pipeline.context(rawCtx);
  const input = parseInput(csatInputSchema, rawInput, 'CSAT answer');
  const config = await core.config(ctx.tenantId);
  return retryRaces(async () => {
    const latest = await pipeline.load(ctx.tenantId, ticketId);
    if (ctx.actor.type !== 'requester' || ctx.actor.id !== latest.requesterId) {
      throw new ForbiddenError('Only the requester rates a ticket', { details: { reason: 'not_requester' } });
    }
    if (latest.status !== 'solved' && latest.status !== 'closed') {
      throw new IllegalTransitionError('ticket', latest.status, 'csat', { details: { reason: 'not_solved' } });
    }
    const csat = {
      rating: input.rating,
      at: pipeline.now(),
      ...(input.comment === undefined ? {} : { comment: input.comment }),
    };
    const next = finishTicket(latest, { ...latest, csat }, core.env(ctx, config));
    await pipeline.authorize(ctx, 'update', latest, guardChanges(latest, next));
    const [result] = (await pipeline.commit(ctx, [{ previous: latest, next, kind: 'csat' }])) as [WriteResult];
    return pipeline.redact(ctx, result.ticket);
  });
}
