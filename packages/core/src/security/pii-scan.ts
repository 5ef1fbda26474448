/*
 * Detection of PII in free text (the engine of `findPii` / `maskText` in masking.ts).
 *
 * One left-to-right pass finds emails around each `@`, another splits the text into
 * runs of ASCII word characters and chains digit runs joined by single separators; each
 * chain is then read by bounded matchers. No regular expression runs over unbounded
 * input except the UUID one, whose pieces have fixed lengths, so the whole scan is linear
 * in the text length.
 */

// ---------------------------------------------------------------------------------------
// Character classes (char codes; no regex in the hot loops)
// ---------------------------------------------------------------------------------------

/** @internal */
export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** @internal */
export function isAlnum(code: number): boolean {
  return isDigit(code) || isAsciiLetter(code);
}

/** ASCII "word" characters: a digit run touching one of these is part of an identifier. */
function isWordChar(code: number): boolean {
  return isAlnum(code) || code === 95; // _
}

/** What `findPii` found. */
export type PiiKind = 'email' | 'phone' | 'id_number' | 'card_number';

/** One value found in free text: `text.slice(start, end)` (UTF-16 offsets). */
export interface PiiMatch {
  kind: PiiKind;
  start: number;
  end: number;
}

/**
 * The Luhn (mod 10) check every payment card number satisfies. Random digit strings pass
 * one time in ten, so free-text detection combines it with length and prefix rules.
 *
 * @param digits Digits only.
 * @example
 * ```ts
 * luhnValid('4111111111111111'); // true
 * luhnValid('4111111111111112'); // false
 * ```
 */
export function luhnValid(digits: string): boolean {
  if (typeof digits !== 'string' || digits.length === 0) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    const code = digits.charCodeAt(i);
    if (!isDigit(code)) return false;
    let d = code - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Which detectors `scanPii` runs; an absent flag means on. */
export interface ScanOptions {
  emails?: boolean;
  phones?: boolean;
  idNumbers?: boolean;
  cardNumbers?: boolean;
}

/**
 * The detector behind `findPii` and `maskText` (see `findPii` for the rules). Expects
 * validated input; use `findPii` from outside this folder.
 *
 * @internal
 */
export function scanPii(text: string, opts: ScanOptions): PiiMatch[] {
  const emails = opts.emails === false ? [] : findEmails(text);
  const wantNumbers = opts.phones !== false || opts.idNumbers !== false || opts.cardNumbers !== false;
  const numbers = wantNumbers ? findNumbers(text, emails, findUuids(text), opts) : [];
  if (numbers.length === 0) return emails;
  if (emails.length === 0) return numbers;
  return [...emails, ...numbers].sort((a, b) => a.start - b.start);
}

// --- emails -----------------------------------------------------------------------------

function isLocalChar(code: number): boolean {
  // . _ % + -
  return isAlnum(code) || code === 46 || code === 95 || code === 37 || code === 43 || code === 45;
}

function isDomainChar(code: number): boolean {
  return isAlnum(code) || code === 45 || code === 46;
}

/*
 * Each `@` expands left over local-part characters and right over domain characters.
 * Neither class contains `@`, so the regions scanned from consecutive `@`s do not
 * overlap: the whole pass is linear.
 */
function findEmails(text: string): PiiMatch[] {
  const found: PiiMatch[] = [];
  let from = 0;
  // End of the last email found: the next one must not start inside it (`a@b.co@c.co`).
  let floor = 0;
  for (;;) {
    const at = text.indexOf('@', from);
    if (at < 0) break;
    from = at + 1;
    let start = at;
    while (start > floor && isLocalChar(text.charCodeAt(start - 1))) start--;
    while (start < at && !isAlnum(text.charCodeAt(start))) start++;
    if (start === at) continue;
    let end = at + 1;
    while (end < text.length && isDomainChar(text.charCodeAt(end))) end++;
    while (end > at + 1 && !isAlnum(text.charCodeAt(end - 1))) end--;
    if (!isEmailDomain(text, at + 1, end)) continue;
    found.push({ kind: 'email', start, end });
    from = end;
    floor = end;
  }
  return found;
}

function isEmailDomain(text: string, start: number, end: number): boolean {
  if (end - start < 4 || end - start > 253) return false;
  let labels = 0;
  let labelStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && text.charCodeAt(i) !== 46) continue;
    const length = i - labelStart;
    if (length === 0 || length > 63) return false;
    if (text.charCodeAt(labelStart) === 45 || text.charCodeAt(i - 1) === 45) return false;
    labels++;
    if (i === end) {
      // Top-level domain: letters only (or an IDN `xn--` label).
      if (text.startsWith('xn--', labelStart)) return labels >= 2;
      if (length < 2) return false;
      for (let j = labelStart; j < i; j++) if (!isAsciiLetter(text.charCodeAt(j))) return false;
    }
    labelStart = i + 1;
  }
  return labels >= 2;
}

// --- UUIDs (protected from number detection) -------------------------------------------

// Fixed-length pieces and no nested quantifiers: at most 36 steps per start position.
const UUID = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/g;

function findUuids(text: string): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  if (text.indexOf('-') < 0) return found;
  for (const match of text.matchAll(UUID)) found.push({ start: match.index, end: match.index + match[0].length });
  return found;
}

// --- numbers ----------------------------------------------------------------------------

/** A run of digits (an 18-character ID may end in X) between non-word characters. */
interface Group {
  start: number;
  end: number;
  digits: string;
  /** The text between the previous group of the chain and this one (`''` for the first). */
  sep: string;
  /** Ends in X/x (only possible for an 18-character ID). */
  hasX: boolean;
}

interface Chain {
  groups: Group[];
  /** `+` right before the first group. */
  plus: boolean;
  /** `(` right before the first group. */
  paren: boolean;
}

// What may stand between two digit groups of one value: `138-1234-5678`,
// `(555) 123-4567`, `+86 (10) 1234 5678`, `030/12345678`.
const GROUP_SEPARATORS = new Set([' ', '-', '.', '/', '\u00a0', ')', ') ', ')-', ' (', '(', ' - ']);

function findNumbers(
  text: string,
  emails: PiiMatch[],
  uuids: { start: number; end: number }[],
  opts: ScanOptions,
): PiiMatch[] {
  const found: PiiMatch[] = [];
  const blocked = [...emails, ...uuids].sort((a, b) => a.start - b.start);
  let blockIndex = 0;
  let chain: Chain | undefined;
  const flush = () => {
    if (chain) analyseChain(text, chain, opts, found);
    chain = undefined;
  };
  let i = 0;
  while (i < text.length) {
    if (!isWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let digitsOnly = true;
    while (i < text.length && isWordChar(text.charCodeAt(i))) {
      if (!isDigit(text.charCodeAt(i))) digitsOnly = false;
      i++;
    }
    const end = i;
    const last = text.charCodeAt(end - 1);
    const hasX = !digitsOnly && end - start === 18 && (last === 88 || last === 120) && allDigits(text, start, end - 1);
    while (blockIndex < blocked.length && (blocked[blockIndex] as PiiMatch).end <= start) blockIndex++;
    const block = blocked[blockIndex];
    const isBlocked = block !== undefined && block.start < end;
    if ((!digitsOnly && !hasX) || isBlocked) {
      flush();
      continue;
    }
    const previous = chain?.groups[chain.groups.length - 1];
    const gap = previous ? start - previous.end : 0;
    const sep = previous && gap <= 3 ? text.slice(previous.end, start) : '';
    if (chain && previous && GROUP_SEPARATORS.has(sep) && !previous.hasX) {
      chain.groups.push({ start, end, digits: text.slice(start, end), sep, hasX });
      continue;
    }
    flush();
    const before = start > 0 ? text.charAt(start - 1) : '';
    const beforeThat = start > 1 ? text.charCodeAt(start - 2) : Number.NaN;
    chain = {
      groups: [{ start, end, digits: text.slice(start, end), sep: '', hasX }],
      plus: before === '+' && !isWordChar(beforeThat),
      paren: before === '(',
    };
  }
  flush();
  return found;
}

function allDigits(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

/** One reading of groups `[i, next)` of a chain. */
interface Candidate {
  kind: PiiKind;
  /** Index after the last group taken. */
  next: number;
}

// When two segmentations cover the same digits with as many values, the more specific
// reading wins.
const PRIORITY: Record<PiiKind, number> = { id_number: 3, card_number: 2, phone: 1, email: 0 };

/*
 * Every matcher proposes, at each group, the ends of the values that could start there;
 * a value has at most 19 digits, so each looks at a bounded number of groups. A dynamic
 * programme over the chain (right to left) then picks the segmentation that covers the
 * most digits, so a greedy reading cannot swallow the start of the next value
 * (`+1 000 000 0000 (200) 000-0000` is two phones, not one long one and a leftover).
 * Ties go to fewer, then more specific values. Linear in the number of groups.
 */
function analyseChain(text: string, chain: Chain, opts: ScanOptions, found: PiiMatch[]): void {
  const { groups } = chain;
  const count = groups.length;
  // digitsBefore[i]: digits in groups[0, i).
  const digitsBefore = new Array<number>(count + 1);
  digitsBefore[0] = 0;
  for (let i = 0; i < count; i++) {
    digitsBefore[i + 1] = (digitsBefore[i] as number) + (groups[i] as Group).digits.length;
  }
  const covered = new Array<number>(count + 1).fill(0);
  const values = new Array<number>(count + 1).fill(0);
  const choice = new Array<Candidate | undefined>(count + 1).fill(undefined);
  const candidates: Candidate[] = [];
  for (let i = count - 1; i >= 0; i--) {
    candidates.length = 0;
    // A `+` makes the chain's start a phone number and nothing else.
    const plusStart = i === 0 && chain.plus;
    if (opts.phones !== false) {
      for (const next of matchInternationalPhone(chain, i)) candidates.push({ kind: 'phone', next });
      if (!plusStart) for (const next of matchNationalPhone(groups, i)) candidates.push({ kind: 'phone', next });
    }
    if (!plusStart && opts.cardNumbers !== false) {
      for (const next of matchCard(groups, i)) candidates.push({ kind: 'card_number', next });
    }
    if (!plusStart && opts.idNumbers !== false) {
      for (const next of matchIdNumber(groups, i)) candidates.push({ kind: 'id_number', next });
    }
    let bestCovered = covered[i + 1] as number;
    let bestValues = values[i + 1] as number;
    let best: Candidate | undefined;
    for (const candidate of candidates) {
      const candidateCovered =
        (digitsBefore[candidate.next] as number) - (digitsBefore[i] as number) + (covered[candidate.next] as number);
      const candidateValues = 1 + (values[candidate.next] as number);
      const better =
        candidateCovered > bestCovered ||
        (candidateCovered === bestCovered &&
          (candidateValues < bestValues ||
            (candidateValues === bestValues &&
              (best === undefined || PRIORITY[candidate.kind] > PRIORITY[best.kind]))));
      if (better) {
        best = candidate;
        bestCovered = candidateCovered;
        bestValues = candidateValues;
      }
    }
    covered[i] = bestCovered;
    values[i] = bestValues;
    choice[i] = best;
  }
  let i = 0;
  while (i < count) {
    const picked = choice[i];
    if (!picked) {
      i++;
      continue;
    }
    found.push(toMatch(text, chain, i, picked));
    i = picked.next;
  }
}

function toMatch(text: string, chain: Chain, i: number, picked: Candidate): PiiMatch {
  const { groups } = chain;
  const first = groups[i] as Group;
  let start = first.start;
  let end = (groups[picked.next - 1] as Group).end;
  if (picked.kind === 'phone') {
    // Take the `+` of an international number, and the `(` of `(555) 123-4567` when its
    // `)` is part of the match too.
    const openParen = i === 0 ? chain.paren : first.sep.endsWith('(');
    if (i === 0 && chain.plus) {
      start--;
    } else if (openParen) {
      let closes = false;
      for (let j = i + 1; j < picked.next; j++) if ((groups[j] as Group).sep.startsWith(')')) closes = true;
      if (closes) {
        start--;
      } else if (text.charAt(end) === ')') {
        start--;
        end++;
      }
    }
  }
  return { kind: picked.kind, start, end };
}

const NONE: readonly number[] = [];

// --- IDs

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/**
 * Whether an 18-character Chinese resident ID number is well formed: 17 digits, a
 * correct ISO 7064 MOD 11-2 check character (`0-9` or `X`), and a real birth date
 * (positions 7–14, years 1900–2099).
 *
 * @example
 * ```ts
 * isChineseIdNumber('11010519491231002X'); // true
 * ```
 */
export function isChineseIdNumber(value: string): boolean {
  if (typeof value !== 'string' || value.length !== 18 || !allDigits(value, 0, 17)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (value.charCodeAt(i) - 48) * (ID_WEIGHTS[i] as number);
  if (ID_CHECK.charAt(sum % 11) !== value.charAt(17).toUpperCase()) return false;
  const year = Number(value.slice(6, 10));
  return year >= 1900 && year <= 2099 && isRealDate(year, Number(value.slice(10, 12)), Number(value.slice(12, 14)));
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= (days[month - 1] as number);
}

function startsWithDate(digits: string): boolean {
  if (digits.length < 8) return false;
  const century = digits.slice(0, 2);
  if (century !== '19' && century !== '20') return false;
  return isRealDate(Number(digits.slice(0, 4)), Number(digits.slice(4, 6)), Number(digits.slice(6, 8)));
}

function matchIdNumber(groups: Group[], i: number): readonly number[] {
  const group = groups[i] as Group;
  if (group.digits.length === 18 && isChineseIdNumber(group.digits)) return [i + 1];
  // SSN: 123-45-6789; area 000, 666 and 9xx, group 00 and serial 0000 are never issued.
  const g2 = groups[i + 1];
  const g3 = groups[i + 2];
  if (
    g2 &&
    g3 &&
    group.digits.length === 3 &&
    g2.digits.length === 2 &&
    g3.digits.length === 4 &&
    g2.sep === '-' &&
    g3.sep === '-' &&
    !group.hasX &&
    group.digits !== '000' &&
    group.digits !== '666' &&
    !group.digits.startsWith('9') &&
    g2.digits !== '00' &&
    g3.digits !== '0000'
  ) {
    return [i + 3];
  }
  return NONE;
}

// --- cards

function isBareCardNumber(digits: string): boolean {
  if (digits.length < 12 || digits.length > 19) return false;
  if (digits.startsWith('0') || startsWithDate(digits)) return false;
  if (digits.startsWith('1') && digits.length !== 15) return false;
  return luhnValid(digits);
}

function matchCard(groups: Group[], i: number): readonly number[] {
  const first = groups[i] as Group;
  if (first.hasX) return NONE;
  if (isBareCardNumber(first.digits)) return [i + 1];
  // Grouped: 4-4-4-4(-3) and shorter 4-4-4…, or Amex/Diners 4-6-5 / 4-6-4, with one
  // consistent separator. Cards never start with 0.
  const second = groups[i + 1];
  if (first.digits.length !== 4 || first.digits.startsWith('0') || !second || second.hasX) return NONE;
  const sep = second.sep;
  if (sep !== ' ' && sep !== '-') return NONE;
  if (second.digits.length === 6) {
    const third = groups[i + 2];
    if (!third || third.hasX || third.sep !== sep) return NONE;
    if (third.digits.length !== 4 && third.digits.length !== 5) return NONE;
    return luhnValid(first.digits + second.digits + third.digits) ? [i + 3] : NONE;
  }
  let digits = first.digits;
  const ends: number[] = [];
  for (let j = i + 1; j < groups.length; j++) {
    const group = groups[j] as Group;
    const length = group.digits.length;
    if (group.hasX || group.sep !== sep || length > 4) break;
    digits += group.digits;
    if (digits.length > 19) break;
    if (digits.length >= 12 && luhnValid(digits)) ends.push(j + 1);
    // Only the last group may be short.
    if (length < 4) break;
  }
  return ends;
}

// --- phones

function matchInternationalPhone(chain: Chain, i: number): readonly number[] {
  if (i !== 0) return NONE;
  const { groups } = chain;
  const first = groups[0] as Group;
  let counted: number;
  if (chain.plus) {
    counted = first.digits.length;
  } else if (first.digits.startsWith('00') && first.digits.length >= 3 && first.digits.charAt(2) !== '0') {
    counted = first.digits.length - 2;
  } else {
    return NONE;
  }
  const ends: number[] = [];
  for (let j = 0; j < groups.length; j++) {
    const group = groups[j] as Group;
    if (group.hasX) break;
    if (j > 0) counted += group.digits.length;
    if (counted > 15) break;
    if (counted >= 8) ends.push(j + 1);
  }
  return ends;
}

function matchNationalPhone(groups: Group[], i: number): readonly number[] {
  const g1 = groups[i] as Group;
  const g2 = groups[i + 1];
  const g3 = groups[i + 2];
  const g4 = groups[i + 3];
  if (g1.hasX) return NONE;
  const d1 = g1.digits;
  const ends: number[] = [];
  // Chinese mobile, bare.
  if (d1.length === 11 && isChineseMobilePrefix(d1)) ends.push(i + 1);
  if (g2 && g3 && !g2.hasX && !g3.hasX) {
    // Chinese mobile grouped 3-4-4.
    if (d1.length === 3 && isChineseMobilePrefix(d1) && g2.digits.length === 4 && g3.digits.length === 4) {
      ends.push(i + 3);
    }
    // North American 3-3-4, optionally after a `1` trunk prefix.
    if (isNanp(d1, g2.digits, g3.digits)) ends.push(i + 3);
    if (d1 === '1' && g4 && !g4.hasX && isNanp(g2.digits, g3.digits, g4.digits)) ends.push(i + 4);
  }
  // Trunk prefix 0: 010-12345678, 0755 1234567, 020 7946 0958, 06 12 34 56 78. After the
  // first separator all must be the same, which keeps `01.02.2024 10.30` out.
  if (d1.startsWith('0') && d1.length >= 2 && d1.length <= 5) {
    let total = d1.length;
    for (let j = i + 1; j < groups.length; j++) {
      const group = groups[j] as Group;
      if (group.hasX || group.digits.length < 2) break;
      if (j >= i + 3 && group.sep !== (groups[i + 2] as Group).sep) break;
      total += group.digits.length;
      if (total > 11) break;
      if (total >= 10) ends.push(j + 1);
    }
  }
  return ends;
}

function isChineseMobilePrefix(digits: string): boolean {
  const second = digits.charCodeAt(1);
  return digits.charAt(0) === '1' && second >= 51 && second <= 57;
}

// Area codes start with 2-9. The same rule for exchanges is not enforced: documentation
// and test data are full of `555-123-4567`, and masking those costs nothing.
function isNanp(area: string, exchange: string, line: string): boolean {
  return area.length === 3 && exchange.length === 3 && line.length === 4 && area.charCodeAt(0) >= 50;
}
