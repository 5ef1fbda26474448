import { idSchema } from '@hotline/core';
import { z } from 'zod';
import { ticketStatusSchema } from '../model/ticket.js';

// What a tenant's custom ticket fields look like. Values are checked against these by
// `field-catalog.ts`; access control reads `sensitive` to mask values.

/** A field key: lowercase letters, digits and `_`, starting with a letter (`plan`, `order_id`). */
export const fieldKeySchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, 'field keys are lowercase letters, digits and _, starting with a letter');

/** Most options of a dropdown or multiselect field. */
export const MAX_FIELD_OPTIONS = 500;

const optionsSchema = z
  .array(z.string().min(1).max(255))
  .min(1)
  .max(MAX_FIELD_OPTIONS)
  .refine((options) => new Set(options).size === options.length, 'options must be unique');

const bound = z.number().finite().optional();

const common = {
  key: fieldKeySchema,
  label: z.string().min(1).max(200).optional(),
  description: z.string().max(2000).optional(),
  /**
   * The statuses in which the field must have a value ("required to solve": `['solved']`).
   * Checked when a write changes the status, the fields or the form. @default []
   */
  requiredIn: z.array(ticketStatusSchema).max(7).default([]),
  /** Holds personal or secret data: access control masks it for roles that may not see it. */
  sensitive: z.boolean().optional(),
};

/** The definition of one custom ticket field, discriminated on `type`. */
export const fieldDefinitionSchema = z.discriminatedUnion('type', [
  /** One line of text. */
  z.strictObject({ ...common, type: z.literal('text'), maxLength: z.int().min(1).max(1024).default(255) }),
  /** Several lines of text. */
  z.strictObject({ ...common, type: z.literal('textarea'), maxLength: z.int().min(1).max(65_536).default(65_536) }),
  /** Any finite number within optional bounds. */
  z.strictObject({ ...common, type: z.literal('number'), min: bound, max: bound }),
  /** A whole number within optional bounds. */
  z.strictObject({ ...common, type: z.literal('integer'), min: bound, max: bound }),
  /** A number with at most `scale` digits after the point (money, measures). */
  z.strictObject({
    ...common,
    type: z.literal('decimal'),
    min: bound,
    max: bound,
    scale: z.int().min(0).max(10).default(2),
  }),
  /** True or false. When required, it must be checked (`true`). */
  z.strictObject({ ...common, type: z.literal('checkbox') }),
  /** A calendar date, `YYYY-MM-DD`. */
  z.strictObject({ ...common, type: z.literal('date') }),
  /** One of `options`. */
  z.strictObject({ ...common, type: z.literal('dropdown'), options: optionsSchema }),
  /** Any of `options` (stored without duplicates, in the order given). */
  z.strictObject({
    ...common,
    type: z.literal('multiselect'),
    options: optionsSchema,
    maxItems: z.int().min(1).max(200).optional(),
  }),
  /**
   * Text that matches `pattern` as a whole (JavaScript syntax, Unicode mode). Patterns are
   * written by admins: keep them simple (values are capped at `maxLength` to bound the cost).
   */
  z.strictObject({
    ...common,
    type: z.literal('regex'),
    pattern: z.string().min(1).max(500),
    maxLength: z.int().min(1).max(4096).default(1024),
  }),
]);
/** A custom field definition, as stored (defaults applied). */
export type FieldDefinition = z.infer<typeof fieldDefinitionSchema>;
/** A custom field definition, as callers write it. */
export type FieldDefinitionInput = z.input<typeof fieldDefinitionSchema>;
/** The type of a custom field. */
export type FieldType = FieldDefinition['type'];

/**
 * A ticket form: which fields a kind of ticket has ("Refund", "Bug report"). A ticket on a
 * form accepts only the form's fields; `requiredKeys` must have a value in every status
 * while the ticket is on the form (checked when a write changes the status, the fields or
 * the form).
 */
export const ticketFormSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1).max(200),
  fieldKeys: z.array(fieldKeySchema).max(500),
  requiredKeys: z.array(fieldKeySchema).max(500).optional(),
});
/** A ticket form. */
export type TicketForm = z.infer<typeof ticketFormSchema>;
