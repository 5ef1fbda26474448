import { z } from 'zod';
import { attributesSchema, idSchema, languageSchema, recordBaseSchema, timestampSchema } from './common.js';

/**
 * Where an identity lives. `phone` covers voice and SMS; `webchat` is a web visitor id;
 * `external` is the host application's own user id (verified by HMAC or JWT).
 */
export const identityChannelSchema = z.enum([
  'phone',
  'email',
  'webchat',
  'whatsapp',
  'telegram',
  'wechat',
  'wecom',
  'external',
]);
/** An identity channel name. */
export type IdentityChannel = z.infer<typeof identityChannelSchema>;

/** One way to reach or recognise a customer. `(channel, address)` is unique per tenant. */
export const identitySchema = z.object({
  channel: identityChannelSchema,
  /** Normalised address (see `normalizeIdentity`): E.164 phone, lowercase email, … */
  address: z.string().min(1).max(320),
  /** Whether the address was proven (HMAC/JWT, a confirmed email, a caller id from a trusted trunk). */
  verified: z.boolean().default(false),
  addedAt: timestampSchema,
});
/** One way to reach or recognise a customer. */
export type Identity = z.infer<typeof identitySchema>;

/** An identity as callers give it; `address` is normalised before it is stored. */
export const identityInputSchema = z.object({
  channel: identityChannelSchema,
  address: z.string().min(1).max(320),
  verified: z.boolean().optional(),
});
/** An identity as callers give it. */
export type IdentityInput = z.input<typeof identityInputSchema>;

/** Largest number of identities one contact may hold. */
export const MAX_IDENTITIES = 100;

/**
 * A customer. Contacts are linked through identities and merged into one customer view;
 * a merged contact keeps its record with `mergedInto` set, and its survivor lists it in
 * `mergedFrom`, so the merge direction is recorded and nothing is lost.
 */
export const contactSchema = recordBaseSchema.extend({
  name: z.string().max(200).optional(),
  locale: languageSchema.optional(),
  identities: z.array(identitySchema).max(MAX_IDENTITIES),
  attributes: attributesSchema,
  /** Set when this contact was merged into another; the survivor's id. */
  mergedInto: idSchema.optional(),
  /** Contacts merged into this one, oldest first. */
  mergedFrom: z.array(idSchema),
});
/** A customer record. */
export type Contact = z.infer<typeof contactSchema>;

/** Input to create a contact. */
export const newContactInputSchema = z.object({
  id: idSchema.optional(),
  name: z.string().max(200).optional(),
  locale: languageSchema.optional(),
  identities: z.array(identityInputSchema).max(MAX_IDENTITIES).default([]),
  attributes: attributesSchema.default({}),
});
/** Input to create a contact. */
export type NewContactInput = z.input<typeof newContactInputSchema>;

/** A patch to a contact's profile. Identities change only through link and merge. */
export const contactPatchSchema = z.object({
  name: z.string().max(200).optional(),
  locale: languageSchema.optional(),
  attributes: attributesSchema.optional(),
});
/** A patch to a contact's profile. */
export type ContactPatch = z.input<typeof contactPatchSchema>;
