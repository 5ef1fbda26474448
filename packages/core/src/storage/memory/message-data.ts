import { AlreadyExistsError, NotFoundError } from '../../errors/hotline-error.js';
import type { Message, MessageStatus } from '../../schemas/message.js';
import { frozenCopy } from '../../util/freeze.js';
import { canAdvanceMessageStatus } from '../message-status.js';
import type { AppendResult, MessageListOptions, NewMessage } from '../ports.js';
import type { MemoryContext } from './context.js';
import { pageLimit } from './pagination.js';

const k2 = (a: string, b: string) => `${a}\u0000${b}`;
const k3 = (a: string, b: string, c: string) => `${a}\u0000${b}\u0000${c}`;

/** Messages per conversation in seq order, plus the idempotency indexes. */
export class MessageData {
  /** tenant+conversation → messages, index = seq - 1. */
  private readonly threads = new Map<string, Message[]>();
  private readonly byId = new Map<string, Message>();
  private readonly byClientId = new Map<string, Message>();
  private readonly byProviderId = new Map<string, Message>();

  append(ctx: MemoryContext, input: NewMessage): AppendResult {
    const { tenantId, conversationId } = input;
    if (input.clientMessageId !== undefined) {
      const existing = this.byClientId.get(k3(tenantId, conversationId, input.clientMessageId));
      if (existing) return { message: existing, created: false };
    }
    if (input.providerMessageId !== undefined) {
      const existing = this.byProviderId.get(k3(tenantId, input.channel, input.providerMessageId));
      if (existing) return { message: existing, created: false };
    }
    if (this.byId.has(k2(tenantId, input.id))) throw new AlreadyExistsError('message', input.id);
    const threadKey = k2(tenantId, conversationId);
    let thread = this.threads.get(threadKey);
    if (!thread) {
      thread = [];
      this.threads.set(threadKey, thread);
    }
    const message = frozenCopy({ ...input, seq: thread.length + 1 } as Message);
    thread.push(message);
    this.index(message);
    ctx.onRollback(() => {
      // Transactions hold the gate, so the message is still the thread's last one.
      thread.pop();
      this.unindex(message);
    });
    return { message, created: true };
  }

  get(tenantId: string, id: string): Message | undefined {
    return this.byId.get(k2(tenantId, id));
  }

  byProvider(tenantId: string, channel: string, providerMessageId: string): Message | undefined {
    return this.byProviderId.get(k3(tenantId, channel, providerMessageId));
  }

  lastSeq(tenantId: string, conversationId: string): number {
    return this.threads.get(k2(tenantId, conversationId))?.length ?? 0;
  }

  list(tenantId: string, conversationId: string, options: MessageListOptions = {}): Message[] {
    const thread = this.threads.get(k2(tenantId, conversationId)) ?? [];
    const limit = pageLimit(options.limit);
    // seq n sits at index n - 1, so bounds are array slices.
    const from = Math.max(0, options.afterSeq ?? 0);
    const to = Math.min(thread.length, options.beforeSeq === undefined ? thread.length : options.beforeSeq - 1);
    if (to <= from) return [];
    if (options.order === 'desc') return thread.slice(Math.max(from, to - limit), to).reverse();
    return thread.slice(from, Math.min(to, from + limit));
  }

  updateStatus(ctx: MemoryContext, tenantId: string, id: string, status: MessageStatus): Message {
    const current = this.byId.get(k2(tenantId, id));
    if (!current) throw new NotFoundError('message', id);
    if (!canAdvanceMessageStatus(current.status, status)) return current;
    const next = frozenCopy({ ...current, status });
    this.replace(current, next);
    ctx.onRollback(() => this.replace(next, current));
    return next;
  }

  private replace(current: Message, next: Message): void {
    const thread = this.threads.get(k2(current.tenantId, current.conversationId));
    if (thread) thread[current.seq - 1] = next;
    this.index(next);
  }

  private index(message: Message): void {
    this.byId.set(k2(message.tenantId, message.id), message);
    if (message.clientMessageId !== undefined) {
      this.byClientId.set(k3(message.tenantId, message.conversationId, message.clientMessageId), message);
    }
    if (message.providerMessageId !== undefined) {
      this.byProviderId.set(k3(message.tenantId, message.channel, message.providerMessageId), message);
    }
  }

  private unindex(message: Message): void {
    this.byId.delete(k2(message.tenantId, message.id));
    if (message.clientMessageId !== undefined) {
      this.byClientId.delete(k3(message.tenantId, message.conversationId, message.clientMessageId));
    }
    if (message.providerMessageId !== undefined) {
      this.byProviderId.delete(k3(message.tenantId, message.channel, message.providerMessageId));
    }
  }
}
