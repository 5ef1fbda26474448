import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ErrorCode, httpStatusForCode, isHotlineError } from '@hotline/core';
import type { InternalErrorReporter } from '../webchat/wire-errors.js';
import { WireFault } from '../webchat/wire-errors.js';

/** An HTTP error answer: a core code, a stable reason, and the status when it is not the code's usual one. */
export class HttpFault extends WireFault {
  constructor(
    code: ErrorCode,
    reason: string,
    message: string,
    readonly httpStatus = httpStatusForCode(code),
    retryAfterMs?: number,
  ) {
    super(code, reason, message, retryAfterMs === undefined ? {} : { retryAfterMs });
  }
}

/**
 * Answers JSON with the given status (`no-store`, `nosniff`); once headers are out it only
 * ends the response. Shared by the gateway's upload endpoints and `@hotline/server`.
 *
 * @example
 * ```ts
 * sendJson(res, 200, { ok: true });
 * ```
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const data = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(data),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(data);
}

/** Answers an error as `{ "error": { code, reason, message } }` with its status; unexpected errors are reported. */
export function sendError(res: ServerResponse, error: unknown, report: InternalErrorReporter, close = false): void {
  if (!isHotlineError(error) || error.code === 'INTERNAL') {
    report(error, 'webchat upload');
    sendJson(
      res,
      500,
      { error: { code: 'INTERNAL', message: 'internal error' } },
      close ? { Connection: 'close' } : {},
    );
    return;
  }
  const status = error instanceof HttpFault ? error.httpStatus : error.status;
  const reason = error instanceof WireFault ? error.reason : error.details['reason'];
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  if (typeof reason === 'string') body['reason'] = reason;
  const headers: Record<string, string> = {};
  const retryAfterMs = error instanceof WireFault ? error.extra.retryAfterMs : undefined;
  if (retryAfterMs !== undefined) {
    body['retryAfterMs'] = retryAfterMs;
    headers['Retry-After'] = String(Math.ceil(retryAfterMs / 1000));
  }
  // The request body may still be coming: closing stops reading it.
  if (close || status === 413) headers['Connection'] = 'close';
  sendJson(res, status, { error: body }, headers);
}

/**
 * Reads a request body up to `max` bytes. Past that it stops reading and answers
 * `'too_large'` (a declared `Content-Length` past it is refused before reading anything).
 */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too_large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve('too_large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > max) {
        cleanup();
        req.pause();
        resolve('too_large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, total));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** CORS headers: uploads authenticate with a bearer token (never cookies), so echoing the origin is safe. */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (origin === undefined) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'POST, GET, HEAD, OPTIONS',
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Filename',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  };
}

/**
 * The file name from `X-Filename` (URL-encoded). Names are only ever shown, never used as
 * paths; still, a name with a path separator, a control character or nothing but dots is
 * refused (`bad_filename`), since no browser sends one.
 */
export function fileNameOf(header: string | string[] | undefined): string {
  if (header === undefined) return 'file';
  const raw = Array.isArray(header) ? header[0] : header;
  let name: string;
  try {
    name = decodeURIComponent(raw ?? '').normalize('NFC');
  } catch {
    throw badFileName();
  }
  name = name.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (name.length === 0 || name.length > 255 || /[/\\\u0000-\u001f\u007f]/.test(name) || /^\.+$/.test(name)) {
    throw badFileName();
  }
  return name;
}

function badFileName(): HttpFault {
  return new HttpFault('VALIDATION_FAILED', 'bad_filename', 'file name must be a plain name without path');
}
