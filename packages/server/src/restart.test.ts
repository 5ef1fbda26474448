import { createMemoryStorage } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import { startTestServer, TENANT_A } from './test-kit.js';

const BASE = '/api/v1/canned-responses';

describe('persistence across a restart on the same storage', () => {
  it('keeps canned responses, the workflow and queue routing settings', async () => {
    const storage = createMemoryStorage();
    const first = await startTestServer({ storage, closeStorage: false });
    const token = await first.token(['admin']);
    const created = await first.call('POST', BASE, {
      auth: token,
      body: { shortcut: 'thanks', title: 'Thanks', text: 'Thank you!' },
    });
    expect(created.status).toBe(201);
    await first.call('POST', '/api/v1/queues', { auth: token, body: { id: 'que_keep', name: 'Keep' } });
    await first.call('POST', '/api/v1/queues', { auth: token, body: { id: 'que_z', name: 'Z' } });
    const overflow = { id: 'que_a', name: 'A', settings: { maxLength: 1, overflowTo: { queueId: 'que_z' } } };
    expect((await first.call('POST', '/api/v1/queues', { auth: token, body: overflow })).status).toBe(201);
    const filters = [{ name: 'Everyone', expression: "task.channel == 'webchat'", queueId: 'que_keep' }];
    expect((await first.call('PUT', '/api/v1/workflows', { auth: token, body: { filters } })).status).toBe(200);
    await first.stop();
    // Written around the API, as an older version might have: routed without its settings, and said so.
    const at = new Date().toISOString();
    await storage.queues.create({
      ...{ id: 'que_odd', tenantId: TENANT_A, version: 1, createdAt: at, updatedAt: at, name: 'Odd' },
      ...{ channels: ['webchat'], serviceLevelSeconds: 20, attributes: {}, settings: { strategy: 'fastest' } },
    });

    const warnings: string[] = [];
    const second = await startTestServer({
      storage,
      logger: { error: () => undefined, warn: (line) => warnings.push(line) },
    });
    try {
      // Defined in overflow order (que_z before que_a), with their settings.
      const engine = second.server.dispatcher.engineOf(TENANT_A);
      engine.submit({ channel: 'webchat', queueId: 'que_a' });
      engine.submit({ channel: 'webchat', queueId: 'que_a' });
      expect(engine.queueStats('que_z').waiting).toBe(1);
      expect(warnings.map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({ level: 'warn', tenantId: TENANT_A, queueId: 'que_odd' }),
      ]);
      expect(engine.queueStats('que_odd').waiting).toBe(0);
      const listed = await second.call('GET', BASE, { auth: await second.token(['agent']) });
      expect(listed.body.items).toEqual([created.body]);
      const workflow = await second.call('GET', '/api/v1/workflows', { auth: token });
      expect(workflow.body).toMatchObject({ filters, version: 1 });
    } finally {
      await second.stop();
    }
  });
});
