import type { AuditAppendInput } from '@hotline/core';
import { type Actor, actorLabel } from '../model/actor.js';
import type { HistoryEntry } from '../model/history.js';

// The audit record of one ticket write: the history entry in the audit log's shape, with
// old and new values and the actor's label, so "who changed this, and from what" is
// answerable from the tamper-evident chain alone.

const ID_UNSAFE = /[^A-Za-z0-9_.:-]/g;

function auditActor(actor: Actor): AuditAppendInput['actor'] {
  const name = actorLabel(actor);
  switch (actor.type) {
    case 'agent':
      return { kind: 'agent', id: actor.id, name };
    case 'requester':
      return { kind: 'contact', id: actor.id, name };
    case 'integration':
      return { kind: 'integration', id: actor.id, name };
    case 'trigger':
    case 'automation':
    case 'sla':
      return { kind: 'rule', id: actor.id, name };
    case 'system':
      return {
        kind: 'system',
        id: actor.reason.replace(ID_UNSAFE, '_').replace(/^[^A-Za-z0-9]/, 's') || 'system',
        name,
      };
  }
}

/** The audit log input for one history entry (`action` is `ticket.<kind>`). */
export function auditInputFor(entry: HistoryEntry, principalId?: string): AuditAppendInput {
  const changes: Record<string, { from?: unknown; to?: unknown }> = {};
  for (const change of entry.changes) changes[change.property] = { from: change.from ?? null, to: change.to ?? null };
  const details: Record<string, unknown> = {
    version: entry.version,
    depth: entry.depth,
    actor: actorLabel(entry.actor),
  };
  if (entry.comment) details['comment'] = { ...entry.comment };
  if (principalId !== undefined) details['principal'] = principalId;
  if (entry.meta) details['meta'] = entry.meta;
  return {
    actor: auditActor(entry.actor),
    action: `ticket.${entry.kind}`,
    resource: { type: 'ticket', id: entry.ticketId },
    changes: changes as AuditAppendInput['changes'],
    details: details as AuditAppendInput['details'],
  };
}
