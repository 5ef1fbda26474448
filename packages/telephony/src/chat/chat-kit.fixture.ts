import {
  createHotline,
  createMemoryStorage,
  type DispatchNotice,
  type Hotline,
  type HotlineEvent,
  SimulatedClock,
  type Storage,
} from '@hotline/core';
import { makeAgent } from '@hotline/core/testing';
import { createConversationDispatcher, RoutingEngine } from '@hotline/routing';
import type { FlowDefinitionInput } from '../flows/definition-schema.js';
import { withChatFlow } from './chat-flow.js';
import type { ChatFlowErrorContext } from './chat-flow-options.js';

/** The tenant of the chat flow tests. */
export const TENANT = 'acme';

/** The conversation's customer writes `text` (through any process's core). */
export async function customerSays(hotline: Hotline, conversationId: string, text: string): Promise<void> {
  const conversation = await hotline.conversations.get(TENANT, conversationId);
  await hotline.conversations.appendMessage({
    tenantId: TENANT,
    conversationId,
    direction: 'inbound',
    author: { kind: 'contact', id: conversation.contactId },
    content: { type: 'text', text },
  });
}

/** Options of {@link makeChatKit}. */
export interface ChatKitOptions {
  /** Another "process" on the same storage and clock. */
  storage?: Storage;
  clock?: SimulatedClock;
  /** What `flowFor` answers, per tenant. */
  flows?: Record<string, unknown>;
}

/**
 * One "process" of a host (tests only): core on a storage, a routing engine with `support`
 * and `sales` queues, the real conversation dispatcher, and `withChatFlow` around it,
 * with errors, notices and status changes recorded.
 */
export function makeChatKit(options: ChatKitOptions = {}) {
  const clock = options.clock ?? new SimulatedClock(Date.UTC(2026, 2, 2, 9));
  const storage = options.storage ?? createMemoryStorage({ clock });
  const hotline = createHotline({ storage, clock });
  const engine = new RoutingEngine({ tenantId: TENANT, clock });
  engine.defineQueue({ id: 'support' });
  engine.defineQueue({ id: 'sales' });
  const inner = createConversationDispatcher({ hotline, engines: [engine] });
  const errors: { error: unknown; context: ChatFlowErrorContext }[] = [];
  const flows = options.flows ?? {};
  const chat = withChatFlow(inner, {
    hotline,
    flowFor: (tenantId) => flows[tenantId] as FlowDefinitionInput | undefined,
    onError: (error, context) => errors.push({ error, context }),
  });
  const notices: DispatchNotice[] = [];
  inner.subscribe((notice) => notices.push(notice));
  const events: HotlineEvent[] = [];
  hotline.bus.subscribe('conversation.status_changed', (event) => {
    events.push(event);
  });
  let visitors = 0;

  const connectAgent = async (id: string) => {
    const at = new Date(clock.now()).toISOString();
    await storage.agents.create(
      makeAgent(TENANT, { id, name: id, skills: {}, capacity: { webchat: 2 }, createdAt: at, updatedAt: at }),
    );
    await chat.setConnected(TENANT, id, true);
    await chat.idle();
  };
  /** A new visitor starts a web chat, which the gateway would enqueue like this. */
  const startChat = async (attributes: Record<string, string> = { language: 'en' }) => {
    visitors++;
    const { conversation } = await hotline.conversations.start({
      tenantId: TENANT,
      channel: 'webchat',
      contact: { identity: { channel: 'webchat', address: `visitor-${visitors}-${clock.now()}` } },
      attributes,
    });
    // The site's default queue, as the gateway would pass it; the flow's route overrides it.
    await chat.enqueue({
      tenantId: TENANT,
      conversationId: conversation.id,
      channel: 'webchat',
      queueId: 'support',
      attributes,
    });
    await chat.idle();
    return conversation;
  };
  const say = async (conversationId: string, text: string) => {
    await customerSays(hotline, conversationId, text);
    await chat.idle();
  };
  /** The conversation's messages as `author: text` lines. */
  const transcript = async (conversationId: string) =>
    (await hotline.conversations.listMessages(TENANT, conversationId)).map((m) => {
      const content = m.content;
      const text = content.type === 'text' ? content.text : content.type === 'event' ? content.name : content.type;
      return `${m.author.kind === 'bot' ? `bot(${m.author.id})` : m.author.kind}: ${text}`;
    });
  const history = (conversationId: string) =>
    events.flatMap((e) =>
      e.type === 'conversation.status_changed' && e.conversationId === conversationId
        ? [`${e.cause}:${e.from}>${e.to}`]
        : [],
    );
  const offersTo = (agentId: string) =>
    notices.flatMap((n) => (n.type === 'offer' && n.offer.agentId === agentId ? [n.offer] : []));
  const advance = async (ms: number) => {
    await clock.advance(ms);
    await chat.idle();
  };
  const conversation = (id: string) => hotline.conversations.get(TENANT, id);

  return {
    clock,
    storage,
    hotline,
    engine,
    inner,
    chat,
    errors,
    flows,
    connectAgent,
    startChat,
    say,
    transcript,
    history,
    offersTo,
    advance,
    conversation,
  };
}
