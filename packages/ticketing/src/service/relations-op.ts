import { IllegalTransitionError, NotFoundError, parseInput, ValidationError } from '@hotline/core';
import type { TicketComment } from '../model/comment.js';
import type { WriteContext, WriteResult } from '../model/ports.js';
import type { Ticket, TicketLink, TicketLinkKind } from '../model/ticket.js';
import { finishTicket } from './apply-changes.js';
import { linkConversation, planNewTicket } from './create-op.js';
import {
  createTicketInputSchema,
  type FollowUpInput,
  followUpInputSchema,
  type LinkInputKind,
  linkInputKindSchema,
  type MergeInput,
  mergeInputSchema,
  type SplitInput,
  splitInputSchema,
} from './inputs.js';
import { allComments, copyComment, guardChanges, retryRaces, type ServiceCore } from './service-core.js';
import type { PlannedWrite } from './write-pipeline.js';

// Merge, link, split and follow-up: operations that write several tickets in one
// transaction. Nothing is deleted: merged tickets stay, marked `merged` and linked.

/** Each link kind's inverse, stored on the other ticket. */
export const INVERSE_LINK: Readonly<Record<TicketLinkKind, TicketLinkKind>> = {
  related: 'related',
  parent: 'child',
  child: 'parent',
  follow_up: 'followed_by',
  followed_by: 'follow_up',
  merged_into: 'merged_from',
  merged_from: 'merged_into',
  split_from: 'split_into',
  split_into: 'split_from',
};

function withLink(links: readonly TicketLink[], link: TicketLink): TicketLink[] {
  return links.some((l) => l.kind === link.kind && l.ticketId === link.ticketId) ? [...links] : [...links, link];
}

function union<T>(...lists: (readonly T[] | undefined)[]): T[] {
  return [...new Set(lists.flatMap((list) => list ?? []))];
}

function systemNote(core: ServiceCore, ctx: WriteContext, ticketId: string, body: string): TicketComment {
  return {
    id: core.pipeline.ids.next('tcm'),
    tenantId: ctx.tenantId,
    ticketId,
    public: false,
    author: 'system',
    body,
    attachments: [],
    createdAt: core.pipeline.now(),
  };
}

function noteWrite(write: PlannedWrite, note: TicketComment): PlannedWrite {
  return {
    ...write,
    comments: [...(write.comments ?? []), note],
    comment: { id: note.id, public: false, author: 'system' },
  };
}

/** What `TicketService.merge` returns. */
export interface MergeResult {
  survivor: Ticket;
  merged: Ticket[];
}

/** `TicketService.merge`. */
export async function mergeTickets(
  core: ServiceCore,
  rawCtx: WriteContext,
  rawInput: MergeInput,
): Promise<MergeResult> {
  const { pipeline } = core;
  const ctx = pipeline.context(rawCtx);
  const input = parseInput(mergeInputSchema, rawInput, 'merge');
  const config = await core.config(ctx.tenantId);
  const env = core.env(ctx, config);
  const results = await retryRaces(async () => {
    const survivor = await pipeline.load(ctx.tenantId, input.survivorId);
    const merged = await Promise.all(input.mergedIds.map((id) => pipeline.load(ctx.tenantId, id)));
    for (const ticket of [survivor, ...merged]) {
      if (ticket.status === 'closed' || ticket.status === 'merged') {
        throw new IllegalTransitionError('ticket', ticket.status, 'merge', { details: { ticketId: ticket.id } });
      }
    }
    const copies: TicketComment[] = [];
    for (const ticket of merged) {
      for (const comment of await allComments(core, ctx.tenantId, ticket.id))
        copies.push(copyComment(core, comment, survivor.id));
    }
    let links = survivor.links;
    for (const ticket of merged) links = withLink(links, { kind: 'merged_from', ticketId: ticket.id });
    const requesters = merged.map((t) => t.requesterId).filter((id) => id !== survivor.requesterId);
    const survivorNext = finishTicket(
      survivor,
      {
        ...survivor,
        tags: union(survivor.tags, ...merged.map((t) => t.tags)),
        conversationIds: union(survivor.conversationIds, ...merged.map((t) => t.conversationIds)),
        followerIds: union(survivor.followerIds, ...merged.map((t) => t.followerIds), requesters),
        links,
      },
      env,
      { viaMerge: true },
    );
    const numbers = merged.map((t) => `#${t.number}`).join(', ');
    const writes: PlannedWrite[] = [
      noteWrite(
        {
          previous: survivor,
          next: survivorNext,
          kind: 'merged',
          comments: copies,
          meta: { mergedIds: input.mergedIds },
        },
        systemNote(core, ctx, survivor.id, `Merged ${numbers} into this ticket.`),
      ),
    ];
    await pipeline.authorize(ctx, 'merge', survivor, guardChanges(survivor, survivorNext));
    for (const ticket of merged) {
      const next = {
        ...ticket,
        status: 'merged' as const,
        links: withLink(ticket.links, { kind: 'merged_into', ticketId: survivor.id }),
      };
      delete next.customStatusId;
      const checked = finishTicket(ticket, next, env, { viaMerge: true });
      await pipeline.authorize(ctx, 'merge', ticket, guardChanges(ticket, checked));
      const write: PlannedWrite = {
        previous: ticket,
        next: checked,
        kind: 'merged',
        meta: { survivorId: survivor.id },
      };
      if (ticket.conversationIds.length > 0) {
        write.afterCommit = async () => {
          for (const conversationId of ticket.conversationIds)
            await linkConversation(core, survivorNext, conversationId);
        };
      }
      writes.push(noteWrite(write, systemNote(core, ctx, ticket.id, `Merged into #${survivor.number}.`)));
    }
    return pipeline.commit(ctx, writes);
  });
  return {
    survivor: pipeline.redact(ctx, (results[0] as WriteResult).ticket),
    merged: results.slice(1).map((r) => pipeline.redact(ctx, r.ticket)),
  };
}

/** What `TicketService.link` returns: both tickets after the write. */
export interface LinkResult {
  ticket: Ticket;
  other: Ticket;
}

/** `TicketService.link`: `otherId` is `ticketId`'s `kind` (related, parent, child); the inverse goes on the other. */
export async function linkTickets(
  core: ServiceCore,
  rawCtx: WriteContext,
  ticketId: string,
  otherId: string,
  rawKind: LinkInputKind,
): Promise<LinkResult> {
  const { pipeline } = core;
  const ctx = pipeline.context(rawCtx);
  const kind = parseInput(linkInputKindSchema, rawKind, 'link kind');
  if (ticketId === otherId)
    throw new ValidationError('A ticket cannot link to itself', [{ path: 'otherId', message: 'same ticket' }]);
  const config = await core.config(ctx.tenantId);
  const env = core.env(ctx, config);
  return retryRaces(async () => {
    const [a, b] = await Promise.all([pipeline.load(ctx.tenantId, ticketId), pipeline.load(ctx.tenantId, otherId)]);
    const aNext = finishTicket(a, { ...a, links: withLink(a.links, { kind, ticketId: b.id }) }, env);
    const bNext = finishTicket(
      b,
      { ...b, links: withLink(b.links, { kind: INVERSE_LINK[kind], ticketId: a.id }) },
      env,
    );
    const writes: PlannedWrite[] = [];
    if (aNext.links.length !== a.links.length) writes.push({ previous: a, next: aNext, kind: 'linked' });
    if (bNext.links.length !== b.links.length) writes.push({ previous: b, next: bNext, kind: 'linked' });
    if (writes.length === 0) return { ticket: pipeline.redact(ctx, a), other: pipeline.redact(ctx, b) };
    await pipeline.authorize(ctx, 'link', a, guardChanges(a, aNext));
    await pipeline.authorize(ctx, 'link', b, guardChanges(b, bNext));
    const results = await pipeline.commit(ctx, writes);
    const byId = new Map(results.map((r) => [r.ticket.id, r.ticket]));
    return {
      ticket: pipeline.redact(ctx, byId.get(a.id) ?? a),
      other: pipeline.redact(ctx, byId.get(b.id) ?? b),
    };
  });
}

/** What split and follow-up return: the ticket written from and the new one. */
export interface DerivedTicketResult {
  source: Ticket;
  created: Ticket;
}

/** `TicketService.split`: a new ticket with copies of some comments. */
export async function splitTicket(
  core: ServiceCore,
  rawCtx: WriteContext,
  ticketId: string,
  rawInput: SplitInput,
): Promise<DerivedTicketResult> {
  const { pipeline } = core;
  const ctx = pipeline.context(rawCtx);
  const input = parseInput(splitInputSchema, rawInput, 'split');
  const config = await core.config(ctx.tenantId);
  const results = await retryRaces(async () => {
    const source = await pipeline.load(ctx.tenantId, ticketId);
    if (source.status === 'closed' || source.status === 'merged') {
      throw new IllegalTransitionError('ticket', source.status, 'split');
    }
    const picked: TicketComment[] = [];
    for (const id of new Set(input.commentIds)) {
      const comment = await pipeline.store.getComment(ctx.tenantId, id);
      if (!comment || comment.ticketId !== source.id) throw new NotFoundError('comment', id, { details: { ticketId } });
      picked.push(comment);
    }
    await pipeline.authorize(ctx, 'split', source);
    const create = await planNewTicket(core, ctx, {
      input: parseInput(createTicketInputSchema, {
        subject: input.subject,
        requesterId: source.requesterId,
        priority: source.priority,
        tags: source.tags,
        fields: source.fields,
        ...(source.groupId ? { groupId: source.groupId } : {}),
        ...(source.formId ? { formId: source.formId } : {}),
        ...(source.followerIds ? { followerIds: source.followerIds } : {}),
      }),
      source: { kind: 'split', ticketId: source.id },
      links: [{ kind: 'split_from', ticketId: source.id }],
      copiedComments: (newId) => picked.map((comment) => copyComment(core, comment, newId)),
    });
    const sourceNext = finishTicket(
      source,
      { ...source, links: withLink(source.links, { kind: 'split_into', ticketId: create.next.id }) },
      core.env(ctx, config),
    );
    return pipeline.commit(ctx, [
      create,
      { previous: source, next: sourceNext, kind: 'split', meta: { commentIds: input.commentIds } },
    ]);
  });
  const [created, source] = results as [WriteResult, WriteResult];
  return { source: pipeline.redact(ctx, source.ticket), created: pipeline.redact(ctx, created.ticket) };
}

/** `TicketService.createFollowUp`: a new ticket continuing a closed one. */
export async function createFollowUp(
  core: ServiceCore,
  rawCtx: WriteContext,
  closedTicketId: string,
  rawInput: FollowUpInput = {},
): Promise<DerivedTicketResult> {
  const { pipeline } = core;
  const ctx = pipeline.context(rawCtx);
  const input = parseInput(followUpInputSchema, rawInput, 'follow-up');
  const config = await core.config(ctx.tenantId);
  const results = await retryRaces(async () => {
    const closed = await pipeline.load(ctx.tenantId, closedTicketId);
    if (closed.status !== 'closed') {
      throw new IllegalTransitionError('ticket', closed.status, 'follow_up', { details: { reason: 'not_closed' } });
    }
    const assigneeId = input.assigneeId ?? closed.assigneeId;
    const groupId = input.groupId ?? closed.groupId;
    const create = await planNewTicket(core, ctx, {
      input: parseInput(createTicketInputSchema, {
        subject: input.subject ?? closed.subject,
        requesterId: closed.requesterId,
        priority: input.priority ?? closed.priority,
        tags: input.tags ?? closed.tags,
        fields: input.fields ?? closed.fields,
        descriptionPublic: input.descriptionPublic,
        attachments: input.attachments,
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(assigneeId ? { assigneeId } : {}),
        ...(groupId ? { groupId } : {}),
        ...(closed.formId ? { formId: closed.formId } : {}),
        ...(closed.followerIds ? { followerIds: closed.followerIds } : {}),
      }),
      source: { kind: 'follow_up', ticketId: closed.id },
      links: [{ kind: 'follow_up', ticketId: closed.id }],
    });
    const closedNext = finishTicket(
      closed,
      { ...closed, links: withLink(closed.links, { kind: 'followed_by', ticketId: create.next.id }) },
      core.env(ctx, config),
    );
    await pipeline.authorize(ctx, 'link', closed, guardChanges(closed, closedNext));
    return pipeline.commit(ctx, [create, { previous: closed, next: closedNext, kind: 'linked' }]);
  });
  const [created, source] = results as [WriteResult, WriteResult];
  return { source: pipeline.redact(ctx, source.ticket), created: pipeline.redact(ctx, created.ticket) };
}
