import { attributesSchema, parseInput, ValidationError } from '@hotline/core';
import type { z } from 'zod';
import type { FieldCatalog } from '../fields/field-catalog.js';
import type { CustomStatusCatalog } from '../lifecycle/custom-statuses.js';
import { assertTicketTransition } from '../lifecycle/transitions.js';
import type { Actor } from '../model/actor.js';
import { type Ticket, type TicketStatus, ticketSchema } from '../model/ticket.js';
import type { ticketChangesSchema } from './inputs.js';
import { sameValue } from './ticket-diff.js';

// Builds the next ticket from a change request and checks it completely (lifecycle,
// fields, form, requirements, the record schema) before anything is written.

/** A parsed change request, plus set operations the merge of a stale update produces. */
export type ChangeRequest = z.output<typeof ticketChangesSchema> & {
  addFollowerIds?: string[];
  removeFollowerIds?: string[];
};

/** A tenant's configuration as the service uses it. */
export interface TenantConfig {
  fields: FieldCatalog;
  statuses: CustomStatusCatalog;
}

/** What a change is checked against. */
export interface ChangeEnv {
  config: TenantConfig;
  actor: Actor;
  /** ISO time of the write. */
  now: string;
}

function union(values: readonly string[], add: readonly string[] = [], remove: readonly string[] = []): string[] {
  const out = values.filter((value) => !remove.includes(value));
  for (const value of add) if (!out.includes(value) && !remove.includes(value)) out.push(value);
  return out;
}

function setOptional<K extends keyof Ticket>(ticket: Ticket, key: K, value: Ticket[K] | null | undefined): void {
  if (value === undefined) return;
  if (value === null) delete ticket[key];
  else ticket[key] = value;
}

/**
 * The ticket with the request's properties set, without any check: what the caller asked
 * for. Status follows a custom status's category; fields and attributes change key by key.
 */
export function projectChanges(current: Ticket, request: ChangeRequest, statuses: CustomStatusCatalog): Ticket {
  const next: Ticket = { ...current, fields: { ...current.fields }, attributes: { ...current.attributes } };
  if (request.subject !== undefined) next.subject = request.subject;
  if (request.priority !== undefined) next.priority = request.priority;
  if (request.requesterId !== undefined) next.requesterId = request.requesterId;
  setOptional(next, 'assigneeId', request.assigneeId);
  setOptional(next, 'groupId', request.groupId);
  setOptional(next, 'formId', request.formId);
  if (request.customStatusId) {
    next.status = statuses.get(request.customStatusId)?.category ?? request.status ?? next.status;
    next.customStatusId = request.customStatusId;
  } else if (request.customStatusId === null) {
    delete next.customStatusId;
  }
  if (request.status !== undefined && request.status !== current.status) {
    next.status = request.status;
    // A custom status belongs to one category: a new category without one drops it.
    if (request.customStatusId === undefined) delete next.customStatusId;
  }
  if (request.tags !== undefined) next.tags = union([], request.tags);
  else if (request.addTags || request.removeTags) next.tags = union(next.tags, request.addTags, request.removeTags);
  if (request.followerIds !== undefined) next.followerIds = union([], request.followerIds);
  else if (request.addFollowerIds || request.removeFollowerIds) {
    next.followerIds = union(next.followerIds ?? [], request.addFollowerIds, request.removeFollowerIds);
  }
  for (const [key, value] of Object.entries(request.fields ?? {})) {
    if (value === null) delete next.fields[key];
    else next.fields[key] = value as Ticket['fields'][string];
  }
  for (const [key, value] of Object.entries(request.attributes ?? {})) {
    if (value === null) delete next.attributes[key];
    else next.attributes[key] = value as Ticket['attributes'][string];
  }
  return next;
}

/** Actors whose writes must satisfy required fields (people and API clients, not rules or the system). */
function checksRequirements(actor: Actor): boolean {
  return actor.type === 'agent' || actor.type === 'integration';
}

/**
 * Checks a ticket about to be written against everything that must hold, and sets the
 * lifecycle timestamps. `previous` is absent for a new ticket.
 */
export function finishTicket(
  previous: Ticket | undefined,
  next: Ticket,
  env: ChangeEnv,
  options: { viaMerge?: boolean } = {},
): Ticket {
  const { config, actor, now } = env;
  const result: Ticket = { ...next, updatedAt: now };
  const from: TicketStatus = previous?.status ?? 'new';
  assertTicketTransition(from, result.status, { assigneeId: result.assigneeId, viaMerge: options.viaMerge === true });
  if (result.customStatusId !== undefined && result.customStatusId !== previous?.customStatusId) {
    config.statuses.resolve(result.customStatusId, result.status);
  }
  if (result.status !== from || !previous) {
    if (result.status === 'solved') result.solvedAt = now;
    else if (from === 'solved' && result.status !== 'closed') delete result.solvedAt;
    if (result.status === 'closed') result.closedAt = now;
  }
  if (result.formId !== undefined && result.formId !== previous?.formId) {
    const form = config.fields.assertForm(result.formId);
    const outside = Object.keys(result.fields).filter((key) => !form.fieldKeys.includes(key));
    if (outside.length > 0) {
      throw new ValidationError(
        `Form ${form.id} does not have fields ${outside.join(', ')}: clear them in the same change`,
        outside.map((key) => ({
          path: `fields.${key}`,
          message: `not a field of form ${form.id}`,
          code: 'not_on_form',
        })),
        { details: { outsideForm: outside } },
      );
    }
  }
  const changedFields = Object.keys(result.fields).some((key) => !sameValue(result.fields[key], previous?.fields[key]));
  const touched =
    !previous ||
    result.status !== from ||
    result.formId !== previous.formId ||
    changedFields ||
    removedField(previous, result);
  if (touched && checksRequirements(actor) && !options.viaMerge) {
    const missing = config.fields.missingRequired(result.fields, result.status, result.formId);
    if (missing.length > 0) {
      throw new ValidationError(
        `Fields required in ${result.status}: ${missing.join(', ')}`,
        missing.map((key) => ({ path: `fields.${key}`, message: `required in ${result.status}`, code: 'required' })),
        { details: { missing, status: result.status } },
      );
    }
  }
  result.attributes = parseInput(attributesSchema, result.attributes, 'ticket attributes');
  return parseInput(ticketSchema, result, 'ticket');
}

function removedField(previous: Ticket, next: Ticket): boolean {
  return Object.keys(previous.fields).some((key) => !(key in next.fields));
}

/**
 * Applies a change request to the current ticket and checks the result: field values
 * against their definitions and the ticket's form, the lifecycle, requirements.
 */
export function applyChanges(current: Ticket, request: ChangeRequest, env: ChangeEnv): Ticket {
  const formId = request.formId === undefined ? current.formId : (request.formId ?? undefined);
  const fields = request.fields ? env.config.fields.validateValues(request.fields, formId) : undefined;
  if (request.customStatusId) env.config.statuses.resolve(request.customStatusId, request.status);
  const next = projectChanges(current, fields ? { ...request, fields } : request, env.config.statuses);
  return finishTicket(current, next, env);
}
