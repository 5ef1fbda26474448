import type { FlowDefinitionInput } from './definition-schema.js';

/** A bilingual support IVR that uses every node kind; shared by the flow tests. */
export const supportFlow = {
  id: 'support',
  start: 'welcome',
  defaultLocale: 'en',
  locales: ['en', 'zh'],
  nodes: {
    welcome: { kind: 'say', text: { en: 'Welcome to Hotline.', zh: '欢迎致电 Hotline。' }, next: 'language' },
    language: {
      kind: 'menu',
      prompt: 'For English press 1. 中文服务请按 2。',
      options: [
        { digit: '1', keywords: ['english'], label: 'English', next: 'setEnglish' },
        { digit: '2', keywords: ['中文', 'chinese'], label: '中文', next: 'setChinese' },
      ],
      maxRetries: 1,
      fallback: 'setEnglish',
    },
    setEnglish: { kind: 'set', locale: 'en', attributes: { language: 'en' }, next: 'main' },
    setChinese: { kind: 'set', locale: 'zh', attributes: { language: 'zh' }, next: 'main' },
    main: {
      kind: 'menu',
      prompt: {
        en: 'Press 1 for sales, 2 for support, 3 for a callback, 0 to leave.',
        zh: '销售请按 1，技术支持请按 2，预约回电请按 3，结束请按 0。',
      },
      options: [
        { digit: '1', keywords: { en: ['sales', 'buy'], zh: ['销售', '购买'] }, next: 'toSales' },
        { digit: '2', keywords: { en: ['support', 'help'], zh: ['支持', '帮助'] }, next: 'account' },
        { digit: '3', keywords: { en: ['callback', 'call me back'], zh: ['回电'] }, next: 'phone' },
        { digit: '0', keywords: { en: ['bye'], zh: ['再见'] }, next: 'bye' },
      ],
      noInputText: { en: 'Are you still there?', zh: '您还在吗？' },
      noMatchText: { en: 'Sorry, I did not get that.', zh: '对不起，我没有听懂。' },
      fallback: 'toSupport',
    },
    account: {
      kind: 'collect',
      mode: 'digits',
      attribute: 'account',
      prompt: { en: 'Enter your account number, then hash.', zh: '请输入您的账号，以井号结束。' },
      minLength: 4,
      maxLength: 8,
      noMatchText: { en: 'That is not an account number.', zh: '账号无效。' },
      next: 'issue',
      fallback: 'toSupport',
    },
    issue: {
      kind: 'collect',
      mode: 'text',
      attribute: 'issue',
      prompt: { en: 'In a few words, what is the problem?', zh: '请简单描述您的问题。' },
      minLength: 3,
      maxLength: 200,
      next: 'toSupport',
      fallback: 'toSupport',
    },
    toSales: {
      kind: 'route',
      queue: 'sales',
      priority: 5,
      text: { en: 'Connecting you to sales.', zh: '正在为您转接销售。' },
    },
    toSupport: { kind: 'route', queue: 'support', skills: ['support'] },
    phone: {
      kind: 'collect',
      mode: 'digits',
      attribute: 'phone',
      prompt: { en: 'Enter the number to call back.', zh: '请输入回电号码。' },
      minLength: 7,
      maxLength: 15,
      next: 'callback',
    },
    callback: {
      kind: 'callback',
      queue: 'support',
      phoneAttribute: 'phone',
      text: { en: 'We will call you back.', zh: '我们会给您回电。' },
    },
    bye: { kind: 'end', reason: 'hangup', text: { en: 'Goodbye.', zh: '再见。' } },
  },
} satisfies FlowDefinitionInput;
