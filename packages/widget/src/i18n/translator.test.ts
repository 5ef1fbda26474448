import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { all, flush, q, submit } from '../../test/dom.js';
import { mount } from '../../test/mount.js';
import { en } from './en.js';
import { BUILT_IN_LOCALES } from './locales.js';
import { pickText } from './pick.js';
import { localeChain, createTranslator as withDictionaries } from './translator.js';
import { inOrderOf, zhCN } from './zh-cn.js';

/** A translator with every built-in dictionary, as the widget has once the extras are loaded. */
const createTranslator = (locale: string, texts?: Parameters<typeof withDictionaries>[1]) =>
  withDictionaries(locale, texts, BUILT_IN_LOCALES);

describe('translator', () => {
  it('walks the tag down to its language and aliases, then English', () => {
    expect(localeChain('zh-Hans-CN')).toEqual(['zh-hans-cn', 'zh-cn', 'zh-hans', 'zh-cn', 'zh', 'zh-cn', 'en']);
    expect(localeChain('fr_CA')).toEqual(['fr-ca', 'fr', 'en']);
  });

  it('has every built-in text in Simplified Chinese, none left in English', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(typeof zhCN[key], key).toBe('string');
      expect(zhCN[key], key).not.toBe(en[key]);
    }
  });

  it('lists the Chinese texts in the order of the English keys that their comments name', () => {
    // zh-cn.ts gives its texts without keys (`inOrderOf`): one per line, then `// key`.
    const source = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'zh-cn.ts'), 'utf8');
    const lines = [...source.matchAll(/^ {2}'(.*)', \/\/ (\w+)$/gm)];
    expect(lines.map(([, , key]) => key)).toEqual(Object.keys(en));
    expect(lines.map(([, text]) => text)).toEqual(Object.values(zhCN));
    expect(inOrderOf(en, ['a'])).toMatchObject({ openChat: 'a', closeChat: undefined });
  });

  it('resolves Chinese variants to zh-CN and unknown locales to English', () => {
    expect(createTranslator('zh').t('send')).toBe('发送');
    expect(createTranslator('zh-Hans').t('send')).toBe('发送');
    expect(createTranslator('ZH-cn').t('send')).toBe('发送');
    expect(createTranslator('fr-FR').t('send')).toBe('Send');
  });

  it('puts host texts first, per locale, falling back per key', () => {
    const texts = {
      en: { welcome: 'Hello from Acme' },
      'zh-CN': { welcome: '欢迎来到 Acme' },
      fr: { send: 'Envoyer' },
    };
    expect(createTranslator('en-GB', texts).t('welcome')).toBe('Hello from Acme');
    expect(createTranslator('zh-CN', texts).t('welcome')).toBe('欢迎来到 Acme');
    expect(createTranslator('zh-CN', texts).t('send')).toBe('发送');
    expect(createTranslator('fr', texts).t('send')).toBe('Envoyer');
    expect(createTranslator('fr', texts).t('title')).toBe('Chat with us');
  });

  it('fills placeholders and leaves unknown ones', () => {
    const t = createTranslator('en', { en: { typing: '{name} writes {what}' } });
    expect(t.t('typing', { name: 'Anna' })).toBe('Anna writes {what}');
    expect(createTranslator('zh-CN').t('unread', { count: 3 })).toBe('3 条未读');
  });

  it('picks per-locale host texts for field labels', () => {
    const label = { en: 'Order', 'zh-CN': '订单' };
    expect(pickText('zh', label)).toBe('订单');
    expect(pickText('de', label)).toBe('Order');
    expect(pickText('de', { ja: '注文' })).toBe('注文');
    expect(pickText('de', 'Plain')).toBe('Plain');
    expect(pickText('de', undefined)).toBe('');
  });

  it('sets the direction for right-to-left languages', () => {
    expect(createTranslator('ar-EG').dir).toBe('rtl');
    expect(createTranslator('he').dir).toBe('rtl');
    expect(createTranslator('zh-CN').dir).toBe('ltr');
  });
});

describe('widget locales', () => {
  const texts = {
    en: { welcome: 'Welcome to Acme!', offlineMessage: 'We answer within a day.' },
    'zh-CN': { welcome: '欢迎光临 Acme！', offlineMessage: '我们会在一天内回复。' },
  };

  it('renders Simplified Chinese with lang on the panel and host texts', async () => {
    const { widget } = mount({ locale: 'zh-CN', texts });
    expect(q(widget, 'launcher').getAttribute('aria-label')).toBe('打开聊天');
    widget.open();
    await flush();
    expect(q(widget, 'root').getAttribute('lang')).toBe('zh-CN');
    expect(q(widget, 'welcome').textContent).toBe('欢迎光临 Acme！');
    expect(q(widget, 'input').getAttribute('placeholder')).toBe('输入消息…');
    expect(q(widget, 'send-button').getAttribute('aria-label')).toBe('发送');
  });

  it('setLocale switches every text, built-in and host-configured, and tells the client', async () => {
    const { widget, chats } = mount({
      texts,
      prechat: { fields: [{ name: 'topic', label: { en: 'Topic', 'zh-CN': '主题' }, required: true }] },
    });
    widget.open();
    await flush();
    submit(q(widget, 'prechat'));
    expect(q(widget, '#prechat-topic-error').textContent).toBe('This field is required.');
    widget.setLocale('zh-CN');
    expect(chats[0]?.called('setLocale')).toEqual([['zh-CN']]);
    expect(q(widget, 'prechat').textContent).toContain('主题');
    expect(q(widget, 'prechat').textContent).toContain('开始之前');
    expect(q(widget, 'prechat').querySelector('[part~=submit]')?.textContent).toBe('开始聊天');
    expect(q(widget, 'launcher').getAttribute('aria-label')).toBe('关闭聊天');
    expect(q(widget, 'close-button').getAttribute('aria-label')).toBe('关闭聊天');
    expect(() => widget.setLocale('not a locale')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('translates the host offline message', async () => {
    const { widget } = mount({ texts, locale: 'zh-CN' }, (chat) => {
      chat.queueOpen = false;
    });
    widget.open();
    await flush();
    expect(q(widget, 'offline').textContent).toContain('我们会在一天内回复。');
    widget.setLocale('en');
    expect(q(widget, 'offline').textContent).toContain('We answer within a day.');
  });

  it('keeps the draft and re-renders the messages once after a locale switch', async () => {
    const { widget, chats } = mount({ texts });
    widget.open();
    await flush();
    const chat = chats[0];
    await chat?.start();
    chat?.agentSays('Hello');
    const input = q<HTMLTextAreaElement>(widget, 'input');
    input.value = 'half-written';
    widget.setLocale('zh-CN');
    expect(input.value).toBe('half-written');
    expect(all(widget, 'message')).toHaveLength(1);
    expect(q(widget, 'welcome').textContent).toBe('欢迎光临 Acme！');
  });

  it('defaults to the page language', () => {
    document.documentElement.lang = 'zh-CN';
    try {
      const { widget } = mount({ locale: undefined });
      expect(q(widget, 'launcher').getAttribute('aria-label')).toBe('打开聊天');
    } finally {
      document.documentElement.lang = '';
    }
  });
});
