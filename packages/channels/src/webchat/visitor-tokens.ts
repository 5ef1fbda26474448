import { idSchema } from '@hotline/core';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { ResolvedSite } from './sites.js';
import { authFault, type WireFault } from './wire-errors.js';

/** The JWT `typ` of visitor tokens, so no other token signed with the same secret passes as one. */
export const VISITOR_TOKEN_TYPE = 'hotline-visitor+jwt';

/** What a visitor token says. */
export interface VisitorClaims {
  /** The contact the visitor is (it may not be stored yet: contacts are created on the first chat). */
  contactId: string;
  /** The visitor id (the contact's `webchat` identity). */
  visitorId: string;
  tenantId: string;
  siteId: string;
  /** The host's user id, when the visitor proved an identity. */
  userId?: string;
  /** The `jti` of the identity JWT this token was issued for (a reconnect may present that JWT again). */
  identityJwtId?: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** Issues a visitor token signed with the site's token secret. */
export async function issueVisitorToken(
  site: ResolvedSite,
  claims: Omit<VisitorClaims, 'expiresAt' | 'tenantId' | 'siteId'>,
  now: number,
): Promise<{ token: string; expiresAt: number }> {
  const expiresAt = now + site.visitorTokenTtlMs;
  const payload: Record<string, string> = { tid: site.tenantId, sid: site.siteId, vid: claims.visitorId };
  if (claims.userId !== undefined) payload['uid'] = claims.userId;
  if (claims.identityJwtId !== undefined) payload['ijt'] = claims.identityJwtId;
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: VISITOR_TOKEN_TYPE })
    .setSubject(claims.contactId)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(expiresAt / 1000))
    .sign(site.tokenKey);
  return { token, expiresAt: Math.floor(expiresAt / 1000) * 1000 };
}

/**
 * Verifies a visitor token for a site. A token of another site or tenant, a forged one
 * and a malformed one are all `token_invalid`; an expired one is `token_expired`.
 */
export async function verifyVisitorToken(site: ResolvedSite, token: string, now: number): Promise<VisitorClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, site.tokenKey, {
      algorithms: ['HS256'],
      typ: VISITOR_TOKEN_TYPE,
      currentDate: new Date(now),
      requiredClaims: ['sub', 'exp', 'tid', 'sid', 'vid'],
    }));
  } catch (error) {
    throw tokenFault(error, 'visitor token');
  }
  const { sub, tid, sid, vid, uid, ijt, exp } = payload;
  if (
    tid !== site.tenantId ||
    sid !== site.siteId ||
    !isId(sub) ||
    !isId(vid) ||
    typeof exp !== 'number' ||
    (uid !== undefined && (typeof uid !== 'string' || uid.length === 0 || uid.length > 200)) ||
    (ijt !== undefined && (typeof ijt !== 'string' || ijt.length > 200))
  ) {
    throw authFault('token_invalid', 'visitor token is not valid for this site');
  }
  const claims: VisitorClaims = { contactId: sub, visitorId: vid, tenantId: tid, siteId: sid, expiresAt: exp * 1000 };
  if (typeof uid === 'string') claims.userId = uid;
  if (typeof ijt === 'string') claims.identityJwtId = ijt;
  return claims;
}

/** Whether a bearer token looks like a visitor token, and for which site (unverified: only to pick the key). */
export function peekVisitorSite(token: string): string | undefined {
  try {
    if (decodeProtectedHeader(token).typ !== VISITOR_TOKEN_TYPE) return undefined;
    const sid = decodeJwt(token)['sid'];
    return typeof sid === 'string' ? sid : undefined;
  } catch {
    return undefined;
  }
}

/** The wire fault for a JWT that did not verify. */
export function tokenFault(error: unknown, what: string): WireFault {
  if (error instanceof joseErrors.JWTExpired) return authFault('token_expired', `${what} expired`);
  return authFault('token_invalid', `${what} is not valid`);
}

/** Whether a claim is a usable Hotline id. */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && idSchema.safeParse(value).success;
}
