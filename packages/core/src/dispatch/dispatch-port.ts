import type { Unsubscribe } from '../events/event-bus.js';
import type { Attributes, Channel } from '../schemas/common.js';
import type { StatsSnapshot, TransferTarget, WrapUp } from '../wire/agent-work.js';

/** A conversation waiting for an agent, as a channel hands it to routing. */
export interface DispatchRequest {
  tenantId: string;
  conversationId: string;
  channel: Channel;
  /** A queue the customer chose; otherwise the workflows decide from the attributes. */
  queueId?: string;
  /** What routing may match on: page, language, pre-chat answers, custom attributes. */
  attributes: Attributes;
  /** Higher first. @default 0 */
  priority?: number;
}

/** An offer of a conversation to one agent, until it is answered or lapses. */
export interface DispatchOffer {
  tenantId: string;
  reservationId: string;
  agentId: string;
  conversationId: string;
  channel: Channel;
  queueId?: string;
  /** Epoch ms when the offer lapses. */
  expiresAt: number;
  attributes: Attributes;
}

/** What happened to offers and agents; channels push these to agent clients. */
export type DispatchNotice =
  | { type: 'offer'; offer: DispatchOffer }
  | {
      type: 'offer_ended';
      tenantId: string;
      agentId: string;
      reservationId: string;
      conversationId: string;
      reason: 'accepted' | 'rejected' | 'timeout' | 'withdrawn' | 'canceled';
    }
  | { type: 'agent'; tenantId: string; agentId: string; activity: string }
  /** The tenant's live figures changed (see `Dispatcher.stats`); coalesced, at most every 500 ms per tenant. */
  | { type: 'stats'; tenantId: string };

/**
 * The port between channels (which talk to customers and agents) and routing (which
 * decides who takes what). `@hotline/routing`'s `ConversationDispatcher` implements it on
 * the routing engine and core's conversation service; a host may implement it on anything.
 *
 * Rules every implementation MUST follow:
 * - `enqueue` is idempotent per conversation: a conversation waits in at most one queue.
 * - `accept` succeeds for one reservation of a conversation at most; the conversation is
 *   then assigned to that agent in core before the promise resolves.
 * - Every method checks that the agent, reservation and conversation belong to `tenantId`;
 *   anything else is `NOT_FOUND`, never another tenant's record.
 * - Notices are delivered in the order things happened, for each agent.
 */
export interface Dispatcher {
  /** Puts a conversation in line for an agent (status `queued` in core). */
  enqueue(request: DispatchRequest): Promise<void>;
  /** Whether an agent can be reached on a queue now (open hours, someone routable logged in). */
  isOpen(tenantId: string, queueId?: string): boolean;
  /** An agent client connected (`true`) or its last connection went away (`false`). */
  setConnected(tenantId: string, agentId: string, connected: boolean): Promise<void>;
  /** Sets an agent's activity (`available`, `break`…). */
  setActivity(tenantId: string, agentId: string, activity: string): Promise<void>;
  /** The agent's current activity. */
  activityOf(tenantId: string, agentId: string): string | undefined;
  /** Offers waiting for this agent's answer. */
  offersFor(tenantId: string, agentId: string): DispatchOffer[];
  /** Takes an offer: the conversation becomes the agent's. Resolves with its id. */
  accept(tenantId: string, agentId: string, reservationId: string): Promise<{ conversationId: string }>;
  /** Declines an offer: the conversation goes back in line. */
  reject(tenantId: string, agentId: string, reservationId: string): Promise<void>;
  /**
   * The interaction is over: the conversation goes to wrap-up. `wrapUp` is stored on the
   * conversation (`attributes.disposition`, `attributes.wrapUpNotes`) and audited; on a
   * conversation already in wrap-up (the customer left first) only that is recorded.
   */
  end(tenantId: string, agentId: string, conversationId: string, wrapUp?: WrapUp): Promise<void>;
  /** Wrap-up is done: the conversation is resolved and the agent's capacity freed. */
  resolve(tenantId: string, agentId: string, conversationId: string): Promise<void>;
  /**
   * Hands a conversation the agent holds, history and all, to a queue or to one agent.
   * The agent's capacity is freed at once (no wrap-up). A queue target puts it in line
   * there (its routing attributes kept); an agent target offers it to that agent only,
   * and back to the conversation's queue if that agent refuses or lets the offer lapse.
   * The transferring agent is not offered it again for routing's refusal cooldown.
   * Not held by `byAgentId`: `FORBIDDEN`; unknown queue or agent: `NOT_FOUND`; an agent
   * target that is offline, busy at capacity or not eligible: `CONFLICT`.
   */
  transfer(tenantId: string, byAgentId: string, conversationId: string, target: TransferTarget): Promise<void>;
  /** The tenant's live queue and agent figures (a `stats` notice says when they changed). */
  stats(tenantId: string): StatsSnapshot;
  /** The customer left or ended the chat: its task is canceled or completed. */
  customerLeft(tenantId: string, conversationId: string): Promise<void>;
  /** Receives every notice; returns an unsubscribe. */
  subscribe(listener: (notice: DispatchNotice) => void): Unsubscribe;
}
