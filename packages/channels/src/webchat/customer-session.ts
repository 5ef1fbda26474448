import {
  type Attributes,
  type Conversation,
  type ConversationResult,
  type CustomerFrame,
  type CustomerHelloResult,
  type EventInput,
  OPEN_CONVERSATION_STATES,
  type VisitorAttributes,
  WIRE_PROTOCOL_VERSION,
} from '@hotline/core';
import type { Connection } from './connection.js';
import type { GatewayContext } from './context.js';
import type { WebchatEventMap } from './events.js';
import { verifyIdentity } from './identity.js';
import { toWireLimits } from './limits.js';
import type { PushHub } from './push-hub.js';
import {
  appendFromConnection,
  authorize,
  markRead,
  type OkResult,
  owns,
  readHistory,
  relayTyping,
  takeMessageToken,
} from './session-common.js';
import { checkVersion, collectResumes, completeHello, queueOpen, type ResumeTarget } from './session-hello.js';
import type { ResolvedSite } from './sites.js';
import { conversationIdFor, ensureContact, resolveVisitor } from './visitor-identity.js';
import { issueVisitorToken, verifyVisitorToken } from './visitor-tokens.js';
import { authFault, conversationNotFound, notFound, textTooLong } from './wire-errors.js';

/** The most open conversations a `hello` lists. */
const MAX_LISTED_CONVERSATIONS = 100;

/** Handles a customer's frames; returns the reply's `result`, or `undefined` when nothing is to be answered. */
export class CustomerSession {
  constructor(
    private readonly ctx: GatewayContext,
    private readonly hub: PushHub,
  ) {}

  handle(connection: Connection, frame: CustomerFrame): Promise<unknown> {
    switch (frame.type) {
      case 'hello':
        return this.hello(connection, frame);
      case 'start':
        return this.start(connection, frame);
      case 'send':
        return appendFromConnection(this.ctx, this.hub, connection, frame, {
          direction: 'inbound',
          author: { kind: 'contact', id: connection.principalId },
        });
      case 'typing':
        return relayTyping(this.ctx, this.hub, connection, frame);
      case 'read':
        return markRead(this.ctx, this.hub, connection, frame);
      case 'history':
        return readHistory(this.ctx, connection, frame);
      case 'end':
        return this.end(connection, frame.conversationId);
      case 'csat':
        return this.csat(connection, frame);
      case 'transcript':
        return this.transcript(connection, frame);
      case 'offline':
        return this.offline(connection, frame);
      case 'ping':
        return Promise.resolve(undefined);
    }
  }

  private async hello(connection: Connection, frame: Extract<CustomerFrame, { type: 'hello' }>): Promise<undefined> {
    const { ctx } = this;
    checkVersion(frame.v);
    const site = await ctx.sites.get(frame.siteId);
    if (!site) throw authFault('unknown_site', `no site ${frame.siteId}`);
    if (site.origins && !site.origins.allows(connection.origin)) {
      throw authFault('origin_not_allowed', 'this origin may not open the chat');
    }
    const now = ctx.clock.now();
    const token =
      frame.visitorToken === undefined ? undefined : await verifyVisitorToken(site, frame.visitorToken, now);
    const identity =
      frame.identity === undefined
        ? undefined
        : await verifyIdentity(site, frame.identity, { now, jtis: ctx.jtis, visitor: token });
    const visitor = await resolveVisitor(ctx, site, token, identity);
    const issued = await issueVisitorToken(
      site,
      {
        contactId: visitor.contactId,
        visitorId: visitor.visitorId,
        ...(visitor.userId === undefined ? {} : { userId: visitor.userId }),
        ...(identity?.jwtId === undefined ? {} : { identityJwtId: identity.jwtId }),
      },
      now,
    );
    connection.tenantId = site.tenantId;
    connection.principalId = visitor.contactId;
    connection.mergedFrom = visitor.mergedFrom;
    connection.site = site;
    connection.visitorId = visitor.visitorId;
    connection.contactStored = visitor.stored;
    connection.locale = frame.locale;

    const open = visitor.stored
      ? (
          await ctx.hotline.storage.conversations.list(
            site.tenantId,
            { contactIds: [visitor.contactId, ...visitor.mergedFrom], status: OPEN_CONVERSATION_STATES },
            { limit: MAX_LISTED_CONVERSATIONS },
          )
        ).items
      : [];
    const resumes: ResumeTarget[] = await collectResumes(ctx, connection, open, frame.resume ?? []);
    const listed = [...open, ...resumes.filter((r) => r.extra).map((r) => r.conversation)];
    const conversations = await Promise.all(listed.map((c) => ctx.views.conversation(c, false)));
    const result: CustomerHelloResult = {
      v: WIRE_PROTOCOL_VERSION,
      visitorToken: issued.token,
      visitorTokenExpiresAt: new Date(issued.expiresAt).toISOString(),
      contactId: visitor.contactId,
      conversations,
      heartbeatMs: ctx.heartbeatMs,
      queueOpen: queueOpen(ctx, site.tenantId, site.queueId),
      limits: toWireLimits(ctx.limits),
    };
    // The socket went while we worked: nothing to register.
    if (connection.closing) return undefined;
    await completeHello(ctx, connection, frame.id, result, listed, resumes);
    return undefined;
  }

  private async start(
    connection: Connection,
    frame: Extract<CustomerFrame, { type: 'start' }>,
  ): Promise<ConversationResult> {
    const { ctx } = this;
    const site = requireSite(connection);
    takeMessageToken(ctx, connection);
    if (frame.queueId !== undefined && site.allowedQueueIds && !site.allowedQueueIds.has(frame.queueId)) {
      throw notFound('queue', frame.queueId);
    }
    const queueId = frame.queueId ?? site.queueId;
    await ensureContact(ctx, connection);
    const attributes = routingAttributes(site.siteId, frame.attributes);
    const conversation = await this.startConversation(
      connection,
      conversationIdFor(connection.tenantId, connection.visitorId, 'start', frame.key),
      {
        attributes,
        queueId,
        language: frame.attributes?.language,
      },
    );
    ctx.index.attach(connection, conversation.id, conversation.readHorizon);
    if (conversation.status === 'new') {
      await ctx.dispatcher.enqueue({
        tenantId: connection.tenantId,
        conversationId: conversation.id,
        channel: 'webchat',
        attributes,
        ...(queueId === undefined ? {} : { queueId }),
      });
    }
    const current = await ctx.hotline.conversations.get(connection.tenantId, conversation.id);
    return { conversation: await ctx.views.conversation(current, false) };
  }

  private async startConversation(
    connection: Connection,
    id: string,
    options: { attributes: Attributes; queueId: string | undefined; language: string | undefined },
  ): Promise<Conversation> {
    const { conversation } = await this.ctx.hotline.conversations.start({
      tenantId: connection.tenantId,
      id,
      channel: 'webchat',
      contact: { contactId: connection.principalId },
      address: connection.visitorId,
      attributes: options.attributes,
      ...(options.queueId === undefined ? {} : { queueId: options.queueId }),
      ...(options.language === undefined ? {} : { language: options.language }),
    });
    // The id hashes this visitor's id, so only their own conversation can come back; check anyway.
    if (!owns(connection, conversation)) throw conversationNotFound(id);
    return conversation;
  }

  private async end(connection: Connection, conversationId: string): Promise<ConversationResult> {
    const { ctx } = this;
    await authorize(ctx, connection, conversationId);
    await ctx.dispatcher.customerLeft(connection.tenantId, conversationId);
    const current = await ctx.hotline.conversations.get(connection.tenantId, conversationId);
    return { conversation: await ctx.views.conversation(current, false) };
  }

  private async csat(connection: Connection, frame: Extract<CustomerFrame, { type: 'csat' }>): Promise<OkResult> {
    const { ctx } = this;
    const site = requireSite(connection);
    takeMessageToken(ctx, connection);
    await authorize(ctx, connection, frame.conversationId);
    const csat: Attributes = { score: frame.score, at: new Date(ctx.clock.now()).toISOString() };
    if (frame.comment !== undefined) csat['comment'] = frame.comment;
    await ctx.hotline.conversations.update(connection.tenantId, frame.conversationId, { attributes: { csat } });
    await publishVisitorEvent(ctx, connection, site, frame.conversationId, {
      type: 'webchat.csat_submitted',
      score: frame.score,
      ...(frame.comment === undefined ? {} : { comment: frame.comment }),
    });
    return { ok: true };
  }

  private async transcript(
    connection: Connection,
    frame: Extract<CustomerFrame, { type: 'transcript' }>,
  ): Promise<OkResult> {
    const { ctx } = this;
    const site = requireSite(connection);
    takeMessageToken(ctx, connection);
    await authorize(ctx, connection, frame.conversationId);
    await publishVisitorEvent(ctx, connection, site, frame.conversationId, {
      type: 'webchat.transcript_requested',
      email: frame.email,
      ...(connection.locale === undefined ? {} : { locale: connection.locale }),
    });
    return { ok: true };
  }

  private async offline(
    connection: Connection,
    frame: Extract<CustomerFrame, { type: 'offline' }>,
  ): Promise<ConversationResult> {
    const { ctx } = this;
    const site = requireSite(connection);
    takeMessageToken(ctx, connection);
    if (frame.message.length > ctx.limits.maxTextLength) {
      throw textTooLong(ctx.limits.maxTextLength);
    }
    await ensureContact(ctx, connection);
    const offline: Attributes = { email: frame.email };
    if (frame.name !== undefined) offline['name'] = frame.name;
    const attributes = { ...routingAttributes(site.siteId, frame.attributes), offline };
    const conversation = await this.startConversation(
      connection,
      conversationIdFor(connection.tenantId, connection.visitorId, 'offline', frame.key),
      {
        attributes,
        queueId: site.queueId,
        language: frame.attributes?.language,
      },
    );
    const { message, created } = await ctx.hotline.conversations.appendMessage({
      tenantId: connection.tenantId,
      conversationId: conversation.id,
      direction: 'inbound',
      author: {
        kind: 'contact',
        id: connection.principalId,
        ...(frame.name === undefined ? {} : { name: frame.name }),
      },
      content: { type: 'text', text: frame.message },
      channel: 'webchat',
      clientMessageId: `offline:${frame.key}`,
    });
    if (created) {
      await publishVisitorEvent(ctx, connection, site, conversation.id, {
        type: 'webchat.offline_message',
        messageId: message.id,
        email: frame.email,
        ...(frame.name === undefined ? {} : { name: frame.name }),
      });
    }
    ctx.index.attach(connection, conversation.id, conversation.readHorizon);
    const current = await ctx.hotline.conversations.get(connection.tenantId, conversation.id);
    return { conversation: await ctx.views.conversation(current, false) };
  }
}

/** What routing matches on: the site and what the widget sent (page, language, pre-chat answers, custom). */
function routingAttributes(siteId: string, visitor: VisitorAttributes | undefined): Attributes {
  const attributes: Attributes = { site: siteId };
  if (visitor?.page !== undefined) attributes['page'] = visitor.page;
  if (visitor?.language !== undefined) attributes['language'] = visitor.language;
  if (visitor?.prechat !== undefined) attributes['prechat'] = visitor.prechat;
  if (visitor?.custom !== undefined) attributes['custom'] = visitor.custom;
  return attributes;
}

function requireSite(connection: Connection) {
  const site = connection.site;
  if (!site) throw authFault('hello_required', 'hello first');
  return site;
}

type VisitorEventType = 'webchat.csat_submitted' | 'webchat.transcript_requested' | 'webchat.offline_message';

/** Publishes a visitor's event with who and where filled in. */
function publishVisitorEvent<K extends VisitorEventType>(
  ctx: GatewayContext,
  connection: Connection,
  site: ResolvedSite,
  conversationId: string,
  event: { type: K } & Omit<WebchatEventMap[K], 'conversationId' | 'contactId' | 'siteId'>,
): Promise<unknown> {
  const full = {
    ...event,
    tenantId: connection.tenantId,
    conversationId,
    contactId: connection.principalId,
    siteId: site.siteId,
  };
  // The generic spread hides that this is exactly one member of the event union.
  return ctx.hotline.bus.publish(full as unknown as EventInput<K>);
}
