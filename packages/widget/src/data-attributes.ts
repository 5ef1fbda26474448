import type { WidgetOptions } from './options.js';

/**
 * `init` options from the loading `<script>`'s data attributes, or `undefined` without
 * `data-site-id` (then the page calls `Hotline.init` itself): `data-url`, `data-site-id`,
 * `data-locale`, `data-theme`, `data-position`, `data-queue-id`, `data-open-on-load`,
 * `data-extras-url`, and as JSON `data-colors`, `data-texts`, `data-prechat` (the `prechat`
 * option) and `data-attributes`. `init` checks them like any other options.
 */
export function optionsFromScript(script: HTMLElement): WidgetOptions | undefined {
  const { siteId, openOnLoad, ...data } = script.dataset;
  if (!siteId) return undefined;
  const options: Record<string, unknown> = {
    ...data,
    siteId,
    openOnLoad: openOnLoad !== undefined && openOnLoad !== 'false',
  };
  for (const key of ['colors', 'texts', 'prechat', 'attributes']) {
    try {
      if (data[key]) options[key] = JSON.parse(data[key]);
    } catch {
      // Not JSON: kept as the string, which `init` then reports.
    }
  }
  return options as unknown as WidgetOptions;
}
