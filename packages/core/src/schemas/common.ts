import { z } from 'zod';

/** Ids are opaque strings; Hotline makes ULID-based ones, hosts may bring their own. */
export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'ids use letters, digits and _ . : - only');

/** A tenant id; every record and every storage call carries one. */
export const tenantIdSchema = idSchema;

/** An ISO-8601 UTC timestamp with milliseconds, e.g. `2026-11-21T22:47:52.123Z`. */
export const timestampSchema = z.iso.datetime({ offset: false });

/** A record's optimistic-concurrency version; 1 on create, +1 on every write. */
export const versionSchema = z.int().min(1).max(Number.MAX_SAFE_INTEGER);

/** The channels a conversation leg or a task can be on. */
export const channelSchema = z.enum([
  'webchat',
  'voice',
  'email',
  'sms',
  'whatsapp',
  'telegram',
  'wechat',
  'wecom',
  'webhook',
  'api',
]);
/** A channel name. */
export type Channel = z.infer<typeof channelSchema>;
/** Every channel, in a stable order. */
export const CHANNELS: readonly Channel[] = channelSchema.options;

/** Largest serialised size of a free-form attributes object. */
export const MAX_ATTRIBUTES_BYTES = 16 * 1024;

/** Keys that would reach an object's prototype machinery if ever assigned naively. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const attributeKeySchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'attribute keys start with a letter or _')
  .refine((key) => !RESERVED_KEYS.has(key), 'reserved attribute key');

/**
 * Free-form JSON attributes (routing expressions read them as `task.*`, `agent.*`).
 * At most 100 keys and {@link MAX_ATTRIBUTES_BYTES} serialised.
 */
export const attributesSchema = z
  .record(attributeKeySchema, z.json())
  .refine((value) => Object.keys(value).length <= 100, 'at most 100 attributes')
  .refine(
    (value) => JSON.stringify(value).length <= MAX_ATTRIBUTES_BYTES,
    `attributes must serialise to at most ${MAX_ATTRIBUTES_BYTES} bytes`,
  );
/** Free-form JSON attributes. */
export type Attributes = z.infer<typeof attributesSchema>;

/** A tag: lowercase words joined by - or _ . */
export const tagSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_:-]*$/u, 'tags are letters, digits, _ : -');

/** A BCP 47 language tag such as `en`, `zh-CN`. */
export const languageSchema = z
  .string()
  .min(2)
  .max(35)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag such as en or zh-CN');

/** Task and conversation priority: higher first, as in TaskRouter (0..2^31-1). */
export const prioritySchema = z
  .int()
  .min(0)
  .max(2 ** 31 - 1);

/** Fields every stored record has. */
export const recordBaseSchema = z.object({
  id: idSchema,
  tenantId: tenantIdSchema,
  version: versionSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
/** Fields every stored record has. */
export type RecordBase = z.infer<typeof recordBaseSchema>;

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name such as `Europe/Berlin` or `Asia/Shanghai`. */
export const timeZoneSchema = z.string().min(1).max(64).refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai');
