import { z } from 'zod';
import { checkFlowGraph } from './definition-checks.js';

/** Ids of nodes, attributes and flows: short, stable, safe to log and to use as keys. */
const nameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must be a letter then letters, digits, _ . -');

/** A BCP 47-like language tag (`en`, `zh-CN`); checked loosely, matched case-insensitively. */
export const localeSchema = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'must be a language tag like en or zh-CN');

/**
 * Text for the caller: one string for every locale, or one string per locale. A per-locale
 * record MUST include the flow's `defaultLocale` (checked with the whole definition).
 */
export const localizedTextSchema = z.union([
  z.string().min(1).max(2000),
  z.record(localeSchema, z.string().min(1).max(2000)).refine((r) => Object.keys(r).length > 0, 'needs a locale'),
]);

/** Keywords for a menu option: the same list in every locale, or one list per locale. */
export const localizedKeywordsSchema = z.union([
  z.array(z.string().trim().min(1).max(100)).min(1).max(20),
  z.record(localeSchema, z.array(z.string().trim().min(1).max(100)).min(1).max(20)),
]);

const dtmfDigitSchema = z.enum(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#']);

/** A value a flow may set on the task: text, a number or a flag. */
export const flowAttributeValueSchema = z.union([z.string().max(2000), z.number(), z.boolean()]);

/** Timeout and retry settings shared by the nodes that wait for input. */
const waitingFields = {
  /** How long the host waits before feeding `{ type: 'timeout' }`; defaults per channel. */
  timeoutMs: z.int().min(100).max(3_600_000).optional(),
  /** Re-prompts after no input or a wrong answer before `fallback` is taken. */
  maxRetries: z.int().min(0).max(10).optional(),
  /** Said before a re-prompt when nothing came in time. */
  noInputText: localizedTextSchema.optional(),
  /** Said before a re-prompt when the answer did not fit. */
  noMatchText: localizedTextSchema.optional(),
  /** Where to go once retries are exhausted; without it the flow ends (`retries_exhausted`). */
  fallback: nameSchema.optional(),
};

const sayNodeSchema = z.strictObject({
  kind: z.literal('say'),
  text: localizedTextSchema,
  next: nameSchema,
});

const menuOptionSchema = z
  .strictObject({
    digit: dtmfDigitSchema.optional(),
    keywords: localizedKeywordsSchema.optional(),
    /** Shown as a quick reply on chat; defaults to the first keyword. */
    label: localizedTextSchema.optional(),
    next: nameSchema,
  })
  .refine((o) => o.digit !== undefined || o.keywords !== undefined, 'an option needs a digit or keywords');

const menuNodeSchema = z.strictObject({
  kind: z.literal('menu'),
  prompt: localizedTextSchema,
  options: z.array(menuOptionSchema).min(1).max(32),
  ...waitingFields,
});

const collectNodeSchema = z.strictObject({
  kind: z.literal('collect'),
  prompt: localizedTextSchema,
  /** `digits` accepts DTMF key by key (or typed digits); `text` accepts any text (or keyed digits). */
  mode: z.enum(['digits', 'text']),
  /** The attribute that receives the collected value (a string). */
  attribute: nameSchema,
  minLength: z.int().min(0).max(2000).optional(),
  maxLength: z.int().min(1).max(2000).optional(),
  /** The key that ends DTMF entry early; defaults to `#`. */
  terminator: z.enum(['#', '*']).optional(),
  next: nameSchema,
  ...waitingFields,
});

const setNodeSchema = z.strictObject({
  kind: z.literal('set'),
  attributes: z.record(nameSchema, flowAttributeValueSchema).optional(),
  /** Switches the language of every later prompt (an IVR language menu). */
  locale: localeSchema.optional(),
  next: nameSchema,
});

const routeNodeSchema = z.strictObject({
  kind: z.literal('route'),
  queue: z.string().min(1).max(200),
  priority: z.int().min(0).max(1000).optional(),
  skills: z.array(z.string().min(1).max(100)).max(50).optional(),
  text: localizedTextSchema.optional(),
});

const callbackNodeSchema = z.strictObject({
  kind: z.literal('callback'),
  queue: z.string().min(1).max(200),
  /** The attribute holding the number to call back (usually filled by a collect node). */
  phoneAttribute: nameSchema.optional(),
  text: localizedTextSchema.optional(),
});

const endNodeSchema = z.strictObject({
  kind: z.literal('end'),
  text: localizedTextSchema.optional(),
  /** `hangup` asks a voice host to drop the call; `completed` just closes the bot part. */
  reason: z.enum(['completed', 'hangup']).optional(),
});

/** One node of a flow, discriminated by `kind`. */
export const flowNodeSchema = z.discriminatedUnion('kind', [
  sayNodeSchema,
  menuNodeSchema,
  collectNodeSchema,
  setNodeSchema,
  routeNodeSchema,
  callbackNodeSchema,
  endNodeSchema,
]);

/** Default waiting times, per channel: a caller on a phone and a chat visitor answer at different paces. */
const timeoutsSchema = z.strictObject({
  voice: z.int().min(100).max(3_600_000).default(5_000),
  chat: z.int().min(100).max(3_600_000).default(300_000),
});

/**
 * A flow definition. {@link parseFlowDefinition} validates it, including the graph: every
 * `next`/`fallback` names a node, localized texts carry the default locale, menu digits are
 * unique, and no loop runs without waiting for input.
 */
export const flowDefinitionSchema = z
  .strictObject({
    id: nameSchema,
    version: z.int().min(1).default(1),
    start: nameSchema,
    defaultLocale: localeSchema.default('en'),
    /** The locales the flow speaks; when set, every localized text may only use these. */
    locales: z.array(localeSchema).min(1).max(50).optional(),
    maxSteps: z.int().min(1).max(10_000).default(200),
    maxRetries: z.int().min(0).max(10).default(2),
    timeouts: timeoutsSchema.default({ voice: 5_000, chat: 300_000 }),
    nodes: z.record(nameSchema, flowNodeSchema).refine((n) => Object.keys(n).length <= 500, 'at most 500 nodes'),
  })
  .superRefine(checkFlowGraph);

/** A flow definition as written (defaults not yet applied). */
export type FlowDefinitionInput = z.input<typeof flowDefinitionSchema>;
/** A validated flow definition, defaults applied. */
export type FlowDefinition = z.output<typeof flowDefinitionSchema>;
/** One node of a validated flow. */
export type FlowNode = z.output<typeof flowNodeSchema>;
/** Text in one or several locales. */
export type LocalizedText = z.output<typeof localizedTextSchema>;
/** Menu keywords in one or several locales. */
export type LocalizedKeywords = z.output<typeof localizedKeywordsSchema>;
/** A value a flow stores in its attributes. */
export type FlowAttributeValue = z.output<typeof flowAttributeValueSchema>;
/** The nodes that stop and wait for input. */
export type WaitingNode = Extract<FlowNode, { kind: 'menu' | 'collect' }>;
