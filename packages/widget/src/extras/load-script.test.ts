import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadUnderScript, nth } from '../../test/script-loader.js';
import { type Extras, extras } from './extras.js';

type Loader = (url?: string) => Extras | Promise<Extras>;
const global = globalThis as { Hotline?: Record<string, unknown> };

/** `load-script.ts` under a `<script>` with these attributes. */
async function load(attributes: Record<string, string>) {
  const { module, appended } = await loadUnderScript(
    attributes,
    () => import('./load-script.js') as Promise<{ loadExtras: Loader }>,
  );
  return { loadExtras: module.loadExtras, appended };
}

afterEach(() => {
  delete global.Hotline;
  vi.restoreAllMocks();
});

describe('loadExtras in the one-script-tag build', () => {
  it('loads hotline-widget-extras.js next to its own script, with its nonce, once for every caller', async () => {
    const { loadExtras, appended } = await load({
      src: 'https://cdn.example.com/hotline/hotline-widget.js?v=3',
      nonce: 'n0nc3',
    });
    const first = loadExtras();
    const second = loadExtras();
    expect(first).toBeInstanceOf(Promise);
    expect(second).toBe(first);
    const script = await nth(appended, 1);
    expect(script.src).toBe('https://cdn.example.com/hotline/hotline-widget-extras.js?v=3');
    // The attribute sets the element's nonce for CSP (browsers then hide it from the DOM).
    expect(script.getAttribute('nonce')).toBe('n0nc3');
    expect(script.textContent).toBe('');
    // What the extras file does when it runs (`register.ts`), then the load event.
    global.Hotline = { __extras: extras };
    script.dispatchEvent(new Event('load'));
    await expect(first).resolves.toBe(extras);
    expect(appended).toHaveLength(1);
    // From then on at once, without a promise.
    expect(loadExtras()).toBe(extras);
  });

  it('rejects with UNAVAILABLE when the file cannot load, and tries again on the next need', async () => {
    const { loadExtras, appended } = await load({ src: 'https://cdn.example.com/hotline-widget.js', nonce: 'abc' });
    const failed = loadExtras();
    (await nth(appended, 1)).dispatchEvent(new Event('error'));
    await expect(failed).rejects.toMatchObject({ code: 'UNAVAILABLE', reason: 'extras_unavailable' });

    const retried = loadExtras();
    expect(retried).not.toBe(failed);
    const script = await nth(appended, 2);
    expect(script.src).toBe('https://cdn.example.com/hotline-widget-extras.js');
    expect(script.getAttribute('nonce')).toBe('abc');
    global.Hotline = { __extras: extras };
    script.dispatchEvent(new Event('load'));
    await expect(retried).resolves.toBe(extras);
  });

  it('rejects when the file loads but registers nothing (another file at that address)', async () => {
    const { loadExtras, appended } = await load({ src: 'https://cdn.example.com/hotline-widget.js' });
    const loading = loadExtras();
    (await nth(appended, 1)).dispatchEvent(new Event('load'));
    await expect(loading).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('takes extrasUrl over the default, resolved against the page', async () => {
    const { loadExtras, appended } = await load({ src: 'https://cdn.example.com/hotline-widget.js' });
    void loadExtras('/static/chat-extras.js');
    expect((await nth(appended, 1)).src).toBe(new URL('/static/chat-extras.js', document.baseURI).href);
  });

  it('uses extras the page already loaded with a script tag of its own, without loading', async () => {
    global.Hotline = { __extras: extras };
    const { loadExtras, appended } = await load({ src: 'https://cdn.example.com/hotline-widget.js' });
    expect(loadExtras()).toBe(extras);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(appended).toEqual([]);
  });
});
