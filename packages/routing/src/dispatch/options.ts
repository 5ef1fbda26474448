import type { Agent, Clock, Hotline } from '@hotline/core';
import type { RoutingAgentInput } from '../engine/definitions.js';
import type { RoutingEngine } from '../engine/routing-engine.js';

/**
 * The parts of a core `Hotline` the dispatcher uses: pass the whole `createHotline()` result.
 * Without `audit`, transfers and wrap-ups are not written to the audit log.
 */
export type DispatcherHotline = Pick<Hotline, 'storage' | 'bus' | 'clock' | 'ids' | 'conversations'> &
  Partial<Pick<Hotline, 'audit'>>;

/** An agent's routing profile, as the dispatcher builds it from the core agent record. */
export type RoutingAgentProfile = Omit<RoutingAgentInput, 'activity'>;

/** Where a background failure happened (a core write after an engine decision, a restore). */
export interface DispatchErrorContext {
  tenantId: string;
  /** What was being done: `sync`, `restore`, `notice`, `audit` (an audit entry of a change already made), `transfer` (sending a refused transfer back to its queue). */
  operation: 'sync' | 'restore' | 'notice' | 'audit' | 'transfer';
  conversationId?: string;
}

/** Options of {@link createConversationDispatcher}. */
export interface ConversationDispatcherOptions {
  /** Core services: conversations, storage (agents, tasks), the event bus, ids and the clock. */
  hotline: DispatcherHotline;
  /**
   * The routing engine of each tenant (each knows its `tenantId`), with its queues and
   * workflows defined. Give this, `engineFor`, or both (`engines` first).
   * @default []
   */
  engines?: Iterable<RoutingEngine>;
  /**
   * Finds (or makes) a tenant's engine on first use; `undefined` means the tenant has no
   * routing (`NOT_FOUND`). Called once per tenant.
   * @default none
   */
  engineFor?: (tenantId: string) => RoutingEngine | undefined;
  /**
   * Stamps task and agent records. Give the engines the same clock: their offer timeouts
   * run on it.
   * @default hotline.clock
   */
  clock?: Clock;
  /**
   * The workflow of a conversation enqueued without a `queueId` (and whose conversation
   * record names no queue either).
   * @default none (such a request is `VALIDATION_FAILED`)
   */
  workflowId?: string | ((tenantId: string) => string | undefined);
  /**
   * Builds the routing profile of an agent from its core record when it connects.
   * @default name, skills, languages, capacity and attributes of the record
   */
  agentProfile?: (agent: Agent) => RoutingAgentProfile;
  /**
   * Restore a tenant from core storage the first time it is used (see `restore`).
   * @default true
   */
  restoreOnAttach?: boolean;
  /**
   * Receives failures of background work: a core write that follows an engine decision,
   * a restore started on first use, a notice listener that threw.
   * @default logs with `console.error`
   */
  onError?: (error: unknown, context: DispatchErrorContext) => void;
}

/** What a restore did. */
export interface RestoreReport {
  tenantId: string;
  /** Conversations put back in line (`queued`, and `offered` ones sent back to `queued`). */
  requeued: string[];
  /** Conversations given back to their agent (`active`, `pending`, `wrap_up`). */
  adopted: string[];
  /** Conversations that could not be restored, and why. */
  skipped: { conversationId: string; reason: string }[];
  /** Task records left open by the previous process that no longer stand for work, now canceled. */
  staleTasks: string[];
}
