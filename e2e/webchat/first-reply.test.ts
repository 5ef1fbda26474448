import { expect, it } from 'vitest';
import { acceptNextOffer, agentLines } from '../harness/agent.js';
import { CHROMIUM, describeWith } from '../harness/components.js';
import { storedLines } from '../harness/lines.js';
import { AGENT_NAME } from '../harness/webchat-config.js';
import { PAGES } from '../harness/webchat-pages.js';
import { useWebchatSuite } from '../harness/webchat-suite.js';
import { expectWidgetLines, openWidget, widget } from '../harness/widget-page.js';

describeWith([CHROMIUM], 'web chat: a customer asks, the agent answers', () => {
  const suite = useWebchatSuite();

  it('delivers the customer message to the agent who accepts the offer, and the reply to the widget', async () => {
    const { page, problems } = await suite.newPage();
    await page.goto(`${suite.server.origin}${PAGES.plain}`);

    await openWidget(page);
    await widget.input(page).click();
    await widget.input(page).pressSequentially('Hello, my order #123 has not arrived');
    await widget.sendButton(page).click();
    // Shown at once (pending), then stored.
    await expectWidgetLines(page, ['customer: Hello, my order #123 has not arrived']);

    const conversation = await acceptNextOffer(suite.agent, ['customer: Hello, my order #123 has not arrived']);

    await suite.agent.send(conversation.id, 'Sorry to hear that! Let me check.');
    await expectWidgetLines(page, [
      'customer: Hello, my order #123 has not arrived',
      'agent: Sorry to hear that! Let me check.',
    ]);
    // The widget names the agent who joined.
    await expect
      .poll(() => page.locator('hotline-chat [part~="status"]').textContent(), { timeout: 30_000 })
      .toContain(AGENT_NAME);

    expect(agentLines(suite.agent, conversation.id)).toEqual([
      'customer: Hello, my order #123 has not arrived',
      'agent: Sorry to hear that! Let me check.',
    ]);
    expect(storedLines(await suite.server.stored(conversation.id))).toEqual([
      'customer: Hello, my order #123 has not arrived',
      'agent: Sorry to hear that! Let me check.',
    ]);
    expect(problems).toEqual([]);
  });
});
