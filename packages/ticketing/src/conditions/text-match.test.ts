import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldCase, foldText, matchesPhrase, phraseKey, splitPhrases } from './text-match.js';

const has = (text: string, phrase: string) => matchesPhrase(foldText(text), phraseKey(phrase) as string);

describe('text matching', () => {
  it('folds case, accents and compatibility forms', () => {
    expect(foldCase('Crème BRÛLÉE')).toBe('creme brulee');
    expect(foldCase('ＲＥＦＵＮＤ')).toBe('refund');
    expect(foldCase('ガギグ')).toBe('ガギグ'); // Japanese voiced kana survive
    expect(foldCase('환불')).toBe('환불');
  });

  it('matches whole words only in spaced scripts', () => {
    expect(has('I want a refund now', 'refund')).toBe(true);
    expect(has('I want a refunded order', 'refund')).toBe(false);
    expect(has('Refund!', 'REFUND')).toBe(true);
    expect(has('credit-card declined', 'credit card')).toBe(true);
    expect(has('credit cardholder', 'credit card')).toBe(false);
    expect(has('je veux être remboursé', 'etre rembourse')).toBe(true);
  });

  it('matches scripts without spaces by substring', () => {
    expect(has('我要退款，谢谢', '退款')).toBe(true);
    expect(has('我要退款refund', 'refund')).toBe(true);
    expect(has('我要退款', '退货')).toBe(false);
    expect(has('返金してください', '返金')).toBe(true);
    expect(has('환불을 원합니다', '환불')).toBe(true);
  });

  it('splits word lists with quoted phrases', () => {
    expect(splitPhrases('refund "credit card", 退款')).toEqual(['refund', 'credit card', '退款']);
    expect(splitPhrases(['  a b ', ''])).toEqual(['a b']);
    expect(phraseKey('!!!')).toBeUndefined();
  });

  it('a text always contains its own words, in any case', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('refund', 'Crème', '退款', 'x1', 'ÉTÉ', 'Ａ'), { minLength: 1 }),
        (words) => {
          const text = words.join(' ');
          return words.every((word) => has(text.toUpperCase(), word) && has(text, word.toLowerCase()));
        },
      ),
    );
  });
});
