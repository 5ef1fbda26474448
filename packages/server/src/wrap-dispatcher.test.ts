import { on, once } from 'node:events';
import type { Dispatcher, DispatchRequest } from '@hotline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestServer, TENANT_A, type TestServer } from './test-kit.js';

const SITE = {
  siteId: 'site_shop',
  tenantId: TENANT_A,
  tokenSecret: 'site-token-secret-0123456789abcdef-0123',
  queueId: 'que_web',
};

const seen: DispatchRequest[] = [];
let wrapped = 0;

/** Records the gateway's enqueues, then lets them through with a mark routing keeps. */
function recordEnqueues(dispatcher: Dispatcher): Dispatcher {
  wrapped++;
  return new Proxy(dispatcher, {
    get(target, property) {
      if (property === 'enqueue') {
        return async (request: DispatchRequest) => {
          seen.push(request);
          await target.enqueue({ ...request, attributes: { ...request.attributes, wrapped: true } });
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ webchat: { sites: [SITE] }, wrapDispatcher: recordEnqueues });
  const admin = await t.token(['admin']);
  const res = await t.call('POST', '/api/v1/queues', { auth: admin, body: { id: 'que_web', name: 'Web' } });
  expect(res.status).toBe(201);
});
afterAll(() => t.stop());

/** Starts a web chat as a new visitor and returns the conversation id. */
async function startChat(): Promise<string> {
  const ws = new WebSocket(`${t.base.replace('http', 'ws')}/hotline/webchat`);
  await once(ws, 'open');
  // Buffered: frames that arrive together are all kept for `answer`.
  const incoming = on(ws, 'message');
  const answer = async (frame: { id: string } & Record<string, unknown>) => {
    ws.send(JSON.stringify(frame));
    for (;;) {
      const next = await incoming.next();
      const reply = JSON.parse(String(next.value[0]));
      if ((reply.re ?? reply.id) === frame.id) return reply;
    }
  };
  try {
    expect((await answer({ type: 'hello', id: 'h1', v: 1, siteId: SITE.siteId })).code).toBeUndefined();
    const started = await answer({ type: 'start', id: 's1', key: 'k1', attributes: { language: 'en' } });
    return started.result.conversation.id;
  } finally {
    ws.close();
  }
}

describe('wrapDispatcher', () => {
  it('wraps the dispatcher the web chat gateway enqueues new chats through', async () => {
    expect(wrapped).toBe(1);
    const conversationId = await startChat();
    expect(seen).toEqual([
      expect.objectContaining({ tenantId: TENANT_A, conversationId, channel: 'webchat', queueId: 'que_web' }),
    ]);
    const task = t.server.dispatcher
      .engineOf(TENANT_A)
      .openTasks()
      .find((x) => x.conversationId === conversationId);
    expect(task?.attributes).toMatchObject({ wrapped: true, language: 'en' });
    expect((await t.server.hotline.conversations.get(TENANT_A, conversationId)).status).toBe('queued');
  });
});
