import { en, type Messages } from '../i18n/en.js';
import { EXTRA_LOCALE } from '../i18n/translator.js';
import { zhCN } from '../i18n/zh-cn.js';
import { EXTRAS_CSS } from './styles.js';
import { endedView, offlineView, prechatView } from './views.js';

/**
 * The parts of the widget most visitors never see: the pre-chat and offline forms, the
 * rating and transcript request at the end, their English texts, and every built-in locale
 * but English. The one-script-tag build ships them as a second file,
 * `hotline-widget-extras.js`, loaded when first needed (`load-script.ts`); the ESM build
 * imports them like any module (`load.ts`).
 *
 * Objects cross from one bundle to the other here, and each bundle renames its `_name`
 * members on its own: nothing passed either way may have a member whose name starts with `_`.
 */
export const extras: {
  prechat: typeof prechatView;
  offline: typeof offlineView;
  ended: typeof endedView;
  /**
   * Dictionaries by lower-case tag: all of English (the main bundle has `enChat` only) and
   * the locale that `EXTRA_LOCALE` (`translator.ts`) names for the main bundle.
   */
  locales: Readonly<Record<string, Messages>>;
  /** The styles of these views, adopted next to the main stylesheet. */
  css: string;
} = {
  prechat: prechatView,
  offline: offlineView,
  ended: endedView,
  locales: { en, [EXTRA_LOCALE]: zhCN },
  css: EXTRAS_CSS,
};

/** What `loadExtras` gives: the parts above. */
export type Extras = typeof extras;

/**
 * Gets the extras: at once where they are bundled or already loaded, else a promise (one
 * load shared by every widget on the page). `url` overrides where the script build looks.
 */
export type ExtrasLoader = (url?: string) => Extras | Promise<Extras>;
