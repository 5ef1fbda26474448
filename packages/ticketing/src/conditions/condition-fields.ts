import { actorSchema } from '../model/actor.js';
import { TICKET_PRIORITIES, TICKET_STATUSES, ticketSourceSchema } from '../model/ticket.js';
import type { ConditionScope } from './scope.js';

// The fields rule conditions may name, what kind of value each holds, and how to read it
// from a scope. Resolved once at compile time, so evaluation is a closure call per
// condition with no name lookup.

/** How a field's value compares (which operators and values make sense). */
export type FieldKind = 'enum' | 'id' | 'text' | 'tags' | 'boolean' | 'field' | 'hours';

/** What a field needs: the ticket alone, the write being reacted to, or the time. */
export type FieldScope = 'ticket' | 'update' | 'time';

/** A resolved condition field. */
export interface FieldSpec {
  readonly kind: FieldKind;
  readonly scope: FieldScope;
  /** The value (for `hours`: the epoch-ms instant counted from, or `undefined`). */
  readonly read: (scope: ConditionScope) => unknown;
  /** The history property whose change the change operators test (`status`, `fields.plan`). */
  readonly property?: string;
  /** Maps a change's `from` / `to` to this field's value (`csat` → its rating). */
  readonly project?: (value: unknown) => unknown;
  /** The allowed values of an `enum` field. */
  readonly values?: readonly string[];
  /** Whether `less_than` and friends compare an enum by rank. */
  readonly ordered?: boolean;
  /** `hours` fields that need the replayed history. */
  readonly needsHistory?: boolean;
  /** Reads the comment body (loaded only when some condition needs it). */
  readonly needsBody?: boolean;
  /** `changed.<property>`: only the change operators apply. */
  readonly changeOnly?: boolean;
}

/** Field keys are plain identifiers; prototype machinery names are never fields. */
const FIELD_KEY = /^[A-Za-z0-9_:-]{1,64}$/;
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const SOURCE_KINDS: readonly string[] = ticketSourceSchema.shape.kind.options;
const ACTOR_TYPES: readonly string[] = actorSchema.options.map((option) => option.shape.type.value);

function own(record: unknown, key: string): unknown {
  return typeof record === 'object' && record !== null && Object.hasOwn(record, key)
    ? (record as Record<string, unknown>)[key]
    : undefined;
}

const rating = (value: unknown): unknown => own(value, 'rating');

const TICKET_FIELDS: ReadonlyMap<string, FieldSpec> = new Map<string, FieldSpec>([
  [
    'status',
    {
      kind: 'enum',
      scope: 'ticket',
      read: (s) => s.ticket.status,
      property: 'status',
      values: TICKET_STATUSES,
      ordered: true,
    },
  ],
  [
    'priority',
    {
      kind: 'enum',
      scope: 'ticket',
      read: (s) => s.ticket.priority,
      property: 'priority',
      values: TICKET_PRIORITIES,
      ordered: true,
    },
  ],
  ['customStatusId', { kind: 'id', scope: 'ticket', read: (s) => s.ticket.customStatusId, property: 'customStatusId' }],
  ['assigneeId', { kind: 'id', scope: 'ticket', read: (s) => s.ticket.assigneeId, property: 'assigneeId' }],
  ['groupId', { kind: 'id', scope: 'ticket', read: (s) => s.ticket.groupId, property: 'groupId' }],
  ['requesterId', { kind: 'id', scope: 'ticket', read: (s) => s.ticket.requesterId, property: 'requesterId' }],
  ['formId', { kind: 'id', scope: 'ticket', read: (s) => s.ticket.formId, property: 'formId' }],
  ['subject', { kind: 'text', scope: 'ticket', read: (s) => s.ticket.subject, property: 'subject' }],
  ['tags', { kind: 'tags', scope: 'ticket', read: (s) => s.ticket.tags, property: 'tags' }],
  ['source.kind', { kind: 'enum', scope: 'ticket', read: (s) => s.ticket.source?.kind, values: SOURCE_KINDS }],
  [
    'csat.rating',
    {
      kind: 'enum',
      scope: 'ticket',
      read: (s) => s.ticket.csat?.rating,
      property: 'csat',
      project: rating,
      values: ['good', 'bad'],
    },
  ],
]);

const UPDATE_FIELDS: ReadonlyMap<string, FieldSpec> = new Map<string, FieldSpec>([
  [
    'update.type',
    { kind: 'enum', scope: 'update', read: (s) => s.update?.type, values: ['created', 'updated', 'commented'] },
  ],
  ['update.loop', { kind: 'boolean', scope: 'update', read: (s) => s.update?.loop === true }],
  ['actor.type', { kind: 'enum', scope: 'update', read: (s) => s.update?.actor.type, values: ACTOR_TYPES }],
  ['actor.id', { kind: 'id', scope: 'update', read: (s) => own(s.update?.actor, 'id') }],
  ['comment.public', { kind: 'boolean', scope: 'update', read: (s) => s.update?.comment?.public }],
  [
    'comment.author',
    {
      kind: 'enum',
      scope: 'update',
      read: (s) => s.update?.comment?.author,
      values: ['requester', 'agent', 'system'],
    },
  ],
  ['comment.body', { kind: 'text', scope: 'update', read: (s) => s.update?.comment?.body, needsBody: true }],
]);

const ms = (iso: string | undefined): number | undefined => {
  if (iso === undefined) return undefined;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? undefined : at;
};

const TIME_FIELDS: ReadonlyMap<string, FieldSpec> = new Map<string, FieldSpec>([
  ['hours_since.created', { kind: 'hours', scope: 'time', read: (s) => ms(s.ticket.createdAt) }],
  ['hours_since.updated', { kind: 'hours', scope: 'time', read: (s) => ms(s.ticket.updatedAt) }],
  [
    'hours_since.solved',
    {
      kind: 'hours',
      scope: 'time',
      read: (s) => ms(s.ticket.solvedAt) ?? s.timeline?.statusEnteredAt.get('solved'),
    },
  ],
  ['hours_since.assigned', { kind: 'hours', scope: 'time', read: (s) => s.timeline?.assignedAt, needsHistory: true }],
  [
    'hours_since.requester_updated',
    { kind: 'hours', scope: 'time', read: (s) => s.timeline?.requesterUpdatedAt, needsHistory: true },
  ],
  [
    'hours_since.assignee_updated',
    {
      kind: 'hours',
      scope: 'time',
      read: (s) => {
        const assignee = s.ticket.assigneeId;
        return assignee === undefined ? undefined : s.timeline?.agentUpdatedAt.get(assignee);
      },
      needsHistory: true,
    },
  ],
]);

function statusSince(status: string): FieldSpec {
  return {
    kind: 'hours',
    scope: 'time',
    needsHistory: true,
    read: (s) => {
      const timeline = s.timeline;
      if (timeline === undefined) return undefined;
      const entered = timeline.statusEnteredAt.get(status as never);
      // A history that never changed the status into the current one: it has held it since creation.
      return entered ?? (s.ticket.status === status ? ms(s.ticket.createdAt) : undefined);
    },
  };
}

function customField(key: string): FieldSpec | string {
  if (!FIELD_KEY.test(key) || RESERVED_KEYS.has(key)) return `'${key}' is not a field key`;
  return {
    kind: 'field',
    scope: 'ticket',
    read: (s) => own(s.ticket.fields, key),
    property: `fields.${key}`,
  };
}

/** A ticket property field (`status`, `fields.plan`…), or why the name is not one. */
function ticketField(name: string): FieldSpec | string {
  if (name.startsWith('fields.')) return customField(name.slice(7));
  return TICKET_FIELDS.get(name) ?? `unknown field '${name}'`;
}

function changedField(rest: string): FieldSpec | string {
  for (const side of ['from', 'to'] as const) {
    const suffix = `.${side}`;
    if (!rest.endsWith(suffix)) continue;
    const base = ticketField(rest.slice(0, -suffix.length));
    if (typeof base === 'string' || base.property === undefined) continue;
    const { property, project } = base;
    return {
      ...base,
      scope: 'update',
      property: undefined,
      read: (s) => {
        const change = s.change(property);
        if (change === undefined) return undefined;
        const value = side === 'from' ? change.from : change.to;
        return project === undefined ? value : project(value);
      },
    };
  }
  const base = ticketField(rest);
  if (typeof base === 'string') return base;
  if (base.property === undefined) return `'${rest}' never changes`;
  return { ...base, scope: 'update', changeOnly: true };
}

/**
 * Resolves a condition field name to its spec, or returns why it is not a field.
 *
 * Names: ticket properties (`status`, `priority`, `assigneeId`, `groupId`, `requesterId`,
 * `customStatusId`, `formId`, `subject`, `tags`, `source.kind`, `csat.rating`,
 * `fields.<key>`); the update (`update.type`, `update.loop`, `actor.type`, `actor.id`,
 * `comment.public`, `comment.author`, `comment.body`, `changed.<property>`,
 * `changed.<property>.from`, `changed.<property>.to`); time (`hours_since.created`,
 * `.updated`, `.solved`, `.assigned`, `.requester_updated`, `.assignee_updated`,
 * `.status.<status>`).
 */
export function resolveConditionField(name: string): FieldSpec | string {
  if (name.startsWith('changed.')) return changedField(name.slice(8));
  if (name.startsWith('hours_since.status.')) {
    const status = name.slice(19);
    return TICKET_STATUSES.includes(status as never) ? statusSince(status) : `unknown status '${status}'`;
  }
  return TIME_FIELDS.get(name) ?? UPDATE_FIELDS.get(name) ?? ticketField(name);
}
