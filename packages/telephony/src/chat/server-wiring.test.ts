import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStorage, type WireMessage } from '@hotline/core';
import { makeQueue, makeTenant } from '@hotline/core/testing';
import { createHotlineServer, type HotlineServer } from '@hotline/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { parseFlowDefinition } from '../flows/runner.js';
import { withChatFlow } from './chat-flow.js';

const TENANT = 'ten_shop';
const SITE = {
  siteId: 'site_shop',
  tenantId: TENANT,
  tokenSecret: 'site-token-secret-0123456789abcdef-0123',
  queueId: 'que_en',
};
const flow = parseFlowDefinition({
  id: 'language',
  start: 'language',
  locales: ['en', 'zh'],
  nodes: {
    language: {
      kind: 'menu',
      prompt: 'Type 1 for English, 2 for 中文.',
      options: [
        { digit: '1', keywords: ['english'], next: 'en' },
        { digit: '2', keywords: ['中文', 'chinese'], next: 'zh' },
      ],
    },
    en: { kind: 'set', locale: 'en', attributes: { language: 'en' }, next: 'toEn' },
    zh: { kind: 'set', locale: 'zh', attributes: { language: 'zh' }, next: 'toZh' },
    toEn: { kind: 'route', queue: 'que_en' },
    toZh: { kind: 'route', queue: 'que_zh', text: '正在为您转接。' },
  },
});

let server: HotlineServer;
let chat: { close(): Promise<void> } | undefined;
let port: number;
let uploadDir: string;
const errors: unknown[] = [];

beforeAll(async () => {
  const storage = createMemoryStorage();
  await storage.tenants.create(makeTenant({ id: TENANT, name: 'Shop' }));
  for (const id of ['que_en', 'que_zh']) await storage.queues.create(makeQueue(TENANT, { id, name: id }));
  uploadDir = mkdtempSync(join(tmpdir(), 'hotline-chat-flow-'));
  server = createHotlineServer({
    storage,
    jwtSecret: 'test-jwt-secret-0123456789abcdef-0123456789',
    webchat: { sites: [SITE], agentSecret: 'test-agent-secret-0123456789abcdef-01234567', uploadDir },
    logger: { error: () => undefined },
    metrics: false,
    // The wiring a host writes: the gateway's new chats meet the bot first.
    wrapDispatcher: (dispatcher, { hotline }) => {
      const wrapped = withChatFlow(dispatcher, { hotline, flowFor: () => flow, onError: (e) => errors.push(e) });
      chat = wrapped;
      return wrapped;
    },
  });
  ({ port } = await server.listen());
});
afterAll(async () => {
  await server.close();
  await chat?.close();
  rmSync(uploadDir, { recursive: true, force: true });
});

describe('withChatFlow behind the server’s wrapDispatcher', () => {
  it('greets a new web chat with the bot, takes the answer typed in the widget and queues it', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/hotline/webchat`);
    const pushed: WireMessage[] = [];
    const replies = new Map<string, (frame: { result?: { conversation: { id: string; status: string } } }) => void>();
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'message') pushed.push(frame.message);
      replies.get(frame.re ?? frame.id)?.(frame);
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const request = (frame: Record<string, unknown>) =>
      new Promise<{ result?: { conversation: { id: string; status: string } } }>((resolve) => {
        replies.set(frame.id as string, resolve);
        ws.send(JSON.stringify(frame));
      });
    try {
      await request({ type: 'hello', id: 'h1', v: 1, siteId: SITE.siteId });
      const started = await request({ type: 'start', id: 's1', key: 'k1', attributes: { language: 'en' } });
      const conversationId = started.result?.conversation.id as string;
      expect(started.result?.conversation.status).toBe('bot');
      await vi.waitFor(() =>
        expect(pushed.map((m) => m.content)).toContainEqual({ type: 'text', text: 'Type 1 for English, 2 for 中文.' }),
      );
      expect(pushed[0]?.author.kind).toBe('bot');

      await request({
        type: 'send',
        id: 'm1',
        conversationId,
        clientMessageId: 'c1',
        content: { type: 'text', text: '2' },
      });
      await vi.waitFor(async () =>
        expect(await server.hotline.conversations.get(TENANT, conversationId)).toMatchObject({
          status: 'queued',
          queueId: 'que_zh',
        }),
      );
      const task = server.dispatcher
        .engineOf(TENANT)
        .openTasks()
        .find((t) => t.conversationId === conversationId);
      expect(task?.attributes).toMatchObject({ language: 'zh' });
      await vi.waitFor(() =>
        expect(pushed.map((m) => m.content)).toContainEqual({ type: 'text', text: '正在为您转接。' }),
      );
      expect(errors).toEqual([]);
    } finally {
      ws.close();
    }
  });
});
