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
  /** Epoch ms. */
  expiresAt: number;
}

/** Input of {@link signAgentToken}. */
export interface AgentTokenInput {
  agentId: string;
  tenantId: string;
  /** Display name shown to customers. @default the agent record's name */
  name?: string;
  /** Lifetime. @default 12 hours */
  ttlMs?: number;
  /** Issue time, epoch ms. @default Date.now() */
  now?: number;
}

/**
 * Signs an agent token (HS256 under the gateway's `agentSecret`) for the host's login
 * code to hand to its agent desk. Any JWT library can make the same token: `sub` = agent
 * id, `tid` = tenant id, `exp`, optional `name`.
 *
 * @example
 * ```ts
 * const agentToken = await signAgentToken({ agentId: agent.id, tenantId }, process.env.HOTLINE_AGENT_SECRET!);
 * ```
 */
export async function signAgentToken(input: AgentTokenInput, secret: string | Uint8Array): Promise<string> {
  const now = input.now ?? Date.now();
  const claims: Record<string, string> = { tid: input.tenantId };
  if (input.name !== undefined) claims['name'] = input.name;
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
    const { sub, tid, name, exp } = payload;
    if (
      typ === VISITOR_TOKEN_TYPE ||
      !isId(sub) ||
      !isId(tid) ||
      typeof exp !== 'number' ||
      (name !== undefined && (typeof name !== 'string' || name.length > 200))
    ) {
      throw authFault('token_invalid', 'agent token is not valid');
    }
    const claims: AgentClaims = { agentId: sub, tenantId: tid, expiresAt: exp * 1000 };
    if (typeof name === 'string' && name.length > 0) claims.name = name;
    return claims;
  }
}
