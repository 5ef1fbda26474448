import { NotFoundError, parseInput } from '@hotline/core';
import type { TicketComment } from '../model/comment.js';
import type { HistoryComment } from '../model/history.js';
import type { WriteContext, WriteResult } from '../model/ports.js';
import type { Ticket, TicketLink, TicketSource } from '../model/ticket.js';
import { finishTicket } from './apply-changes.js';
import { type CreateTicketInput, createTicketInputSchema, type ParsedCreateInput } from './inputs.js';
import { guardChanges, type ServiceCore } from './service-core.js';
import type { PlannedWrite } from './write-pipeline.js';

// Creating tickets: from the API, a conversation (linked both ways), an email, a form, and
// the tickets that split and follow-up make.

const REQUESTER_SOURCES: readonly TicketSource['kind'][] = ['conversation', 'email', 'offline_form', 'web_form'];

/** A new ticket to plan: the parsed input plus what an operation adds. */
export interface NewTicketPlan {
  input: ParsedCreateInput;
  source: TicketSource;
  links?: TicketLink[];
  /** Comments copied in (split). */
  copiedComments?: (ticketId: string) => TicketComment[];
}

function authorOf(ctx: WriteContext, input: ParsedCreateInput, source: TicketSource): HistoryComment['author'] {
  if (input.descriptionAuthor) return input.descriptionAuthor;
  if (REQUESTER_SOURCES.includes(source.kind) || ctx.actor.type === 'requester') return 'requester';
  return ctx.actor.type === 'agent' ? 'agent' : 'system';
}

/** Builds and checks a new ticket (with its first comment) without writing it. */
export async function planNewTicket(core: ServiceCore, ctx: WriteContext, plan: NewTicketPlan): Promise<PlannedWrite> {
  const { input, source } = plan;
  const config = await core.config(ctx.tenantId);
  const { pipeline } = core;
  if (input.formId !== undefined) config.fields.assertForm(input.formId);
  const fields = config.fields.validateValues(input.fields, input.formId);
  const status = input.customStatusId
    ? config.statuses.resolve(input.customStatusId, input.status)
    : (input.status ?? 'new');
  const now = pipeline.now();
  const id = pipeline.ids.next('ticket');
  const draft: Ticket = {
    id,
    tenantId: ctx.tenantId,
    version: 1,
    // The store assigns the real number when it stores the ticket.
    number: 1,
    subject: input.subject,
    status,
    priority: input.priority,
    requesterId: input.requesterId,
    tags: [...new Set(input.tags)],
    fields,
    source,
    conversationIds: source.conversationId ? [source.conversationId] : [],
    links: plan.links ?? [],
    attributes: input.attributes,
    createdAt: now,
    updatedAt: now,
  };
  if (input.customStatusId) draft.customStatusId = input.customStatusId;
  if (input.assigneeId) draft.assigneeId = input.assigneeId;
  if (input.groupId) draft.groupId = input.groupId;
  if (input.formId) draft.formId = input.formId;
  if (input.followerIds) draft.followerIds = [...new Set(input.followerIds)];
  const ticket = finishTicket(undefined, draft, core.env(ctx, config));
  const comments = plan.copiedComments?.(id) ?? [];
  const write: PlannedWrite = { next: ticket, kind: 'created', comments };
  if (input.description !== undefined && (input.description.trim() !== '' || input.attachments.length > 0)) {
    const author = authorOf(ctx, input, source);
    const authorId =
      author === 'requester'
        ? input.requesterId
        : author === 'agent' && ctx.actor.type === 'agent'
          ? ctx.actor.id
          : undefined;
    const comment: TicketComment = {
      id: pipeline.ids.next('tcm'),
      tenantId: ctx.tenantId,
      ticketId: id,
      public: author === 'requester' ? true : input.descriptionPublic,
      author,
      body: input.description,
      attachments: input.attachments,
      createdAt: now,
      ...(authorId === undefined ? {} : { authorId }),
      ...(source.messageId === undefined ? {} : { messageId: source.messageId }),
    };
    comments.push(comment);
    write.comment = { id: comment.id, public: comment.public, author };
  }
  await pipeline.authorize(ctx, 'create', undefined, guardChanges(undefined, ticket));
  return write;
}

/** Points a conversation at its ticket (`attributes.ticketId`), through core's conversation service. */
export async function linkConversation(
  core: ServiceCore,
  ticket: Ticket,
  conversationId: string,
  result?: WriteResult,
): Promise<void> {
  const conversations = core.options.hotline.conversations;
  if (!conversations) return;
  await conversations
    .update(ticket.tenantId, conversationId, { attributes: { ticketId: ticket.id } })
    .catch((error: unknown) =>
      core.pipeline.report({
        kind: 'conversation_link',
        error,
        tenantId: ticket.tenantId,
        ticketId: ticket.id,
        ...(result ? { result } : {}),
      }),
    );
}

/** `TicketService.create`. */
export async function createTicket(
  core: ServiceCore,
  rawCtx: WriteContext,
  rawInput: CreateTicketInput,
): Promise<Ticket> {
  const ctx = core.pipeline.context(rawCtx);
  const input = parseInput(createTicketInputSchema, rawInput, 'ticket');
  const source: TicketSource = { ...input.source };
  if (source.conversationId !== undefined) {
    // The conversation must exist in this tenant (another tenant's is NOT_FOUND).
    const { hotline } = core.options;
    if (!(await hotline.storage.conversations.get(ctx.tenantId, source.conversationId))) {
      throw new NotFoundError('conversation', source.conversationId);
    }
  }
  const write = await planNewTicket(core, ctx, { input, source });
  const conversationId = source.conversationId;
  if (conversationId !== undefined)
    write.afterCommit = (result) => linkConversation(core, result.ticket, conversationId, result);
  const [result] = (await core.pipeline.commit(ctx, [write])) as [WriteResult];
  return core.pipeline.redact(ctx, result.ticket);
}
