import {
  type Agent,
  type Clock,
  type Conversation,
  createHotline,
  createMemoryStorage,
  type DispatchNotice,
  type HotlineEvent,
  SimulatedClock,
  type Storage,
} from '@hotline/core';
import { makeAgent } from '@hotline/core/testing';
import { RoutingEngine, type RoutingEngineOptions } from '../engine/routing-engine.js';
import { createConversationDispatcher } from './conversation-dispatcher.js';
import type { ConversationDispatcherOptions } from './options.js';

/** Monday 2026-03-02 09:00 UTC. */
export const T0 = Date.UTC(2026, 2, 2, 9);

/** Options of {@link makeDispatch}. */
export interface DispatchKitOptions {
  tenantId?: string;
  clock?: Clock;
  storage?: Storage;
  engine?: Partial<RoutingEngineOptions>;
  /** Defines queues and workflows; default: one `support` queue. */
  define?: (engine: RoutingEngine) => void;
  dispatcher?: Partial<ConversationDispatcherOptions>;
}

/**
 * One "process" of a host (tests only): core on a storage, a routing engine for one
 * tenant, and a dispatcher between them, with every notice and core event recorded.
 */
export function makeDispatch(options: DispatchKitOptions = {}) {
  const tenantId = options.tenantId ?? 'acme';
  // Tests that pass a real clock never move it; the others get a simulated one to move.
  const clock = (options.clock ?? new SimulatedClock(T0)) as SimulatedClock;
  const storage = options.storage ?? createMemoryStorage({ clock });
  const hotline = createHotline({ storage, clock });
  const engine = new RoutingEngine({ tenantId, clock, ...options.engine });
  (options.define ?? ((e) => e.defineQueue({ id: 'support' })))(engine);
  const dispatcher = createConversationDispatcher({ hotline, engines: [engine], ...options.dispatcher });
  const notices: DispatchNotice[] = [];
  dispatcher.subscribe((notice) => notices.push(notice));
  const events: HotlineEvent[] = [];
  hotline.bus.subscribe('*', (event) => {
    events.push(event);
  });
  let visitors = 0;

  /** Creates an agent record in core storage. */
  const addAgent = async (id: string, overrides: Partial<Agent> = {}) => {
    const at = new Date(clock.now()).toISOString();
    const base = { id, name: id, skills: {}, capacity: { webchat: 2 }, createdAt: at, updatedAt: at };
    return storage.agents.create(makeAgent(tenantId, { ...base, activityChangedAt: at, ...overrides }));
  };
  /** Creates an agent record and connects it (routable at once unless its activity says otherwise). */
  const connect = async (id: string, overrides: Partial<Agent> = {}) => {
    await addAgent(id, overrides);
    await dispatcher.setConnected(tenantId, id, true);
    await dispatcher.idle();
  };
  /** Starts a new web chat conversation of a new visitor. */
  const startChat = async (attributes: Record<string, string> = {}): Promise<Conversation> => {
    visitors++;
    const { conversation } = await hotline.conversations.start({
      tenantId,
      channel: 'webchat',
      contact: { identity: { channel: 'webchat', address: `visitor-${visitors}` } },
      attributes,
    });
    return conversation;
  };
  /** Starts a chat and puts it in the `support` queue. */
  const enqueueChat = async (queueId = 'support'): Promise<Conversation> => {
    const conversation = await startChat();
    await dispatcher.enqueue({
      tenantId,
      conversationId: conversation.id,
      channel: 'webchat',
      queueId,
      attributes: {},
    });
    await dispatcher.idle();
    return conversation;
  };
  const conversation = (id: string) => hotline.conversations.get(tenantId, id);
  const offers = (agentId?: string) =>
    notices.flatMap((n) =>
      n.type === 'offer' && (agentId === undefined || n.offer.agentId === agentId) ? [n.offer] : [],
    );
  const ended = (agentId?: string) =>
    notices.flatMap((n) => (n.type === 'offer_ended' && (agentId === undefined || n.agentId === agentId) ? [n] : []));
  /** The one offer of a conversation still pending (throws otherwise). */
  const offerOf = (conversationId: string) => {
    const open = offers().filter(
      (o) => o.conversationId === conversationId && !ended().some((e) => e.reservationId === o.reservationId),
    );
    if (open.length !== 1) throw new Error(`${conversationId} has ${open.length} open offers`);
    return open[0] as (typeof open)[number];
  };
  /** Causes of the conversation's status changes, in order (`cause:from>to`). */
  const history = (conversationId: string) =>
    events.flatMap((e) =>
      e.type === 'conversation.status_changed' && e.conversationId === conversationId
        ? [`${e.cause}:${e.from}>${e.to}`]
        : [],
    );
  const load = (agentId: string) => engine.getAgent(agentId).load.webchat ?? 0;
  const taskRecords = async (conversationId: string) => (await storage.tasks.list(tenantId, { conversationId })).items;
  const advance = async (ms: number) => {
    await clock.advance(ms);
    await dispatcher.idle();
  };

  return {
    tenantId,
    clock,
    storage,
    hotline,
    engine,
    dispatcher,
    notices,
    events,
    addAgent,
    connect,
    startChat,
    enqueueChat,
    conversation,
    offers,
    ended,
    offerOf,
    history,
    load,
    taskRecords,
    advance,
  };
}

/** A dispatch kit. */
export type DispatchKit = ReturnType<typeof makeDispatch>;

/**
 * Checks that core and routing agree about every conversation the engine holds: waiting
 * tasks are `queued`, offered ones `offered` to one of their agents, assigned ones with
 * their agent, and each agent's load is exactly what it holds. Returns the disagreements.
 */
export async function disagreements(kit: DispatchKit): Promise<string[]> {
  const problems: string[] = [];
  const held = new Map<string, number>();
  for (const task of kit.engine.openTasks()) {
    if (task.conversationId === undefined) continue;
    const conversation = await kit.conversation(task.conversationId);
    const agents = task.reservations.map((r) => r.agentId);
    for (const agentId of task.agentId === undefined ? agents : [task.agentId])
      held.set(agentId, (held.get(agentId) ?? 0) + 1);
    const ok =
      (task.status === 'pending' && conversation.status === 'queued') ||
      (task.status === 'reserved' &&
        conversation.status === 'offered' &&
        agents.includes(conversation.offeredTo ?? '')) ||
      (task.status === 'assigned' &&
        ['active', 'pending'].includes(conversation.status) &&
        conversation.assigneeId === task.agentId) ||
      (task.status === 'wrapping' && conversation.status === 'wrap_up' && conversation.assigneeId === task.agentId);
    if (!ok) {
      problems.push(
        `${task.conversationId}: task ${task.status} (${task.agentId ?? agents.join('/')}) but conversation ${conversation.status} (${conversation.assigneeId ?? conversation.offeredTo ?? '-'})`,
      );
    }
  }
  for (const task of kit.engine.openTasks()) {
    for (const agentId of [task.agentId, ...task.reservations.map((r) => r.agentId)]) {
      if (agentId === undefined) continue;
      const load = Object.values(kit.engine.getAgent(agentId).load).reduce((a, b) => a + (b ?? 0), 0);
      if (load !== held.get(agentId)) problems.push(`${agentId} load ${load}, holds ${held.get(agentId)}`);
    }
  }
  return problems;
}

/**
 * A storage whose conversation writes can be held (tests only): while held, every
 * conversation update and every transaction waits, so a core write stays "in flight"
 * while the test moves the clock or calls the dispatcher again.
 */
export function gatedStorage(inner: Storage) {
  let gate: Promise<void> | undefined;
  let open: () => void = () => undefined;
  const pass = async () => {
    while (gate) await gate;
  };
  const conversations = new Proxy(inner.conversations, {
    get(target, key, receiver) {
      if (key !== 'update') return Reflect.get(target, key, receiver);
      return async (...args: Parameters<Storage['conversations']['update']>) => {
        await pass();
        return target.update(...args);
      };
    },
  });
  const storage = new Proxy(inner, {
    get(target, key, receiver) {
      if (key === 'conversations') return conversations;
      if (key === 'transaction') {
        return async <T>(fn: (tx: Storage) => Promise<T>) => {
          await pass();
          return target.transaction(fn);
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
  return {
    storage,
    hold() {
      gate ??= new Promise<void>((resolve) => {
        open = resolve;
      });
    },
    release() {
      const wasOpen = open;
      gate = undefined;
      wasOpen();
    },
  };
}
