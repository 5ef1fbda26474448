import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { chromiumPath } from './components.js';

/**
 * Flags for headless Chromium as root on a machine without a display or network: no
 * sandbox (root), no GPU, and none of the background traffic (updates, sync, safe browsing)
 * that would try to leave loopback. Playwright adds a fresh temporary profile of its own.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Starts Debian's Chromium. Close it with `browser.close()`. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** A page in a fresh context that records console errors, page errors and CSP violations. */
export async function openPage(browser: Browser, options: { offline?: boolean } = {}) {
  const context: BrowserContext = await browser.newContext({ offline: options.offline ?? false });
  const page: Page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return { context, page, problems };
}
