import { z } from 'zod';

/** What an id looks like (non-empty: the first character is required). */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
/** Longest id. */
export const MAX_ID_LENGTH = 128;

/** Ids are opaque strings; Hotline makes ULID-based ones, hosts may bring their own. */
export const idSchema = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH)
  .regex(ID_PATTERN, 'ids use letters, digits and _ . : - only');

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

/** Deepest nesting of arrays and objects inside attribute values. */
export const MAX_ATTRIBUTE_DEPTH = 16;

/** A JSON value: what attribute values may hold (bounded in depth and size by `attributesSchema`). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Whether a value is plain JSON nested at most `MAX_ATTRIBUTE_DEPTH` deep, with no
 * prototype-reaching key at any depth. Iterative on purpose: a recursive check (like
 * `z.json()`) lets a hostile, deeply nested payload overflow the stack.
 */
function isBoundedJson(root: unknown): root is JsonValue {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return false;
      continue;
    }
    if (typeof value !== 'object' || depth >= MAX_ATTRIBUTE_DEPTH) return false;
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, depth + 1]);
      continue;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    for (const key of Object.keys(value)) {
      if (RESERVED_KEYS.has(key)) return false;
      stack.push([(value as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return true;
}

const jsonValueSchema = z.custom<JsonValue>(
  isBoundedJson,
  `a JSON value nested at most ${MAX_ATTRIBUTE_DEPTH} deep, without reserved keys`,
);

/**
 * Free-form JSON attributes (routing expressions read them as `task.*`, `agent.*`).
 * At most 100 keys, {@link MAX_ATTRIBUTES_BYTES} serialised and
 * {@link MAX_ATTRIBUTE_DEPTH} levels deep.
 */
export const attributesSchema = z
  .custom<Record<string, unknown>>(
    (value) =>
      typeof value !== 'object' ||
      value === null ||
      Array.isArray(value) ||
      Object.keys(value).every((key) => !RESERVED_KEYS.has(key)),
    'reserved attribute key',
  )
  .pipe(z.record(attributeKeySchema, jsonValueSchema))
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
