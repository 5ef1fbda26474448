import { ValidationError } from '@hotline/core';
import { jwtVerify, SignJWT } from 'jose';
import { importHmacKey, secretBytes } from './secrets.js';
import { isId, tokenFault, VISITOR_TOKEN_TYPE } from './visitor-tokens.js';
import { authFault } from './wire-errors.js';

/** What an agent token says. */
export interface AgentClaims {
  agentId: string;
  tenantId: string;
  /** Display name shown to customers; the agent record's name when absent. */
  name?: string;
  /** Roles the host granted (`supervisor`, `admin`…); empty when the token has none. */
  roles: string[];
  /** Epoch ms. */
  expiresAt: number;
}

/** Most roles an agent token may carry. */
export const MAX_AGENT_ROLES = 20;
const ROLE_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

/** Whether a value is a list of role names (`supervisor`, `team-lead`…). */
function isRoleList(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    value.length <= MAX_AGENT_ROLES &&
    value.every((role) => typeof role === 'string' && ROLE_PATTERN.test(role))
  );
}

/** Input of {@link signAgentToken}. */
export interface AgentTokenInput {
  agentId: string;
  tenantId: string;
  /** Display name shown to customers. @default the agent record's name */
  name?: string;
  /**
   * Roles the host's login granted. `supervisor` or `admin` may `monitor` the tenant's
   * queues and `watch` its conversations. Lower-case names (letters, digits, `_`, `-`),
   * at most 20. @default none
   */
  roles?: readonly string[];
  /** Lifetime. @default 12 hours */
  ttlMs?: number;
  /** Issue time, epoch ms. @default Date.now() */
  now?: number;
}

/**
 * Signs an agent token (HS256 under the gateway's `agentSecret`) for the host's login
 * code to hand to its agent desk. Any JWT library can make the same token: `sub` = agent
 * id, `tid` = tenant id, `exp`, optional `name` and `roles` (an array of strings).
 *
 * @example
 * ```ts
 * const agentToken = await signAgentToken({ agentId: agent.id, tenantId }, process.env.HOTLINE_AGENT_SECRET!);
 * const supervisorToken = await signAgentToken({ agentId: 'agt_sam', tenantId, roles: ['supervisor'] }, secret);
 * ```
 */
export async function signAgentToken(input: AgentTokenInput, secret: string | Uint8Array): Promise<string> {
  const now = input.now ?? Date.now();
  const claims: Record<string, string | string[]> = { tid: input.tenantId };
  if (input.name !== undefined) claims['name'] = input.name;
  if (input.roles !== undefined) {
    if (!isRoleList(input.roles)) {
      throw new ValidationError('Invalid roles: at most 20 lower-case role names', [
        { path: 'roles', message: 'at most 20 names of letters, digits, _ and -' },
      ]);
    }
    if (input.roles.length > 0) claims['roles'] = [...input.roles];
  }
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(input.agentId)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor((now + (input.ttlMs ?? 12 * 3600 * 1000)) / 1000))
    .sign(secretBytes(secret, 'agent secret'));
}

/** Verifies agent tokens with one imported key. */
export class AgentTokenVerifier {
  private readonly key: Promise<CryptoKey>;

  constructor(secret: string | Uint8Array) {
    this.key = importHmacKey(secretBytes(secret, 'agentSecret'));
  }

  /** The token's claims, or an `UNAUTHENTICATED` fault (`token_invalid`, `token_expired`). */
  async verify(token: string, now: number): Promise<AgentClaims> {
    let payload: Record<string, unknown>;
    let typ: string | undefined;
    try {
      ({
        payload,
        protectedHeader: { typ },
      } = await jwtVerify(token, await this.key, {
        algorithms: ['HS256'],
        currentDate: new Date(now),
        requiredClaims: ['sub', 'exp', 'tid'],
      }));
    } catch (error) {
      throw tokenFault(error, 'agent token');
    }
    const { sub, tid, name, exp, roles } = payload;
    if (
      typ === VISITOR_TOKEN_TYPE ||
      !isId(sub) ||
      !isId(tid) ||
      typeof exp !== 'number' ||
      (name !== undefined && (typeof name !== 'string' || name.length > 200)) ||
      (roles !== undefined && !isRoleList(roles))
    ) {
      throw authFault('token_invalid', 'agent token is not valid');
    }
    const claims: AgentClaims = { agentId: sub, tenantId: tid, roles: roles ?? [], expiresAt: exp * 1000 };
    if (typeof name === 'string' && name.length > 0) claims.name = name;
    return claims;
  }
}
