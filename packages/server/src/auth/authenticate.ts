import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type Clock, HotlineError, idSchema, roleNameSchema, tenantIdSchema } from '@hotline/core';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { AuthenticatedPrincipal } from '../http/route.js';

/** The smallest secret accepted for HS256 access tokens, in bytes. */
export const MIN_JWT_SECRET_BYTES = 32;

/** An API key of an integration: the tenant it works in and its roles. */
export interface ApiKeyConfig {
  /** The secret the integration sends in `X-Api-Key` (at least 24 characters). */
  key: string;
  tenantId: string;
  roles: readonly string[];
  /** Names the integration in audit trails and ticket history. @default `key_` + a hash prefix of the key */
  id?: string;
}

/** The claims of an access token (see {@link signAccessToken}). */
export interface AccessTokenClaims {
  /** The agent or user id. */
  sub: string;
  tenantId: string;
  roles: readonly string[];
}

export const apiKeySchema = z.object({
  key: z.string().min(24).max(512),
  tenantId: tenantIdSchema,
  roles: z.array(roleNameSchema).min(1).max(20),
  id: idSchema.optional(),
});

const claimsSchema = z.object({
  sub: idSchema,
  tenantId: tenantIdSchema,
  roles: z.array(roleNameSchema).max(20),
});

function unauthenticated(reason: string, message: string): HotlineError {
  return new HotlineError('UNAUTHENTICATED', message, { details: { reason } });
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The secret as key bytes, refusing short ones. */
export function secretBytes(secret: string | Uint8Array, what: string): Uint8Array {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  if (bytes.byteLength < MIN_JWT_SECRET_BYTES) {
    throw new HotlineError('VALIDATION_FAILED', `${what} must be at least ${MIN_JWT_SECRET_BYTES} bytes`, {
      details: { issues: [{ path: what, message: `at least ${MIN_JWT_SECRET_BYTES} bytes` }] },
    });
  }
  return bytes;
}

/**
 * Signs an HS256 access token for the REST API (for a host's login endpoint, scripts and
 * tests).
 *
 * @example
 * ```ts
 * const token = await signAccessToken({ sub: 'agt_ann', tenantId: 'ten_acme', roles: ['agent'] }, secret, { expiresIn: '8h' });
 * fetch('/api/v1/conversations', { headers: { authorization: `Bearer ${token}` } });
 * ```
 */
export async function signAccessToken(
  claims: AccessTokenClaims,
  secret: string | Uint8Array,
  options: { expiresIn?: string | number } = {},
): Promise<string> {
  const parsed = claimsSchema.parse(claims);
  return new SignJWT({ tenantId: parsed.tenantId, roles: parsed.roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(parsed.sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(secretBytes(secret, 'jwtSecret'));
}

/** Options of {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  jwtSecret: string | Uint8Array;
  apiKeys?: readonly ApiKeyConfig[];
  clock: Clock;
}

/** Finds the principal of a request, or throws `UNAUTHENTICATED`. */
export type Authenticator = (req: IncomingMessage) => Promise<AuthenticatedPrincipal>;

/**
 * Authenticates requests by `Authorization: Bearer <JWT>` (HS256, with `sub`, `tenantId`,
 * `roles` and `exp`) or `X-Api-Key`. Keys are compared by their SHA-256 in constant time,
 * so response times do not reveal how much of a guess was right.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const secret = secretBytes(options.jwtSecret, 'jwtSecret');
  const keys = (options.apiKeys ?? []).map((config) => {
    const parsed = apiKeySchema.parse(config);
    const digest = sha256(parsed.key);
    return {
      digest,
      principal: {
        id: parsed.id ?? `key_${digest.toString('hex').slice(0, 12)}`,
        tenantId: parsed.tenantId,
        roles: parsed.roles,
        kind: 'integration' as const,
      },
    };
  });

  async function fromJwt(token: string): Promise<AuthenticatedPrincipal> {
    try {
      const { payload } = await jwtVerify(token, secret, {
        algorithms: ['HS256'],
        currentDate: new Date(options.clock.now()),
        requiredClaims: ['exp', 'sub'],
      });
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) throw unauthenticated('token_invalid', 'access token claims are invalid');
      return { id: claims.data.sub, tenantId: claims.data.tenantId, roles: claims.data.roles, kind: 'user' };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('token_expired', 'access token expired');
      if (error instanceof HotlineError) throw error;
      throw unauthenticated('token_invalid', 'access token is invalid');
    }
  }

  return async (req) => {
    const header = req.headers.authorization;
    if (typeof header === 'string' && header.length > 0) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw unauthenticated('token_invalid', 'use Authorization: Bearer <token>');
      return fromJwt(match[1] as string);
    }
    const apiKey = req.headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey.length > 0) {
      const digest = sha256(apiKey);
      const found = keys.find((candidate) => timingSafeEqual(candidate.digest, digest));
      if (!found) throw unauthenticated('api_key_invalid', 'API key is invalid');
      return { ...found.principal };
    }
    throw unauthenticated('credentials_missing', 'authentication required: Bearer token or X-Api-Key');
  };
}
