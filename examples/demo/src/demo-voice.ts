import { createHmac } from 'node:crypto';
import { isoNow, type Storage, systemClock } from '@hotline/core';
import type { ServerVoiceOptions } from '@hotline/server';
import { DEMO_AGENTS, DEMO_QUEUES, DEMO_TENANT_ID } from '@hotline/server/cli';
// The telephony package's Node harness is not published (`src/node`): the demo, inside the
// repository, takes it from the sources, like the package's own tests.
import {
  kamailioInstalled,
  type RunningKamailio,
  startKamailio,
} from '../../../packages/telephony/src/node/kamailio.js';

/** The SIP domain agents register on in the demo. */
export const DEMO_SIP_DOMAIN = 'hotline.demo';

/**
 * Dialled user → queue: `sales_en`, `sales_zh`, `support_en`, `support_zh` (the queue ids
 * without `que_`), so `sip:support_zh@hotline.demo` rings the Chinese support team.
 */
export const DEMO_QUEUE_USERS: Readonly<Record<string, string>> = Object.fromEntries(
  DEMO_QUEUES.map((queue) => [queue.id.replace(/^que_/, ''), queue.id]),
);

/** What the demo pages need to place and take calls (`/demo/config`'s `voice`). */
export interface DemoVoiceConfig {
  /** Kamailio's SIP WebSocket, e.g. `ws://127.0.0.1:41234`. */
  wsUrl: string;
  sipDomain: string;
}

/**
 * The trunk secret Kamailio sends to the bridge, derived from the demo's site secret (kept
 * in `<data dir>/secrets.json`): stable across restarts without a fourth secret to store.
 */
export function demoVoiceSecret(siteSecret: string): string {
  return createHmac('sha256', siteSecret).update('hotline-demo:voice-trunk').digest('base64url');
}

/** The server's `voice` options for the demo tenant: one trunk, the four queues by user. */
export function demoVoiceOptions(secret: string): ServerVoiceOptions {
  return {
    trunks: [
      { id: 'trk_demo', tenantId: DEMO_TENANT_ID, secret, sipDomain: DEMO_SIP_DOMAIN, queues: DEMO_QUEUE_USERS },
    ],
  };
}

/**
 * Lets the seeded queues take calls and the seeded agents one call at a time. The seed makes
 * them web chat only; this runs before the server reads them, and leaves records that
 * already allow voice (or were edited to) as they are.
 */
export async function enableDemoVoice(storage: Storage): Promise<void> {
  const at = isoNow(systemClock);
  for (const { id } of DEMO_QUEUES) {
    const queue = await storage.queues.get(DEMO_TENANT_ID, id);
    if (!queue || queue.channels.includes('voice')) continue;
    await storage.queues.update(
      { ...queue, channels: [...queue.channels, 'voice'], version: queue.version + 1, updatedAt: at },
      queue.version,
    );
  }
  for (const { id, roles } of DEMO_AGENTS) {
    const agent = await storage.agents.get(DEMO_TENANT_ID, id);
    if (!agent || roles.includes('supervisor') || agent.capacity.voice !== undefined) continue;
    await storage.agents.update(
      { ...agent, capacity: { ...agent.capacity, voice: 1 }, version: agent.version + 1, updatedAt: at },
      agent.version,
    );
  }
}

/** Whether the demo can start Kamailio (Debian's package with the modules the reference config loads). */
export const voiceAvailable = (): boolean => kamailioInstalled();

/**
 * Kamailio with the reference config on 127.0.0.1, in front of the demo's bridge. Calls to
 * the queue users ask the bridge; agents register as `sip:<agent id>@hotline.demo`.
 */
export function startDemoKamailio(bridgeUrl: string, secret: string): Promise<RunningKamailio> {
  return startKamailio({
    bridgeUrl,
    secret,
    sipDomain: DEMO_SIP_DOMAIN,
    queues: Object.keys(DEMO_QUEUE_USERS),
    // Shorter than the queues' 30 s reservation timeout (see docs/telephony.md).
    ringMs: 15_000,
  });
}
