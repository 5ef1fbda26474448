import { createHash } from 'node:crypto';
import { type Contact, isHotlineError } from '@hotline/core';
import type { Connection } from './connection.js';
import type { GatewayContext } from './context.js';
import type { VerifiedIdentity } from './identity.js';
import type { ResolvedSite } from './sites.js';
import type { VisitorClaims } from './visitor-tokens.js';

/** Who a visitor turned out to be after `hello`. */
export interface VisitorIdentity {
  /** The contact (the survivor after merges). It may not be stored yet for a new anonymous visitor. */
  contactId: string;
  /** Contacts merged into it: their conversations are the visitor's too. */
  mergedFrom: readonly string[];
  visitorId: string;
  /** The host's user id, when proven. */
  userId?: string;
  /** Whether the contact is stored already. */
  stored: boolean;
}

/**
 * Decides who a visitor is from the (verified) visitor token and identity proof.
 *
 * - A proven identity is the host user's contact (`external` identity, verified). An
 *   anonymous visitor who proves an identity has their contact merged into the user's
 *   (survivor: the user's), so the chat history follows the customer. A contact that is
 *   itself a verified customer is never merged automatically.
 * - An anonymous token is the same visitor — unless its contact has since been merged
 *   into a verified customer: that history now opens only with the identity, so the
 *   holder of the old token starts afresh. A token issued to an identified user opens
 *   nothing without the identity either (a shared computer after logout).
 * - Anything else is a new anonymous visitor, stored only once they start chatting.
 */
export async function resolveVisitor(
  ctx: GatewayContext,
  site: ResolvedSite,
  token: VisitorClaims | undefined,
  identity: VerifiedIdentity | undefined,
): Promise<VisitorIdentity> {
  const { contacts, storage, ids } = ctx.hotline;
  const tenantId = site.tenantId;
  const fresh = (): VisitorIdentity => ({
    contactId: ids.next('contact'),
    mergedFrom: [],
    visitorId: ids.next('vis'),
    stored: false,
  });
  if (identity) {
    const profile = identity.name === undefined ? {} : { name: identity.name };
    let { contact } = await contacts.findOrCreate(
      tenantId,
      { channel: 'external', address: identity.userId, verified: true },
      profile,
    );
    if (token && token.userId === undefined) contact = await mergeAnonymous(ctx, tenantId, token.contactId, contact);
    const sameVisitor = token !== undefined && (token.userId === undefined || token.userId === identity.userId);
    return {
      contactId: contact.id,
      mergedFrom: contact.mergedFrom,
      visitorId: sameVisitor ? token.visitorId : ids.next('vis'),
      userId: identity.userId,
      stored: true,
    };
  }
  if (!token || token.userId !== undefined) return fresh();
  const stored = await storage.contacts.get(tenantId, token.contactId);
  if (!stored) return { contactId: token.contactId, mergedFrom: [], visitorId: token.visitorId, stored: false };
  const current = stored.mergedInto === undefined ? stored : await contacts.resolve(tenantId, stored.id);
  if (current.id !== stored.id && isVerifiedCustomer(current)) return fresh();
  return { contactId: current.id, mergedFrom: current.mergedFrom, visitorId: token.visitorId, stored: true };
}

async function mergeAnonymous(
  ctx: GatewayContext,
  tenantId: string,
  anonymousId: string,
  survivor: Contact,
): Promise<Contact> {
  const anonymous = await ctx.hotline.storage.contacts.get(tenantId, anonymousId);
  // Never stored (the visitor did not chat), already merged, or a verified customer of its own: nothing to move.
  if (
    !anonymous ||
    anonymous.id === survivor.id ||
    anonymous.mergedInto !== undefined ||
    isVerifiedCustomer(anonymous)
  ) {
    return survivor;
  }
  try {
    return await ctx.hotline.contacts.merge(tenantId, { survivorId: survivor.id, mergedId: anonymous.id });
  } catch (error) {
    // The visitor can still chat as the user; only the anonymous history stays where it was.
    ctx.report(error, 'webchat identity merge');
    return survivor;
  }
}

function isVerifiedCustomer(contact: Contact): boolean {
  return contact.identities.some((identity) => identity.channel === 'external' && identity.verified);
}

/** Stores a new anonymous visitor's contact (with its `webchat` identity) the first time it is needed. */
export async function ensureContact(ctx: GatewayContext, connection: Connection): Promise<void> {
  if (connection.contactStored) return;
  const { tenantId, principalId } = connection;
  if (!(await ctx.hotline.storage.contacts.get(tenantId, principalId))) {
    try {
      await ctx.hotline.contacts.create(tenantId, {
        id: principalId,
        identities: [{ channel: 'webchat', address: connection.visitorId }],
      });
    } catch (error) {
      // Another tab of the same visitor created it a moment ago.
      const raced = isHotlineError(error) && (await ctx.hotline.storage.contacts.get(tenantId, principalId));
      if (!raced) throw error;
    }
  }
  connection.contactStored = true;
}

/**
 * The id of the conversation a visitor starts with an idempotency key: derived from the
 * visitor and the key, so a start retried on any process, after any reconnect, finds the
 * first one instead of opening a duplicate.
 */
export function conversationIdFor(tenantId: string, visitorId: string, purpose: 'start' | 'offline', key: string) {
  const digest = createHash('sha256').update(`${tenantId}\n${visitorId}\n${purpose}\n${key}`).digest('hex');
  return `cnv_${digest.slice(0, 32)}`;
}
