/**
 * The demo end to end (issue 7), from a fresh data directory, in headless Chromium: a
 * customer chats from the shop page `/`; agent Ana accepts in `/agent`, replies and
 * transfers to agent Bo, who sees the history, creates a ticket from the conversation, wraps
 * up with a disposition and resolves it; the supervisor's `/wallboard` figures move; the
 * server restarts and the conversation, its messages and the ticket are all still there.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { launchChromium, openPage } from '../harness/browser.js';
import { stopChildServers } from '../harness/child-server.js';
import { CHROMIUM, describeWith } from '../harness/components.js';
import { apiGet, DEMO_PASSWORD, type DemoServer, demoAccessToken, startDemoServer } from '../harness/demo-process.js';
import { WIDGET_FILE } from '../harness/webchat-pages.js';
import { expectWidgetLines, typeMessage, widget } from '../harness/widget-page.js';

const QUEUE = 'que_support_en';
const ANA = 'agt_ana';
const BO = 'agt_bo';
const SUPERVISOR = 'agt_sam';
const UI_TIMEOUT = 45_000;
/** `HOTLINE_SCREENSHOTS=docs/images` saves the README's screenshots of the desk and the wallboard. */
const SCREENSHOTS = process.env['HOTLINE_SCREENSHOTS'];

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  await page.setViewportSize({ width: 1360, height: 820 });
  await page.waitForTimeout(500); // charts and layout settle after the resize
  await page.screenshot({ path: join(SCREENSHOTS, name) });
}

let server: DemoServer | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const problems: string[] = [];

async function newPage(path: string): Promise<Page> {
  const opened = await openPage(browser as Browser);
  contexts.push(opened.context);
  opened.page.on('pageerror', (error) => problems.push(`${path}: ${error.message}`));
  await opened.page.goto(`${(server as DemoServer).origin}${path}`);
  return opened.page;
}

async function signIn(page: Page, agentId: string): Promise<void> {
  await page.getByTestId('login-agent').selectOption(agentId);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
}

/** Signs in to the desk and sets a presence once the agent connection is open. */
async function openDesk(agentId: string, activity: string): Promise<Page> {
  const page = await newPage('/agent');
  await signIn(page, agentId);
  await page.locator('[data-testid="connection"][data-state="open"]').waitFor({ timeout: UI_TIMEOUT });
  await page.getByTestId('presence').selectOption(activity);
  await expect.poll(() => page.getByTestId('presence').getAttribute('data-activity')).toBe(activity);
  return page;
}

/** The agent desk's thread as lines (`customer: …`, `agent: …`), in order. */
function deskLines(page: Page): Promise<string[]> {
  return page
    .getByTestId('thread')
    .getByTestId('message')
    .evaluateAll((elements) =>
      elements.map(
        (el) => `${(el as HTMLElement).dataset['author']}: ${el.querySelector('.msg-text')?.textContent?.trim() ?? ''}`,
      ),
    );
}

/** A numeric figure of the wallboard's tile for `queueId`. */
async function tileFigure(page: Page, queueId: string, testId: string): Promise<number> {
  const value = await page
    .locator(`[data-testid="queue-tile"][data-queue-id="${queueId}"] [data-testid="${testId}"]`)
    .getAttribute('data-value');
  return Number(value);
}

describeWith([CHROMIUM], 'the demo contact center', () => {
  beforeAll(async () => {
    if (!existsSync(WIDGET_FILE)) throw new Error(`${WIDGET_FILE} is missing: run \`npm run build\` first`);
    server = await startDemoServer();
    browser = await launchChromium();
  });

  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      if (server) console.error(`demo server (${server.origin}) output:\n${server.log()}`);
      if (problems.length > 0) console.error(`page errors:\n${problems.join('\n')}`);
    });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await stopChildServers();
  });

  it('chat → accept → transfer → ticket → resolve, the wallboard moves, and a restart keeps it all', async () => {
    const demo = server as DemoServer;

    // The supervisor's wallboard, before anything happens.
    const wallboard = await newPage('/wallboard');
    await signIn(wallboard, SUPERVISOR);
    const tile = wallboard.locator(`[data-testid="queue-tile"][data-queue-id="${QUEUE}"]`);
    await tile.waitFor({ timeout: UI_TIMEOUT });
    const answeredBefore = await tileFigure(wallboard, QUEUE, 'answered');

    // Ana is available; Bo is away until the transfer, so the first offer is Ana's.
    const ana = await openDesk(ANA, 'available');
    const bo = await openDesk(BO, 'break');

    // The customer chats from the shop, on the English support team.
    const shop = await newPage('/?topic=support&lang=en');
    await widget.launcher(shop).click();
    const prechat = shop.locator('hotline-chat [part~="submit"]');
    const input = widget.input(shop);
    await Promise.race([
      prechat.waitFor({ state: 'visible', timeout: UI_TIMEOUT }),
      input.waitFor({ state: 'visible', timeout: UI_TIMEOUT }),
    ]);
    if (await prechat.isVisible()) {
      await shop.locator('hotline-chat input[name="name"]').fill('Ada Lovelace');
      await shop.locator('hotline-chat input[name="email"]').fill('ada@example.com');
      await prechat.click();
    }
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await typeMessage(shop, 'Hello, my lamp arrived broken');

    // Ana gets the offer, accepts and replies; the customer sees the reply.
    const offer = ana.getByTestId('offer').first();
    await offer.waitFor({ timeout: UI_TIMEOUT });
    const conversationId = (await offer.getAttribute('data-conversation-id')) as string;
    expect(conversationId).toMatch(/^cnv_/);
    await offer.getByTestId('offer-accept').click();
    const anaTab = ana.locator(`[data-testid="chat-tab"][data-conversation-id="${conversationId}"]`);
    await anaTab.waitFor({ timeout: UI_TIMEOUT });
    await expect
      .poll(() => deskLines(ana), { timeout: UI_TIMEOUT })
      .toEqual(['customer: Hello, my lamp arrived broken']);
    await ana.getByTestId('composer').fill('Sorry to hear that! Let me get our support specialist.');
    await ana.getByTestId('send').click();
    await expectWidgetLines(shop, [
      'customer: Hello, my lamp arrived broken',
      'agent: Sorry to hear that! Let me get our support specialist.',
    ]);

    // The wallboard counts the answered chat.
    await expect
      .poll(() => tileFigure(wallboard, QUEUE, 'answered'), { timeout: UI_TIMEOUT })
      .toBeGreaterThan(answeredBefore);

    // Bo comes back; Ana transfers the chat to Bo, and it leaves her desk.
    await bo.getByTestId('presence').selectOption('available');
    await expect.poll(() => bo.getByTestId('presence').getAttribute('data-activity')).toBe('available');
    await ana.getByTestId('transfer-open').click();
    await expect
      .poll(() => ana.locator(`[data-testid="transfer-agent"] option[value="${BO}"]`).getAttribute('data-activity'), {
        timeout: UI_TIMEOUT,
      })
      .toBe('available');
    await ana.getByTestId('transfer-agent').selectOption(BO);
    await ana.getByTestId('transfer-submit').click();
    await anaTab.waitFor({ state: 'detached', timeout: UI_TIMEOUT });

    // Bo is offered the same conversation, accepts, and has its whole history.
    const boOffer = bo.locator(`[data-testid="offer"][data-conversation-id="${conversationId}"]`);
    await boOffer.waitFor({ timeout: UI_TIMEOUT });
    await boOffer.getByTestId('offer-accept').click();
    await bo
      .locator(`[data-testid="chat-tab"][data-conversation-id="${conversationId}"]`)
      .waitFor({ timeout: UI_TIMEOUT });
    await expect
      .poll(() => deskLines(bo), { timeout: UI_TIMEOUT })
      .toEqual(
        expect.arrayContaining([
          'customer: Hello, my lamp arrived broken',
          'agent: Sorry to hear that! Let me get our support specialist.',
        ]),
      );
    await bo.getByTestId('composer').fill('Hi, Bo here: I am sending you a new lamp today.');
    await bo.getByTestId('send').click();
    await expectWidgetLines(shop, [
      'customer: Hello, my lamp arrived broken',
      'agent: Sorry to hear that! Let me get our support specialist.',
      'agent: Hi, Bo here: I am sending you a new lamp today.',
    ]);

    // Bo creates a ticket from the conversation; the customer 360 panel lists it.
    await bo.getByTestId('ticket-create').click();
    await expect(bo.getByTestId('ticket-subject').inputValue()).resolves.toContain('lamp arrived broken');
    await bo.getByTestId('ticket-submit').click();
    await bo.getByTestId('ticket-created').waitFor({ timeout: UI_TIMEOUT });
    await bo.getByTestId('customer-ticket').first().waitFor({ timeout: UI_TIMEOUT });
    await screenshot(bo, 'agent-desk.png');

    // Wrap-up with a disposition, then resolve: the chat leaves Bo's desk.
    await bo.getByTestId('wrapup-open').click();
    await bo.getByTestId('disposition').selectOption('solved');
    await bo.getByTestId('wrapup-notes').fill('Replacement lamp shipped.');
    await bo.getByTestId('wrapup-submit').click();
    const boTab = bo.locator(`[data-testid="chat-tab"][data-conversation-id="${conversationId}"]`);
    await expect.poll(() => boTab.getAttribute('data-status'), { timeout: UI_TIMEOUT }).toBe('wrap_up');
    await bo.getByTestId('resolve').click();
    await boTab.waitFor({ state: 'detached', timeout: UI_TIMEOUT });

    // The wallboard: nothing waits on the queue, and it shows Bo's and Ana's states.
    await expect.poll(() => tileFigure(wallboard, QUEUE, 'waiting'), { timeout: UI_TIMEOUT }).toBe(0);
    await expect
      .poll(() => wallboard.locator(`[data-testid="agent-row"][data-agent-id="${BO}"]`).getAttribute('data-state'), {
        timeout: UI_TIMEOUT,
      })
      .toBe('available');

    await screenshot(wallboard, 'wallboard.png');

    // What the API says now…
    const token = await demoAccessToken(demo, SUPERVISOR);
    const before = {
      conversation: await apiGet<{ status: string; assigneeId?: string; attributes: Record<string, unknown> }>(
        demo,
        token,
        `/conversations/${conversationId}`,
      ),
      messages: await apiGet<{ items: { seq: number; content: { text?: string } }[] }>(
        demo,
        token,
        `/conversations/${conversationId}/messages`,
      ),
      tickets: await apiGet<{ items: { id: string; conversationIds?: string[] }[] }>(demo, token, '/tickets'),
    };
    expect(before.conversation.status).toBe('resolved');
    expect(before.conversation.assigneeId).toBe(BO);
    expect(before.conversation.attributes['disposition']).toBe('solved');
    const texts = before.messages.items.map((m) => m.content.text);
    expect(texts).toEqual(
      expect.arrayContaining([
        'Hello, my lamp arrived broken',
        'Sorry to hear that! Let me get our support specialist.',
        'Hi, Bo here: I am sending you a new lamp today.',
      ]),
    );
    expect(before.tickets.items.length).toBeGreaterThan(0);

    // …is what it says after a restart on the same data directory.
    await demo.stop();
    await demo.restart();
    const after = await demoAccessToken(demo, SUPERVISOR);
    expect(await apiGet(demo, after, `/conversations/${conversationId}`)).toMatchObject({
      status: 'resolved',
      assigneeId: BO,
    });
    expect(await apiGet(demo, after, `/conversations/${conversationId}/messages`)).toEqual(before.messages);
    expect((await apiGet<{ items: unknown[] }>(demo, after, '/tickets')).items).toEqual(before.tickets.items);

    // And the customer's page, reloaded, still shows the whole conversation.
    await shop.reload();
    // The widget reopens as the visitor left it; a resolved chat may show its CSAT view
    // rather than the message box, so the lines are what is checked.
    await widget.launcher(shop).waitFor({ timeout: UI_TIMEOUT });
    if (!(await widget.panel(shop).isVisible())) await widget.launcher(shop).click();
    await expectWidgetLines(shop, [
      'customer: Hello, my lamp arrived broken',
      'agent: Sorry to hear that! Let me get our support specialist.',
      'agent: Hi, Bo here: I am sending you a new lamp today.',
    ]);
    expect(problems).toEqual([]);
  });
});
