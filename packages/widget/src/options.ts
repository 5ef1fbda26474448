import { ClientError } from '@hotline/client';
import type { IdentityClaim, ValidationIssue } from '@hotline/core';
import type { LocalizedText, Texts } from './i18n/translator.js';
import { HEX_COLOR } from './theme/contrast.js';
import type { ThemeColors } from './theme/palette.js';
import type { WidgetVoiceOptions } from './voice/voice-types.js';

/** A value the host may attach to the visitor (sent with the conversation as `custom`). */
export type AttributeValue = string | number | boolean | null;

/** One field of the pre-chat form. Answers go to the conversation's `attributes.prechat[name]`. */
export interface PrechatField {
  /** Key of the answer: a letter or `_`, then letters, digits, `_ . -` (64 at most). */
  name: string;
  /** @default the built-in text for `name`, `email`, `phone` and `message`, else `name` */
  label?: LocalizedText;
  /** @default 'text' */
  type?: 'text' | 'email' | 'tel' | 'select' | 'textarea';
  /** @default false */
  required?: boolean;
  /** The choices of a `select` (required for it). @default none */
  options?: { value: string; label: LocalizedText }[];
}

/** Settings handed to the chat client as they are (see `CustomerChat` in `@hotline/client`). */
export interface ClientSettings {
  /** A `WebSocket` constructor. @default globalThis.WebSocket */
  WebSocket?: unknown;
  /** Used for uploads. @default globalThis.fetch */
  fetch?: unknown;
  /** Where the visitor token, conversation and outbox are kept, from the first open on. @default localStorage */
  storage?: {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
    removeItem(key: string): void;
  };
  /** Prefix of stored keys. @default 'hotline' */
  storageKey?: string;
  [setting: string]: unknown;
}

/** Everything `Hotline.init` accepts. Only `url` and `siteId` are required. */
export interface WidgetOptions {
  /** The web chat gateway: `wss://host/hotline/webchat` (`https://` is turned into `wss://`). */
  url: string;
  /** The site (widget installation) configured on the server. */
  siteId: string;
  /** A BCP 47 tag. @default the page's `<html lang>`, else the browser's language, else 'en' */
  locale?: string;
  /** `auto` follows `prefers-color-scheme`. @default 'auto' */
  theme?: 'light' | 'dark' | 'auto';
  /** Colours for both themes (hex). @default the built-in palettes */
  colors?: ThemeColors;
  /** Colours for the dark theme, over `colors`. @default none */
  darkColors?: ThemeColors;
  /** Corner of the page. @default 'right' */
  position?: 'right' | 'left';
  /** Texts per locale tag, over the built-in ones: `{ en: { welcome: '…' }, 'zh-CN': { welcome: '…' } }`. @default {} */
  texts?: Record<string, Texts>;
  /** The pre-chat form; none when no field is given. @default no form */
  prechat?: { fields: PrechatField[] };
  /** A verified identity (HMAC hash or host-signed JWT); see `setUser`. @default anonymous */
  user?: IdentityClaim;
  /** Sent with every new conversation as `attributes.custom`. @default {} */
  attributes?: Record<string, AttributeValue>;
  /** The queue new conversations go to. @default the site's default queue */
  queueId?: string;
  /** The page's CSP nonce, used only where constructable stylesheets are missing. @default the loading script's nonce */
  nonce?: string;
  /** Open the panel (and connect, which writes storage) as soon as the widget is ready. @default false */
  openOnLoad?: boolean;
  /** Passed to the chat client. @default {} */
  client?: ClientSettings;
  /**
   * Where the one-script-tag build loads `hotline-widget-extras.js` from (forms, rating,
   * Chinese texts) when it first needs them; the ESM build bundles them and ignores this.
   * @default the file of that name next to the widget's script
   */
  extrasUrl?: string;
  /**
   * Click-to-call: a call button in the header that calls `sip:<queue>@<domain>` (joined to
   * the open chat). Its code loads from `hotline-widget-voice.js` on the first press.
   * @default no call button
   */
  voice?: WidgetVoiceOptions;
}

/** Options after validation, defaults filled in. */
export interface ResolvedOptions
  extends Required<Pick<WidgetOptions, 'url' | 'siteId' | 'locale' | 'theme' | 'position' | 'texts' | 'client'>> {
  source: WidgetOptions;
  fields: PrechatField[];
}

const ID = /^[a-z\d][\w.:-]{0,127}$/i;
const KEY = /^(?!__proto__$|constructor$|prototype$)[A-Za-z_][\w.-]{0,63}$/;
const LANGUAGE = /^[a-z]{2,3}(-[a-z\d]{2,8}){0,7}$/i;

/** The value if it is a string, else `''` (which no rule accepts). */
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

type Check = (ok: unknown, path: string, expected: string) => void;

/**
 * Runs `rules` and throws a `VALIDATION_FAILED` error listing every problem in
 * `details.issues` (`{ path, message: 'expected …' }`). It is the chat client's
 * `ClientError`, which has the shape of core's `HotlineError` (`code`, `details`,
 * `toJSON`; `isHotlineError` recognises it): core's error classes would cost the bundle
 * budget what the client already ships.
 */
export function validate(what: string, rules: (check: Check) => void): void {
  const issues: ValidationIssue[] = [];
  rules((ok, path, expected) => void (ok || issues.push({ path, message: `expected ${expected}` })));
  if (issues[0]) {
    throw new ClientError(
      'VALIDATION_FAILED',
      `invalid ${what}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      {
        reason: 'invalid_options',
        details: { issues },
      },
    );
  }
}

/** Checks an identity claim. */
export const checkUser = (user: unknown, check: Check): void => {
  const u: Record<string, unknown> = isObject(user) ? user : {};
  check(
    (typeof u.jwt === 'string' && u.jwt) ||
      (typeof u.userId === 'string' && u.userId && /^[0-9a-f]{64}$/.test(str(u.hash))),
    'user',
    '{ userId, hash (hex HMAC-SHA256) } or { jwt }',
  );
};

/** Checks host attributes: keys as core's attributes; string, number, boolean or null values. */
export const checkAttributes = (attributes: unknown, check: Check): void => {
  check(isObject(attributes), 'attributes', 'an object');
  for (const [key, value] of Object.entries(isObject(attributes) ? attributes : {}))
    check(
      KEY.test(key) && (value === null || /^[sbn]/.test(typeof value)),
      `attributes.${key}`,
      'a key and a string, number, boolean or null',
    );
};

/** Checks a locale tag. */
export const checkLocale = (locale: unknown, check: Check): void =>
  check(LANGUAGE.test(str(locale)), 'locale', 'a BCP 47 tag such as en or zh-CN');

/** Checks that `value` is unset or one of `allowed` (separated by `|`, which the message shows). */
const choice = (check: Check, path: string, value: unknown, allowed: string): void =>
  check(value === undefined || allowed.split('|').includes(value as string), path, allowed);

/** Validates `init` options (the error lists every problem) and fills in defaults. */
export function resolveOptions(options: WidgetOptions): ResolvedOptions {
  const o: Partial<WidgetOptions> = isObject(options) ? options : {};
  const fields: unknown = o.prechat?.fields ?? [];
  validate('widget options', (check) => {
    check(/^(wss?|https?):\/\/./.test(str(o.url)), 'url', 'a ws:// or wss:// URL');
    check(ID.test(str(o.siteId)), 'siteId', 'a site id');
    check(o.queueId === undefined || ID.test(str(o.queueId)), 'queueId', 'a queue id');
    check(o.extrasUrl === undefined || str(o.extrasUrl), 'extrasUrl', 'a URL');
    const v = o.voice;
    check(
      v === undefined || (str(v.wsUrl) && str(v.domain) && ID.test(str(v.queue))),
      'voice',
      '{ wsUrl, domain, queue }',
    );
    if (o.locale !== undefined) checkLocale(o.locale, check);
    choice(check, 'theme', o.theme, 'light|dark|auto');
    choice(check, 'position', o.position, 'right|left');
    for (const name of ['colors', 'darkColors'] as const) {
      for (const [key, value] of Object.entries(o[name] ?? {}))
        check(HEX_COLOR.test(str(value)), `${name}.${key}`, '#rgb or #rrggbb');
    }
    check(
      o.texts === undefined || (isObject(o.texts) && Object.values(o.texts).every(isObject)),
      'texts',
      'texts by locale tag',
    );
    check(Array.isArray(fields), 'prechat.fields', 'an array');
    const names = new Set<unknown>();
    (Array.isArray(fields) ? fields : []).forEach((field: Partial<PrechatField> | undefined, i) => {
      const path = `prechat.fields.${i}.`;
      const name = field?.name;
      check(KEY.test(str(name)) && !names.has(name), `${path}name`, 'a unique key');
      names.add(name);
      choice(check, `${path}type`, field?.type, 'text|email|tel|select|textarea');
      check(field?.type !== 'select' || field.options?.length, `${path}options`, 'options');
    });
    if (o.user !== undefined) checkUser(o.user, check);
    if (o.attributes !== undefined) checkAttributes(o.attributes, check);
  });
  const page = globalThis.document?.documentElement.lang;
  return {
    source: o as WidgetOptions,
    url: (o.url as string).replace(/^http/, 'ws'),
    siteId: o.siteId as string,
    locale: o.locale ?? [page, globalThis.navigator?.language].find((tag) => tag && LANGUAGE.test(tag)) ?? 'en',
    theme: o.theme ?? 'auto',
    position: o.position ?? 'right',
    texts: o.texts ?? {},
    client: o.client ?? {},
    fields: fields as PrechatField[],
  };
}
