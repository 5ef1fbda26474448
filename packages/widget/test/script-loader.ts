import { expect, vi } from 'vitest';

/**
 * A loader module of the one-script-tag build (`extras/load-script.ts`, `voice/load-script.ts`)
 * as the build runs it: evaluated (by `importModule`, after `vi.resetModules`) while its
 * `<script>` (with these attributes) is `document.currentScript`. Scripts it appends are
 * caught, not loaded.
 */
export async function loadUnderScript<M>(attributes: Record<string, string>, importModule: () => Promise<M>) {
  const script = document.createElement('script');
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
  if (attributes.nonce) script.nonce = attributes.nonce;
  Object.defineProperty(document, 'currentScript', { value: script, configurable: true });
  vi.resetModules();
  const module = await importModule();
  Reflect.deleteProperty(document, 'currentScript');
  const appended: HTMLScriptElement[] = [];
  vi.spyOn(document.head, 'append').mockImplementation((...nodes) => {
    appended.push(...(nodes as HTMLScriptElement[]));
  });
  return { module, appended };
}

/** Waits for the `n`th appended script (the module import is tried, and fails, first). */
export async function nth(appended: HTMLScriptElement[], n: number): Promise<HTMLScriptElement> {
  await vi.waitFor(() => expect(appended.length).toBeGreaterThanOrEqual(n), { timeout: 5000, interval: 5 });
  return appended[n - 1] as HTMLScriptElement;
}
