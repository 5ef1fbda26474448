import { ClientError } from '@hotline/client';
import { h } from '../dom/h.js';
import type { Extras } from './extras.js';

// Read while the script runs: `currentScript` is null afterwards. Its `nonce` property (the
// attribute is blanked by browsers) is the page's CSP nonce.
const script = document.currentScript as HTMLScriptElement | null;
let loading: Promise<Extras> | undefined;

/** What `hotline-widget-extras.js` registered (`register.ts`), once it ran. */
const registered = (): Extras | undefined => (globalThis as { Hotline?: { __extras?: Extras } }).Hotline?.__extras;

/**
 * The extras for the one-script-tag build: `hotline-widget-extras.js` from the directory of
 * the widget's own script (its query string kept, for cache busting), or from `url`. Loaded
 * once for the page; a failed load is forgotten, so the next call tries again. Already there
 * when the page has the extras file as a `<script>` tag of its own.
 */
export function loadExtras(url?: string): Extras | Promise<Extras> {
  const extras = registered();
  if (extras) return extras;
  loading ??= fetchExtras(url).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function fetchExtras(
  url = script?.src.replace(/[^/?#]*([?#].*)?$/, 'hotline-widget-extras.js$1'),
): Promise<Extras> {
  try {
    url = new URL(url as string, document.baseURI).href;
    // A module import first: a nonce policy allows it (browsers hand the importing script's
    // nonce on, 'strict-dynamic' or not), and so do Trusted Types, which refuse the string
    // `src` of a `<script>`. No inline code either way.
    await import(/* @vite-ignore */ url);
  } catch {
    try {
      // From another origin without CORS headers a module import fails where a classic
      // script loads: one with the page's nonce. Settled either way; `registered` tells.
      await new Promise((settle) =>
        document.head.append(h('script', { src: url, nonce: script?.nonce, onLoad: settle, onError: settle })),
      );
    } catch {
      // Trusted Types refused the `src`: the module import was the way, and it failed.
    }
  }
  return (
    registered() ??
    Promise.reject(new ClientError('UNAVAILABLE', `could not load ${url}`, { reason: 'extras_unavailable' }))
  );
}
