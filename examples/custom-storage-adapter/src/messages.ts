import {
  AlreadyExistsError,
  type AppendResult,
  canAdvanceMessageStatus,
  type Message,
  type MessageListOptions,
  type MessageRepository,
  type NewMessage,
  NotFoundError,
} from '@hotline/core';
import { pageLimit } from './records.js';
import { type Draft, key, type Run } from './tables.js';

// Tables: messages (tenant, id) → message; threads (tenant, conversation, seq) → id;
// lastSeq (tenant, conversation) → n; clientIds and providerIds → id (the idempotency keys).

function append(d: Draft, input: NewMessage): AppendResult {
  const { tenantId: t, conversationId: c } = input;
  if (!d.get('conversations', key(t, c))) throw new NotFoundError('conversation', c);
  const earlier =
    (input.clientMessageId === undefined ? undefined : d.get<string>('clientIds', key(t, c, input.clientMessageId))) ??
    (input.providerMessageId === undefined
      ? undefined
      : d.get<string>('providerIds', key(t, input.channel, input.providerMessageId)));
  if (earlier !== undefined) return { message: d.get<Message>('messages', key(t, earlier)) as Message, created: false };
  if (d.get('messages', key(t, input.id))) throw new AlreadyExistsError('message', input.id);
  // The lock serialises appends, so reading lastSeq and writing lastSeq + 1 cannot race.
  const seq = (d.get<number>('lastSeq', key(t, c)) ?? 0) + 1;
  const message = d.put<Message>('messages', key(t, input.id), { ...input, seq });
  d.put('threads', key(t, c, seq), input.id);
  d.put('lastSeq', key(t, c), seq);
  if (input.clientMessageId !== undefined) d.put('clientIds', key(t, c, input.clientMessageId), input.id);
  if (input.providerMessageId !== undefined)
    d.put('providerIds', key(t, input.channel, input.providerMessageId), input.id);
  return { message, created: true };
}

function list(d: Draft, t: string, c: string, options: MessageListOptions = {}): Message[] {
  const limit = pageLimit(options.limit);
  const last = d.get<number>('lastSeq', key(t, c)) ?? 0;
  const from = Math.max(1, (options.afterSeq ?? 0) + 1);
  const to = Math.min(last, options.beforeSeq === undefined ? last : options.beforeSeq - 1);
  const seqs: number[] = [];
  if (options.order === 'desc') for (let s = to; s >= from && seqs.length < limit; s--) seqs.push(s);
  else for (let s = from; s <= to && seqs.length < limit; s++) seqs.push(s);
  return seqs.map((s) => d.get<Message>('messages', key(t, d.get<string>('threads', key(t, c, s)) ?? '')) as Message);
}

export function messageRepository(run: Run): MessageRepository {
  const byId = (d: Draft, t: string, id: string | undefined) =>
    id === undefined ? undefined : d.get<Message>('messages', key(t, id));
  return {
    append: (input) => run((d) => append(d, input)),
    get: (tenantId, id) => run((d) => byId(d, tenantId, id)),
    list: (tenantId, conversationId, options) => run((d) => list(d, tenantId, conversationId, options)),
    findByProviderMessageId: (tenantId, channel, providerMessageId) =>
      run((d) => byId(d, tenantId, d.get<string>('providerIds', key(tenantId, channel, providerMessageId)))),
    lastSeq: (tenantId, conversationId) => run((d) => d.get<number>('lastSeq', key(tenantId, conversationId)) ?? 0),
    updateStatus: (tenantId, id, status) =>
      run((d) => {
        const message = byId(d, tenantId, id);
        if (!message) throw new NotFoundError('message', id);
        // Receipts arrive out of order: a status that is not ahead is dropped, not applied.
        if (!canAdvanceMessageStatus(message.status, status)) return message;
        return d.put<Message>('messages', key(tenantId, id), { ...message, status });
      }),
  };
}
