import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_A, enqueueChat, startTestServer, TENANT_A, type TestServer, until } from './test-kit.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('routing.refusalCooldownSeconds', () => {
  it('offers a declined chat to the same agent again once the cooldown ends, when nobody else can take it', async () => {
    const server = await startTestServer({ routing: { refusalCooldownSeconds: 1 } });
    t = server;
    const admin = await server.token(['admin']);
    await server.call('POST', '/api/v1/queues', { auth: admin, body: { id: 'que_a', name: 'A' } });
    const { dispatcher } = server.server;
    await dispatcher.setConnected(TENANT_A, AGENT_A, true);
    await dispatcher.setActivity(TENANT_A, AGENT_A, 'available');
    const chat = await enqueueChat(server.server, 'que_a', 'ada@example.com');
    const offer = () => chat.offer(AGENT_A);
    await until(() => offer() !== undefined, 'the first offer');
    const first = offer()?.reservationId as string;
    const declinedAt = Date.now();
    await dispatcher.reject(TENANT_A, AGENT_A, first);
    expect(offer()).toBeUndefined();
    await until(() => offer() !== undefined && offer()?.reservationId !== first, 'the offer after the cooldown');
    expect(Date.now() - declinedAt).toBeGreaterThanOrEqual(900);
  });

  it('refuses a cooldown that is not a whole number of seconds up to a day', async () => {
    for (const refusalCooldownSeconds of [-1, 1.5, 86_401]) {
      await expect(startTestServer({ routing: { refusalCooldownSeconds } })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    }
  });
});
