import type { IdentityClaim } from '@hotline/core';
import { errors as joseErrors, jwtVerify } from 'jose';
import { constantTimeEqual, hmacHex, secretBytes } from './secrets.js';
import type { ResolvedSite } from './sites.js';
import type { VisitorClaims } from './visitor-tokens.js';
import { authFault } from './wire-errors.js';

/** Longest lifetime accepted for an identity JWT: its `jti` is remembered until `exp`. */
export const MAX_IDENTITY_JWT_TTL_MS = 24 * 3600 * 1000;
const CLOCK_TOLERANCE_S = 30;

/** A proven identity: the host's user id, and what the proof said about the user. */
export interface VerifiedIdentity {
  userId: string;
  name?: string;
  /** The identity JWT's `jti`, when the proof was a JWT. */
  jwtId?: string;
}

/**
 * Remembers identity JWT ids until they expire, so a JWT works once. The default keeps
 * them in the process; give the gateway a shared one (a database table, Redis) when
 * several processes serve one site.
 */
export interface JtiStore {
  /** Records `key` until `expiresAt` (epoch ms). Returns `false` when it was already recorded: a replay. */
  claim(key: string, expiresAt: number): boolean | Promise<boolean>;
}

/** The in-process {@link JtiStore}; the gateway's sweep forgets expired ids. */
export class MemoryJtiStore implements JtiStore {
  private readonly seen = new Map<string, number>();

  claim(key: string, expiresAt: number): boolean {
    if (this.seen.has(key)) return false;
    this.seen.set(key, expiresAt);
    return true;
  }

  /** Forgets ids whose JWT has expired (it can no longer be presented anyway). */
  sweep(now: number): void {
    for (const [key, expiresAt] of this.seen) if (expiresAt < now) this.seen.delete(key);
  }

  get size(): number {
    return this.seen.size;
  }
}

/**
 * The hex HMAC-SHA256 of a user id under a site's identity secret: what the host's server
 * computes and puts in the page as `identity.hash`. Never compute it in the browser.
 *
 * @example
 * ```ts
 * const hash = computeIdentityHash(user.id, process.env.HOTLINE_IDENTITY_SECRET!);
 * ```
 */
export function computeIdentityHash(userId: string, identitySecret: string | Uint8Array): string {
  return hmacHex(secretBytes(identitySecret, 'identity secret'), userId);
}

/**
 * Checks an identity claim against the site's identity secret. An HMAC that does not
 * match, a JWT that does not verify: `identity_invalid`; an expired JWT:
 * `identity_expired`; a JWT whose `jti` was used before: `token_replayed` — unless the
 * visitor token of the same hello was issued for that very JWT (a reconnect).
 */
export async function verifyIdentity(
  site: ResolvedSite,
  claim: IdentityClaim,
  context: { now: number; jtis: JtiStore; visitor: VisitorClaims | undefined },
): Promise<VerifiedIdentity> {
  if (!site.identityBytes || !site.identityKey) {
    throw authFault('identity_not_enabled', 'this site accepts no identity claims');
  }
  if ('hash' in claim) {
    if (!constantTimeEqual(hmacHex(site.identityBytes, claim.userId), claim.hash)) {
      throw authFault('identity_invalid', 'identity hash does not match');
    }
    const verified: VerifiedIdentity = { userId: claim.userId };
    if (claim.name !== undefined && claim.name.length > 0) verified.name = claim.name;
    return verified;
  }
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(claim.jwt, site.identityKey, {
      algorithms: ['HS256'],
      currentDate: new Date(context.now),
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ['sub', 'exp', 'jti'],
    }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw authFault('identity_expired', 'identity token expired');
    throw authFault('identity_invalid', 'identity token is not valid');
  }
  const { sub, jti, exp, name } = payload;
  if (
    typeof sub !== 'string' ||
    sub.length === 0 ||
    sub.length > 200 ||
    typeof jti !== 'string' ||
    jti.length === 0 ||
    jti.length > 200 ||
    typeof exp !== 'number'
  ) {
    throw authFault('identity_invalid', 'identity token needs sub, exp and jti');
  }
  const expiresAt = exp * 1000;
  if (expiresAt - context.now > MAX_IDENTITY_JWT_TTL_MS + CLOCK_TOLERANCE_S * 1000) {
    throw authFault('identity_invalid', 'identity token lives too long (exp at most 24 h ahead)');
  }
  const reconnect = context.visitor?.identityJwtId === jti && context.visitor.userId === sub;
  if (!reconnect && !(await context.jtis.claim(`${site.siteId}:${jti}`, expiresAt))) {
    throw authFault('token_replayed', 'identity token was already used');
  }
  const verified: VerifiedIdentity = { userId: sub, jwtId: jti };
  if (typeof name === 'string' && name.length > 0 && name.length <= 200) verified.name = name;
  return verified;
}
