import { describe, expect, it } from 'vitest';
import { optionsFromScript } from './data-attributes.js';
import { resolveOptions, type WidgetOptions } from './options.js';

const BASE = { url: 'wss://chat.example.com/hotline/webchat', siteId: 'site_acme' };

function issues(options: unknown): string[] {
  try {
    resolveOptions(options as WidgetOptions);
  } catch (error) {
    expect(error).toMatchObject({ name: 'ClientError', code: 'VALIDATION_FAILED' });
    return (error as { details: { issues: { path: string }[] } }).details.issues.map((i) => i.path);
  }
  return [];
}

describe('options', () => {
  it('fills in defaults and turns an https URL into wss', () => {
    const resolved = resolveOptions({ ...BASE, url: 'https://chat.example.com/hotline/webchat', locale: 'zh-CN' });
    expect(resolved).toMatchObject({
      url: 'wss://chat.example.com/hotline/webchat',
      locale: 'zh-CN',
      theme: 'auto',
      position: 'right',
      texts: {},
      fields: [],
    });
  });

  it('names every invalid option', () => {
    expect(issues(undefined)).toEqual(['url', 'siteId']);
    expect(
      issues({
        ...BASE,
        url: 'javascript:alert(1)',
        siteId: 'bad id',
        queueId: 'q 1',
        locale: 'english please',
        theme: 'pink',
        position: 'top',
        colors: { accent: 'red', text: '#fff' },
        darkColors: { background: 'rgb(0,0,0)' },
        texts: { en: 'Hello' },
        prechat: {
          fields: [
            { name: 'email' },
            { name: 'email' },
            { name: '1st' },
            { name: 'kind', type: 'radio' },
            { name: 'topic', type: 'select' },
          ],
        },
        user: { userId: 'u1', hash: 'short' },
        attributes: { ok: 1, 'bad key': 2, nested: { a: 1 }, __proto__x: true },
      }),
    ).toEqual([
      'url',
      'siteId',
      'queueId',
      'locale',
      'theme',
      'position',
      'colors.accent',
      'darkColors.background',
      'texts',
      'prechat.fields.1.name',
      'prechat.fields.2.name',
      'prechat.fields.3.type',
      'prechat.fields.4.options',
      'user',
      'attributes.bad key',
      'attributes.nested',
    ]);
    expect(issues({ ...BASE, prechat: { fields: 'email' } })).toEqual(['prechat.fields']);
    expect(issues({ ...BASE, attributes: ['x'] })).toEqual(['attributes']);
    expect(issues({ ...BASE, extrasUrl: 42 })).toEqual(['extrasUrl']);
    expect(issues({ ...BASE, extrasUrl: '' })).toEqual(['extrasUrl']);
    expect(issues({ ...BASE, extrasUrl: '/assets/hotline-widget-extras.js' })).toEqual([]);
  });

  it('accepts both identity claims and every field type', () => {
    expect(issues({ ...BASE, user: { jwt: 'a.b.c' } })).toEqual([]);
    expect(issues({ ...BASE, user: { userId: 'u1', hash: 'f'.repeat(64), name: 'Ada' } })).toEqual([]);
    const fields = ['text', 'email', 'tel', 'textarea'].map((type) => ({ name: `f_${type}`, type }));
    expect(
      issues({
        ...BASE,
        prechat: { fields: [...fields, { name: 's', type: 'select', options: [{ value: 'a', label: 'A' }] }] },
      }),
    ).toEqual([]);
  });
});

describe('data attributes', () => {
  function script(attributes: Record<string, string>): HTMLScriptElement {
    const el = document.createElement('script');
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    return el;
  }

  it('does nothing without data-site-id', () => {
    expect(optionsFromScript(script({ 'data-url': BASE.url }))).toBeUndefined();
  });

  it('reads the plain and the JSON attributes', () => {
    const options = optionsFromScript(
      script({
        'data-url': BASE.url,
        'data-site-id': 'site_acme',
        'data-locale': 'zh-CN',
        'data-theme': 'dark',
        'data-position': 'left',
        'data-queue-id': 'q_sales',
        'data-open-on-load': '',
        'data-colors': '{"accent":"#5b2a86"}',
        'data-texts': '{"en":{"welcome":"Hi from Acme"},"zh-CN":{"welcome":"欢迎"}}',
        'data-prechat': '{"fields":[{"name":"email","type":"email","required":true}]}',
        'data-attributes': '{"plan":"pro"}',
        'data-extras-url': '/assets/hotline-widget-extras.js',
      }),
    );
    expect(options).toEqual({
      url: BASE.url,
      siteId: 'site_acme',
      locale: 'zh-CN',
      theme: 'dark',
      position: 'left',
      queueId: 'q_sales',
      openOnLoad: true,
      colors: { accent: '#5b2a86' },
      texts: { en: { welcome: 'Hi from Acme' }, 'zh-CN': { welcome: '欢迎' } },
      prechat: { fields: [{ name: 'email', type: 'email', required: true }] },
      attributes: { plan: 'pro' },
      extrasUrl: '/assets/hotline-widget-extras.js',
    });
    expect(resolveOptions(options as WidgetOptions).siteId).toBe('site_acme');
  });

  it('leaves bad JSON for init to report, and reads data-open-on-load="false" as false', () => {
    const options = optionsFromScript(
      script({
        ...{ 'data-site-id': 's1', 'data-url': BASE.url },
        'data-texts': '{oops',
        'data-open-on-load': 'false',
      }),
    );
    expect(options?.openOnLoad).toBe(false);
    expect(issues(options)).toEqual(['texts']);
  });
});
