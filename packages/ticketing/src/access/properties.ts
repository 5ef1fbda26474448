import { z } from 'zod';
import { fieldKeySchema } from '../fields/field-definition.js';
import { ticketSchema } from '../model/ticket.js';

// The property vocabulary access control speaks: what changes name, what field rules and
// sensitive-field declarations match, and what read redaction may remove.

/** Record keys that are not properties: identity and bookkeeping, and `fields` (one property per key). */
const NOT_PROPERTIES = new Set(['id', 'tenantId', 'version', 'number', 'createdAt', 'updatedAt', 'source', 'fields']);

/** Unreadable collections are emptied rather than removed, so the record keeps its shape. */
export const EMPTY_WHEN_HIDDEN: Readonly<Record<string, () => unknown>> = {
  tags: () => [],
  links: () => [],
  conversationIds: () => [],
  attributes: () => ({}),
};

/**
 * Top-level ticket properties a write can change (custom fields are `fields.<key>`), read
 * from the ticket schema so a property the model gains is covered at once.
 */
export const TOP_LEVEL_PROPERTIES: readonly string[] = Object.keys(ticketSchema.shape).filter(
  (key) => !NOT_PROPERTIES.has(key),
);
const TOP_LEVEL = new Set<string>(TOP_LEVEL_PROPERTIES);

/**
 * Properties every reader of a ticket sees: the required ones that are not collections
 * (`subject`, `status`, `priority`, `requesterId`). Hiding them would break the record's
 * shape; to hide personal data in the subject, declare it sensitive instead (it is masked).
 */
export const ALWAYS_READABLE: ReadonlySet<string> = new Set(
  TOP_LEVEL_PROPERTIES.filter((key) => {
    const schema = (ticketSchema.shape as Record<string, z.ZodType>)[key];
    return !Object.hasOwn(EMPTY_WHEN_HIDDEN, key) && schema?.safeParse(undefined).success === false;
  }),
);

/**
 * Entries the service may add to a request's changes for context, which are not ticket
 * properties: `comment` (`{ public, author }` of a comment being added). RBAC decides them
 * through the operation (`ticket:comment`); field rules and approvals ignore them.
 */
export const CONTEXT_CHANGES: ReadonlySet<string> = new Set(['comment']);

/**
 * Properties field write rules do not govern: the lifecycle sets `solvedAt` / `closedAt`
 * from the status, routing sets `routingTaskId`, and `links` / `conversationIds` change
 * only through link, merge, split and create, which RBAC decides as operations
 * (`ticket:link`, `ticket:merge`…).
 */
export const NOT_FIELD_WRITES: ReadonlySet<string> = new Set([
  'solvedAt',
  'closedAt',
  'links',
  'conversationIds',
  'routingTaskId',
]);

/** Whether a value is empty (`null`, `''`, `[]`, `{}`): a new ticket "setting" it writes nothing. */
export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

const FIELD_PREFIX = 'fields.';

/** Whether `name` is a property a change may name: a top-level property or `fields.<key>`. */
export function isTicketProperty(name: string): boolean {
  if (TOP_LEVEL.has(name)) return true;
  return name.startsWith(FIELD_PREFIX) && fieldKeySchema.safeParse(name.slice(FIELD_PREFIX.length)).success;
}

/** A property name (`priority`, `fields.plan`). */
export const propertyNameSchema = z
  .string()
  .max(80)
  .refine(isTicketProperty, "a ticket property such as 'priority', 'assigneeId' or 'fields.plan'");

/** A property pattern: `*`, a property, or `fields.*` (every custom field). */
export const propertyPatternSchema = z
  .string()
  .max(80)
  .refine(
    (pattern) => pattern === '*' || pattern === 'fields.*' || isTicketProperty(pattern),
    "a property pattern: '*', 'fields.*', a property such as 'priority' or 'fields.salary'",
  );

/**
 * A compiled set of property patterns: one lookup for exact names, one flag for `*` and
 * one for `fields.*`, so a check costs the same however many patterns there are.
 */
export interface PropertyMatcher {
  all: boolean;
  allFields: boolean;
  exact: Set<string>;
}

/** A matcher that matches nothing. */
export function emptyMatcher(): PropertyMatcher {
  return { all: false, allFields: false, exact: new Set() };
}

/** Adds patterns (already validated) to a matcher. */
export function addPatterns(matcher: PropertyMatcher, patterns: readonly string[]): void {
  for (const pattern of patterns) {
    if (pattern === '*') matcher.all = true;
    else if (pattern === 'fields.*') matcher.allFields = true;
    else matcher.exact.add(pattern);
  }
}

/** Whether a matcher covers a property. */
export function matches(matcher: PropertyMatcher, property: string): boolean {
  return matcher.all || matcher.exact.has(property) || (matcher.allFields && property.startsWith(FIELD_PREFIX));
}
