import { type Conversation, WIRE_PROTOCOL_VERSION } from '@hotline/core';
import type { Connection } from './connection.js';
import { indexKey } from './connection-index.js';
import type { GatewayContext } from './context.js';
import { owns, sendResumePages } from './session-common.js';
import { CLOSE_CODES, toWireError, WireFault } from './wire-errors.js';

/** Close code when a dependency failed: "try again later". */
export const TRY_AGAIN_LATER = 1013;

/** A conversation a `hello` resumes, and from where. */
export interface ResumeTarget {
  conversation: Conversation;
  afterSeq: number;
  /** Not among the conversations the reply lists anyway (a resolved one, say). */
  extra: boolean;
}

/** Refuses a protocol version this server does not speak. */
export function checkVersion(v: number): void {
  if (v !== WIRE_PROTOCOL_VERSION) {
    throw new WireFault('VALIDATION_FAILED', 'unsupported_version', `protocol version ${WIRE_PROTOCOL_VERSION} only`, {
      fatal: true,
      closeCode: CLOSE_CODES.protocol,
    });
  }
}

/**
 * The resumable conversations of a `hello`: the connection's own, once each. Others
 * (another visitor's, another tenant's, missing) are skipped without a word: answering
 * would tell that they exist.
 */
export async function collectResumes(
  ctx: GatewayContext,
  connection: Connection,
  listed: readonly Conversation[],
  resume: readonly { conversationId: string; afterSeq: number }[],
): Promise<ResumeTarget[]> {
  const byId = new Map(listed.map((c) => [c.id, c]));
  const targets = new Map<string, ResumeTarget>();
  for (const { conversationId, afterSeq } of resume) {
    if (targets.has(conversationId)) continue;
    const known = byId.get(conversationId);
    const conversation = known ?? (await ctx.hotline.storage.conversations.get(connection.tenantId, conversationId));
    if (!conversation || !owns(connection, conversation)) continue;
    targets.set(conversationId, { conversation, afterSeq, extra: known === undefined });
  }
  return [...targets.values()];
}

/**
 * Completes a `hello`: registers the connection, makes it listen to its conversations
 * (holding live messages of the resumed ones), sends the reply, then the resume pages.
 * Nothing awaits between registering and the reply, so no push can come before it.
 */
export async function completeHello(
  ctx: GatewayContext,
  connection: Connection,
  re: string,
  result: unknown,
  listed: readonly Conversation[],
  resumes: readonly ResumeTarget[],
): Promise<void> {
  connection.authenticated = true;
  ctx.index.register(connection);
  for (const conversation of listed) ctx.index.attach(connection, conversation.id, conversation.readHorizon);
  for (const resume of resumes) connection.hold(indexKey(connection.tenantId, resume.conversation.id));
  connection.send({ type: 'reply', re, result });
  await finishResumes(ctx, connection, resumes);
}

/**
 * After the `hello` reply: the resume pages. The reply has answered the request, so a
 * failure here cannot answer it again; the connection closes (1013) and the client
 * resumes again on its next connection.
 */
export async function finishResumes(
  ctx: GatewayContext,
  connection: Connection,
  resumes: readonly ResumeTarget[],
): Promise<void> {
  try {
    await sendResumePages(
      ctx,
      connection,
      resumes.map((r) => ({ conversationId: r.conversation.id, afterSeq: r.afterSeq })),
    );
  } catch (error) {
    connection.fail({ ...toWireError(error, undefined, ctx.report), fatal: true }, TRY_AGAIN_LATER);
  }
}

/** Whether anyone can be reached now; a tenant or queue routing does not know counts as closed. */
export function queueOpen(ctx: GatewayContext, tenantId: string, queueId: string | undefined): boolean {
  try {
    return ctx.dispatcher.isOpen(tenantId, queueId);
  } catch {
    return false;
  }
}
