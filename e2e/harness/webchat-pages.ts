/**
 * The pages the web chat test server serves from `http://localhost:<port>`: the widget's
 * one-file build, a plain page embedding it with one `<script>` tag and `Hotline.init` from
 * an external file, and the same page under a strict nonce-based Content Security Policy.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { RECONNECT, SITE_ID, WEBCHAT_PATH } from './webchat-config.js';

/** The IIFE build of `@hotline/widget` (built by turbo's `^build` before the e2e tests). */
export const WIDGET_FILE = join(
  dirname(createRequire(import.meta.url).resolve('@hotline/widget/package.json')),
  'dist',
  'hotline-widget.js',
);

/** The widget's on-demand file: forms, rating, transcript and the Chinese texts. */
export const EXTRAS_FILE = join(dirname(WIDGET_FILE), 'hotline-widget-extras.js');

/** Paths of the pages. `cspExtras` is the strict page with a pre-chat form in Chinese. */
export const PAGES = { plain: '/plain.html', csp: '/csp.html', cspExtras: '/csp-extras.html' } as const;

// The widget connects to the server that served the page: a restart on the same port finds it again.
const init = (extra = '') =>
  `Hotline.init({ url: 'ws://' + location.host + '${WEBCHAT_PATH}', siteId: ${JSON.stringify(SITE_ID)}, client: { reconnect: ${JSON.stringify(RECONNECT)} }${extra} });`;
const INIT = init();
/** Chinese texts and a required pre-chat field: both live in the extras file, loaded on demand. */
const INIT_EXTRAS = init(`, locale: 'zh-CN', prechat: { fields: [{ name: 'email', type: 'email', required: true }] }`);

const body = (title: string, scripts: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title>%HEAD%</head>
<body>
<main>
<h1>${title}</h1>
<p>A host page with the Hotline chat widget.</p>
<button type="button" id="page-button">Something on the page</button>
</main>
${scripts}
</body>
</html>`;

/** The Content-Security-Policy of the strict page, for one nonce and the server's port. */
export function strictCsp(nonce: string, port: number): string {
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'nonce-${nonce}'`,
    // The gateway only: not even 'self' (the page's http origin) for fetch or XHR.
    `connect-src ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    // Stricter still: no DOM sink may take a string, and no policy may be created to allow it.
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
}

function send(res: ServerResponse, type: string, content: string | Buffer, headers: Record<string, string> = {}) {
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...headers });
  res.end(content);
}

/** Answers the page paths; returns false for any other path. */
export function servePage(req: IncomingMessage, res: ServerResponse, port: number): boolean {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  switch (path) {
    case '/hotline-widget.js':
    case '/hotline-widget-extras.js':
      try {
        send(
          res,
          'text/javascript; charset=utf-8',
          readFileSync(path === '/hotline-widget.js' ? WIDGET_FILE : EXTRAS_FILE),
        );
      } catch (error) {
        // Not built (or being rebuilt): the page fails visibly, the server stays up.
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      }
      return true;
    case '/embed.js':
      send(res, 'text/javascript; charset=utf-8', INIT);
      return true;
    case PAGES.plain:
      send(
        res,
        'text/html; charset=utf-8',
        body(
          'Hotline e2e: plain page',
          '<script src="/hotline-widget.js"></script>\n<script src="/embed.js"></script>',
        ).replace('%HEAD%', ''),
      );
      return true;
    case PAGES.csp:
    case PAGES.cspExtras: {
      const nonce = randomBytes(16).toString('base64');
      // Registered before anything else runs, so that no violation goes unseen.
      const listener = `<script nonce="${nonce}">window.cspViolations=[];document.addEventListener('securitypolicyviolation',function(e){window.cspViolations.push(e.effectiveDirective+' blocked '+(e.blockedURI||'inline')+' at '+e.sourceFile+':'+e.lineNumber+' '+e.sample)});</script>`;
      send(
        res,
        'text/html; charset=utf-8',
        body(
          'Hotline e2e: strict CSP',
          `<script nonce="${nonce}" src="/hotline-widget.js"></script>\n<script nonce="${nonce}">${path === PAGES.csp ? INIT : INIT_EXTRAS}</script>`,
        ).replace('%HEAD%', listener),
        { 'content-security-policy': strictCsp(nonce, port) },
      );
      return true;
    }
    case '/favicon.ico':
      res.writeHead(204).end();
      return true;
    default:
      return false;
  }
}
