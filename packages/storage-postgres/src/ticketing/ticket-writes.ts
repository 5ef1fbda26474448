import { AlreadyExistsError, isHotlineError, ValidationError } from '@hotline/core';
import type { TicketComment, TicketWrite } from '@hotline/ticketing';
import type { Queryable } from '../driver/sql-driver.js';

function malformed(message: string, path: string): ValidationError {
  return new ValidationError(`Malformed ticket write: ${message}`, [{ path, message }]);
}

/**
 * The checks the store owes the contract before touching the database: the entry carries
 * the version the ticket is stored with, and every record names the ticket. Comment ids
 * repeated within the write are refused here, as the database would only see the second.
 */
export function checkTicketWrite(write: TicketWrite, version: number): void {
  const { ticket, entry } = write;
  if (entry.version !== version) throw malformed(`the entry must have version ${version}`, 'entry.version');
  if (entry.tenantId !== ticket.tenantId || entry.ticketId !== ticket.id) {
    throw malformed('the entry must name the ticket', 'entry.ticketId');
  }
  const seen = new Set<string>();
  for (const [index, comment] of (write.comments ?? []).entries()) {
    if (comment.tenantId !== ticket.tenantId || comment.ticketId !== ticket.id) {
      throw malformed('comments must name the ticket', `comments.${index}.ticketId`);
    }
    if (seen.has(comment.id)) throw commentIdTaken(comment.id);
    seen.add(comment.id);
  }
}

function commentIdTaken(id: string): AlreadyExistsError {
  return new AlreadyExistsError('comment', id, { details: { reason: 'comment_id' } });
}

function clientIdTaken(comment: TicketComment, holderId: string): AlreadyExistsError {
  return new AlreadyExistsError('comment', comment.id, {
    details: { reason: 'client_comment_id', commentId: holderId, clientCommentId: comment.clientCommentId },
  });
}

/** A ticket id already taken in the tenant. */
export function ticketIdTaken(ticketId: string): AlreadyExistsError {
  return new AlreadyExistsError('ticket', ticketId, { details: { reason: 'id' } });
}

/** A ticket number already held by another ticket of the tenant. */
export function numberTaken(ticketId: string, number: number): AlreadyExistsError {
  return new AlreadyExistsError('ticket', ticketId, { details: { reason: 'number', number } });
}

/**
 * Appends the write's history entry and comments on `q`, inside the write's transaction.
 * Taken comment ids and idempotency keys are looked up first so the error names the
 * holder; a concurrent writer that slips in between still hits the unique indexes.
 */
export async function appendEntryAndComments(q: Queryable, write: TicketWrite): Promise<void> {
  const { ticket, entry } = write;
  await q.query('INSERT INTO hl_ticket_history (tenant_id, ticket_id, version, data) VALUES ($1, $2, $3, $4)', [
    ticket.tenantId,
    ticket.id,
    entry.version,
    JSON.stringify(entry),
  ]);
  const comments = write.comments ?? [];
  if (comments.length === 0) return;
  const keys = comments.flatMap((c) => (c.clientCommentId === undefined ? [] : [c.clientCommentId]));
  const { rows: taken } = await q.query<{ id: string; ticket_id: string; client_comment_id: string | null }>(
    `SELECT id, ticket_id, client_comment_id FROM hl_ticket_comments
     WHERE tenant_id = $1 AND (id = ANY($2::text[]) OR (ticket_id = $3 AND client_comment_id = ANY($4::text[])))`,
    [ticket.tenantId, comments.map((c) => c.id), ticket.id, keys],
  );
  const batchKeys = new Map<string, string>();
  for (const comment of comments) {
    if (taken.some((row) => row.id === comment.id)) throw commentIdTaken(comment.id);
    const key = comment.clientCommentId;
    if (key === undefined) continue;
    const holder =
      taken.find((row) => row.ticket_id === ticket.id && row.client_comment_id === key)?.id ?? batchKeys.get(key);
    if (holder !== undefined) throw clientIdTaken(comment, holder);
    batchKeys.set(key, comment.id);
  }
  for (const comment of comments) {
    try {
      await q.query(
        `INSERT INTO hl_ticket_comments (tenant_id, id, ticket_id, client_comment_id, created_at, data)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          ticket.tenantId,
          comment.id,
          ticket.id,
          comment.clientCommentId ?? null,
          comment.createdAt,
          JSON.stringify(comment),
        ],
      );
    } catch (error) {
      throw raceLoser(error, comment);
    }
  }
}

/** A unique violation from a concurrent writer, in the contract's words. */
function raceLoser(error: unknown, comment: TicketComment): unknown {
  if (!isHotlineError(error, 'ALREADY_EXISTS')) return error;
  if (error.details['constraint'] === 'hl_ticket_comments_client') {
    return new AlreadyExistsError('comment', comment.id, {
      cause: error,
      details: { reason: 'client_comment_id', clientCommentId: comment.clientCommentId },
    });
  }
  return new AlreadyExistsError('comment', comment.id, { cause: error, details: { reason: 'comment_id' } });
}
