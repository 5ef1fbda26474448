/**
 * The setup every web chat suite shares, as `beforeAll` / `afterAll` hooks: a test server
 * of its own (child process, fresh storage), headless Chromium, and the agent connected
 * and available (so the queue is open when the customer opens the widget). Everything is
 * closed in `afterAll`, servers by pid; a failed test prints the server's stderr.
 */
import { existsSync } from 'node:fs';
import type { AgentDesk } from '@hotline/client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { connectAgent } from './agent.js';
import { launchChromium, openPage } from './browser.js';
import { startWebchatServer, stopWebchatServers, type WebchatServer } from './server-process.js';
import { WIDGET_FILE } from './webchat-pages.js';

/** What a suite's tests use; valid from the first test on. */
export interface WebchatSuite {
  readonly server: WebchatServer;
  readonly browser: Browser;
  readonly agent: AgentDesk;
  /** A page in a fresh context (own storage), closed in `afterAll`; see `openPage`. */
  newPage(options?: { offline?: boolean }): Promise<{ context: BrowserContext; page: Page; problems: string[] }>;
}

/** Registers the hooks; call at the top of a `describe`. */
export function useWebchatSuite(): WebchatSuite {
  let server: WebchatServer | undefined;
  let browser: Browser | undefined;
  let agent: AgentDesk | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!existsSync(WIDGET_FILE)) throw new Error(`${WIDGET_FILE} is missing: run \`npm run build\` first`);
    // One after the other: both are CPU-heavy and the machine has two cores.
    server = await startWebchatServer();
    browser = await launchChromium();
    agent = await connectAgent(server);
  });

  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      if (server) console.error(`webchat server (${server.origin}) stderr:\n${server.log()}`);
    });
  });

  afterAll(async () => {
    agent?.close();
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await stopWebchatServers();
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} did not start (see beforeAll)`);
    return value;
  };

  return {
    get server() {
      return ready(server, 'the webchat server');
    },
    get browser() {
      return ready(browser, 'Chromium');
    },
    get agent() {
      return ready(agent, 'the agent desk');
    },
    async newPage(options) {
      const opened = await openPage(ready(browser, 'Chromium'), options);
      contexts.push(opened.context);
      return opened;
    },
  };
}
