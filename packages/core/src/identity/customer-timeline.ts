import type { Channel } from '../schemas/common.js';
import type { Contact } from '../schemas/contact.js';
import type { Conversation } from '../schemas/conversation.js';
import type { Message } from '../schemas/message.js';
import type { Storage } from '../storage/ports.js';

/** One entry of a customer's timeline. */
export type TimelineItem =
  | { kind: 'conversation'; at: string; conversationId: string; channel: Channel; contactId: string }
  | { kind: 'message'; at: string; conversationId: string; channel: Channel; message: Message };

/** A customer's history across every channel and every contact merged into them. */
export interface CustomerTimeline {
  /** The surviving contact. */
  contact: Contact;
  /** The survivor and every contact merged into it. */
  contactIds: string[];
  conversations: Conversation[];
  /** Conversations and messages in time order (ties: conversation first, then by seq). */
  items: TimelineItem[];
  /** Whether older conversations were left out by `maxConversations`. */
  truncated: boolean;
}

/** Options for a timeline. */
export interface TimelineOptions {
  /** The newest conversations to include. @default 50 */
  maxConversations?: number;
  /** The newest messages per conversation. @default 500 */
  maxMessagesPerConversation?: number;
}

/** Builds a customer timeline for a survivor contact (callers resolve merges first). */
export async function buildCustomerTimeline(
  storage: Storage,
  contact: Contact,
  options: TimelineOptions = {},
): Promise<CustomerTimeline> {
  const maxConversations = options.maxConversations ?? 50;
  const maxMessages = options.maxMessagesPerConversation ?? 500;
  const contactIds = [contact.id, ...contact.mergedFrom];
  const all: Conversation[] = [];
  let cursor: string | undefined;
  do {
    const page = await storage.conversations.list(
      contact.tenantId,
      { contactIds },
      cursor === undefined ? { limit: 1000 } : { limit: 1000, cursor },
    );
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  all.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  const conversations = all.slice(-maxConversations);
  const items: TimelineItem[] = [];
  for (const conversation of conversations) {
    items.push({
      kind: 'conversation',
      at: conversation.createdAt,
      conversationId: conversation.id,
      channel: conversation.legs[0]?.channel ?? conversation.channel,
      contactId: conversation.contactId,
    });
    const newest = await storage.messages.list(contact.tenantId, conversation.id, {
      order: 'desc',
      limit: maxMessages,
    });
    for (const message of newest.reverse()) {
      items.push({
        kind: 'message',
        at: message.createdAt,
        conversationId: conversation.id,
        channel: message.channel,
        message,
      });
    }
  }
  items.sort(compareItems);
  return { contact, contactIds, conversations, items, truncated: all.length > conversations.length };
}

function compareItems(a: TimelineItem, b: TimelineItem): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  if (a.kind !== b.kind) return a.kind === 'conversation' ? -1 : 1;
  if (a.kind === 'message' && b.kind === 'message') {
    if (a.conversationId !== b.conversationId) return a.conversationId < b.conversationId ? -1 : 1;
    return a.message.seq - b.message.seq;
  }
  return 0;
}
