/**
 * The customer's side of the web chat suites: the widget (`<hotline-chat>`, open Shadow
 * DOM) on a page in headless Chromium, driven with real clicks and keys. Playwright's CSS
 * locators pierce open shadow roots, so `hotline-chat [part="…"]` finds the widget's parts.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Locators of the widget's parts. */
export const widget = {
  launcher: (page: Page) => page.locator('hotline-chat [part~="launcher"]'),
  panel: (page: Page) => page.locator('hotline-chat [part~="panel"]'),
  input: (page: Page) => page.locator('hotline-chat [part~="input"]'),
  sendButton: (page: Page) => page.locator('hotline-chat [part~="send-button"]'),
};

/** How long the widget may take to connect to a server on a loaded machine. */
export const WIDGET_TIMEOUT_MS = 45_000;

/** Clicks the launcher and waits until the message box is there (the widget connected). */
export async function openWidget(page: Page): Promise<void> {
  await widget.launcher(page).click();
  await widget.input(page).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
}

/** Clicks into the message box, types `text` key by key and presses Enter. */
export async function typeMessage(page: Page, text: string): Promise<void> {
  const input = widget.input(page);
  await input.click();
  await input.pressSequentially(text);
  await input.press('Enter');
}

/**
 * The messages the widget renders, in order, as lines (`customer: Hi`, `agent: Hello`); a
 * message not stored yet ends in ` (pending)` or ` (failed)`. Read from the DOM, so a
 * message rendered twice shows twice.
 */
export function widgetLines(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const root = document.querySelector('hotline-chat')?.shadowRoot;
    return Array.from(root?.querySelectorAll<HTMLElement>('[part~="message"]') ?? []).map((el) => {
      const who = el.getAttribute('part')?.split(' ').includes('message-local') ? 'customer' : 'agent';
      const text = Array.from(el.querySelectorAll('p'), (p) => p.textContent).join('\n');
      const status = el.dataset['status'];
      return `${who}: ${text}${status === 'sent' ? '' : ` (${status})`}`;
    });
  });
}

/** Waits until the widget renders exactly `lines`. */
export async function expectWidgetLines(page: Page, lines: readonly string[], timeout = WIDGET_TIMEOUT_MS) {
  await expect.poll(() => widgetLines(page), { timeout, interval: 200 }).toEqual(lines);
}

/**
 * Records, in the page, the id of every conversation the widget reports (`Hotline.on`):
 * read them with {@link conversationIds}. Call it again after a reload.
 */
export async function recordConversations(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as {
      Hotline: { on(event: string, listener: (c: { id: string } | undefined) => void): () => void };
      conversationIds?: string[];
    };
    w.conversationIds = [];
    w.Hotline.on('conversation', (c) => {
      if (c && w.conversationIds?.at(-1) !== c.id) w.conversationIds?.push(c.id);
    });
  });
}

/** The distinct conversation ids the widget reported since {@link recordConversations}, in order. */
export function conversationIds(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { conversationIds?: string[] }).conversationIds ?? []);
}

/**
 * Where the keyboard focus is, through shadow roots: `hotline-chat [part="…"]` for an
 * element of the widget (its `part`, else its tag), else the page element's id or tag.
 */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const outer = document.activeElement;
    const inner = outer?.shadowRoot?.activeElement;
    if (inner) return `${outer?.localName} [part="${inner.getAttribute('part') ?? inner.localName}"]`;
    return outer?.id ? `#${outer.id}` : (outer?.localName ?? 'none');
  });
}
