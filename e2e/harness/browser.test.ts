import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, openPage } from './browser.js';
import { CHROMIUM, describeWith } from './components.js';

describeWith([CHROMIUM], 'headless Chromium on loopback', () => {
  let browser: Browser;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>hello from loopback</title><p id="p">ok</p>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://localhost:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('opens a page served from http://localhost and reads it', async () => {
    const { page, problems, context } = await openPage(browser);
    await page.goto(`${origin}/`);
    expect(await page.title()).toBe('hello from loopback');
    expect(await page.locator('#p').textContent()).toBe('ok');
    expect(problems).toEqual([]);
    await context.close();
  });
});
