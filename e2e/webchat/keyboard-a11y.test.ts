import { expect, it } from 'vitest';
import { acceptNextOffer, agentLines } from '../harness/agent.js';
import { scanWithAxe } from '../harness/axe.js';
import { CHROMIUM, describeWith } from '../harness/components.js';
import { PAGES } from '../harness/webchat-pages.js';
import { useWebchatSuite } from '../harness/webchat-suite.js';
import { expectWidgetLines, focused, WIDGET_TIMEOUT_MS, widget } from '../harness/widget-page.js';

const LAUNCHER = 'hotline-chat [part="launcher"]';
const INPUT = 'hotline-chat [part="input"]';

describeWith([CHROMIUM], 'web chat: keyboard only, and axe-core on the open widget', () => {
  const suite = useWebchatSuite();

  it('is usable with the keyboard alone and has no serious or critical axe violation', async () => {
    const { page, problems } = await suite.newPage();
    await page.goto(`${suite.server.origin}${PAGES.plain}`);

    // Tab through the page: its own button, then the launcher (the widget comes last).
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('#page-button');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe(LAUNCHER);
    expect(await widget.launcher(page).getAttribute('aria-expanded')).toBe('false');

    // Enter opens; the focus goes into the panel, to the message box once connected.
    await page.keyboard.press('Enter');
    await widget.panel(page).waitFor({ state: 'visible', timeout: 10_000 });
    expect(await widget.launcher(page).getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => focused(page), { timeout: WIDGET_TIMEOUT_MS }).toBe(INPUT);

    // Type and Enter sends.
    await page.keyboard.type('I only use a keyboard');
    await page.keyboard.press('Enter');
    await expectWidgetLines(page, ['customer: I only use a keyboard']);
    expect(await widget.input(page).inputValue()).toBe('');
    expect(await focused(page)).toBe(INPUT);

    const conversation = await acceptNextOffer(suite.agent, ['customer: I only use a keyboard']);
    await suite.agent.send(conversation.id, 'Welcome! Everything here works with the keyboard.');
    const lines = ['customer: I only use a keyboard', 'agent: Welcome! Everything here works with the keyboard.'];
    await expectWidgetLines(page, lines);
    expect(agentLines(suite.agent, conversation.id)).toEqual(lines);

    // axe on the open widget with its conversation, shadow DOM included.
    const scan = await scanWithAxe(page);
    expect(scan.shadowNodesChecked).toBeGreaterThan(10);
    const severe = scan.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(severe).toEqual([]);

    // Escape closes, and the focus is back on the launcher.
    await page.keyboard.press('Escape');
    await widget.panel(page).waitFor({ state: 'hidden', timeout: 10_000 });
    expect(await focused(page)).toBe(LAUNCHER);
    expect(await widget.launcher(page).getAttribute('aria-expanded')).toBe('false');
    expect(problems).toEqual([]);
  });
});
