import type { Conversation } from '../schemas/conversation.js';
import type { Message } from '../schemas/message.js';
import type { WireConversation, WireMessage } from './wire-common.js';

/**
 * A stored message as the wire carries it: tenant, metadata, provider ids and internal
 * author ids stay on the server.
 *
 * @example
 * ```ts
 * socket.send(JSON.stringify({ type: 'message', message: toWireMessage(stored) }));
 * ```
 */
export function toWireMessage(message: Message): WireMessage {
  const wire: WireMessage = {
    id: message.id,
    conversationId: message.conversationId,
    seq: message.seq,
    direction: message.direction,
    author:
      message.author.name === undefined
        ? { kind: message.author.kind }
        : { kind: message.author.kind, name: message.author.name },
    content: message.content,
    createdAt: message.createdAt,
  };
  if (message.clientMessageId !== undefined) wire.clientMessageId = message.clientMessageId;
  return wire;
}

/** What the server knows about a conversation beyond its record. */
export interface WireConversationExtras {
  /** The newest message's seq (0: none). */
  lastSeq: number;
  /** The assigned agent's display name. */
  agentName?: string;
  /** For agent clients: who the customer is, and the conversation's attributes. */
  forAgent?: { contactName?: string };
}

/**
 * A stored conversation as a web chat client sees it. Customers get status, progress and
 * the agent's display name; agents also get the contact and the attributes.
 */
export function toWireConversation(conversation: Conversation, extras: WireConversationExtras): WireConversation {
  const wire: WireConversation = {
    id: conversation.id,
    status: conversation.status,
    lastSeq: extras.lastSeq,
    read: conversation.readHorizon ?? { contact: 0, agent: 0 },
    createdAt: conversation.createdAt,
  };
  if (extras.agentName !== undefined) wire.agent = { name: extras.agentName };
  if (extras.forAgent) {
    wire.contact =
      extras.forAgent.contactName === undefined
        ? { id: conversation.contactId }
        : { id: conversation.contactId, name: extras.forAgent.contactName };
    wire.attributes = conversation.attributes;
  }
  return wire;
}
