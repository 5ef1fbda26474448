import { afterEach } from 'vitest';
import type { ExtrasLoader } from '../src/extras/extras.js';
import { loadExtras } from '../src/extras/load.js';
import type { WidgetOptions } from '../src/options.js';
import { createWidget, type WidgetApi } from '../src/widget.js';
import { fakeFactory } from './fake-chat.js';

export const OPTIONS: WidgetOptions = {
  url: 'wss://chat.example.com/hotline/webchat',
  siteId: 'site_acme',
  locale: 'en',
};

const widgets: WidgetApi[] = [];

/** A widget on a stand-in chat client (and the bundled extras, unless `load` is given); destroyed after each test. */
export function mount(
  options: Partial<WidgetOptions> = {},
  prepare?: Parameters<typeof fakeFactory>[0],
  load: ExtrasLoader = loadExtras,
) {
  const fake = fakeFactory(prepare);
  const widget = createWidget({ ...OPTIONS, ...options }, fake.factory, load);
  widgets.push(widget);
  return { widget, chats: fake.chats };
}

afterEach(() => {
  for (const widget of widgets.splice(0)) widget.destroy();
  document.body.replaceChildren();
});
