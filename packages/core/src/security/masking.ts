import { z } from 'zod';
import { parseInput } from '../validation/parse.js';
import { isAlnum, isDigit, type PiiMatch, scanPii } from './pii-scan.js';

/*
 * PII masking for display, logs and transcripts.
 *
 * Two layers:
 * - `maskPhone`, `maskEmail`, `maskIdNumber`, `maskCardNumber` mask a value the caller
 *   already knows the kind of. They keep the value's formatting (separators stay, each
 *   hidden character becomes one `*`; emails get a fixed `***`) so a masked value still
 *   reads like what it was.
 * - `findPii` / `maskText` look for those values inside free text. Detection is a single
 *   left-to-right scan plus bounded work per candidate, never a backtracking regular
 *   expression over the whole text, so the running time is linear in the text length
 *   whatever the input (a 1 MB hostile string is masked in milliseconds).
 *
 * Masking is a display control, not anonymisation: a masked phone keeps its last digits
 * on purpose so an agent can confirm "the number ending 5678".
 */

const MASK = '*';

const stringSchema = z.string();

function requireString(value: unknown, what: string): string {
  return parseInput(stringSchema, value, what);
}

// ---------------------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------------------

// E.164 country codes are prefix-free: 1 and 7 are the only one-digit codes, this matches
// the two-digit ones (20, 27, 30-34, 36, 39, 40, 41, 43-49, 51-58, 60-66, 81, 82, 84, 86,
// 90-95, 98), and every other code has three digits. That is enough to find where the
// country code of `+8613812345678` ends without a full numbering-plan table.
const TWO_DIGIT_COUNTRY_CODE = /^(?:2[07]|3[0-469]|4[013-9]|5[1-8]|6[0-6]|8[1246]|9[0-58])/;

/** Length (1–3) of the E.164 country code at the start of the digits after `+` or `00`. */
function countryCodeLength(digits: string): number {
  const first = digits.charAt(0);
  if (first === '1' || first === '7') return 1;
  return TWO_DIGIT_COUNTRY_CODE.test(digits) ? 2 : 3;
}

const PHONE_KEPT = new Set([' ', '-', '.', '(', ')', '/', '\u00a0']);

/**
 * Masks a phone number, keeping the international prefix (`+86`, `0086`) and the last 4
 * digits, and the formatting in between.
 *
 * Rules:
 * - A leading `+` or `00` marks an international number; the country code after it is
 *   kept. Its length (1–3 digits) follows from the E.164 code structure, which is
 *   prefix-free, so `+8613812345678` keeps `+86` without separators to go by.
 * - The last 4 digits are kept, but never more than half of the digits after the country
 *   code, so a short extension is not left mostly visible.
 * - Separators (space, `-`, `.`, `/`, parentheses) stay; any other character (letters of
 *   a vanity number, an `ext.`) is masked too, so odd input fails safe.
 *
 * @throws ValidationError when `phone` is not a string.
 * @example
 * ```ts
 * maskPhone('+86 138 1234 5678'); // '+86 *** **** 5678'
 * maskPhone('+8613812345678'); // '+86*******5678'
 * maskPhone('(555) 123-4567'); // '(***) ***-4567'
 * ```
 */
export function maskPhone(phone: string): string {
  return maskPhoneUnchecked(requireString(phone, 'phone number'));
}

function maskPhoneUnchecked(text: string): string {
  let digits = '';
  for (let i = 0; i < text.length; i++) if (isDigit(text.charCodeAt(i))) digits += text.charAt(i);
  const trimmed = text.trimStart();
  let keepHead = 0;
  if (trimmed.startsWith('+')) {
    keepHead = countryCodeLength(digits);
  } else if (isDigit(trimmed.charCodeAt(0)) && digits.startsWith('00') && digits.length > 2) {
    keepHead = 2 + countryCodeLength(digits.slice(2));
  }
  keepHead = Math.min(keepHead, digits.length);
  const national = digits.length - keepHead;
  const keepTail = Math.min(4, Math.floor(national / 2));
  let out = '';
  let seen = 0;
  let plusKept = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (isDigit(text.charCodeAt(i))) {
      out += seen < keepHead || seen >= digits.length - keepTail ? char : MASK;
      seen++;
    } else if (char === '+' && !plusKept && seen === 0) {
      out += char;
      plusKept = true;
    } else {
      out += PHONE_KEPT.has(char) ? char : MASK;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Email addresses
// ---------------------------------------------------------------------------------------

/**
 * Masks an email address: the first character of the local part, then `***`, then the
 * domain (`@` included). The number of stars is fixed so the local part's length does
 * not leak. The domain stays visible because it is usually what support staff need
 * ("a corporate or a personal mailbox?") and is rarely personal on its own.
 *
 * The last `@` separates local part and domain (quoted local parts may contain `@`).
 * A string without `@` is masked as if it were a bare local part, so odd input fails safe.
 *
 * @throws ValidationError when `email` is not a string.
 * @example
 * ```ts
 * maskEmail('alice.smith@example.com'); // 'a***@example.com'
 * maskEmail('not-an-email'); // 'n***'
 * ```
 */
export function maskEmail(email: string): string {
  return maskEmailUnchecked(requireString(email, 'email address'));
}

function maskEmailUnchecked(text: string): string {
  if (text.length === 0) return '';
  const at = text.lastIndexOf('@');
  const local = at < 0 ? text : text.slice(0, at);
  const domain = at < 0 ? '' : text.slice(at);
  if (local.length === 0) return `${MASK.repeat(3)}${domain}`;
  // A code point, not a UTF-16 unit, so a non-BMP first character is not cut in half.
  const first = String.fromCodePoint(local.codePointAt(0) as number);
  return `${first}${MASK.repeat(3)}${domain}`;
}

// ---------------------------------------------------------------------------------------
// National ID numbers
// ---------------------------------------------------------------------------------------

const idOptionsSchema = z
  .object({
    keepStart: z.int().min(0).max(64).optional(),
    keepEnd: z.int().min(0).max(64).optional(),
  })
  .strict();

/** Options for {@link maskIdNumber}. */
export interface MaskIdNumberOptions {
  /** Leading characters to keep. @default 3 */
  keepStart?: number;
  /** Trailing characters to keep. @default 4 */
  keepEnd?: number;
}

/**
 * Masks a national ID number (Chinese resident ID of 18 characters, possibly ending in
 * `X`; the old 15-digit form; a US SSN; any other alphanumeric ID), keeping the first 3
 * and last 4 characters.
 *
 * At most half of the ID's letters and digits are ever shown: for short IDs the leading
 * part is dropped first, then the trailing part shrinks. So a 9-digit SSN keeps only its
 * last 4 (`***-**-6789`), the way SSNs are conventionally shown. Spaces and `-` stay;
 * any other character is masked.
 *
 * @throws ValidationError when `id` is not a string or the options are invalid.
 * @example
 * ```ts
 * maskIdNumber('11010519491231002X'); // '110***********002X'
 * maskIdNumber('123-45-6789'); // '***-**-6789'
 * ```
 */
export function maskIdNumber(id: string, options: MaskIdNumberOptions = {}): string {
  const text = requireString(id, 'ID number');
  const opts = parseInput(idOptionsSchema, options, 'ID masking options');
  return maskIdUnchecked(text, opts.keepStart ?? 3, opts.keepEnd ?? 4);
}

function maskIdUnchecked(text: string, keepStartWanted: number, keepEndWanted: number): string {
  let significant = 0;
  for (let i = 0; i < text.length; i++) if (isAlnum(text.charCodeAt(i))) significant++;
  const budget = Math.floor(significant / 2);
  const keepEnd = Math.min(keepEndWanted, budget);
  const keepStart = Math.min(keepStartWanted, budget - keepEnd);
  let out = '';
  let seen = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (isAlnum(text.charCodeAt(i))) {
      out += seen < keepStart || seen >= significant - keepEnd ? char : MASK;
      seen++;
    } else {
      out += char === ' ' || char === '-' ? char : MASK;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Payment card numbers
// ---------------------------------------------------------------------------------------

const cardOptionsSchema = z.object({ keepBin: z.boolean().optional() }).strict();

/** Options for {@link maskCardNumber}. */
export interface MaskCardNumberOptions {
  /**
   * Also keep the first 6 digits (the BIN, which names the issuing bank). Applied only to
   * numbers of 15 digits or more, so at least 5 digits always stay hidden. PCI DSS allows
   * "first six, last four" at most; it is not a target.
   * @default false
   */
  keepBin?: boolean;
}

/**
 * Masks a payment card number (12–19 digits, spaces or dashes allowed), keeping the last
 * 4 digits and, with `keepBin`, the first 6. Separators stay; other characters are
 * masked. Input with fewer than 12 digits still keeps at most half of them, so a wrong
 * field passed here fails safe.
 *
 * @throws ValidationError when `card` is not a string or the options are invalid.
 * @example
 * ```ts
 * maskCardNumber('4111 1111 1111 1111'); // '**** **** **** 1111'
 * maskCardNumber('4111-1111-1111-1111', { keepBin: true }); // '4111-11**-****-1111'
 * ```
 */
export function maskCardNumber(card: string, options: MaskCardNumberOptions = {}): string {
  const text = requireString(card, 'card number');
  const opts = parseInput(cardOptionsSchema, options, 'card masking options');
  return maskCardUnchecked(text, opts.keepBin ?? false);
}

function maskCardUnchecked(text: string, keepBin: boolean): string {
  let digits = 0;
  for (let i = 0; i < text.length; i++) if (isDigit(text.charCodeAt(i))) digits++;
  const keepEnd = digits >= 12 ? 4 : Math.min(4, Math.floor(digits / 2));
  const keepStart = keepBin && digits >= 15 ? 6 : 0;
  let out = '';
  let seen = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (isDigit(text.charCodeAt(i))) {
      out += seen < keepStart || seen >= digits - keepEnd ? char : MASK;
      seen++;
    } else {
      out += char === ' ' || char === '-' ? char : MASK;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Free text
// ---------------------------------------------------------------------------------------

const textOptionsSchema = z
  .object({
    emails: z.boolean().optional(),
    phones: z.boolean().optional(),
    idNumbers: z.boolean().optional(),
    cardNumbers: z.boolean().optional(),
    keepCardBin: z.boolean().optional(),
  })
  .strict();

/** Options for {@link findPii} and {@link maskText}. */
export interface MaskTextOptions {
  /** Detect email addresses. @default true */
  emails?: boolean;
  /** Detect phone numbers. @default true */
  phones?: boolean;
  /** Detect national ID numbers. @default true */
  idNumbers?: boolean;
  /** Detect payment card numbers. @default true */
  cardNumbers?: boolean;
  /** Keep the BIN of card numbers found (see {@link MaskCardNumberOptions.keepBin}). @default false */
  keepCardBin?: boolean;
}

/**
 * Finds email addresses, phone numbers, national ID numbers and payment card numbers in
 * free text, in order of appearance, without overlaps.
 *
 * Detection rules (they favour masking a real value over leaving it, but try hard not to
 * eat order ids, timestamps and other identifiers):
 *
 * - **Digits glued to Latin letters or `_` are an identifier** (`order12345678901`,
 *   `v1`, a hash) and never matched. CJK text right before or after digits is fine
 *   (`手机13812345678`). UUIDs are skipped as a whole.
 * - **Emails**: `local@domain.tld` with an ASCII local part (`A-Z a-z 0-9 . _ % + -`,
 *   starting with a letter or digit) and a domain of at least two dot-separated labels
 *   whose last label is 2+ letters. Trailing `.`/`-` (end of a sentence) is not part of
 *   it. Emails are found first, so `13812345678@qq.com` is one email, not a phone.
 * - Digit groups joined by one separator (space, `-`, `.`, `/`, parentheses) are read
 *   together, so `+86 138-1234-5678` and `4111 1111 1111 1111` are one value each.
 * - **Phones**: `+` or `00` followed by a country code and 8–15 digits in total (E.164);
 *   Chinese mobiles (11 digits `1[3-9]…`, bare or grouped 3-4-4); North American
 *   `(555) 123-4567` / `555-123-4567` (grouped only); and trunk-prefix numbers grouped
 *   after a leading `0` with 10–11 digits (`010-12345678`, `020 7946 0958`). Bare runs
 *   of 10 digits are **not** phones: they are far more often epoch seconds or ids.
 * - **ID numbers**: Chinese resident IDs of 18 characters whose MOD 11-2 check character
 *   (`0-9` or `X`) is right and whose birth date is a real date; US SSNs written
 *   `123-45-6789`. Old 15-digit IDs are not detected in free text (no checksum, out of
 *   use since 2013, indistinguishable from order numbers).
 * - **Card numbers**: 12–19 digits that pass the Luhn check, bare or in groups of four
 *   (or 4-6-5 / 4-6-4) with one consistent separator. Bare runs are skipped when they
 *   start with `0`, start with a `19xx`/`20xx` calendar date (order ids, compact
 *   timestamps; no major card range starts there), or start with `1` and are not 15
 *   digits long (epoch milliseconds and microseconds; only 15-digit UATP cards start
 *   with 1).
 *
 * When groups could be read several ways, the reading that covers the most digits wins,
 * so one value cannot swallow the start of the next.
 *
 * Known limits: full-width digits (`１３８…`), Unicode email local parts and bare
 * 10-digit phone numbers are not detected; an international number may take a short
 * digit group that follows it after a single space (over-masking, never under-masking).
 *
 * @throws ValidationError when `text` is not a string or the options are invalid.
 * @example
 * ```ts
 * findPii('mail bob@example.com or call +1 555 123 4567');
 * // [{ kind: 'email', start: 5, end: 20 }, { kind: 'phone', start: 29, end: 44 }]
 * ```
 */
export function findPii(text: string, options: MaskTextOptions = {}): PiiMatch[] {
  const input = requireString(text, 'text');
  const opts = parseInput(textOptionsSchema, options, 'masking options');
  return scanPii(input, opts);
}

/**
 * Masks every email, phone, ID and card number that {@link findPii} finds in `text`,
 * each with its own masker ({@link maskEmail}, {@link maskPhone}, {@link maskIdNumber},
 * {@link maskCardNumber}); everything else is returned unchanged. Use it on log lines,
 * chat transcripts and ticket bodies before they leave the trusted zone.
 *
 * @throws ValidationError when `text` is not a string or the options are invalid.
 * @example
 * ```ts
 * maskText('我的手机13812345678，邮箱 alice@example.com');
 * // '我的手机*******5678，邮箱 a***@example.com'
 * maskText('card 4111 1111 1111 1111, order 20240115123456789');
 * // 'card **** **** **** 1111, order 20240115123456789'
 * ```
 */
export function maskText(text: string, options: MaskTextOptions = {}): string {
  const input = requireString(text, 'text');
  const opts = parseInput(textOptionsSchema, options, 'masking options');
  const matches = scanPii(input, opts);
  if (matches.length === 0) return input;
  const parts: string[] = [];
  let last = 0;
  for (const match of matches) {
    parts.push(input.slice(last, match.start));
    const value = input.slice(match.start, match.end);
    switch (match.kind) {
      case 'email':
        parts.push(maskEmailUnchecked(value));
        break;
      case 'phone':
        parts.push(maskPhoneUnchecked(value));
        break;
      case 'id_number':
        parts.push(maskIdUnchecked(value, 3, 4));
        break;
      case 'card_number':
        parts.push(maskCardUnchecked(value, opts.keepCardBin ?? false));
        break;
    }
    last = match.end;
  }
  parts.push(input.slice(last));
  return parts.join('');
}
