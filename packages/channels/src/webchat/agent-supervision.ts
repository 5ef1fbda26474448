import type { StatsSnapshot, WatchResult } from '@hotline/core';
import type { Connection } from './connection.js';
import type { GatewayContext } from './context.js';
import { conversationNotFound, WireFault } from './wire-errors.js';

/** Roles that may `monitor` the tenant's figures and `watch` its conversations. */
export const SUPERVISOR_ROLES: readonly string[] = ['supervisor', 'admin'];

/** Most conversations one connection may watch at once. */
export const MAX_WATCHED = 100;

/** Messages a `watch` reply carries: the newest, oldest first. */
const WATCH_MESSAGES = 50;

function requireSupervisor(connection: Connection): void {
  if (!connection.roles.some((role) => SUPERVISOR_ROLES.includes(role))) {
    throw new WireFault('FORBIDDEN', 'supervisor_required', 'monitor and watch need the supervisor or admin role');
  }
}

/**
 * `monitor`: starts or stops `stats` pushes to the connection; the reply is the tenant's
 * figures now, so a wallboard can draw before the first push.
 */
export function monitor(ctx: GatewayContext, connection: Connection, on: boolean): StatsSnapshot {
  requireSupervisor(connection);
  // Read first: a tenant routing does not know fails here, before the connection is registered.
  const stats = ctx.dispatcher.stats(connection.tenantId);
  ctx.index.monitor(connection, on);
  return stats;
}

/**
 * `watch`: a supervisor follows a conversation of its tenant read-only (messages, notes,
 * typing, status), starting with its newest messages; `on: false` stops. The connection
 * listens before the messages are read, so nothing falls between the reply and the pushes
 * (a message in both is the same `seq`).
 */
export async function watch(
  ctx: GatewayContext,
  connection: Connection,
  conversationId: string,
  on: boolean,
): Promise<WatchResult | Record<string, never>> {
  requireSupervisor(connection);
  const { index, hotline, views } = ctx;
  if (!on) {
    index.unwatch(connection, conversationId);
    return {};
  }
  const conversation = await hotline.storage.conversations.get(connection.tenantId, conversationId);
  if (!conversation) throw conversationNotFound(conversationId);
  if (!index.watchedEntry(connection, conversationId) && connection.watching.length >= MAX_WATCHED) {
    throw new WireFault('VALIDATION_FAILED', 'too_many_watches', `a connection watches at most ${MAX_WATCHED}`);
  }
  index.watch(connection, conversationId, conversation.readHorizon);
  const newest = await hotline.storage.messages.list(connection.tenantId, conversationId, {
    limit: WATCH_MESSAGES,
    order: 'desc',
  });
  return {
    conversation: await views.conversation(conversation, true),
    messages: newest.reverse().map((message) => views.message(message)),
  };
}
