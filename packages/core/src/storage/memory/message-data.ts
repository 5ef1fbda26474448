import { AlreadyExistsError, NotFoundError } from '../../errors/hotline-error.js';
import type { Message, MessageStatus } from '../../schemas/message.js';
import { frozenCopy, frozenCopyWith } from '../../util/freeze.js';
import { canAdvanceMessageStatus } from '../message-status.js';
import type { AppendResult, MessageListOptions, NewMessage } from '../ports.js';
import type { MemoryContext } from './context.js';
import { pageLimit } from './pagination.js';

const k2 = (a: string, b: string) => `${a}\u0000${b}`;
const k3 = (a: string, b: string, c: string) => `${a}\u0000${b}\u0000${c}`;

/** One conversation's messages (seq n at index n - 1) and its client idempotency keys. */
interface Thread {
  readonly messages: Message[];
  /** `clientMessageId` → message; made on the first message that has one. */
  byClientId: Map<string, Message> | undefined;
}

const EMPTY: readonly Message[] = Object.freeze([]);

/**
 * Messages per conversation in seq order, plus the idempotency indexes. Client keys are
 * indexed per conversation (their scope) and ids per tenant: small maps and no composite
 * keys to build, where one process-wide map per index made every append a string
 * concatenation and a probe into a table of every message ever stored.
 */
export class MessageData {
  /** tenant+conversation → thread. */
  private readonly threads = new Map<string, Thread>();
  /** tenant → message id → message. */
  private readonly byId = new Map<string, Map<string, Message>>();
  private readonly byProviderId = new Map<string, Message>();

  append(ctx: MemoryContext, input: NewMessage): AppendResult {
    const { tenantId, conversationId } = input;
    const threadKey = k2(tenantId, conversationId);
    const existingThread = this.threads.get(threadKey);
    if (input.clientMessageId !== undefined) {
      const existing = existingThread?.byClientId?.get(input.clientMessageId);
      if (existing) return { message: existing, created: false };
    }
    const providerKey =
      input.providerMessageId === undefined ? undefined : k3(tenantId, input.channel, input.providerMessageId);
    if (providerKey !== undefined) {
      const existing = this.byProviderId.get(providerKey);
      if (existing) return { message: existing, created: false };
    }
    let ids = this.byId.get(tenantId);
    if (ids?.has(input.id)) throw new AlreadyExistsError('message', input.id);
    if (!ids) {
      ids = new Map();
      this.byId.set(tenantId, ids);
    }
    let thread = existingThread;
    if (!thread) {
      thread = { messages: [], byClientId: undefined };
      this.threads.set(threadKey, thread);
    }
    const message: Message = frozenCopyWith(input, { seq: thread.messages.length + 1 });
    thread.messages.push(message);
    ids.set(message.id, message);
    if (message.clientMessageId !== undefined) {
      thread.byClientId ??= new Map();
      thread.byClientId.set(message.clientMessageId, message);
    }
    if (providerKey !== undefined) this.byProviderId.set(providerKey, message);
    if (ctx.inTransaction) {
      const appended = thread;
      ctx.onRollback(() => {
        // Transactions hold the gate, so the message is still the thread's last one.
        appended.messages.pop();
        this.unindex(message);
      });
    }
    return { message, created: true };
  }

  get(tenantId: string, id: string): Message | undefined {
    return this.byId.get(tenantId)?.get(id);
  }

  byProvider(tenantId: string, channel: string, providerMessageId: string): Message | undefined {
    return this.byProviderId.get(k3(tenantId, channel, providerMessageId));
  }

  lastSeq(tenantId: string, conversationId: string): number {
    return this.threads.get(k2(tenantId, conversationId))?.messages.length ?? 0;
  }

  list(tenantId: string, conversationId: string, options: MessageListOptions = {}): Message[] {
    const thread = this.threads.get(k2(tenantId, conversationId))?.messages ?? EMPTY;
    const limit = pageLimit(options.limit);
    // seq n sits at index n - 1, so bounds are array slices.
    const from = Math.max(0, options.afterSeq ?? 0);
    const to = Math.min(thread.length, options.beforeSeq === undefined ? thread.length : options.beforeSeq - 1);
    if (to <= from) return [];
    if (options.order === 'desc') return thread.slice(Math.max(from, to - limit), to).reverse();
    return thread.slice(from, Math.min(to, from + limit));
  }

  updateStatus(ctx: MemoryContext, tenantId: string, id: string, status: MessageStatus): Message {
    const current = this.get(tenantId, id);
    if (!current) throw new NotFoundError('message', id);
    if (!canAdvanceMessageStatus(current.status, status)) return current;
    const next = frozenCopy({ ...current, status });
    this.replace(current, next);
    ctx.onRollback(() => this.replace(next, current));
    return next;
  }

  private replace(current: Message, next: Message): void {
    const thread = this.threads.get(k2(current.tenantId, current.conversationId));
    if (thread) {
      thread.messages[current.seq - 1] = next;
      if (next.clientMessageId !== undefined) thread.byClientId?.set(next.clientMessageId, next);
    }
    this.byId.get(next.tenantId)?.set(next.id, next);
    if (next.providerMessageId !== undefined) {
      this.byProviderId.set(k3(next.tenantId, next.channel, next.providerMessageId), next);
    }
  }

  private unindex(message: Message): void {
    this.byId.get(message.tenantId)?.delete(message.id);
    if (message.clientMessageId !== undefined) {
      this.threads.get(k2(message.tenantId, message.conversationId))?.byClientId?.delete(message.clientMessageId);
    }
    if (message.providerMessageId !== undefined) {
      this.byProviderId.delete(k3(message.tenantId, message.channel, message.providerMessageId));
    }
  }
}
