import type { HistoryEntry } from '../model/history.js';
import type { WriteContext } from '../model/ports.js';
import type { Ticket } from '../model/ticket.js';
import { readProperty, writeProperty } from './ticket-diff.js';
import type { WritePipeline } from './write-pipeline.js';

// History carries old and new values, so it must not show what the ticket itself hides:
// through the guard's `redactEntry` when it has one, otherwise each value goes through
// the guard's ticket redaction as if it were the ticket's current value.

/** The entries with every value redacted the way the principal sees the ticket. */
export function redactHistory(
  ctx: WriteContext,
  ticket: Ticket,
  entries: readonly HistoryEntry[],
  pipeline: Pick<WritePipeline, 'redact' | 'redactEntry'>,
): HistoryEntry[] {
  if (!ctx.principal) return [...entries];
  // The guard's own entry redaction leaves changes to unreadable properties out entirely.
  const redactEntry = pipeline.redactEntry;
  if (redactEntry) return entries.map((entry) => redactEntry(ctx, entry, ticket));
  const seen = (property: string, value: unknown): unknown => {
    if (value === null || value === undefined) return value;
    const probe = writeProperty(ticket, property, value);
    return readProperty(pipeline.redact(ctx, probe), property);
  };
  return entries.map((entry) => ({
    ...entry,
    changes: entry.changes.map((change) => ({
      property: change.property,
      from: seen(change.property, change.from),
      to: seen(change.property, change.to),
    })),
  }));
}
