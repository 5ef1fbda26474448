import {
  type AgentFrame,
  type AgentHelloResult,
  type ConversationResult,
  OPEN_CONVERSATION_STATES,
  WIRE_PROTOCOL_VERSION,
  type WireOffer,
  type WrapUp,
} from '@hotline/core';
import { monitor, watch } from './agent-supervision.js';
import type { Connection } from './connection.js';
import type { GatewayContext } from './context.js';
import { toWireLimits } from './limits.js';
import type { PushHub } from './push-hub.js';
import {
  appendFromConnection,
  authorize,
  markRead,
  type OkResult,
  readHistory,
  relayTyping,
} from './session-common.js';
import { checkVersion, collectResumes, completeHello } from './session-hello.js';
import { authFault } from './wire-errors.js';

/** The most assigned conversations an agent's `hello` lists. */
const MAX_ASSIGNED = 1000;

/** The reply to `activity`. */
export interface ActivityResult {
  activity: string;
}

/** Handles an agent's frames; returns the reply's `result`, or `undefined` when nothing is to be answered. */
export class AgentSession {
  constructor(
    private readonly ctx: GatewayContext,
    private readonly hub: PushHub,
  ) {}

  handle(connection: Connection, frame: AgentFrame): Promise<unknown> {
    const { ctx } = this;
    switch (frame.type) {
      case 'hello':
        return this.hello(connection, frame);
      case 'activity':
        return this.activity(connection, frame.activity);
      case 'accept':
        return this.accept(connection, frame.reservationId);
      case 'reject':
        return this.reject(connection, frame.reservationId);
      case 'send':
        return appendFromConnection(ctx, this.hub, connection, frame, {
          direction: frame.note ? 'note' : 'outbound',
          author: {
            kind: 'agent',
            id: connection.principalId,
            ...(connection.name === undefined ? {} : { name: connection.name }),
          },
        });
      case 'typing':
        return relayTyping(ctx, this.hub, connection, frame);
      case 'read':
        return markRead(ctx, this.hub, connection, frame);
      case 'history':
        return readHistory(ctx, connection, frame);
      case 'end':
        return this.lifecycle(connection, frame.conversationId, 'end', wrapUpOf(frame));
      case 'resolve':
        return this.lifecycle(connection, frame.conversationId, 'resolve');
      case 'transfer':
        return this.transfer(connection, frame);
      case 'monitor':
        return Promise.resolve().then(() => monitor(ctx, connection, frame.on));
      case 'watch':
        return watch(ctx, connection, frame.conversationId, frame.on);
      case 'ping':
        return Promise.resolve(undefined);
    }
  }

  private async hello(connection: Connection, frame: Extract<AgentFrame, { type: 'hello' }>): Promise<undefined> {
    const { ctx } = this;
    checkVersion(frame.v);
    const claims = await ctx.agentTokens.verify(frame.agentToken, ctx.clock.now());
    const agent = await ctx.hotline.storage.agents.get(claims.tenantId, claims.agentId);
    if (!agent) throw authFault('unknown_agent', 'no such agent');
    connection.tenantId = claims.tenantId;
    connection.principalId = agent.id;
    connection.name = claims.name ?? agent.name;
    connection.roles = claims.roles;
    const assigned = (
      await ctx.hotline.storage.conversations.list(
        claims.tenantId,
        { assigneeId: agent.id, status: OPEN_CONVERSATION_STATES },
        { limit: MAX_ASSIGNED },
      )
    ).items;
    const resumes = await collectResumes(ctx, connection, assigned, frame.resume ?? []);
    const listed = [...assigned, ...resumes.filter((r) => r.extra).map((r) => r.conversation)];
    const [conversations, offers] = await Promise.all([
      Promise.all(listed.map((c) => ctx.views.conversation(c, true))),
      this.offers(connection),
    ]);
    // Routing hears of the agent before the reply (a failure there fails the hello, nothing half done).
    if (ctx.index.agentConnections(agent.tenantId, agent.id).length === 0) {
      await ctx.dispatcher.setConnected(agent.tenantId, agent.id, true);
    }
    if (connection.closing) {
      // The socket went while routing heard of it: undo, unless another connection came meanwhile.
      if (ctx.index.agentConnections(agent.tenantId, agent.id).length === 0) {
        await ctx.dispatcher.setConnected(agent.tenantId, agent.id, false);
      }
      return undefined;
    }
    const result: AgentHelloResult = {
      v: WIRE_PROTOCOL_VERSION,
      agent: {
        id: agent.id,
        name: connection.name,
        // Read after connecting: routing resumes the activity the agent last chose.
        activity: ctx.dispatcher.activityOf(agent.tenantId, agent.id) ?? agent.activity,
      },
      conversations,
      offers,
      heartbeatMs: ctx.heartbeatMs,
      limits: toWireLimits(ctx.limits),
    };
    await completeHello(ctx, connection, frame.id, result, listed, resumes);
    return undefined;
  }

  private async offers(connection: Connection): Promise<WireOffer[]> {
    const pending = this.ctx.dispatcher.offersFor(connection.tenantId, connection.principalId);
    const offers = await Promise.all(pending.map((offer) => this.hub.wireOffer(offer)));
    return offers.filter((offer): offer is WireOffer => offer !== undefined);
  }

  private async activity(connection: Connection, activity: string): Promise<ActivityResult> {
    const { dispatcher } = this.ctx;
    await dispatcher.setActivity(connection.tenantId, connection.principalId, activity);
    return { activity: dispatcher.activityOf(connection.tenantId, connection.principalId) ?? activity };
  }

  private async accept(connection: Connection, reservationId: string): Promise<ConversationResult> {
    const { ctx } = this;
    const { conversationId } = await ctx.dispatcher.accept(connection.tenantId, connection.principalId, reservationId);
    const conversation = await ctx.hotline.conversations.get(connection.tenantId, conversationId);
    // Every connection of this agent follows the conversation now, not only the one that accepted.
    for (const other of ctx.index.agentConnections(connection.tenantId, connection.principalId)) {
      ctx.index.attach(other, conversationId, conversation.readHorizon);
    }
    return { conversation: await ctx.views.conversation(conversation, true) };
  }

  private async reject(connection: Connection, reservationId: string): Promise<OkResult> {
    await this.ctx.dispatcher.reject(connection.tenantId, connection.principalId, reservationId);
    return { ok: true };
  }

  private async lifecycle(
    connection: Connection,
    conversationId: string,
    action: 'end' | 'resolve',
    wrapUp?: WrapUp,
  ): Promise<ConversationResult> {
    const { ctx } = this;
    await authorize(ctx, connection, conversationId);
    if (action === 'end') await ctx.dispatcher.end(connection.tenantId, connection.principalId, conversationId, wrapUp);
    else await ctx.dispatcher.resolve(connection.tenantId, connection.principalId, conversationId);
    const conversation = await ctx.hotline.conversations.get(connection.tenantId, conversationId);
    return { conversation: await ctx.views.conversation(conversation, true) };
  }

  /**
   * Hands a conversation the agent holds to a queue or another agent. The reply is `{}`;
   * the agent's connections then get the conversation's new status and no more of it.
   */
  private async transfer(
    connection: Connection,
    frame: Extract<AgentFrame, { type: 'transfer' }>,
  ): Promise<Record<string, never>> {
    const { ctx } = this;
    await authorize(ctx, connection, frame.conversationId);
    const target = frame.agentId !== undefined ? { agentId: frame.agentId } : { queueId: frame.queueId as string };
    await ctx.dispatcher.transfer(connection.tenantId, connection.principalId, frame.conversationId, target);
    return {};
  }
}

/** The wrap-up an `end` frame carries, if any. */
function wrapUpOf(frame: Extract<AgentFrame, { type: 'end' }>): WrapUp | undefined {
  if (frame.disposition === undefined && frame.notes === undefined) return undefined;
  const wrapUp: WrapUp = {};
  if (frame.disposition !== undefined) wrapUp.disposition = frame.disposition;
  if (frame.notes !== undefined) wrapUp.notes = frame.notes;
  return wrapUp;
}
