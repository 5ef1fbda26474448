import type { Channel } from '../schemas/common.js';
import type { IdentityChannel } from '../schemas/contact.js';
import type { ConversationStatus } from '../schemas/conversation.js';
import type { MessageDirection, MessageStatus } from '../schemas/message.js';

/**
 * Payloads of every domain event, by dotted type. Other packages add their events by
 * declaration merging, which keeps {@link HotlineEvent} one discriminated union:
 *
 * @example
 * ```ts
 * declare module '@hotline/core' {
 *   interface HotlineEventMap {
 *     'ticket.created': { ticketId: string };
 *   }
 * }
 * ```
 */
export interface HotlineEventMap {
  'conversation.created': { conversationId: string; contactId: string; channel: Channel };
  'conversation.status_changed': {
    conversationId: string;
    from: ConversationStatus;
    to: ConversationStatus;
    /** The lifecycle event that caused the change. */
    cause: string;
    assigneeId?: string;
    queueId?: string;
  };
  /** A read horizon moved forward (see `ConversationService.markRead`). */
  'conversation.read': { conversationId: string; reader: 'contact' | 'agent'; seq: number };
  'conversation.leg_added': { conversationId: string; legId: string; channel: Channel };
  'conversation.leg_ended': { conversationId: string; legId: string; channel: Channel };
  'message.received': MessageEventPayload;
  'message.sent': MessageEventPayload;
  'message.note_added': MessageEventPayload;
  'message.system_added': MessageEventPayload;
  'message.status_changed': { conversationId: string; messageId: string; seq: number; status: MessageStatus };
  'contact.created': { contactId: string };
  'contact.updated': { contactId: string };
  'contact.identity_linked': { contactId: string; channel: IdentityChannel };
  'contact.merged': { survivorId: string; mergedId: string };
}

/** Payload of the `message.*` events raised when a message is appended. */
export interface MessageEventPayload {
  conversationId: string;
  messageId: string;
  seq: number;
  direction: MessageDirection;
  channel: Channel;
}

/** Every domain event type. */
export type HotlineEventType = keyof HotlineEventMap & string;

/** Fields every event has. */
export interface EventBase {
  /** Unique event id (sortable); consumers dedupe on it. */
  id: string;
  tenantId: string;
  /** ISO-8601 time the event happened. */
  at: string;
}

/** One domain event, discriminated on `type`. */
export type HotlineEvent<K extends HotlineEventType = HotlineEventType> = K extends HotlineEventType
  ? EventBase & { type: K } & HotlineEventMap[K]
  : never;

/** The part of a type before its first dot, e.g. `conversation`. */
export type EventPrefix = HotlineEventType extends infer K ? (K extends `${infer P}.${string}` ? P : never) : never;

/** What `subscribe` accepts: one type, every type under a prefix (`conversation.*`), or `*`. */
export type EventPattern = HotlineEventType | `${EventPrefix}.*` | '*';

/** The events a pattern matches. */
export type EventsMatching<P extends EventPattern> = P extends '*'
  ? HotlineEvent
  : P extends `${infer Prefix}.*`
    ? HotlineEvent<Extract<HotlineEventType, `${Prefix}.${string}`>>
    : P extends HotlineEventType
      ? HotlineEvent<P>
      : never;

/** An event before the bus stamps it: `id` and `at` may be left out. */
export type EventInput<K extends HotlineEventType = HotlineEventType> = K extends HotlineEventType
  ? Omit<HotlineEvent<K>, 'id' | 'at'> & { id?: string; at?: string }
  : never;
