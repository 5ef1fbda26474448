import { maskCardNumber, maskEmail, maskIdNumber, maskPhone, maskText, parseInput } from '@hotline/core';
import { z } from 'zod';
import type { FieldDefinition } from '../fields/field-definition.js';
import { isTicketProperty } from './properties.js';

/**
 * How a sensitive value is masked, with core's maskers:
 * - `email` → `maskEmail` (`a***@example.com`);
 * - `phone` → `maskPhone` (`+86 *** **** 5678`);
 * - `id_number` → `maskIdNumber` (`110***********002X`);
 * - `card` → `maskCardNumber` (`**** **** **** 1111`);
 * - `text` → `maskText`: free text keeps its words, the emails, phones, ID and card numbers
 *   found in it are masked;
 * - `secret` → the whole value becomes `***` (salaries, notes, anything without a shape).
 */
export type SensitiveKind = 'email' | 'phone' | 'id_number' | 'card' | 'text' | 'secret';

/** Sensitive properties (`subject` or `fields.<key>`) and how each is masked. */
export type SensitiveFields = Readonly<Record<string, SensitiveKind>>;

const kindSchema = z.enum(['email', 'phone', 'id_number', 'card', 'text', 'secret']);

/** What {@link SensitiveFields} may name: the subject or a custom field. */
const sensitivePropertySchema = z
  .string()
  .refine(
    (property) => property === 'subject' || (property.startsWith('fields.') && isTicketProperty(property)),
    "'subject' or a custom field such as 'fields.ssn'",
  );

/** Validates sensitive-field declarations. @throws ValidationError */
export function parseSensitiveFields(input: SensitiveFields = {}): Map<string, SensitiveKind> {
  const parsed = parseInput(z.record(sensitivePropertySchema, kindSchema), input, 'sensitive fields');
  return new Map(Object.entries(parsed));
}

const SECRET = '***';

function maskString(kind: SensitiveKind, text: string): string {
  switch (kind) {
    case 'email':
      return maskEmail(text);
    case 'phone':
      return maskPhone(text);
    case 'id_number':
      return maskIdNumber(text);
    case 'card':
      return maskCardNumber(text);
    case 'text':
      return maskText(text);
    case 'secret':
      return SECRET;
  }
}

/**
 * A value as a reader without the right to see it gets it: strings (and each string of a
 * list) masked by kind, numbers masked as their decimal text; booleans and `null` carry no
 * personal data except under `secret`, which hides everything but `null`.
 */
export function maskValue(kind: SensitiveKind, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return maskString(kind, value);
  if (typeof value === 'number') return maskString(kind, String(value));
  if (Array.isArray(value)) return value.map((item) => maskValue(kind, item));
  if (typeof value === 'boolean' && kind !== 'secret') return value;
  // Anything else has no known shape to keep: hide it whole (fail safe).
  return SECRET;
}

/**
 * Sensitive-field declarations from custom field definitions: every field marked
 * `sensitive` is masked, by the kind given for its key in `kinds`, else as `secret`.
 *
 * @example
 * ```ts
 * const sensitiveFields = sensitiveFieldsOf(catalog.definitions, { email: 'email', phone: 'phone' });
 * // { 'fields.email': 'email', 'fields.phone': 'phone', 'fields.salary': 'secret' }
 * ```
 */
export function sensitiveFieldsOf(
  definitions: readonly Pick<FieldDefinition, 'key' | 'sensitive'>[],
  kinds: Readonly<Record<string, SensitiveKind>> = {},
): Record<string, SensitiveKind> {
  const out: Record<string, SensitiveKind> = {};
  for (const definition of definitions) {
    if (definition.sensitive !== true) continue;
    out[`fields.${definition.key}`] = Object.hasOwn(kinds, definition.key)
      ? (kinds[definition.key] as SensitiveKind)
      : 'secret';
  }
  return out;
}
