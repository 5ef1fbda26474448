import { expect, it } from 'vitest';
import { acceptNextOffer, agentLines, agentSeqs, sendRetrying } from '../harness/agent.js';
import { CHROMIUM, describeWith } from '../harness/components.js';
import { storedLines } from '../harness/lines.js';
import { PAGES } from '../harness/webchat-pages.js';
import { useWebchatSuite } from '../harness/webchat-suite.js';
import { expectWidgetLines, openWidget, typeMessage, widgetLines } from '../harness/widget-page.js';

/** What Chromium logs while the page is offline or the server is down: expected here. */
const OFFLINE_NOISE = /WebSocket connection to .* failed: .*(ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED)/;

describeWith([CHROMIUM], 'web chat: the network drops and the server is killed mid-conversation', () => {
  const suite = useWebchatSuite();

  it('keeps every message of both sides exactly once, in seq order, across an offline customer and a SIGKILLed server', async () => {
    const { server, agent } = suite;
    const { context, page, problems } = await suite.newPage();
    await page.goto(`${server.origin}${PAGES.plain}`);
    await openWidget(page);
    await typeMessage(page, 'c1: hello');
    const conversation = await acceptNextOffer(agent, ['customer: c1: hello']);
    await agent.send(conversation.id, 'a1: hi, how can I help?');
    const before = ['customer: c1: hello', 'agent: a1: hi, how can I help?'];
    await expectWidgetLines(page, before);

    // The customer's network goes, then the server dies without a chance to flush anything.
    await context.setOffline(true);
    const killedPid = server.pid;
    await server.kill();

    // Both sides keep writing while the server is down.
    await typeMessage(page, 'c2: are you there?');
    const a2 = sendRetrying(agent, conversation.id, 'a2: one moment please', 'e2e-a2');
    await expectWidgetLines(page, [...before, 'customer: c2: are you there? (pending)']);

    await server.restart();
    expect(server.pid).not.toBe(killedPid);
    // The server is back (same storage, same port) and the agent with it; the customer is
    // still offline and keeps writing.
    const a3 = sendRetrying(agent, conversation.id, 'a3: found your order', 'e2e-a3');
    await typeMessage(page, 'c3: hello again');
    const sentA2 = (await a2).message;
    const sentA3 = (await a3).message;
    // Really offline: nothing came in and nothing went out.
    expect(await widgetLines(page)).toEqual([
      ...before,
      'customer: c2: are you there? (pending)',
      'customer: c3: hello again (pending)',
    ]);

    await context.setOffline(false);
    // The customer's two messages go out from the widget's outbox, the agent's two come in.
    const everything = [
      ...before,
      'customer: c2: are you there?',
      'customer: c3: hello again',
      'agent: a2: one moment please',
      'agent: a3: found your order',
    ].sort();
    await expect
      .poll(async () => (await widgetLines(page)).sort(), { timeout: 60_000, interval: 250 })
      .toEqual(everything);

    // The test retries the agent's downtime sends once more with the same clientMessageId:
    // the gateway answers with the stored messages, and stores nothing new.
    const again2 = await sendRetrying(agent, conversation.id, 'a2: one moment please', 'e2e-a2');
    const again3 = await sendRetrying(agent, conversation.id, 'a3: found your order', 'e2e-a3');
    expect([again2.message.id, again2.message.seq]).toEqual([sentA2.id, sentA2.seq]);
    expect([again3.message.id, again3.message.seq]).toEqual([sentA3.id, sentA3.seq]);

    // The stored conversation is the truth: six messages, seqs 1…6, each once.
    const stored = await server.stored(conversation.id);
    expect(stored.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    const lines = storedLines(stored);
    expect(lines.slice().sort()).toEqual(everything);
    // Each side's own messages keep the order they were written in.
    expect(lines.filter((l) => l.startsWith('customer:'))).toEqual([
      'customer: c1: hello',
      'customer: c2: are you there?',
      'customer: c3: hello again',
    ]);
    expect(lines.filter((l) => l.startsWith('agent:'))).toEqual([
      'agent: a1: hi, how can I help?',
      'agent: a2: one moment please',
      'agent: a3: found your order',
    ]);

    // Both sides hold exactly the stored conversation, in seq order.
    expect(await widgetLines(page)).toEqual(lines);
    await expect.poll(() => agentLines(agent, conversation.id), { timeout: 30_000 }).toEqual(lines);
    expect(agentSeqs(agent, conversation.id)).toEqual([1, 2, 3, 4, 5, 6]);

    expect(problems.filter((p) => !OFFLINE_NOISE.test(p))).toEqual([]);
  });
});
