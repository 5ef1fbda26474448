import type { FieldValue } from '../model/ticket.js';
import type { FieldDefinition } from './field-definition.js';

// One value against one definition. Returns the normalised value or a message; the
// catalog collects messages into one ValidationError so a form shows every problem at once.

/** A checked value, or why it was refused. */
export type FieldCheck = { ok: true; value: FieldValue } | { ok: false; message: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function ok(value: FieldValue): FieldCheck {
  return { ok: true, value };
}
function fail(message: string): FieldCheck {
  return { ok: false, message };
}

function inBounds(value: number, def: { min?: number | undefined; max?: number | undefined }): FieldCheck {
  if (def.min !== undefined && value < def.min) return fail(`must be at least ${def.min}`);
  if (def.max !== undefined && value > def.max) return fail(`must be at most ${def.max}`);
  return ok(value);
}

/** Whether `YYYY-MM-DD` names a real day of the proleptic Gregorian calendar. */
export function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

function decimals(value: number): number {
  const text = String(value);
  if (text.includes('e')) {
    const [mantissa = '', exponent = '0'] = text.split('e');
    const fraction = mantissa.split('.')[1]?.length ?? 0;
    return Math.max(0, fraction - Number(exponent));
  }
  return text.split('.')[1]?.length ?? 0;
}

function checkText(value: unknown, maxLength: number, singleLine: boolean): FieldCheck {
  if (typeof value !== 'string') return fail('must be text');
  if (value.length > maxLength) return fail(`must be at most ${maxLength} characters`);
  if (singleLine && /[\r\n]/.test(value)) return fail('must be one line');
  return ok(value);
}

function checkNumber(value: unknown): FieldCheck {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail('must be a finite number');
  return ok(value);
}

/**
 * Checks one value against its definition. `null` clears a field and is always accepted
 * here (requirements are checked separately). `pattern` is the compiled regex of a
 * `regex` field.
 */
export function checkFieldValue(def: FieldDefinition, value: unknown, pattern?: RegExp): FieldCheck {
  if (value === null) return ok(null);
  switch (def.type) {
    case 'text':
      return checkText(value, def.maxLength, true);
    case 'textarea':
      return checkText(value, def.maxLength, false);
    case 'number': {
      const number = checkNumber(value);
      return number.ok ? inBounds(value as number, def) : number;
    }
    case 'integer': {
      if (!Number.isSafeInteger(value)) return fail('must be a whole number');
      return inBounds(value as number, def);
    }
    case 'decimal': {
      const number = checkNumber(value);
      if (!number.ok) return number;
      if (decimals(value as number) > def.scale) return fail(`must have at most ${def.scale} decimal places`);
      return inBounds(value as number, def);
    }
    case 'checkbox':
      return typeof value === 'boolean' ? ok(value) : fail('must be true or false');
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? ok(value) : fail('must be a date YYYY-MM-DD');
    case 'dropdown':
      return typeof value === 'string' && def.options.includes(value) ? ok(value) : fail('must be one of the options');
    case 'multiselect': {
      if (!Array.isArray(value)) return fail('must be a list of options');
      const chosen: string[] = [];
      for (const item of value) {
        if (typeof item !== 'string' || !def.options.includes(item)) return fail('must list only the options');
        if (!chosen.includes(item)) chosen.push(item);
      }
      if (def.maxItems !== undefined && chosen.length > def.maxItems) return fail(`at most ${def.maxItems} options`);
      return ok(chosen);
    }
    case 'regex': {
      const text = checkText(value, def.maxLength, false);
      if (!text.ok) return text;
      return pattern?.test(value as string) ? ok(value as string) : fail('does not match the pattern');
    }
  }
}

/**
 * Whether a value counts as missing for a requirement: absent, `null`, empty text, an
 * empty list, or an unchecked checkbox.
 */
export function isMissing(def: FieldDefinition, value: FieldValue | undefined): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return def.type === 'checkbox' && value === false;
}
