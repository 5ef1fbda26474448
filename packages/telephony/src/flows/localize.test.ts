import { describe, expect, it } from 'vitest';
import { localize, matchesKeyword, resolveLocale } from './localize.js';

describe('localize', () => {
  const def = { defaultLocale: 'en' };

  it('picks the exact tag, then the language, then the default', () => {
    const text = { en: 'Hello', 'zh-TW': '您好', pt: 'Olá' };
    expect(localize(text, 'zh-TW', def)).toBe('您好');
    expect(localize(text, 'zh-CN', def)).toBe('您好');
    expect(localize(text, 'pt-BR', def)).toBe('Olá');
    expect(localize(text, 'de', def)).toBe('Hello');
    expect(localize('Same everywhere', 'de', def)).toBe('Same everywhere');
  });

  it('resolves a requested locale against the declared ones', () => {
    const declared = { defaultLocale: 'en', locales: ['en', 'zh'] };
    expect(resolveLocale(declared, 'ZH-cn')).toBe('zh');
    expect(resolveLocale(declared, 'fr')).toBe('en');
    expect(resolveLocale(declared)).toBe('en');
    expect(resolveLocale({ defaultLocale: 'en' }, 'fr-CA')).toBe('fr-CA');
  });
});

describe('matchesKeyword', () => {
  it('matches whole words, ignoring case, width and punctuation', () => {
    expect(matchesKeyword('I need HELP!', 'help')).toBe(true);
    expect(matchesKeyword('Ｓａｌｅｓ, please', 'sales')).toBe(true);
    expect(matchesKeyword('En ESPAÑOL por favor', 'espanol')).toBe(true);
    expect(matchesKeyword('日本語でお願いします', '日本語で')).toBe(true);
    expect(matchesKeyword('please call me back.', 'call me back')).toBe(true);
    expect(matchesKeyword('my phone', 'no')).toBe(false);
    expect(matchesKeyword('helpful', 'help')).toBe(false);
  });

  it('matches inside text in scripts written without spaces', () => {
    expect(matchesKeyword('我要中文服务', '中文')).toBe(true);
    expect(matchesKeyword('我要英文服务', '中文')).toBe(false);
  });

  it('never matches an empty keyword', () => {
    expect(matchesKeyword('anything', '!!')).toBe(false);
  });
});
