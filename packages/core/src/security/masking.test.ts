import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/hotline-error.js';
import { findPii, maskCardNumber, maskEmail, maskIdNumber, maskPhone, maskText } from './masking.js';
import { isChineseIdNumber, luhnValid } from './pii-scan.js';

describe('maskPhone', () => {
  it('keeps the country code and the last 4 digits, and the formatting', () => {
    expect(maskPhone('+86 138 1234 5678')).toBe('+86 *** **** 5678');
    expect(maskPhone('+8613812345678')).toBe('+86*******5678');
    expect(maskPhone('+1 (555) 123-4567')).toBe('+1 (***) ***-4567');
    expect(maskPhone('+44 20 7946 0958')).toBe('+44 ** **** 0958');
    expect(maskPhone('+353 1 234 5678')).toBe('+353 * *** 5678');
    expect(maskPhone('0086 138 1234 5678')).toBe('0086 *** **** 5678');
  });

  it('knows one-, two- and three-digit country codes without separators', () => {
    expect(maskPhone('+74951234567')).toBe('+7******4567');
    expect(maskPhone('+919876543210')).toBe('+91******3210');
    expect(maskPhone('+85291234567')).toBe('+852****4567');
    expect(maskPhone('+971501234567')).toBe('+971*****4567');
    expect(maskPhone('+420123456789')).toBe('+420*****6789');
  });

  it('masks national numbers except the last 4 digits', () => {
    expect(maskPhone('13812345678')).toBe('*******5678');
    expect(maskPhone('(555) 123-4567')).toBe('(***) ***-4567');
    expect(maskPhone('010-12345678')).toBe('***-****5678');
  });

  it('never shows more than half of a short number', () => {
    expect(maskPhone('123456')).toBe('***456');
    expect(maskPhone('+86 1234')).toBe('+86 **34');
    expect(maskPhone('')).toBe('');
  });

  it('masks characters that are not digits or separators', () => {
    expect(maskPhone('+1 800 FLOWERS')).toBe('+1 **0 *******');
    expect(maskPhone('555-123-4567 ext 89')).toBe('***-***-**67 *** 89');
  });

  it('rejects non-strings', () => {
    expect(() => maskPhone(13812345678 as unknown as string)).toThrow(ValidationError);
    expect(() => maskPhone(undefined as unknown as string)).toThrow(ValidationError);
  });
});

describe('maskEmail', () => {
  it('keeps the first character and the domain, with a fixed-length mask', () => {
    expect(maskEmail('alice.smith@example.com')).toBe('a***@example.com');
    expect(maskEmail('b@example.com')).toBe('b***@example.com');
    expect(maskEmail('"odd@local"@example.com')).toBe('"***@example.com');
  });

  it('fails safe on input that is not an email', () => {
    expect(maskEmail('not-an-email')).toBe('n***');
    expect(maskEmail('@example.com')).toBe('***@example.com');
    expect(maskEmail('')).toBe('');
  });

  it('does not split a non-BMP first character', () => {
    expect(maskEmail('😀smile@example.com')).toBe('😀***@example.com');
  });

  it('rejects non-strings', () => {
    expect(() => maskEmail(null as unknown as string)).toThrow(ValidationError);
  });
});

describe('maskIdNumber', () => {
  it('keeps the first 3 and last 4 characters of an 18-character Chinese ID', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110***********002X');
    expect(maskIdNumber('110105194912310021')).toBe('110***********0021');
    expect(maskIdNumber('110105491231002')).toBe('110********1002');
  });

  it('shows at most half of a short ID, dropping the head first', () => {
    expect(maskIdNumber('123-45-6789')).toBe('***-**-6789');
    expect(maskIdNumber('12345678')).toBe('****5678');
    expect(maskIdNumber('12345')).toBe('***45');
    expect(maskIdNumber('A1234567')).toBe('****4567');
  });

  it('takes custom keep counts, still capped at half', () => {
    expect(maskIdNumber('11010519491231002X', { keepStart: 6, keepEnd: 2 })).toBe('110105**********2X');
    expect(maskIdNumber('11010519491231002X', { keepStart: 0, keepEnd: 0 })).toBe('******************');
    expect(maskIdNumber('11010519491231002X', { keepStart: 10, keepEnd: 10 })).toBe('*********91231002X');
  });

  it('rejects non-strings and bad options', () => {
    expect(() => maskIdNumber(42 as unknown as string)).toThrow(ValidationError);
    expect(() => maskIdNumber('123', { keepStart: -1 })).toThrow(ValidationError);
    expect(() => maskIdNumber('123', { keepEnd: 1.5 })).toThrow(ValidationError);
  });
});

describe('maskCardNumber', () => {
  it('keeps the last 4 digits and the separators', () => {
    expect(maskCardNumber('4111 1111 1111 1111')).toBe('**** **** **** 1111');
    expect(maskCardNumber('4111-1111-1111-1111')).toBe('****-****-****-1111');
    expect(maskCardNumber('6222021234567890123')).toBe('***************0123');
  });

  it('keeps the BIN only when asked and only for 15+ digits', () => {
    expect(maskCardNumber('4111-1111-1111-1111', { keepBin: true })).toBe('4111-11**-****-1111');
    expect(maskCardNumber('378282246310005', { keepBin: true })).toBe('378282*****0005');
    expect(maskCardNumber('123456789012', { keepBin: true })).toBe('********9012');
  });

  it('fails safe on short input', () => {
    expect(maskCardNumber('123456')).toBe('***456');
    expect(maskCardNumber('4111/1111')).toBe('*****1111');
  });

  it('rejects non-strings and bad options', () => {
    expect(() => maskCardNumber(4111111111111111 as unknown as string)).toThrow(ValidationError);
    expect(() => maskCardNumber('4111', { keepBin: 'yes' } as unknown as { keepBin: boolean })).toThrow(
      ValidationError,
    );
  });
});

describe('validators', () => {
  it('luhnValid', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('4111a11111111111')).toBe(false);
  });

  it('isChineseIdNumber checks the MOD 11-2 character and the birth date', () => {
    expect(isChineseIdNumber('11010519491231002X')).toBe(true);
    expect(isChineseIdNumber('11010519491231002x')).toBe(true);
    expect(isChineseIdNumber('110105194912310021')).toBe(false);
    // Right checksum shape but 1949-02-30 does not exist.
    expect(isChineseIdNumber(withIdCheck('11010519490230002'))).toBe(false);
    expect(isChineseIdNumber(withIdCheck('11010520000229002'))).toBe(true);
    expect(isChineseIdNumber(withIdCheck('11010519000229002'))).toBe(false);
    expect(isChineseIdNumber('1101051949123100')).toBe(false);
  });
});

describe('maskText: what it finds', () => {
  const cases: [string, string][] = [
    ['mail bob@example.com or call +1 555 123 4567', 'mail b***@example.com or call +1 *** *** 4567'],
    ['我的手机13812345678，邮箱 alice@example.com', '我的手机*******5678，邮箱 a***@example.com'],
    ['手机：138-1234-5678。', '手机：***-****-5678。'],
    ['+86 138 1234 5678', '+86 *** **** 5678'],
    ['call (555) 123-4567 now', 'call (***) ***-4567 now'],
    ['call 1-555-123-4567', 'call *-***-***-4567'],
    ['office 010-12345678 or 020 7946 0958', 'office ***-****5678 or *** **** 0958'],
    ['tel:+442079460958', 'tel:+44******0958'],
    ['card 4111 1111 1111 1111, thanks', 'card **** **** **** 1111, thanks'],
    ['card 4111-1111-1111-1111.', 'card ****-****-****-1111.'],
    ['card 4111111111111111', 'card ************1111'],
    ['amex 3782 822463 10005', 'amex **** ****** *0005'],
    ['银行卡6222021234567890128', '银行卡***************0128'],
    ['id 11010519491231002X ok', 'id 110***********002X ok'],
    ['身份证号码11010519491231002x。', '身份证号码110***********002x。'],
    ['ssn 123-45-6789', 'ssn ***-**-6789'],
    ['write to Bob.Smith+tag@mail.example.co.uk.', 'write to B***@mail.example.co.uk.'],
    ['qq 13812345678@qq.com', 'qq 1***@qq.com'],
    ['<a href="mailto:x.y@example.org">', '<a href="mailto:x***@example.org">'],
    ['x@a.com@b.com', 'x***@a.com@b.com'],
    ['+1 000 000 0000 (200) 000-0000', '+1 *** *** 0000 (***) ***-0000'],
    ['a@b.co,c@d.co;e@f.co', 'a***@b.co,c***@d.co;e***@f.co'],
  ];
  for (const [input, expected] of cases) {
    it(`masks ${JSON.stringify(input)}`, () => {
      expect(maskText(input)).toBe(expected);
    });
  }

  it('keeps the BIN of cards when asked', () => {
    expect(maskText('card 4111 1111 1111 1111', { keepCardBin: true })).toBe('card 4111 11** **** 1111');
  });

  it('reports kinds and offsets', () => {
    const text = 'mail bob@example.com or call +1 555 123 4567';
    expect(findPii(text)).toEqual([
      { kind: 'email', start: 5, end: 20 },
      { kind: 'phone', start: 29, end: 44 },
    ]);
  });

  it('can switch detectors off', () => {
    const text = 'bob@example.com 13812345678 4111111111111111 11010519491231002X';
    expect(maskText(text, { emails: false })).toBe('bob@example.com *******5678 ************1111 110***********002X');
    expect(maskText(text, { phones: false, cardNumbers: false })).toBe(
      'b***@example.com 13812345678 4111111111111111 110***********002X',
    );
    expect(maskText(text, { idNumbers: false, emails: false, phones: false, cardNumbers: false })).toBe(text);
  });

  it('rejects non-strings and unknown options', () => {
    expect(() => maskText(undefined as unknown as string)).toThrow(ValidationError);
    expect(() => maskText({ toString: () => 'x' } as unknown as string)).toThrow(ValidationError);
    expect(() => maskText('x', { phone: true } as unknown as { phones: boolean })).toThrow(ValidationError);
  });
});

describe('maskText: what it leaves alone', () => {
  const untouched = [
    'order 20240115123456789 shipped',
    'order #2024011512345678',
    'ts 1700000000000 and 1700000000123456',
    'epoch 1700000000',
    '2024-01-15 10:30:00',
    '2024-01-15T10:30:00.123Z',
    '01.02.2024 10.30',
    '15/01/2024',
    'uuid 550e8400-e29b-41d4-a716-446655440000',
    'uuid 123e4567-e89b-12d3-a456-426614174000',
    'sha 4111111111111111abc',
    'ref order_4111111111111111 and INV4111111111111111',
    'ip 192.168.100.200 and ::1',
    'v1.2.3 build 1234',
    'price ¥1,234,567.89',
    'not a card 4111 1111 1111 1112',
    'not an id 110105194912310021',
    'random 1234567890',
    'user@localhost and a@b.c',
    'code 0123456789012345',
  ];
  for (const text of untouched) {
    it(`leaves ${JSON.stringify(text)}`, () => {
      expect(findPii(text)).toEqual([]);
      expect(maskText(text)).toBe(text);
    });
  }
});

describe('maskText: linear time', () => {
  const MB = 1 << 20;
  const hostile: [string, string][] = [
    ['digits', '1'.repeat(MB)],
    ['digit groups', '1 '.repeat(MB / 2)],
    ['dashed digits', '1-'.repeat(MB / 2)],
    ['four-digit groups', '4111 '.repeat(MB / 5)],
    ['trunk groups', '01 '.repeat(MB / 3)],
    ['plus groups', '+1 '.repeat(MB / 3)],
    ['ats', 'a@'.repeat(MB / 2)],
    ['long local part', `${'a'.repeat(MB)}@`],
    ['long domain', `@${'a.'.repeat(MB / 2)}`],
    ['dots before at', `${'a.'.repeat(MB / 2)}@b`],
    ['many emails', 'a@b.co '.repeat(MB / 7)],
    ['hex', 'a'.repeat(MB)],
    ['uuid prefixes', 'aaaaaaaa-aaaa-aaaa-aaaa-'.repeat(MB / 24)],
    ['ids', '11010519491231002X '.repeat(MB / 19)],
    ['parens', '(1) '.repeat(MB / 4)],
    ['mixed', '+86 138-1234-5678 a@b.cn 4111 1111 1111 1111 '.repeat(MB / 45)],
  ];
  for (const [name, text] of hostile) {
    it(`masks 1 MB of ${name} quickly`, () => {
      const started = performance.now();
      const out = maskText(text);
      const elapsed = performance.now() - started;
      expect(typeof out).toBe('string');
      // Linear work takes tens of milliseconds; quadratic work would take minutes.
      expect(elapsed).toBeLessThan(3000);
    });
  }
});

describe('maskText: properties', () => {
  const digits = (min: number, max: number) =>
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));

  const card = fc
    .record({
      prefix: fc.constantFrom('4', '51', '55', '34', '37', '6011', '62'),
      extra: fc.integer({ min: 0, max: 3 }),
      body: digits(18, 18),
      layout: fc.constantFrom('bare', 'space', 'dash'),
    })
    .map(({ prefix, extra, body, layout }) => {
      const length = prefix === '34' || prefix === '37' ? 15 : prefix === '62' ? 16 + extra : 16;
      const partial = (prefix + body).slice(0, length - 1);
      const number = partial + luhnCheckDigit(partial);
      if (layout === 'bare') return number;
      const sep = layout === 'space' ? ' ' : '-';
      if (length === 15) return [number.slice(0, 4), number.slice(4, 10), number.slice(10)].join(sep);
      return (number.match(/.{1,4}/g) as string[]).join(sep);
    });

  const chineseMobile = fc
    .record({ second: fc.integer({ min: 3, max: 9 }), rest: digits(9, 9), layout: fc.constantFrom('', ' ', '-') })
    .map(({ second, rest, layout }) => {
      const number = `1${second}${rest}`;
      return layout === '' ? number : [number.slice(0, 3), number.slice(3, 7), number.slice(7)].join(layout);
    });

  const international = fc
    .record({
      cc: fc.constantFrom('1', '7', '33', '44', '49', '86', '353', '971'),
      national: digits(9, 10),
      spaced: fc.boolean(),
    })
    .map(({ cc, national, spaced }) => {
      if (!spaced) return `+${cc}${national}`;
      return `+${cc} ${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6)}`;
    });

  const northAmerican = fc
    .record({
      area: fc.integer({ min: 200, max: 999 }),
      exchange: digits(3, 3),
      line: digits(4, 4),
      paren: fc.boolean(),
    })
    .map(({ area, exchange, line, paren }) =>
      paren ? `(${area}) ${exchange}-${line}` : `${area}-${exchange}-${line}`,
    );

  const email = fc
    .record({
      first: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
      rest: fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789._+-'), maxLength: 12 }),
      last: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
      domain: fc.string({
        unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
        minLength: 1,
        maxLength: 10,
      }),
      tld: fc.constantFrom('com', 'cn', 'io', 'co.uk', 'museum'),
    })
    .map(({ first, rest, last, domain, tld }) => `${first}${rest}${last}@${domain}.${tld}`);

  const chineseId = fc
    .record({
      region: fc.integer({ min: 110000, max: 659999 }),
      date: fc.date({
        min: new Date(Date.UTC(1930, 0, 1)),
        max: new Date(Date.UTC(2020, 11, 31)),
        noInvalidDate: true,
      }),
      sequence: digits(3, 3),
    })
    .map(({ region, date, sequence }) =>
      withIdCheck(`${region}${date.toISOString().slice(0, 10).replace(/-/g, '')}${sequence}`),
    );

  const item = fc.oneof(
    card.map((value) => ({ kind: 'card_number' as const, value })),
    chineseMobile.map((value) => ({ kind: 'phone' as const, value })),
    international.map((value) => ({ kind: 'phone' as const, value })),
    northAmerican.map((value) => ({ kind: 'phone' as const, value })),
    email.map((value) => ({ kind: 'email' as const, value })),
    chineseId.map((value) => ({ kind: 'id_number' as const, value })),
  );
  const filler = fc.constantFrom(' and ', ' 你好 ', '，', '\n', ' | ', '. Call ', ' (', ') ', '：', ' order ');

  it('never leaves a generated email, phone, ID or card number unmasked', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(filler, item), { minLength: 1, maxLength: 8 }), filler, (parts, tail) => {
        const text = parts.map(([before, { value }]) => before + value).join('') + tail;
        const out = maskText(text);
        for (const [, { value }] of parts) expect(out).not.toContain(value);
        expect(findPii(text).map((m) => m.kind)).toEqual(parts.map(([, { kind }]) => kind));
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(filler, item)), (parts) => {
        const once = maskText(parts.map(([before, { value }]) => before + value).join(''));
        expect(maskText(once)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves text without digits or @ unchanged', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }).filter((s) => !/[0-9@]/.test(s)),
        (text) => {
          expect(maskText(text)).toBe(text);
        },
      ),
    );
  });

  it('never throws, and reports ordered, non-overlapping matches, on arbitrary strings', () => {
    const tricky = fc.string({
      unit: fc.constantFrom(...'1234567890@a.-_ +()/X'.split(''), '\u00a0', '你'),
      maxLength: 80,
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), tricky), (text) => {
        const matches = findPii(text);
        let last = 0;
        for (const match of matches) {
          expect(match.start).toBeGreaterThanOrEqual(last);
          expect(match.end).toBeGreaterThan(match.start);
          last = match.end;
        }
        expect(last).toBeLessThanOrEqual(text.length);
        const out = maskText(text);
        if (matches.length === 0) expect(out).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});

function luhnCheckDigit(partial: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(partial + d)) return String(d);
  throw new Error('unreachable');
}

function withIdCheck(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (weights[i] as number);
  return first17 + '10X98765432'.charAt(sum % 11);
}
