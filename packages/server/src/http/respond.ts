import type { ServerResponse } from 'node:http';
import { sendJson } from '@hotline/channels';
import { HotlineError, type HotlineErrorJSON, isHotlineError } from '@hotline/core';

/**
 * The HTTP status and `{ error }` body for anything a handler threw. Errors that are not
 * Hotline's own are bugs: the client gets a generic `INTERNAL`, never the message or stack
 * (which may name tables, paths or customer data).
 */
export function errorResponse(error: unknown): { status: number; body: { error: HotlineErrorJSON } } {
  const hotline = isHotlineError(error) ? error : new HotlineError('INTERNAL', 'internal error');
  const json = hotline.toJSON();
  return { status: hotline.status, body: { error: { ...json, details: json.details ?? {} } } };
}

/** Sends the error response of {@link errorResponse}. */
export function sendError(res: ServerResponse, error: unknown): number {
  const { status, body } = errorResponse(error);
  if (res.headersSent) {
    res.destroy();
    return status;
  }
  const retryAfterMs = isHotlineError(error) ? error.details.retryAfterMs : undefined;
  const headers: Record<string, string> =
    typeof retryAfterMs === 'number' ? { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) } : {};
  sendJson(res, status, body, headers);
  return status;
}
