/**
 * A real Hotline server (`createHotlineServer` over memory storage) with a voice trunk for
 * Kamailio, one voice queue and agents with voice capacity, for the call-setup bench and the
 * end-to-end voice routing test. Node only; test and bench code, never shipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Conversation, createMemoryStorage } from '@hotline/core';
import { createHotlineServer, type HotlineServer, signAccessToken } from '@hotline/server';

/** An agent of the desk: its id is the user part of its SIP address. */
export interface DeskAgent {
  id: string;
  /** Skill names it has at level 5, e.g. `['zh']`: the queue routes `task.language` on them. */
  skills: readonly string[];
}

/** Options of {@link startVoiceDesk}. */
export interface VoiceDeskOptions {
  /** The trunk secret Kamailio sends (at least 32 characters). */
  secret: string;
  /** The SIP domain agents register on. */
  sipDomain: string;
  agents: readonly DeskAgent[];
  /** The dialled user part of the queue. @default 'support' */
  queueAddress?: string;
  /** How long one route request waits for a reservation. @default 1_000 */
  reservationWaitMs?: number;
  /** @default 100 */
  retryAfterMs?: number;
}

/** A running desk. */
export interface VoiceDesk {
  readonly server: HotlineServer;
  /** `http://127.0.0.1:<port>/voice/v1`, Kamailio's bridge URL. */
  readonly bridgeUrl: string;
  readonly tenantId: string;
  readonly queueId: string;
  /**
   * Makes an agent routable (connected and available) and waits until routing counts its
   * voice capacity: Hotline routes calls only to agents whose softphone is registered, and
   * learns of registrations from the SIP server (`registered` events), which may come
   * after the softphone saw its 200 OK.
   * @throws Error when the capacity does not show within `timeoutMs` (default 5 s)
   */
  makeRoutable(agentId: string, timeoutMs?: number): Promise<void>;
  /**
   * The voice conversation of a call (its leg's `externalRef` is the Call-ID), once it has
   * `status`: Kamailio tells the bridge about answers and hang-ups on its own schedule.
   * @throws Error when it does not get there within `timeoutMs` (default 5 s)
   */
  conversationOf(callId: string, status: Conversation['status'], timeoutMs?: number): Promise<Conversation>;
  close(): Promise<void>;
}

const TENANT = 'ten_voice';
const QUEUE = 'que_voice';
const JWT_SECRET = 'voice-desk-jwt-secret-0123456789abcdef-0123';

/** Polls `check` every 20 ms until it gives a value; throws naming `what` after `timeoutMs`. */
async function until<T>(
  what: () => string,
  timeoutMs: number,
  check: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what()} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Calls the REST API as an admin; throws on anything but a 2xx. */
async function adminPost(base: string, token: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${base}/api/v1/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
}

/**
 * Starts the server on 127.0.0.1 (a free port) with a tenant, the voice queue (a call with a
 * language goes to agents with that skill; a call without one to anyone) and the agents,
 * all offline until {@link VoiceDesk.makeRoutable}.
 */
export async function startVoiceDesk(options: VoiceDeskOptions): Promise<VoiceDesk> {
  const uploadDir = mkdtempSync(join(tmpdir(), 'hotline-voice-desk-'));
  const server = createHotlineServer({
    storage: createMemoryStorage(),
    jwtSecret: JWT_SECRET,
    webchat: { sites: [], agentSecret: `${JWT_SECRET}-agents`, uploadDir },
    logger: { error: (line: string, ...rest: unknown[]) => console.error('hotline server:', line, ...rest) },
    voice: {
      trunks: [
        {
          id: 'kamailio',
          tenantId: TENANT,
          secret: options.secret,
          sipDomain: options.sipDomain,
          queues: { [options.queueAddress ?? 'support']: QUEUE },
        },
      ],
      reservationWaitMs: options.reservationWaitMs ?? 1_000,
      retryAfterMs: options.retryAfterMs ?? 100,
    },
  });
  const close = async () => {
    await server.close();
    rmSync(uploadDir, { recursive: true, force: true });
  };
  try {
    await server.hotline.tenants.create({ id: TENANT, name: 'Voice desk' });
    const { port } = await server.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${port}`;
    const token = await signAccessToken({ sub: 'agt_admin', tenantId: TENANT, roles: ['admin'] }, JWT_SECRET);
    await adminPost(base, token, 'queues', {
      id: QUEUE,
      name: 'Voice support',
      channels: ['voice'],
      settings: { expression: 'NOT task.language OR agent.skills HAS task.language' },
    });
    for (const agent of options.agents) {
      await adminPost(base, token, 'agents', {
        id: agent.id,
        name: agent.id,
        capacity: { voice: 1 },
        skills: Object.fromEntries(agent.skills.map((skill) => [skill, 5])),
      });
    }
    return {
      server,
      bridgeUrl: `${base}/voice/v1`,
      tenantId: TENANT,
      queueId: QUEUE,
      async makeRoutable(agentId, timeoutMs = 5_000) {
        await server.dispatcher.setConnected(TENANT, agentId, true);
        await server.dispatcher.setActivity(TENANT, agentId, 'available');
        await until(
          () => `voice capacity of ${agentId}`,
          timeoutMs,
          () => {
            const capacity = server.dispatcher.engineOf(TENANT).getAgent(agentId).capacity.voice ?? 0;
            return capacity > 0 ? true : undefined;
          },
        );
      },
      async conversationOf(callId, status, timeoutMs = 5_000) {
        let seen = 'missing';
        return until(
          () => `${status} conversation of ${callId} (it is ${seen})`,
          timeoutMs,
          async () => {
            const { items } = await server.hotline.conversations.list(TENANT, {});
            const found = items.find((item) => item.legs.some((leg) => leg.externalRef === callId));
            seen = found?.status ?? 'missing';
            return found?.status === status ? found : undefined;
          },
        );
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
