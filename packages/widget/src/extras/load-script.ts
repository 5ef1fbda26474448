import { ClientError } from '@hotline/client';
import { h } from '../dom/h.js';
import type { Extras } from './extras.js';

// Read while the script runs: `currentScript` is null afterwards. Its `nonce` property (the
// attribute is blanked by browsers) is the page's CSP nonce.
const script = document.currentScript as HTMLScriptElement | null;
const loading: Record<string, Promise<unknown> | undefined> = {};

/** What a file registered on the `Hotline` global (`register.ts`), once it ran. */
const registered = <T>(key: string): T | undefined =>
  (globalThis as { Hotline?: Record<string, T | undefined> }).Hotline?.[key];

/**
 * The extras for the one-script-tag build: `hotline-widget-extras.js` from the directory of
 * the widget's own script (its query string kept, for cache busting), or from `url`. Loaded
 * once for the page; a failed load is forgotten, so the next call tries again. Already there
 * when the page has the extras file as a `<script>` tag of its own.
 */
export const loadExtras = (url?: string): Extras | Promise<Extras> =>
  loadFile<Extras>('__extras', 'hotline-widget-extras.js', url);

/**
 * A file beside the widget's script that registers `Hotline[key]` when it runs (the extras,
 * the voice file), loaded once; it rejects with `UNAVAILABLE` (reason `<key>_unavailable`)
 * when it cannot load, and is tried again on the next call.
 */
export function loadFile<T>(key: string, file: string, url?: string): T | Promise<T> {
  const done = registered<T>(key);
  if (done) return done;
  loading[key] ??= fetchFile<T>(key, url ?? script?.src.replace(/[^/?#]*([?#].*)?$/, `${file}$1`)).catch(
    (error: unknown) => {
      loading[key] = undefined;
      throw error;
    },
  );
  return loading[key] as Promise<T>;
}

async function fetchFile<T>(key: string, url: string | undefined): Promise<T> {
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
    registered<T>(key) ??
    Promise.reject(new ClientError('UNAVAILABLE', `could not load ${url}`, { reason: `${key.slice(2)}_unavailable` }))
  );
}
