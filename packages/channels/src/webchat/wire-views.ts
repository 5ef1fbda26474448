import {
  type Clock,
  type Conversation,
  type Message,
  type Storage,
  toWireConversation,
  toWireMessage,
  type WireConversation,
  type WireConversationExtras,
  type WireMessage,
} from '@hotline/core';
import type { DownloadUrls } from '../uploads/download-urls.js';
import { indexKey } from './connection-index.js';

const NAME_CACHE_MS = 60_000;
const MAX_CACHED_NAMES = 10_000;

/** Builds what clients see of stored records: messages with fresh attachment links, conversations with names. */
export class WireViews {
  private readonly agentNames = new Map<string, { name: string | undefined; until: number }>();

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly urls: DownloadUrls,
  ) {}

  /** A stored message as the wire carries it; attachment links are signed now, so they are fresh. */
  message(message: Message): WireMessage {
    const wire = toWireMessage(message);
    if (wire.content.type === 'attachments') {
      const now = this.clock.now();
      wire.content = {
        ...wire.content,
        attachments: wire.content.attachments.map((a) => ({ ...a, url: this.urls.url(a.id, now) })),
      };
    }
    return wire;
  }

  /** A conversation for a customer (status, progress, the agent's name) or for an agent (also contact and attributes). */
  async conversation(conversation: Conversation, forAgent: boolean): Promise<WireConversation> {
    const [lastSeq, agentName, contactName] = await Promise.all([
      this.storage.messages.lastSeq(conversation.tenantId, conversation.id),
      conversation.assigneeId === undefined
        ? undefined
        : this.agentName(conversation.tenantId, conversation.assigneeId),
      forAgent ? this.contactName(conversation) : undefined,
    ]);
    const extras: WireConversationExtras = { lastSeq };
    if (agentName !== undefined) extras.agentName = agentName;
    if (forAgent) extras.forAgent = contactName === undefined ? {} : { contactName };
    return toWireConversation(conversation, extras);
  }

  /** An agent's display name (cached for a minute: it is on every conversation frame). */
  async agentName(tenantId: string, agentId: string): Promise<string | undefined> {
    const key = indexKey(tenantId, agentId);
    const now = this.clock.now();
    const hit = this.agentNames.get(key);
    if (hit && hit.until > now) return hit.name;
    const agent = await this.storage.agents.get(tenantId, agentId);
    if (this.agentNames.size >= MAX_CACHED_NAMES) this.agentNames.clear();
    this.agentNames.set(key, { name: agent?.name, until: now + NAME_CACHE_MS });
    return agent?.name;
  }

  private async contactName(conversation: Conversation): Promise<string | undefined> {
    const contact = await this.storage.contacts.get(conversation.tenantId, conversation.contactId);
    return contact?.name;
  }
}
