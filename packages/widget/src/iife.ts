/**
 * The one-script-tag build (`dist/hotline-widget.js`), which sets `window.Hotline`. With a
 * `data-site-id` on its `<script>` tag it starts by itself; otherwise the page calls
 * `Hotline.init({...})`. The other functions act on the widget `init` created last.
 */
import { ClientError } from '@hotline/client';
import { optionsFromScript } from './data-attributes.js';
import { init as create } from './init.js';
import type { WidgetOptions } from './options.js';
import type { WidgetApi } from './widget.js';

// Read while the script runs: `currentScript` is null afterwards. The nonce property (not
// the attribute, which browsers blank) is the page's CSP nonce, for the <style> fallback.
const script = document.currentScript as HTMLScriptElement | null;
let instance: WidgetApi | undefined;

const global = globalThis as { Hotline?: Record<string, unknown> };
const Hotline: Record<string, unknown> = {
  // Set by the extras file (`extras/register.ts`) when a tag of the page ran it first.
  __extras: global.Hotline?.__extras,
  init(options: WidgetOptions): WidgetApi {
    instance = create({ nonce: script?.nonce || undefined, ...options });
    return instance;
  },
};
for (const name of [
  'open',
  'close',
  'toggle',
  'setUser',
  'setAttributes',
  'setLocale',
  'reset',
  'on',
  'destroy',
] as const) {
  Hotline[name] = (...args: unknown[]) => {
    if (!instance) throw new ClientError('NOT_FOUND', 'call Hotline.init({ url, siteId }) first');
    return (instance[name] as (...a: unknown[]) => unknown)(...args);
  };
}
Object.defineProperty(Hotline, 'instance', { get: () => instance });
global.Hotline = Hotline;

const auto = script && optionsFromScript(script);
if (auto) (Hotline.init as (options: WidgetOptions) => WidgetApi)(auto);
