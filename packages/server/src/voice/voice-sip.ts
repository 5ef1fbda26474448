import { createHash } from 'node:crypto';
import { type Agent, type IdentityInput, idSchema, NotFoundError, type Storage } from '@hotline/core';
import type { VoiceTrunk } from './voice-options.js';

const E164ISH = /^\+?[1-9]\d{6,14}$/;
const AGENT_PAGE = 500;

/** A map key per tenant and Call-ID (or agent id). */
export function key(tenantId: string, callId: string): string {
  return `${tenantId}\u0000${callId}`;
}

/** A stable conversation id per tenant and Call-ID (Call-IDs are not valid ids as they stand). */
export function conversationIdOf(tenantId: string, callId: string): string {
  return `con_call_${createHash('sha256').update(`${tenantId}\u0000${callId}`).digest('hex').slice(0, 32)}`;
}

/** The user part of a SIP address (`sip:support@host;x=y` → `support`), or the address itself. */
export function userOf(address: string): string {
  const bare = address.replace(/^<|>$/g, '').replace(/^sips?:/i, '');
  const at = bare.indexOf('@');
  return (at === -1 ? bare : bare.slice(0, at)).split(/[;?]/)[0] ?? bare;
}

/** `sip:user@host` without display name, brackets, parameters or headers; host lower-cased. */
export function normalized(address: string): string {
  const inner = /<([^>]*)>/.exec(address)?.[1] ?? address.trim();
  const bare = inner.replace(/^sips?:/i, '').split(/[;?]/)[0] ?? '';
  const at = bare.indexOf('@');
  return at === -1 ? bare : `${bare.slice(0, at)}@${bare.slice(at + 1).toLowerCase()}`;
}

export function queueOf(trunk: VoiceTrunk, dialled: string): string {
  const user = userOf(dialled);
  return trunk.queues?.[user] ?? user;
}

/** A phone number when the caller's user part is one, else the SIP address as an external id. */
export function callerIdentity(caller: string): IdentityInput {
  const user = userOf(caller);
  return E164ISH.test(user)
    ? { channel: 'phone', address: user.startsWith('+') ? user : `+${user}` }
    : { channel: 'external', address: caller.replace(/^<|>$/g, '') };
}

/** The SIP address an agent's softphone registers: `attributes.sipUri`, else `sip:<id>@<sipDomain>`. */
export function sipTargetOf(trunk: VoiceTrunk, agent: Pick<Agent, 'id' | 'attributes'> | undefined, agentId: string) {
  const custom = agent?.attributes.sipUri;
  if (typeof custom === 'string' && /^sips?:/.test(custom)) return custom;
  return `sip:${agentId}@${trunk.sipDomain}`;
}

/**
 * The agent a registered AOR belongs to, by the route target's rule: the agent whose
 * `attributes.sipUri` is that address, else the agent whose id is the AOR's user part
 * (on the trunk's domain). `NOT_FOUND` otherwise.
 */
export async function agentOfAor(storage: Storage, trunk: VoiceTrunk, aor: string): Promise<string> {
  const wanted = normalized(aor);
  let cursor: string | undefined;
  do {
    const page = await storage.agents.list(trunk.tenantId, { limit: AGENT_PAGE, ...(cursor ? { cursor } : {}) });
    const match = page.items.find((agent) => {
      const custom = agent.attributes.sipUri;
      return typeof custom === 'string' && normalized(custom) === wanted;
    });
    if (match) return match.id;
    cursor = page.nextCursor;
  } while (cursor);
  const user = userOf(aor);
  if (idSchema.safeParse(user).success) {
    const agent = await storage.agents.get(trunk.tenantId, user);
    if (agent && normalized(sipTargetOf(trunk, agent, agent.id)) === wanted) return agent.id;
  }
  throw new NotFoundError('agent', userOf(aor), { details: { aor } });
}
