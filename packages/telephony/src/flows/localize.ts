import type { FlowDefinition, LocalizedKeywords, LocalizedText } from './definition-schema.js';

const languageOf = (tag: string) => tag.split('-')[0]?.toLowerCase() ?? '';

/**
 * Picks the entry of a per-locale record for a locale: the exact tag, then its language
 * (`zh-CN` → `zh`), then any tag of the same language, then the default locale.
 */
function pick<T>(record: Record<string, T>, locale: string, defaultLocale: string): T | undefined {
  const entries = Object.entries(record);
  const find = (pred: (key: string) => boolean) => entries.find(([key]) => pred(key.toLowerCase()))?.[1];
  const tag = locale.toLowerCase();
  const lang = languageOf(locale);
  return (
    find((k) => k === tag) ??
    find((k) => k === lang) ??
    find((k) => languageOf(k) === lang) ??
    find((k) => k === defaultLocale.toLowerCase())
  );
}

/** The text to say in `locale`, falling back to the flow's default locale. */
export function localize(text: LocalizedText, locale: string, def: Pick<FlowDefinition, 'defaultLocale'>): string {
  if (typeof text === 'string') return text;
  return pick(text, locale, def.defaultLocale) ?? Object.values(text)[0] ?? '';
}

/** The keywords of a menu option in `locale`, falling back to the default locale. */
export function localizeKeywords(
  keywords: LocalizedKeywords,
  locale: string,
  def: Pick<FlowDefinition, 'defaultLocale'>,
): string[] {
  if (Array.isArray(keywords)) return keywords;
  return pick(keywords, locale, def.defaultLocale) ?? [];
}

/**
 * The locale a flow runs in for a requested one: a declared locale of the same tag or
 * language, else the default. A flow without declared locales takes any tag as given.
 */
export function resolveLocale(def: Pick<FlowDefinition, 'defaultLocale' | 'locales'>, requested?: string): string {
  if (requested === undefined) return def.defaultLocale;
  if (!def.locales) return requested;
  const tag = requested.toLowerCase();
  const lang = languageOf(requested);
  return (
    def.locales.find((l) => l.toLowerCase() === tag) ??
    def.locales.find((l) => l.toLowerCase() === lang) ??
    def.locales.find((l) => languageOf(l) === lang) ??
    def.defaultLocale
  );
}

/**
 * Text compared case-, width- and accent-insensitively, punctuation turned into spaces.
 * Accents go after decomposition and the rest is recomposed, so kana and Hangul survive.
 */
function normalizeAnswer(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
    .trim();
}

// Scripts written without spaces between words: a keyword matches anywhere in the text.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}]/u;

/**
 * Whether an answer contains a keyword: as whole words in spaced scripts (so `no` does
 * not match `phone`), as a substring in scripts without spaces (`中文` in `我要中文`).
 */
export function matchesKeyword(answer: string, keyword: string): boolean {
  const text = normalizeAnswer(answer);
  const word = normalizeAnswer(keyword);
  if (word === '') return false;
  if (UNSPACED.test(word)) return text.includes(word);
  return ` ${text} `.includes(` ${word} `);
}
