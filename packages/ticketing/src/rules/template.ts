import { ValidationError } from '@hotline/core';
import type { ConditionTicket } from '../conditions/scope.js';
import { MAX_COMMENT_BYTES } from '../model/comment.js';

// Placeholder templates for rule comments, notifications, webhook payloads and macros.
// A template is parsed once into literal text and getter closures chosen from a fixed
// table: nothing is evaluated and no object is ever indexed by a name from the template,
// so `{{constructor}}` or `{{__proto__}}` can only be unknown names.

/** The people and groups a template can name, resolved by the host's directory before rendering. */
export type TemplateName = 'requester' | 'assignee' | 'group' | 'current_user';

/** What a template renders from. */
export interface TemplateEnv {
  ticket: ConditionTicket;
  /** Display names, looked up for the names the template uses ({@link CompiledTemplate.names}). */
  names?: Partial<Record<TemplateName, string>>;
}

/** Options of {@link CompiledTemplate.render}. */
export interface RenderOptions {
  /** Escapes inserted values for HTML (`&`, `<`, `>`, `"`, `'`); literal text is kept as written. @default 'none' */
  escape?: 'none' | 'html';
}

/** A parsed template. */
export interface CompiledTemplate {
  readonly source: string;
  /** The names it needs ({@link TemplateEnv.names}). */
  readonly names: ReadonlySet<TemplateName>;
  /** Renders it; the result is cut to {@link MAX_COMMENT_BYTES} UTF-8 bytes. Never throws. */
  render(env: TemplateEnv, options?: RenderOptions): string;
}

/** Options of {@link compileTemplate}. */
export interface CompileTemplateOptions {
  /** Path of the template in validation errors. @default 'template' */
  path?: string;
  /**
   * What an unknown `{{name}}` does: `error` rejects the template (rule and macro
   * definitions use this, so a typo never reaches a customer); `keep` leaves it in the
   * output as written. @default 'error'
   */
  unknown?: 'error' | 'keep';
}

/** Most placeholders in one template. */
export const MAX_PLACEHOLDERS = 1000;

type Getter = (env: TemplateEnv) => string;

const text = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(text).join(', ');
  return typeof value === 'string' ? value : String(value);
};

const name =
  (who: TemplateName): Getter =>
  (env) =>
    env.names?.[who] ?? '';

/** The placeholders every template may use (besides `ticket.fields.<key>`). */
const PLACEHOLDERS: ReadonlyMap<string, { get: Getter; needs?: TemplateName }> = new Map([
  ['ticket.id', { get: (env: TemplateEnv) => text(env.ticket.id) }],
  ['ticket.number', { get: (env: TemplateEnv) => text(env.ticket.number) }],
  ['ticket.subject', { get: (env: TemplateEnv) => text(env.ticket.subject) }],
  ['ticket.status', { get: (env: TemplateEnv) => text(env.ticket.status) }],
  ['ticket.priority', { get: (env: TemplateEnv) => text(env.ticket.priority) }],
  ['ticket.tags', { get: (env: TemplateEnv) => (env.ticket.tags ?? []).join(' ') }],
  ['ticket.source', { get: (env: TemplateEnv) => text(env.ticket.source?.kind) }],
  ['ticket.created_at', { get: (env: TemplateEnv) => text(env.ticket.createdAt) }],
  ['ticket.updated_at', { get: (env: TemplateEnv) => text(env.ticket.updatedAt) }],
  ['requester.id', { get: (env: TemplateEnv) => text(env.ticket.requesterId) }],
  ['requester.name', { get: name('requester'), needs: 'requester' }],
  ['assignee.id', { get: (env: TemplateEnv) => text(env.ticket.assigneeId) }],
  ['assignee.name', { get: name('assignee'), needs: 'assignee' }],
  ['group.id', { get: (env: TemplateEnv) => text(env.ticket.groupId) }],
  ['group.name', { get: name('group'), needs: 'group' }],
  ['current_user.name', { get: name('current_user'), needs: 'current_user' }],
]);

/** The placeholder names a template may use; `ticket.fields.<key>` reads a custom field. */
export const TEMPLATE_PLACEHOLDERS: readonly string[] = [...PLACEHOLDERS.keys(), 'ticket.fields.<key>'];

const FIELD_KEY = /^[A-Za-z0-9_:-]{1,64}$/;
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

function fieldGetter(key: string): Getter | undefined {
  if (!FIELD_KEY.test(key) || RESERVED.has(key)) return undefined;
  return (env) => {
    const fields = env.ticket.fields;
    return fields !== undefined && Object.hasOwn(fields, key) ? text(fields[key]) : '';
  };
}

const HTML: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML[c] as string);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Cuts `value` to at most `maxBytes` UTF-8 bytes, ending with `…` when cut. */
export function clampUtf8(value: string, maxBytes: number = MAX_COMMENT_BYTES): string {
  if (value.length * 3 <= maxBytes) return value;
  const bytes = encoder.encode(value);
  if (bytes.length <= maxBytes) return value;
  return `${decoder.decode(bytes.subarray(0, maxBytes - 3)).replace(/\uFFFD$/, '')}…`;
}

/**
 * Parses a template. `{{ name }}` inserts a value (spaces inside the braces are ignored);
 * `\{{` writes a literal `{{`. Values are inserted once and never re-read as templates,
 * so a subject containing `{{assignee.name}}` stays as written.
 *
 * Placeholders: `ticket.id`, `ticket.number`, `ticket.subject`, `ticket.status`,
 * `ticket.priority`, `ticket.tags`, `ticket.source`, `ticket.created_at`,
 * `ticket.updated_at`, `ticket.fields.<key>`, `requester.id`, `requester.name`,
 * `assignee.id`, `assignee.name`, `group.id`, `group.name`, `current_user.name`.
 *
 * @throws ValidationError for an unknown placeholder (unless `unknown: 'keep'`), an
 * unclosed `{{`, or more than {@link MAX_PLACEHOLDERS} placeholders.
 * @example
 * ```ts
 * const t = compileTemplate('Hi {{requester.name}}, ticket #{{ticket.number}} is {{ticket.status}}.');
 * t.render({ ticket, names: { requester: 'Ada' } }); // 'Hi Ada, ticket #1042 is pending.'
 * ```
 */
export function compileTemplate(source: string, options: CompileTemplateOptions = {}): CompiledTemplate {
  const path = options.path ?? 'template';
  const fail = (message: string): never => {
    throw new ValidationError(`Invalid template ${path}: ${message}`, [{ path, message, code: 'invalid_template' }]);
  };
  const parts: (string | Getter)[] = [];
  const names = new Set<TemplateName>();
  let literal = '';
  let count = 0;
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    if (open < 0) {
      literal += source.slice(i);
      break;
    }
    if (open > i && source[open - 1] === '\\') {
      literal += `${source.slice(i, open - 1)}{{`;
      i = open + 2;
      continue;
    }
    literal += source.slice(i, open);
    const close = source.indexOf('}}', open + 2);
    if (close < 0) fail(`unclosed '{{' at offset ${open}`);
    const key = source.slice(open + 2, close).trim();
    const known = PLACEHOLDERS.get(key);
    const get = known?.get ?? (key.startsWith('ticket.fields.') ? fieldGetter(key.slice(14)) : undefined);
    if (get === undefined) {
      if (options.unknown !== 'keep') fail(`unknown placeholder '{{${key.slice(0, 80)}}}' at offset ${open}`);
      literal += source.slice(open, close + 2);
    } else {
      if (++count > MAX_PLACEHOLDERS) fail(`more than ${MAX_PLACEHOLDERS} placeholders`);
      if (known?.needs !== undefined) names.add(known.needs);
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push(get);
    }
    i = close + 2;
  }
  if (literal !== '') parts.push(literal);
  return {
    source,
    names,
    render(env, renderOptions = {}) {
      const html = renderOptions.escape === 'html';
      let out = '';
      for (const part of parts) {
        out += typeof part === 'string' ? part : html ? escapeHtml(part(env)) : part(env);
        // Stop building early: a huge field repeated by many placeholders must not allocate megabytes.
        if (out.length > MAX_COMMENT_BYTES) break;
      }
      return clampUtf8(out);
    },
  };
}
