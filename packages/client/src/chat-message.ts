import type { WireMessage } from '@hotline/core';
import type { ChatMessage } from './chat-types.js';
import type { OutboxEntry } from './storage.js';

/** A stored message as the chat shows it. */
export type StoredMessage = ChatMessage & { seq: number };

/** A stored message as shown: `sent`, and `local` when the visitor wrote it. */
export const fromWire = (message: WireMessage): StoredMessage =>
  message.direction === 'inbound' ? { ...message, status: 'sent', local: true } : { ...message, status: 'sent' };

/** An outbox entry as shown while it is on its way. */
export function fromOutbox({
  clientMessageId,
  conversationId = '',
  content,
  attachments = [],
  createdAt,
}: OutboxEntry) {
  const message: ChatMessage = {
    id: clientMessageId,
    clientMessageId,
    conversationId,
    direction: 'inbound',
    author: { kind: 'contact' },
    content: content.type === 'text' ? content : { type: 'attachments', attachments, text: content.text },
    createdAt,
    status: 'pending',
    local: true,
  };
  return message;
}
