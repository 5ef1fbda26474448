import { enChat, type Messages } from './en.js';

/** Texts for one locale; missing ones fall back along the locale chain, then to English. */
export type Texts = Partial<Messages>;

/** A text a host configures: one string for every locale, or one per locale tag. */
export type LocalizedText = string | Readonly<Record<string, string>>;

/**
 * The lower-case tag of the built-in locale other than English, whose dictionary comes with
 * the extras (`extras/extras.ts`): a widget whose locale chain has it loads them before it
 * shows its texts.
 */
export const EXTRA_LOCALE = 'zh-cn';

/**
 * The lookup order for a BCP 47 tag, lower-cased: the tag, then each shorter prefix
 * (`zh-Hans-CN` → `zh-hans` → `zh`), each Chinese one without a region (and `zh-sg`)
 * followed by `zh-cn`, and English last.
 */
export function localeChain(tag: string): string[] {
  const parts = tag.toLowerCase().split(/[-_]/);
  const chain: string[] = [];
  for (let i = parts.length; i; i--) {
    const prefix = parts.slice(0, i).join('-');
    chain.push(prefix);
    // Tags that mean Simplified Chinese without saying zh-CN.
    if (/^zh(-hans|-sg|-hans-cn)?$/.test(prefix)) chain.push('zh-cn');
  }
  return [...chain, 'en'];
}

/** The record with its keys lower-cased (locale tags compare so). */
export const lowerKeys = <T>(record: Readonly<Record<string, T>> = {}): Record<string, T> =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key.toLowerCase(), value]));

/** Translates keys and host-configured texts for one locale. */
export interface Translator {
  /** The locale asked for, as given. */
  readonly locale: string;
  /** `ltr` or `rtl`, for the panel's `dir`. */
  readonly dir: 'ltr' | 'rtl';
  /** The text for `key`, with `{name}` placeholders filled from `vars`. */
  t(key: keyof Messages, vars?: Record<string, string | number>): string;
}

/**
 * A translator for `locale`: host texts first, then the built-in `dictionaries`. Without
 * them there are the English texts of the conversation only (`enChat`); the extras bring
 * all of English and the other locales.
 */
export function createTranslator(
  locale: string,
  hostTexts?: Readonly<Record<string, Texts>>,
  dictionaries?: Readonly<Record<string, Texts>>,
): Translator {
  const chain = localeChain(locale);
  const host = lowerKeys(hostTexts);
  const builtIn = lowerKeys<Texts>({ en: enChat, ...dictionaries });
  return {
    locale,
    dir: /^(ar|he|fa|ur|ps|yi)\b/i.test(locale) ? 'rtl' : 'ltr',
    t(key, vars) {
      for (const tag of chain) {
        const text = host[tag]?.[key] ?? builtIn[tag]?.[key];
        if (text !== undefined) return text.replace(/\{(\w+)\}/g, (all, name: string) => `${vars?.[name] ?? all}`);
      }
      return key;
    },
  };
}
