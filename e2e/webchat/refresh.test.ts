import { expect, it } from 'vitest';
import { acceptNextOffer, agentLines } from '../harness/agent.js';
import { CHROMIUM, describeWith } from '../harness/components.js';
import { storedLines } from '../harness/lines.js';
import { PAGES } from '../harness/webchat-pages.js';
import { useWebchatSuite } from '../harness/webchat-suite.js';
import {
  conversationIds,
  expectWidgetLines,
  openWidget,
  recordConversations,
  typeMessage,
  widgetLines,
} from '../harness/widget-page.js';

describeWith([CHROMIUM], 'web chat: a page refresh mid-conversation', () => {
  const suite = useWebchatSuite();

  it('keeps the conversation and its history, each message once, and carries on in it', async () => {
    const { server, agent } = suite;
    const { page, problems } = await suite.newPage();
    const offers: string[] = [];
    agent.on('offer', (offer) => offers.push(offer.reservationId));
    await page.goto(`${server.origin}${PAGES.plain}`);
    await recordConversations(page);
    await openWidget(page);
    await typeMessage(page, 'c1: my parcel is late');
    const conversation = await acceptNextOffer(agent, ['customer: c1: my parcel is late']);
    await agent.send(conversation.id, 'a1: which order is it?');
    await expectWidgetLines(page, ['customer: c1: my parcel is late', 'agent: a1: which order is it?']);
    await typeMessage(page, 'c2: order 42');
    await expectWidgetLines(page, [
      'customer: c1: my parcel is late',
      'agent: a1: which order is it?',
      'customer: c2: order 42',
    ]);
    expect(await conversationIds(page)).toEqual([conversation.id]);

    // The last message is sent and the page reloaded at once: it may or may not have
    // reached the server; either way it must show once after the reload.
    await typeMessage(page, 'c3: sent just before the reload');
    await page.reload();
    await recordConversations(page);
    // Closed after a reload, as on any page load; opening resumes the stored conversation.
    expect(await widgetLines(page)).toEqual([]);
    await openWidget(page);
    const history = [
      'customer: c1: my parcel is late',
      'agent: a1: which order is it?',
      'customer: c2: order 42',
      'customer: c3: sent just before the reload',
    ];
    await expectWidgetLines(page, history);
    await expect.poll(() => conversationIds(page), { timeout: 30_000 }).toEqual([conversation.id]);

    // The conversation goes on where it was: same id on both sides, no new offer.
    await agent.send(conversation.id, 'a2: it ships today');
    await typeMessage(page, 'c4: thanks!');
    const lines = [...history, 'agent: a2: it ships today', 'customer: c4: thanks!'];
    await expectWidgetLines(page, lines);
    await expect.poll(() => agentLines(agent, conversation.id), { timeout: 30_000 }).toEqual(lines);
    expect(storedLines(await server.stored(conversation.id))).toEqual(lines);
    expect(await conversationIds(page)).toEqual([conversation.id]);
    expect(offers).toHaveLength(1);
    expect(agent.conversations.map((c) => c.id)).toEqual([conversation.id]);
    expect(problems).toEqual([]);
  });
});
