import { ValidationError } from '@hotline/core';
import type { HistoryEntry } from '../model/history.js';
import type { Ticket } from '../model/ticket.js';

/** What a history entry means to SLA clocks. */
export interface TimelinePoint {
  /** Epoch ms of the write. */
  readonly at: number;
  /** The ticket version after the write (1 for the creating write). */
  readonly version: number;
  /** The ticket as it was right after the write. */
  readonly ticket: Ticket;
  /** A public comment the write added, by who wrote it (internal and system comments do not count). */
  readonly reply?: 'agent' | 'requester';
  readonly entry?: HistoryEntry;
}

/**
 * Rebuilds the ticket as it was after each history entry, oldest first. It walks back
 * from the current ticket undoing each entry's changes (`property` set back to `from`),
 * so it needs nothing from the creating entry but its time, and it sees every property
 * the conditions of a policy may read, custom fields included.
 *
 * With no history the ticket is taken as it is now, created at `createdAt`.
 *
 * @throws ValidationError if an entry belongs to another ticket or versions repeat.
 */
export function buildTimeline(ticket: Ticket, history: readonly HistoryEntry[]): TimelinePoint[] {
  if (history.length === 0) return [{ at: Date.parse(ticket.createdAt), version: 1, ticket }];
  const entries = isSorted(history) ? history : [...history].sort((a, b) => a.version - b.version);
  const points = new Array<TimelinePoint>(entries.length);
  let state = ticket;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as HistoryEntry;
    if (entry.ticketId !== ticket.id)
      throw new ValidationError(`history entry ${entry.version} belongs to ticket ${entry.ticketId}`, [
        { path: `history.${i}.ticketId`, message: `expected ${ticket.id}` },
      ]);
    const next = entries[i + 1];
    if (next !== undefined && next.version === entry.version)
      throw new ValidationError(`history has two entries for version ${entry.version}`, [
        { path: `history.${i}.version`, message: 'versions are unique' },
      ]);
    const comment = entry.comment;
    const reply =
      comment?.public === true && (comment.author === 'agent' || comment.author === 'requester')
        ? comment.author
        : undefined;
    points[i] = { at: Date.parse(entry.at), version: entry.version, ticket: state, entry, ...(reply ? { reply } : {}) };
    if (i > 0 && entry.changes.length > 0) state = undo(state, entry);
  }
  return points;
}

function isSorted(history: readonly HistoryEntry[]): boolean {
  for (let i = 1; i < history.length; i++)
    if ((history[i] as HistoryEntry).version < (history[i - 1] as HistoryEntry).version) return false;
  return true;
}

/** The ticket before `entry`: a shallow copy with each changed property set back to `from`. */
function undo(after: Ticket, entry: HistoryEntry): Ticket {
  const before = { ...after } as Record<string, unknown>;
  let fields: Record<string, unknown> | undefined;
  for (let i = entry.changes.length - 1; i >= 0; i--) {
    const change = entry.changes[i] as HistoryEntry['changes'][number];
    if (change.property.startsWith('fields.')) {
      fields ??= { ...after.fields };
      assign(fields, change.property.slice(7), change.from);
    } else if (!change.property.includes('.')) {
      assign(before, change.property, change.from);
    }
  }
  if (fields !== undefined) before.fields = fields;
  return before as Ticket;
}

function assign(record: Record<string, unknown>, key: string, value: unknown): void {
  // Never let a recorded property name reach an object's prototype.
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') return;
  if (value === undefined) delete record[key];
  else record[key] = value;
}
