import { type Clock, systemClock, type TimerHandle } from '@hotline/core';
import { expect } from 'vitest';
import { startTestServer, TENANT_A, TENANT_B, type TestServer } from '../test-kit.js';

// Shared setup of the voice tests: a server with one Kamailio trunk for tenant A, a voice
// queue, a web chat queue and two agents (one targeted by id, one by `attributes.sipUri`),
// and a clock the tests can move forward.

export const SECRET = 'kamailio-trunk-secret-0123456789abcdef';
/** Tenant B's trunk (no voice queues or agents): a foreign SIP server for tenant A's calls. */
export const SECRET_B = 'kamailio-b-trunk-secret-0123456789abcdef';
export const VIC = 'agt_vic';
export const WEN = 'agt_wen';
export const VIC_AOR = 'sip:agt_vic@hotline.test';
export const WEN_AOR = 'sip:wen@desk.hotline.test';

/** The system clock, moved forward by `skip`. */
export interface SkippingClock extends Clock {
  skip(ms: number): void;
}

export function skippingClock(): SkippingClock {
  let offset = 0;
  const pending = new Map<TimerHandle, { dueAt: number; callback: () => void }>();
  const now = () => systemClock.now() + offset;
  const clearTimer = (handle: TimerHandle) => {
    pending.delete(handle);
    systemClock.clearTimer(handle);
  };
  return {
    now,
    setTimer: (callback, delayMs) => {
      const handle: TimerHandle = systemClock.setTimer(() => {
        pending.delete(handle);
        callback();
      }, delayMs);
      pending.set(handle, { dueAt: now() + Math.max(0, delayMs), callback });
      return handle;
    },
    clearTimer,
    skip: (ms) => {
      offset += ms;
      // Timers keep clock time: those the skip passed fire now.
      for (const [handle, timer] of [...pending]) {
        if (timer.dueAt > now()) continue;
        clearTimer(handle);
        timer.callback();
      }
    },
  };
}

/** A started voice test server and its helpers. */
export interface VoiceTestServer {
  t: TestServer;
  clock: SkippingClock;
  /** A POST to the bridge, as Kamailio sends it. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies freely
  voice(path: string, body: unknown, secret?: string | null): Promise<{ status: number; body: any }>;
  setAvailable(agentId: string, available: boolean): Promise<void>;
  register(aor: string, expires?: number): Promise<void>;
  newCall(): string;
}

let callSeq = 0;

export async function startVoiceServer(): Promise<VoiceTestServer> {
  const clock = skippingClock();
  const t = await startTestServer({
    clock,
    voice: {
      trunks: [
        {
          id: 'kamailio',
          tenantId: TENANT_A,
          secret: SECRET,
          sipDomain: 'hotline.test',
          queues: { support: 'que_voice' },
        },
        { id: 'kamailio_b', tenantId: TENANT_B, secret: SECRET_B, sipDomain: 'hotline.test' },
      ],
      reservationWaitMs: 400,
      retryAfterMs: 150,
    },
  });
  const admin = await t.token(['admin']);
  for (const [id, channel] of [
    ['que_voice', 'voice'],
    ['que_chat', 'webchat'],
  ] as const) {
    const queue = await t.call('POST', '/api/v1/queues', { auth: admin, body: { id, name: id, channels: [channel] } });
    expect(queue.status).toBe(201);
  }
  for (const [id, attributes] of [
    [VIC, {}],
    [WEN, { sipUri: WEN_AOR }],
  ] as const) {
    const agent = await t.call('POST', '/api/v1/agents', {
      auth: admin,
      body: { id, name: id, capacity: { voice: 1, webchat: 2 }, attributes },
    });
    expect(agent.status).toBe(201);
  }
  const voice: VoiceTestServer['voice'] = async (path, body, secret = SECRET) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (secret !== null) headers['x-hotline-voice-secret'] = secret;
    const res = await fetch(`${t.base}/voice/v1/${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };
  return {
    t,
    clock,
    voice,
    async setAvailable(agentId, available) {
      await t.server.dispatcher.setConnected(TENANT_A, agentId, available);
      if (available) await t.server.dispatcher.setActivity(TENANT_A, agentId, 'available');
    },
    async register(aor, expires = 3600) {
      const answer = await voice('events', { event: 'registered', aor, expires });
      expect(answer.status).toBe(200);
      expect(answer.body.registered).toBe(true);
    },
    newCall: () => `call-${++callSeq}-${Date.now()}@127.0.0.1`,
  };
}

/** A voice server where both agents' softphones are registered and both agents available. */
export async function startReadyVoiceServer(): Promise<VoiceTestServer> {
  const v = await startVoiceServer();
  await v.register(VIC_AOR);
  await v.register(WEN_AOR);
  await v.setAvailable(VIC, true);
  await v.setAvailable(WEN, true);
  return v;
}
