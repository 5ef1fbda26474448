// Word matching for rule conditions and auto-classification: case- and accent-insensitive,
// whole words for scripts that separate words with spaces, and substrings for scripts that
// do not (Chinese, Japanese, Korean, Thai…), where a "word" cannot be found without a
// dictionary. Both sides go through the same folding, so a phrase matches exactly the
// texts a person would say contain it.

/** A text folded once for matching: reused by every condition that reads it. */
export interface FoldedText {
  /** Lower case, Latin accents removed, compatibility forms unified (`Ｒéfund` → `refund`). */
  readonly folded: string;
  /** The words of `folded`, each surrounded by one space; scriptio-continua letters are one word each. */
  readonly padded: string;
}

/** Latin, Greek and Cyrillic combining accents (U+0300–U+036F), removed after decomposition. */
const COMBINING_ACCENTS = /[\u0300-\u036f]/g;

// Scripts written without spaces between words: each letter is its own token, so a phrase
// of them matches as a substring of the text while Latin words still need whole-word hits.
const CONTINUOUS =
  '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}';
const TOKEN = new RegExp(`[${CONTINUOUS}][\\p{M}]*|(?:(?![${CONTINUOUS}])[\\p{L}\\p{N}\\p{M}])+`, 'gu');

/**
 * Folds a string for comparison: NFKD, Latin accents dropped, recomposed (so Japanese
 * voiced kana and Hangul survive), lower-cased.
 *
 * @example
 * ```ts
 * foldCase('Crème BRÛLÉE'); // 'creme brulee'
 * ```
 */
export function foldCase(text: string): string {
  return text.normalize('NFKD').replace(COMBINING_ACCENTS, '').normalize('NFC').toLowerCase();
}

/**
 * Folds a text and splits it into words once, for {@link matchesPhrase}.
 *
 * @example
 * ```ts
 * foldText('Je veux être remboursé').padded; // ' je veux etre rembourse '
 * foldText('我要退款').padded; // ' 我 要 退 款 '
 * ```
 */
export function foldText(text: string): FoldedText {
  const folded = foldCase(text);
  const tokens = folded.match(TOKEN);
  return { folded, padded: tokens === null ? ' ' : ` ${tokens.join(' ')} ` };
}

/**
 * The padded form of a phrase (`' credit card '`), or `undefined` when it has no word
 * characters at all (`'!!!'`), which would match everything.
 */
export function phraseKey(phrase: string): string | undefined {
  const padded = foldText(phrase).padded;
  return padded.length > 1 ? padded : undefined;
}

/** Whether a folded text contains a phrase key (from {@link phraseKey}) as whole words. */
export function matchesPhrase(text: FoldedText, key: string): boolean {
  return text.padded.includes(key);
}

/**
 * Splits Zendesk-style word lists: words separated by spaces or commas, and quoted
 * phrases kept together (`refund "credit card"` → `['refund', 'credit card']`). An array
 * is taken item by item, each item one phrase.
 *
 * @example
 * ```ts
 * splitPhrases('refund "credit card", 退款'); // ['refund', 'credit card', '退款']
 * ```
 */
export function splitPhrases(value: string | readonly string[]): string[] {
  if (typeof value !== 'string') return value.map((item) => item.trim()).filter((item) => item.length > 0);
  const phrases: string[] = [];
  const pattern = /"([^"]*)"|[^\s,"]+/g;
  for (let match = pattern.exec(value); match !== null; match = pattern.exec(value)) {
    const phrase = (match[1] ?? match[0]).trim();
    if (phrase.length > 0) phrases.push(phrase);
  }
  return phrases;
}
