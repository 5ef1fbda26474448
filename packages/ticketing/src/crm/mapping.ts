import { identityChannelSchema, parseInput, ValidationError, type ValidationIssue } from '@hotline/core';
import { z } from 'zod';

/** Which way a mapped field flows. */
export const crmDirectionSchema = z.enum(['both', 'to_crm', 'from_crm']);
/** Which way a mapped field flows. */
export type CrmDirection = z.infer<typeof crmDirectionSchema>;

/** A scalar a value map may produce. */
const scalarSchema = z.union([z.string().max(1024), z.number().finite(), z.boolean(), z.null()]);

/**
 * One mapped field. `transform.map` translates Hotline string values to CRM values
 * (`{ low: 'Low' }`) and back; a value missing from the map is not synced (reported as
 * `unmapped_value`) rather than passed through as something the other side may refuse.
 */
export const crmFieldMappingSchema = z.strictObject({
  /** A Hotline property: `priority`, `fields.plan` (tickets), `name`, `attributes.tier` (contacts)… */
  hotline: z.string().min(1).max(80),
  /** The CRM field name, e.g. `Priority__c`. */
  external: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]{0,127}$/, 'a field name: letters, digits, _ and .'),
  /** @default 'both' */
  direction: crmDirectionSchema.default('both'),
  transform: z.strictObject({ map: z.record(z.string().max(200), scalarSchema) }).optional(),
});
/** One mapped field. */
export type CrmFieldMapping = z.output<typeof crmFieldMappingSchema>;

const sideSchema = z.enum(['hotline', 'crm']);

/**
 * How a field both sides changed since the last sync is decided: the later change wins
 * (`last_writer_wins`), or one side always wins, per field (`source_of_truth`).
 */
export const crmConflictRuleSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('last_writer_wins') }),
  z.strictObject({
    mode: z.literal('source_of_truth'),
    /** The winner per Hotline property; fields not named use `default`. */
    perField: z.record(z.string(), sideSchema).default({}),
    default: sideSchema,
  }),
]);
/** The conflict rule of a mapping. */
export type CrmConflictRule = z.output<typeof crmConflictRuleSchema>;

/** A declarative mapping between Hotline tickets or contacts and records of one CRM object. */
export const crmMappingSchema = z.strictObject({
  /** Names the integration: writes it makes are attributed to `integration:<id>`. */
  id: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, _ and -, at most 64'),
  object: z.enum(['ticket', 'contact']),
  /** The CRM object, e.g. `Case` or `Contact`. */
  externalObject: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a CRM object name'),
  /**
   * How records are matched. `hotline`: `id`, `fields.<key>` (tickets), `attributes.<key>`
   * or `identity:<channel>` (contacts). `external`: `id` or a CRM field holding the key.
   */
  keys: z.strictObject({ hotline: z.string().min(1).max(80), external: z.string().min(1).max(128) }),
  fields: z.array(crmFieldMappingSchema).min(1).max(200),
  /** @default { mode: 'last_writer_wins' } */
  conflict: crmConflictRuleSchema.default({ mode: 'last_writer_wins' }),
});
/** A CRM mapping as callers write it. */
export type CrmMappingInput = z.input<typeof crmMappingSchema>;
/** A validated CRM mapping. */
export type CrmMapping = z.output<typeof crmMappingSchema>;

// The ticket field key format of `fields/` (lowercase, digits, _), and a looser one for
// contact attribute keys, which core leaves free.
const FIELD_KEY = /^[a-z][a-z0-9_]{0,63}$/;
const ATTRIBUTE_KEY = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;
const TICKET_WRITABLE = new Set(['subject', 'status', 'priority', 'assigneeId', 'groupId', 'tags', 'formId']);
const TICKET_READ_ONLY = new Set(['id', 'number', 'requesterId', 'createdAt', 'updatedAt']);
const CONTACT_WRITABLE = new Set(['name', 'locale']);
const CONTACT_READ_ONLY = new Set(['id', 'createdAt', 'updatedAt']);

/** Whether a Hotline property exists on the object, and whether a sync may write it. */
export function hotlinePropertyKind(
  object: CrmMapping['object'],
  property: string,
): 'writable' | 'read_only' | 'unknown' {
  const [prefix, rest] = splitProperty(property);
  if (object === 'ticket') {
    if (prefix === 'fields' && rest !== undefined) return FIELD_KEY.test(rest) ? 'writable' : 'unknown';
    if (TICKET_WRITABLE.has(property)) return 'writable';
    return TICKET_READ_ONLY.has(property) ? 'read_only' : 'unknown';
  }
  if (prefix === 'attributes' && rest !== undefined) return ATTRIBUTE_KEY.test(rest) ? 'writable' : 'unknown';
  if (property.startsWith('identity:')) {
    // Identities change only through link and merge, never by a profile write.
    return identityChannelSchema.safeParse(property.slice('identity:'.length)).success ? 'read_only' : 'unknown';
  }
  if (CONTACT_WRITABLE.has(property)) return 'writable';
  return CONTACT_READ_ONLY.has(property) ? 'read_only' : 'unknown';
}

function splitProperty(property: string): [string, string | undefined] {
  const dot = property.indexOf('.');
  return dot < 0 ? [property, undefined] : [property.slice(0, dot), property.slice(dot + 1)];
}

function keyIssues(mapping: CrmMapping): ValidationIssue[] {
  const { hotline, external } = mapping.keys;
  const kind = hotlinePropertyKind(mapping.object, hotline);
  const allowed =
    hotline === 'id' ||
    (mapping.object === 'ticket' && hotline.startsWith('fields.') && kind === 'writable') ||
    (mapping.object === 'contact' &&
      (hotline.startsWith('attributes.') || hotline.startsWith('identity:')) &&
      kind !== 'unknown');
  const issues: ValidationIssue[] = [];
  if (!allowed) {
    issues.push({
      path: 'keys.hotline',
      message:
        mapping.object === 'ticket' ? "'id' or 'fields.<key>'" : "'id', 'attributes.<key>' or 'identity:<channel>'",
    });
  }
  if (external !== 'id' && !/^[A-Za-z_][A-Za-z0-9_.]{0,127}$/.test(external)) {
    issues.push({ path: 'keys.external', message: "'id' or a CRM field name" });
  }
  if (hotline.startsWith('identity:') && external === 'id') {
    issues.push({ path: 'keys.external', message: 'an identity matches a CRM field, not the CRM id' });
  }
  return issues;
}

function fieldIssues(mapping: CrmMapping): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seenHotline = new Set<string>();
  const seenExternal = new Set<string>([mapping.keys.external]);
  mapping.fields.forEach((field, i) => {
    const kind = hotlinePropertyKind(mapping.object, field.hotline);
    if (kind === 'unknown') {
      issues.push({ path: `fields.${i}.hotline`, message: `unknown ${mapping.object} property '${field.hotline}'` });
    } else if (kind === 'read_only' && field.direction !== 'to_crm') {
      issues.push({
        path: `fields.${i}.direction`,
        message: `'${field.hotline}' is read-only: direction must be to_crm`,
      });
    }
    if (field.hotline === mapping.keys.hotline) {
      issues.push({ path: `fields.${i}.hotline`, message: 'the key property is synced through keys' });
    }
    if (seenHotline.has(field.hotline)) {
      issues.push({ path: `fields.${i}.hotline`, message: `'${field.hotline}' is mapped twice` });
    }
    if (seenExternal.has(field.external)) {
      issues.push({ path: `fields.${i}.external`, message: `'${field.external}' is mapped twice (or is the key)` });
    }
    seenHotline.add(field.hotline);
    seenExternal.add(field.external);
    const values = Object.values(field.transform?.map ?? {}).map((value) => JSON.stringify(value));
    if (field.direction !== 'to_crm' && new Set(values).size !== values.length) {
      issues.push({
        path: `fields.${i}.transform.map`,
        message: 'values must be distinct to map CRM values back',
      });
    }
  });
  return issues;
}

function conflictIssues(mapping: CrmMapping): ValidationIssue[] {
  if (mapping.conflict.mode !== 'source_of_truth') return [];
  const twoWay = new Set(mapping.fields.filter((f) => f.direction === 'both').map((f) => f.hotline));
  return Object.keys(mapping.conflict.perField)
    .filter((property) => !twoWay.has(property))
    .map((property) => ({
      path: `conflict.perField.${property}`,
      message: 'not a two-way mapped field (one-way fields have no conflicts)',
    }));
}

/**
 * Validates a CRM mapping: its shape, then its meaning (every Hotline property exists on the
 * object, read-only ones only flow to the CRM, nothing is mapped twice, value maps can be
 * inverted, per-field rules name two-way fields).
 *
 * @throws ValidationError listing every problem.
 * @example
 * ```ts
 * const mapping = parseCrmMapping({
 *   id: 'salesforce-cases', object: 'ticket', externalObject: 'Case',
 *   keys: { hotline: 'fields.crm_id', external: 'id' },
 *   fields: [
 *     { hotline: 'priority', external: 'Priority', transform: { map: { low: 'Low', normal: 'Medium', high: 'High', urgent: 'Critical' } } },
 *     { hotline: 'fields.plan', external: 'Plan__c', direction: 'from_crm' },
 *   ],
 *   conflict: { mode: 'last_writer_wins' },
 * });
 * ```
 */
export function parseCrmMapping(input: unknown): CrmMapping {
  const mapping = parseInput(crmMappingSchema, input, 'CRM mapping');
  const issues = [...keyIssues(mapping), ...fieldIssues(mapping), ...conflictIssues(mapping)];
  const first = issues[0];
  if (first) throw new ValidationError(`Invalid CRM mapping: ${first.path}: ${first.message}`, issues);
  return mapping;
}
