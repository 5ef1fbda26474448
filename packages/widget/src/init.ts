import { customerChat } from './client.js';
import { loadExtras } from './extras/load.js';
import type { WidgetOptions } from './options.js';
import { loadVoice } from './voice/load.js';
import { createWidget, type WidgetApi } from './widget.js';

/**
 * Puts the chat widget on the page: a `<hotline-chat>` element with its launcher. Nothing
 * is stored and no connection is made until the visitor opens it.
 *
 * @throws ClientError `VALIDATION_FAILED` when an option is invalid (every problem in `details.issues`).
 *
 * @example
 * ```ts
 * import { init } from '@hotline/widget';
 *
 * const chat = init({
 *   url: 'wss://support.example.com/hotline/webchat',
 *   siteId: 'site_acme',
 *   texts: { en: { welcome: 'Hi! Ask us anything.' }, 'zh-CN': { welcome: '您好！欢迎咨询。' } },
 * });
 * chat.on('unread', (count) => console.log(count));
 * document.querySelector('#help')?.addEventListener('click', () => chat.open());
 * ```
 */
export function init(options: WidgetOptions): WidgetApi {
  return createWidget(options, customerChat, loadExtras, loadVoice);
}
