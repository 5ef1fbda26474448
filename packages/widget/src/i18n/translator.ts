import { en, type Messages } from './en.js';
import { zhCN } from './zh-cn.js';

/** Texts for one locale; missing ones fall back along the locale chain, then to English. */
export type Texts = Partial<Messages>;

/** A text a host configures: one string for every locale, or one per locale tag. */
export type LocalizedText = string | Readonly<Record<string, string>>;

/** The locales built in; any other is added by giving its texts in the `texts` option. */
export const BUILT_IN_LOCALES: Readonly<Record<string, Messages>> = { en, 'zh-CN': zhCN };

// Tags that mean Simplified Chinese without saying zh-CN.
const ALIASES: Record<string, string> = { zh: 'zh-cn', 'zh-hans': 'zh-cn', 'zh-sg': 'zh-cn', 'zh-hans-cn': 'zh-cn' };

/**
 * The lookup order for a BCP 47 tag, lower-cased: the tag, then each shorter prefix
 * (`zh-Hans-CN` → `zh-hans` → `zh`), each followed by its alias, and English last.
 */
export function localeChain(tag: string): string[] {
  const parts = tag.toLowerCase().split(/[-_]/);
  const chain: string[] = [];
  for (let i = parts.length; i > 0; i--) {
    const prefix = parts.slice(0, i).join('-');
    chain.push(prefix);
    const alias = ALIASES[prefix];
    if (alias) chain.push(alias);
  }
  chain.push('en');
  return chain;
}

function lowerKeys<T>(record: Readonly<Record<string, T>> | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key in record) out[key.toLowerCase()] = record[key] as T;
  return out;
}

/** Translates keys and host-configured texts for one locale. */
export interface Translator {
  /** The locale asked for, as given. */
  readonly locale: string;
  /** `ltr` or `rtl`, for the panel's `dir`. */
  readonly dir: 'ltr' | 'rtl';
  /** The text for `key`, with `{name}` placeholders filled from `vars`. */
  t(key: keyof Messages, vars?: Record<string, string | number>): string;
  /** Picks the best variant of a host-configured text. */
  pick(text: LocalizedText | undefined): string;
}

/** A translator for `locale`, host texts first, then the built-in dictionaries. */
export function createTranslator(locale: string, hostTexts?: Readonly<Record<string, Texts>>): Translator {
  const chain = localeChain(locale);
  const host = lowerKeys(hostTexts);
  const builtIn = lowerKeys(BUILT_IN_LOCALES);
  const fill = (text: string, vars?: Record<string, string | number>): string =>
    vars ? text.replace(/\{(\w+)\}/g, (all, name: string) => String(vars[name] ?? all)) : text;
  return {
    locale,
    dir: /^(ar|he|fa|ur|ps|yi)\b/i.test(locale) ? 'rtl' : 'ltr',
    t(key, vars) {
      for (const tag of chain) {
        const text = host[tag]?.[key] ?? builtIn[tag]?.[key];
        if (text !== undefined) return fill(text, vars);
      }
      return key;
    },
    pick(text) {
      if (text === undefined || typeof text === 'string') return text ?? '';
      const variants = lowerKeys(text);
      for (const tag of chain) if (variants[tag] !== undefined) return variants[tag];
      return Object.values(text)[0] ?? '';
    },
  };
}
