import { END_OF_INPUT, syntaxErrorAt } from './errors.js';
import { EXPRESSION_LIMITS } from './limits.js';

/** The kinds of token; punctuation and symbolic operators are their own kind. */
export type TokenKind =
  | 'identifier'
  | 'number'
  | 'string'
  | 'eof'
  | '('
  | ')'
  | '['
  | ']'
  | ','
  | '.'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '&&'
  | '||'
  | '!';

/** One token; `source.slice(start, end)` is its raw text. */
export interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  /** The identifier's name, the decoded string, the number; `undefined` otherwise. */
  readonly value: string | number | undefined;
}

const CH_TAB = 9;
const CH_LF = 10;
const CH_VT = 11;
const CH_FF = 12;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_BANG = 33;
const CH_DQUOTE = 34;
const CH_AMP = 38;
const CH_SQUOTE = 39;
const CH_LPAREN = 40;
const CH_RPAREN = 41;
const CH_PLUS = 43;
const CH_COMMA = 44;
const CH_MINUS = 45;
const CH_DOT = 46;
const CH_0 = 48;
const CH_9 = 57;
const CH_LT = 60;
const CH_EQ = 61;
const CH_GT = 62;
const CH_LBRACKET = 91;
const CH_BACKSLASH = 92;
const CH_RBRACKET = 93;
const CH_E_UPPER = 69;
const CH_E_LOWER = 101;
const CH_PIPE = 124;
const CH_LBRACE = 123;
const CH_RBRACE = 125;

function isDigit(code: number): boolean {
  return code >= CH_0 && code <= CH_9;
}

/** `[A-Za-z_]` */
function isIdentifierStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/** `[A-Za-z0-9_]` */
function isIdentifierPart(code: number): boolean {
  return isIdentifierStart(code) || isDigit(code);
}

function isHexDigit(code: number): boolean {
  return isDigit(code) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

function isWhitespace(code: number): boolean {
  return code === CH_SPACE || code === CH_TAB || code === CH_LF || code === CH_CR || code === CH_VT || code === CH_FF;
}

/** A short, quoted description of the character at `index` for error messages. */
function describeChar(source: string, index: number): string {
  if (index >= source.length) return END_OF_INPUT;
  const code = source.codePointAt(index) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f)) return `character ${hex}`;
  if (code >= 0xd800 && code <= 0xdfff) return `lone surrogate ${hex}`;
  const char = String.fromCodePoint(code);
  return code > 0x7e ? `'${char}' (${hex})` : `'${char}'`;
}

const MAX_FOUND_LENGTH = 32;

/** How error messages name a token: `end of input`, `'AND'`, `string 'en'`, `number 42`. */
export function describeToken(source: string, token: Token): string {
  if (token.kind === 'eof') return END_OF_INPUT;
  let text = source.slice(token.start, token.end);
  if (text.length > MAX_FOUND_LENGTH) text = `${text.slice(0, MAX_FOUND_LENGTH - 1)}…`;
  if (token.kind === 'string') return `string ${text}`;
  if (token.kind === 'number') return `number ${text}`;
  return `'${text}'`;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '/': '/',
};

/**
 * An on-demand tokenizer: each {@link Lexer.next} call scans one token, so a lexical
 * error is reported only when the parser reaches it (errors come out left to right).
 * Rejects sources longer than `EXPRESSION_LIMITS.maxLength` up front.
 */
export class Lexer {
  private pos = 0;

  constructor(
    readonly source: string,
    maxLength: number = EXPRESSION_LIMITS.maxLength,
  ) {
    if (source.length > maxLength) {
      throw syntaxErrorAt(source, maxLength, {
        summary: `Expression too long (${source.length} characters; at most ${maxLength})`,
        expected: `at most ${maxLength} characters`,
        found: `${source.length} characters`,
      });
    }
  }

  /**
   * Scans and returns the next token; at the end returns `eof` tokens forever, positioned
   * just after the last token (trailing whitespace is skipped).
   */
  next(): Token {
    const source = this.source;
    const length = source.length;
    const before = this.pos;
    let pos = before;
    while (pos < length && isWhitespace(source.charCodeAt(pos))) pos++;
    // The end of input is reported right after the last token, not after trailing blanks,
    // so that "Expected a value" points just past `==` in `task.a == ` and not at an empty line.
    if (pos >= length) return { kind: 'eof', start: before, end: before, value: undefined };
    this.pos = pos;
    const code = source.charCodeAt(pos);
    switch (code) {
      case CH_LPAREN:
        return this.punct('(', 1);
      case CH_RPAREN:
        return this.punct(')', 1);
      case CH_LBRACKET:
        return this.punct('[', 1);
      case CH_RBRACKET:
        return this.punct(']', 1);
      case CH_COMMA:
        return this.punct(',', 1);
      case CH_DOT:
        return this.punct('.', 1);
      case CH_EQ:
        if (source.charCodeAt(pos + 1) === CH_EQ) return this.punct('==', 2);
        throw syntaxErrorAt(source, pos, {
          summary: "Unknown operator '='; use '==' to compare",
          expected: "'=='",
          found: "'='",
        });
      case CH_BANG:
        return source.charCodeAt(pos + 1) === CH_EQ ? this.punct('!=', 2) : this.punct('!', 1);
      case CH_LT:
        return source.charCodeAt(pos + 1) === CH_EQ ? this.punct('<=', 2) : this.punct('<', 1);
      case CH_GT:
        return source.charCodeAt(pos + 1) === CH_EQ ? this.punct('>=', 2) : this.punct('>', 1);
      case CH_AMP:
        if (source.charCodeAt(pos + 1) === CH_AMP) return this.punct('&&', 2);
        throw syntaxErrorAt(source, pos, {
          summary: "Unknown operator '&'; use '&&' or AND",
          expected: "'&&'",
          found: "'&'",
        });
      case CH_PIPE:
        if (source.charCodeAt(pos + 1) === CH_PIPE) return this.punct('||', 2);
        throw syntaxErrorAt(source, pos, {
          summary: "Unknown operator '|'; use '||' or OR",
          expected: "'||'",
          found: "'|'",
        });
      case CH_SQUOTE:
      case CH_DQUOTE:
        return this.string(code);
      default:
        break;
    }
    if (isDigit(code) || (code === CH_MINUS && isDigit(source.charCodeAt(pos + 1)))) return this.number();
    if (isIdentifierStart(code)) {
      let end = pos + 1;
      while (end < length && isIdentifierPart(source.charCodeAt(end))) end++;
      this.pos = end;
      return { kind: 'identifier', start: pos, end, value: source.slice(pos, end) };
    }
    if (code === CH_MINUS) {
      throw syntaxErrorAt(source, pos, {
        summary: "Unexpected '-' (only number literals can be negative, as in -5)",
        expected: "a digit after '-'",
        found: describeChar(source, pos + 1),
      });
    }
    throw syntaxErrorAt(source, pos, {
      summary: `Unexpected character ${describeChar(source, pos)}`,
      expected: 'a value, an operator or a parenthesis',
      found: describeChar(source, pos),
    });
  }

  private punct(kind: TokenKind, width: number): Token {
    const start = this.pos;
    this.pos = start + width;
    return { kind, start, end: start + width, value: undefined };
  }

  private number(): Token {
    const source = this.source;
    const start = this.pos;
    let pos = start;
    if (source.charCodeAt(pos) === CH_MINUS) pos++;
    while (isDigit(source.charCodeAt(pos))) pos++;
    if (source.charCodeAt(pos) === CH_DOT) {
      pos++;
      if (!isDigit(source.charCodeAt(pos))) {
        throw syntaxErrorAt(source, pos, {
          expected: 'a digit after the decimal point',
          found: describeChar(source, pos),
        });
      }
      while (isDigit(source.charCodeAt(pos))) pos++;
    }
    const e = source.charCodeAt(pos);
    if (e === CH_E_LOWER || e === CH_E_UPPER) {
      pos++;
      const sign = source.charCodeAt(pos);
      if (sign === CH_PLUS || sign === CH_MINUS) pos++;
      if (!isDigit(source.charCodeAt(pos))) {
        throw syntaxErrorAt(source, pos, { expected: 'a digit in the exponent', found: describeChar(source, pos) });
      }
      while (isDigit(source.charCodeAt(pos))) pos++;
    }
    if (pos < source.length && isIdentifierPart(source.charCodeAt(pos))) {
      throw syntaxErrorAt(source, pos, {
        summary: `Invalid number: unexpected ${describeChar(source, pos)}`,
        expected: 'a digit, an operator or whitespace',
        found: describeChar(source, pos),
      });
    }
    const value = Number(source.slice(start, pos));
    if (!Number.isFinite(value)) {
      throw syntaxErrorAt(source, start, {
        summary: 'Number out of range',
        expected: 'a finite number',
        found: `number ${source.slice(start, Math.min(pos, start + MAX_FOUND_LENGTH))}`,
      });
    }
    this.pos = pos;
    return { kind: 'number', start, end: pos, value };
  }

  private string(quote: number): Token {
    const source = this.source;
    const length = source.length;
    const start = this.pos;
    const quoteChar = String.fromCharCode(quote);
    let pos = start + 1;
    let chunk = pos;
    let out = '';
    for (;;) {
      if (pos >= length) throw this.unterminated(start, quoteChar, END_OF_INPUT);
      const code = source.charCodeAt(pos);
      if (code === quote) {
        out += source.slice(chunk, pos);
        this.pos = pos + 1;
        return { kind: 'string', start, end: pos + 1, value: out };
      }
      if (code === CH_LF || code === CH_CR) throw this.unterminated(start, quoteChar, 'a line break');
      if (code !== CH_BACKSLASH) {
        pos++;
        continue;
      }
      out += source.slice(chunk, pos);
      const escapeStart = pos;
      const letter = source[pos + 1];
      if (letter === undefined) throw this.unterminated(start, quoteChar, END_OF_INPUT);
      const simple = Object.hasOwn(SIMPLE_ESCAPES, letter) ? SIMPLE_ESCAPES[letter] : undefined;
      if (simple !== undefined) {
        out += simple;
        pos += 2;
      } else if (letter === 'u') {
        const decoded = this.unicodeEscape(escapeStart);
        out += decoded.text;
        pos = decoded.end;
      } else {
        const code = letter.charCodeAt(0);
        const found =
          code > 0x20 && code < 0x7f ? `'\\${letter}'` : `'\\' followed by ${describeChar(source, escapeStart + 1)}`;
        throw syntaxErrorAt(source, escapeStart, {
          summary: `Invalid escape sequence ${found}`,
          expected: 'one of \\n \\r \\t \\b \\f \\v \\0 \\\\ \\\' \\" \\/ \\uXXXX \\u{X}',
          found,
        });
      }
      chunk = pos;
    }
  }

  /** Decodes `\uXXXX` or `\u{X…}` starting at the backslash. */
  private unicodeEscape(backslash: number): { text: string; end: number } {
    const source = this.source;
    let pos = backslash + 2;
    const bad = () =>
      syntaxErrorAt(source, backslash, {
        summary: 'Invalid unicode escape',
        expected: '\\uXXXX (four hex digits) or \\u{X} (1 to 6 hex digits, at most 10FFFF)',
        found: `'${source.slice(backslash, Math.min(pos + 1, source.length, backslash + 12))}'`,
      });
    if (source.charCodeAt(pos) === CH_LBRACE) {
      pos++;
      const digitsStart = pos;
      while (pos < source.length && isHexDigit(source.charCodeAt(pos)) && pos - digitsStart < 7) pos++;
      const digits = pos - digitsStart;
      if (digits === 0 || digits > 6 || source.charCodeAt(pos) !== CH_RBRACE) throw bad();
      const codePoint = Number.parseInt(source.slice(digitsStart, pos), 16);
      if (codePoint > 0x10ffff) throw bad();
      return { text: String.fromCodePoint(codePoint), end: pos + 1 };
    }
    for (let i = 0; i < 4; i++) {
      if (!isHexDigit(source.charCodeAt(pos))) throw bad();
      pos++;
    }
    return { text: String.fromCharCode(Number.parseInt(source.slice(backslash + 2, pos), 16)), end: pos };
  }

  private unterminated(start: number, quote: string, found: string) {
    return syntaxErrorAt(this.source, start, {
      summary: 'Unterminated string',
      expected: `a closing ${quote}`,
      found,
    });
  }
}

/**
 * Splits a source into tokens (ending with one `eof` token). Useful for editors and
 * syntax highlighting; the parser itself scans lazily.
 *
 * @throws {ExpressionSyntaxError} on a lexical error or a source over the length limit.
 * @example
 * ```ts
 * tokenize('task.vip == true').map((t) => t.kind); // ['identifier', '.', 'identifier', '==', 'identifier', 'eof']
 * ```
 */
export function tokenize(source: string): Token[] {
  const lexer = new Lexer(source);
  const tokens: Token[] = [];
  for (;;) {
    const token = lexer.next();
    tokens.push(token);
    if (token.kind === 'eof') return tokens;
  }
}
