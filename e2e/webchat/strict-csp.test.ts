import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { acceptNextOffer, agentLines } from '../harness/agent.js';
import { CHROMIUM, describeWith } from '../harness/components.js';
import { storedLines } from '../harness/lines.js';
import { PAGES } from '../harness/webchat-pages.js';
import { useWebchatSuite } from '../harness/webchat-suite.js';
import { expectWidgetLines, openWidget, typeMessage, WIDGET_TIMEOUT_MS, widget } from '../harness/widget-page.js';

/** What Chromium logs to the console when the policy blocks something. */
const CSP_CONSOLE = /Content[- ]Security[- ]Policy|Trusted Type/i;

/** The violations the page's own listener (registered before any other script) saw. */
const violations = (page: Page) =>
  page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

describeWith([CHROMIUM], 'web chat: the widget under a strict nonce-based Content Security Policy', () => {
  const suite = useWebchatSuite();

  it('opens, sends and receives without a single CSP violation', async () => {
    const { page, problems } = await suite.newPage();
    const cspConsole: string[] = [];
    page.on('console', (message) => {
      if (CSP_CONSOLE.test(message.text())) cspConsole.push(`${message.type()}: ${message.text()}`);
    });
    const response = await page.goto(`${suite.server.origin}${PAGES.csp}`);
    const policy = (await response?.headerValue('content-security-policy')) ?? '';
    expect(policy).toMatch(/script-src 'nonce-[^']+' 'strict-dynamic'/);
    expect(policy).toMatch(/style-src 'nonce-[^';]+'(;|$)/);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);

    await openWidget(page);
    // Styled although no inline style is allowed: the stylesheet is adopted, not inlined.
    expect(await widget.panel(page).evaluate((panel) => getComputedStyle(panel).display)).toBe('flex');
    await typeMessage(page, 'Does this work under a strict CSP?');
    const conversation = await acceptNextOffer(suite.agent, ['customer: Does this work under a strict CSP?']);
    await suite.agent.send(conversation.id, 'It does.');
    const lines = ['customer: Does this work under a strict CSP?', 'agent: It does.'];
    await expectWidgetLines(page, lines);
    await expect.poll(() => agentLines(suite.agent, conversation.id), { timeout: 30_000 }).toEqual(lines);
    expect(storedLines(await suite.server.stored(conversation.id))).toEqual(lines);

    expect(await violations(page)).toEqual([]);
    expect(cspConsole).toEqual([]);
    expect(problems).toEqual([]);

    // The detectors work: an inline style without the nonce, in the page and in the widget's
    // shadow root, is refused and seen by both.
    await page.evaluate(() => {
      for (const parent of [document.head, document.querySelector('hotline-chat')?.shadowRoot]) {
        const style = document.createElement('style');
        style.textContent = 'p { color: red }';
        parent?.append(style);
      }
    });
    await expect.poll(() => violations(page), { timeout: 10_000 }).toHaveLength(2);
    for (const seen of await violations(page)) expect(seen).toMatch(/^style-src-elem blocked inline/);
    await expect.poll(() => cspConsole.length, { timeout: 10_000 }).toBe(2);
  });

  it('loads the on-demand extras (Chinese texts, a pre-chat form) under the same policy, with no violation', async () => {
    const { page, problems } = await suite.newPage();
    const cspConsole: string[] = [];
    page.on('console', (message) => {
      if (CSP_CONSOLE.test(message.text())) cspConsole.push(`${message.type()}: ${message.text()}`);
    });
    const extrasRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('hotline-widget-extras.js')) extrasRequests.push(request.url());
    });
    await page.goto(`${suite.server.origin}${PAGES.cspExtras}`);

    // The Chinese texts come from the extras file: the launcher speaks Chinese once it loaded.
    await expect
      .poll(() => widget.launcher(page).getAttribute('aria-label'), { timeout: WIDGET_TIMEOUT_MS })
      .toBe('打开聊天');
    await widget.launcher(page).click();
    const form = page.locator('hotline-chat [part~="prechat"]');
    await form.waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    // Validated in the visitor's language before anything is sent.
    await form.locator('[part~="submit"]').click();
    await expect.poll(() => form.locator('[part~="error"]').first().textContent()).not.toBe('');
    await form.locator('input[name="email"]').fill('visitor@example.com');
    await form.locator('[part~="submit"]').click();
    await widget.input(page).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });

    await typeMessage(page, '你好');
    const conversation = await acceptNextOffer(suite.agent, ['customer: 你好']);
    await suite.agent.send(conversation.id, '您好！');
    await expectWidgetLines(page, ['customer: 你好', 'agent: 您好！']);

    expect(extrasRequests).toHaveLength(1);
    expect(await violations(page)).toEqual([]);
    expect(cspConsole).toEqual([]);
    expect(problems).toEqual([]);
  });
});
