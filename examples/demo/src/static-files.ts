import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

/** Where the demo's files come from. */
export interface StaticFilesOptions {
  /** The pages: `public/` (shop at `/`, agent desk under `/agent`, wallboard under `/wallboard`). */
  publicDir: string;
  /** `@hotline/widget`'s `dist/` (the one-script-tag files). */
  widgetDir: string;
  /** The demo's `dist/static/` (the browser build of `@hotline/client`). */
  bundleDir: string;
  /** More addresses the pages may connect to (Kamailio's WebSocket). @default none */
  connectSources?: () => readonly string[];
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

/** The pages' addresses without a file name. */
const PAGES: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/agent': 'agent/index.html',
  '/agent/': 'agent/index.html',
  '/wallboard': 'wallboard/index.html',
  '/wallboard/': 'wallboard/index.html',
};

/** The built files under `/static/`, and the package that builds each. */
const BUNDLES: Readonly<Record<string, { dir: 'widgetDir' | 'bundleDir'; builtBy: string }>> = {
  'hotline-widget.js': { dir: 'widgetDir', builtBy: '@hotline/widget' },
  'hotline-widget.js.map': { dir: 'widgetDir', builtBy: '@hotline/widget' },
  'hotline-widget-extras.js': { dir: 'widgetDir', builtBy: '@hotline/widget' },
  'hotline-widget-extras.js.map': { dir: 'widgetDir', builtBy: '@hotline/widget' },
  'hotline-client.js': { dir: 'bundleDir', builtBy: '@hotline/example-demo' },
  'hotline-client.js.map': { dir: 'bundleDir', builtBy: '@hotline/example-demo' },
  'hotline-widget-voice.js': { dir: 'widgetDir', builtBy: '@hotline/widget' },
  'hotline-widget-voice.js.map': { dir: 'widgetDir', builtBy: '@hotline/widget' },
  'hotline-telephony.js': { dir: 'bundleDir', builtBy: '@hotline/example-demo' },
  'hotline-telephony.js.map': { dir: 'bundleDir', builtBy: '@hotline/example-demo' },
};

/**
 * A strict Content Security Policy: scripts and styles from this origin only (no inline
 * code, no `eval`), WebSockets to this host, nothing framing the pages. The shop page, the
 * widget, the desk and the wallboard all work under it.
 */
function contentSecurityPolicy(host: string | undefined, extra: readonly string[]): string {
  // Only a well-formed Host goes into the header.
  const sockets =
    host && /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:]+\](:\d{1,5})?$/i.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src 'self'${sockets}${extra.map((source) => ` ${source}`).join('')}`,
    // The softphone plays the other side's audio from a MediaStream.
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** A path under `root`, or `undefined` for anything that would leave it or is hidden. */
function inside(root: string, relative: string): string | undefined {
  if (relative.includes('\0') || relative.split('/').some((part) => part.startsWith('.'))) return undefined;
  const full = normalize(join(root, relative));
  return full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : undefined;
}

/**
 * Serves the demo's pages and bundles: `GET`/`HEAD` of `/`, `/agent`, `/wallboard`, the
 * files beside them in `public/`, and `/static/hotline-widget.js`, its extras and
 * `/static/hotline-client.js`. Returns `false` for anything else (Hotline's routes).
 */
export function staticFiles(options: StaticFilesOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const serve = async (req: IncomingMessage, res: ServerResponse, file: string, builtBy?: string) => {
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      const text = builtBy ? `${file} is not built: run \`npx turbo run build --filter=${builtBy}\`\n` : 'not found\n';
      res.writeHead(builtBy ? 503 : 404, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
      return;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const headers: Record<string, string | number> = {
      'content-type': type,
      'content-length': body.length,
      // A demo: always revalidate, so a rebuilt bundle or an edited page shows at once.
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
    };
    if (type.startsWith('text/html'))
      headers['content-security-policy'] = contentSecurityPolicy(req.headers.host, options.connectSources?.() ?? []);
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return false;
    }
    let file: string | undefined;
    let builtBy: string | undefined;
    const page = PAGES[path];
    if (page !== undefined) {
      file = join(options.publicDir, page);
    } else if (path.startsWith('/static/')) {
      const bundle = BUNDLES[path.slice('/static/'.length)];
      if (!bundle) return false;
      file = join(options[bundle.dir], path.slice('/static/'.length));
      builtBy = bundle.builtBy;
    } else if (TYPES[extname(path)] !== undefined) {
      file = inside(options.publicDir, path.slice(1));
    }
    if (file === undefined) return false;
    serve(req, res, file, builtBy).catch(() => res.destroy());
    return true;
  };
}
