import { parseInput, ValidationError, type ValidationIssue } from '@hotline/core';
import { z } from 'zod';
import type { FieldValue, TicketStatus } from '../model/ticket.js';
import {
  type FieldDefinition,
  type FieldDefinitionInput,
  fieldDefinitionSchema,
  type TicketForm,
  ticketFormSchema,
} from './field-definition.js';
import { checkFieldValue, isMissing } from './field-values.js';

/** Most custom fields per tenant. */
export const MAX_FIELD_DEFINITIONS = 1000;

/** A tenant's custom fields and forms, checked and indexed. */
export interface FieldCatalog {
  readonly definitions: readonly FieldDefinition[];
  readonly forms: readonly TicketForm[];
  /** The definition of a key, or `undefined`. */
  field(key: string): FieldDefinition | undefined;
  /** The form, or `undefined`. */
  form(id: string): TicketForm | undefined;
  /**
   * Checks a change of field values (`null` clears one, even a key the form does not
   * have) and returns them normalised. Throws `ValidationError` listing every problem: unknown keys (`details.unknownKeys`),
   * keys the ticket's form does not have, and values that fail their definition. Paths
   * are `fields.<key>`.
   */
  validateValues(values: Readonly<Record<string, unknown>>, formId?: string): Record<string, FieldValue>;
  /** The keys required for a ticket in `status` on `formId` that have no value in `fields`. */
  missingRequired(fields: Readonly<Record<string, FieldValue>>, status: TicketStatus, formId?: string): string[];
  /** Throws `ValidationError` when the form is unknown. */
  assertForm(formId: string): TicketForm;
}

function compilePattern(def: FieldDefinition, index: number): RegExp | undefined {
  if (def.type !== 'regex') return undefined;
  try {
    // Anchored so the whole value must match, not a substring of it.
    return new RegExp(`^(?:${def.pattern})$`, 'u');
  } catch {
    throw new ValidationError(`Field ${def.key}: invalid pattern`, [
      { path: `${index}.pattern`, message: 'not a valid regular expression' },
    ]);
  }
}

/**
 * Checks a tenant's field definitions and forms (unique keys and ids, forms naming only
 * defined fields, valid patterns) and returns a catalog that validates values.
 *
 * @throws ValidationError when a definition or form is invalid.
 * @example
 * ```ts
 * const catalog = createFieldCatalog(
 *   [
 *     { key: 'plan', type: 'dropdown', options: ['free', 'pro'], requiredIn: ['solved'] },
 *     { key: 'order_id', type: 'regex', pattern: 'ORD-[0-9]{6}' },
 *   ],
 *   [{ id: 'form_refund', name: 'Refund', fieldKeys: ['plan', 'order_id'], requiredKeys: ['order_id'] }],
 * );
 * catalog.validateValues({ plan: 'pro' }); // { plan: 'pro' }
 * catalog.validateValues({ plan: 'gold' }); // throws ValidationError (fields.plan)
 * ```
 */
export function createFieldCatalog(
  definitionsInput: readonly FieldDefinitionInput[] = [],
  formsInput: readonly TicketForm[] = [],
): FieldCatalog {
  const definitions = parseInput(
    z.array(fieldDefinitionSchema).max(MAX_FIELD_DEFINITIONS),
    definitionsInput,
    'field definitions',
  );
  const forms = parseInput(z.array(ticketFormSchema).max(1000), formsInput, 'ticket forms');
  const byKey = new Map<string, FieldDefinition>();
  const patterns = new Map<string, RegExp>();
  for (const [index, def] of definitions.entries()) {
    if (byKey.has(def.key)) {
      throw new ValidationError(`Duplicate field key ${def.key}`, [{ path: `${index}.key`, message: 'duplicate key' }]);
    }
    byKey.set(def.key, def);
    const pattern = compilePattern(def, index);
    if (pattern) patterns.set(def.key, pattern);
  }
  const byForm = new Map<string, TicketForm & { keys: Set<string> }>();
  for (const [index, form] of forms.entries()) {
    const issues: ValidationIssue[] = [];
    if (byForm.has(form.id)) issues.push({ path: `${index}.id`, message: 'duplicate form id' });
    for (const key of form.fieldKeys) {
      if (!byKey.has(key)) issues.push({ path: `${index}.fieldKeys`, message: `unknown field ${key}` });
    }
    for (const key of form.requiredKeys ?? []) {
      if (!form.fieldKeys.includes(key)) {
        issues.push({ path: `${index}.requiredKeys`, message: `${key} is not one of the form's fields` });
      }
    }
    if (issues.length > 0) throw new ValidationError(`Invalid ticket form ${form.id}`, issues);
    byForm.set(form.id, { ...form, keys: new Set(form.fieldKeys) });
  }

  function assertForm(formId: string): TicketForm {
    const form = byForm.get(formId);
    if (!form)
      throw new ValidationError(`Unknown ticket form ${formId}`, [{ path: 'formId', message: 'unknown form' }]);
    return form;
  }

  return {
    definitions,
    forms,
    field: (key) => byKey.get(key),
    form: (id) => byForm.get(id),
    assertForm,
    validateValues(values, formId) {
      const form = formId === undefined ? undefined : byForm.get(formId);
      const issues: ValidationIssue[] = [];
      const unknownKeys: string[] = [];
      const outsideForm: string[] = [];
      const result: Record<string, FieldValue> = {};
      for (const key of Object.keys(values)) {
        const def = byKey.get(key);
        if (!def) {
          unknownKeys.push(key);
          issues.push({ path: `fields.${key}`, message: 'unknown field', code: 'unknown_field' });
          continue;
        }
        // Clearing is always allowed: it is how a value leaves a ticket moving to another form.
        if (form && !form.keys.has(key) && values[key] !== null) {
          outsideForm.push(key);
          issues.push({ path: `fields.${key}`, message: `not a field of form ${form.id}`, code: 'not_on_form' });
          continue;
        }
        const checked = checkFieldValue(def, values[key], patterns.get(key));
        if (checked.ok) result[key] = checked.value;
        else issues.push({ path: `fields.${key}`, message: checked.message, code: 'invalid_value' });
      }
      if (issues.length > 0) {
        const first = issues[0] as ValidationIssue;
        throw new ValidationError(`Invalid ticket fields: ${first.path}: ${first.message}`, issues, {
          details: {
            ...(unknownKeys.length > 0 ? { unknownKeys } : {}),
            ...(outsideForm.length > 0 ? { outsideForm } : {}),
          },
        });
      }
      return result;
    },
    missingRequired(fields, status, formId) {
      const form = formId === undefined ? undefined : byForm.get(formId);
      const missing: string[] = [];
      for (const def of definitions) {
        if (form && !form.keys.has(def.key)) continue;
        const required = def.requiredIn.includes(status) || (form?.requiredKeys?.includes(def.key) ?? false);
        if (required && isMissing(def, fields[def.key])) missing.push(def.key);
      }
      return missing;
    },
  };
}
